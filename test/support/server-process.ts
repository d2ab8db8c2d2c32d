/** The real server as a child process (`src/start.ts` through tsx) on a database file, for process-level tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { expect } from 'vitest';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** SIGTERM, and the exit code once it has exited. */
  stop(): Promise<number | null>;
}

export async function startServerProcess(
  databasePath: string,
  token: string,
  children: ChildProcess[],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/start.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      DATABASE_PATH: databasePath,
      SLA_BOOTSTRAP_TOKEN: token,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${output}`)),
      15_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) =>
      reject(new Error(`server exited with ${code}:\n${output}`)),
    );
  });
  const exited = new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.exitCode)
      : child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    url,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** One API call with a bearer token; the JSON answer and its status. */
export async function callApi(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/**
 * The database file is intact (`integrity_check`) and every row of `table` came with its `action` audit
 * entry in the same transaction: none half-written.
 */
export function expectIntactWithAudit(
  databasePath: string,
  table: 'claims' | 'customers',
  action: string,
): void {
  const db = new Database(databasePath, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const orphans = db
      .prepare(
        `select count(*) n from ${table} where id not in (select entity_id from audit_log where action = ?)`,
      )
      .get(action) as { n: number };
    expect(orphans.n, `${table} without their ${action} audit entry`).toBe(0);
  } finally {
    db.close();
  }
}
