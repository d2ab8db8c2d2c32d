/**
 * Real server processes (`src/start.ts` through tsx) and the operators' command line as processes, on
 * database files in a scratch folder: for the tests that kill, restart, back up or race servers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { NO_CHROMIUM, TEST_ISSUER } from './app';

/** The first admin's token of every server started here (SLA_BOOTSTRAP_TOKEN). */
export const BOOTSTRAP_TOKEN = 'gk_server_process_admin';
export const HOUR = 3_600_000;
/** Starting a server from source takes seconds; on a busy machine several of them take their time. */
const START_TIMEOUT_MS = 60_000;

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

export interface Server {
  child: ChildProcess;
  url: string;
  /** An API call (under /api/v1) with the bootstrap admin's token unless another is given. */
  call(
    method: string,
    path: string,
    body?: unknown,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<Answer>;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a graceful close); resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface ServerOptions {
  /** Added to (or overriding) the environment a server starts with, e.g. `SLA_POLICY`. */
  env?: Record<string, string>;
}

/**
 * A temporary folder for one test file's databases. Servers start with the bootstrap token, the test
 * issuer (so notices can be approved) and no Chromium (the PDFs printed after an approval fail fast
 * instead of loading the machine). `cleanUp` kills every process left running and removes the folder.
 */
export function scratch(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `gengaku-${prefix}-`));
  const children: ChildProcess[] = [];
  return {
    path: (name: string) => join(dir, name),
    start: async (databasePath: string, options: ServerOptions = {}) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/start.ts'],
        {
          env: {
            ...process.env,
            PORT: '0',
            DATABASE_PATH: databasePath,
            SLA_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN,
            SLA_ISSUER_NAME: TEST_ISSUER.name,
            SLA_ISSUER_REGISTRATION: TEST_ISSUER.registrationNumber,
            SLA_CHROMIUM_PATH: NO_CHROMIUM,
            // The server says where it listens in its info log.
            LOG_LEVEL: 'info',
            ...options.env,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      children.push(child);
      return serverOf(child);
    },
    /** `cli <args>` from source, run beside the test (not blocking it); its exit code and output. */
    cli: (...args: string[]) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', ...args],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(child);
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      return new Promise<{ code: number | null; output: string }>((resolve) =>
        child.once('exit', (code) => resolve({ code, output })),
      );
    },
    cleanUp: () => {
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null)
          child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Scratch = ReturnType<typeof scratch>;

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.exitCode)
      : child.once('exit', (code) => resolve(code)),
  );

async function serverOf(child: ChildProcess): Promise<Server> {
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${output}`)),
      START_TIMEOUT_MS,
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
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  // Keep reading its log, so a full pipe never stalls it.
  child.stdout!.resume();
  return {
    child,
    url,
    call: async (method, path, body, options = {}) => {
      const response = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token ?? BOOTSTRAP_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text === '' ? undefined : JSON.parse(text),
      };
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
    stop: async () => {
      child.kill('SIGTERM');
      return exited(child);
    },
  };
}

/**
 * A contract of the customer with one qualifying 48 h outage that ended a week ago (the server's clock
 * is the real one, so the outage is placed by it, well inside its claim window), and the outage's start.
 * Its credit is 2 days of the monthly fee (¥30,000 unless given).
 */
export async function contractWithOutage(
  server: Server,
  customerId: string,
  contractNumber: string,
  monthlyFee = 30_000,
): Promise<{ contractId: string; outageStart: string; incidentId: string }> {
  const contract = await server.call('POST', '/contracts', {
    customerId,
    contractNumber,
    licenses: 100,
    concurrentDevices: 2000,
    servers: 1,
    region: 'jp-east',
    redundancy: false,
    billingStartDate: '2025-01-01',
    monthlyFee,
  });
  if (contract.status !== 201) throw new Error(JSON.stringify(contract.body));
  const startMs = Math.floor(Date.now() / HOUR) * HOUR - 9 * 24 * HOUR;
  const start = new Date(startMs).toISOString();
  const incident = await server.call('POST', '/incidents', {
    title: `outage of ${contractNumber}`,
    cause: 'provider',
    severity: 'total',
    scope: { contractIds: [contract.body.id] },
    awareAt: start,
    intervals: [{ start, end: new Date(startMs + 48 * HOUR).toISOString() }],
  });
  if (incident.status !== 201) throw new Error(JSON.stringify(incident.body));
  return {
    contractId: contract.body.id,
    outageStart: start,
    incidentId: incident.body.id,
  };
}

/** A new user of the role (a customer needs its customer), and its API token. */
export async function userOf(
  server: Server,
  role: 'admin' | 'support' | 'finance' | 'customer',
  email: string,
  customerId?: string,
): Promise<{ id: string; token: string }> {
  const user = await server.call('POST', '/users', {
    name: `${role} ${email}`,
    email,
    role,
    ...(customerId === undefined ? {} : { customerId }),
  });
  if (user.status !== 201) throw new Error(JSON.stringify(user.body));
  return { id: user.body.id, token: user.body.token };
}

/** The database file, read-only, for `check`; closed after. */
export function inspect<T>(
  databasePath: string,
  check: (db: Database.Database) => T,
): T {
  const db = new Database(databasePath, { readonly: true });
  try {
    return check(db);
  } finally {
    db.close();
  }
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
  inspect(databasePath, (db) => {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const orphans = db
      .prepare(
        `select count(*) n from ${table} where id not in (select entity_id from audit_log where action = ?)`,
      )
      .get(action) as { n: number };
    expect(orphans.n, `${table} without their ${action} audit entry`).toBe(0);
  });
}
