/** Real server processes (`src/start.ts`) on a database file, for the crash and race tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BOOTSTRAP_TOKEN = 'gk_reliability_admin';
export const HOUR = 3_600_000;

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

export interface Server {
  child: ChildProcess;
  url: string;
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

/** A temporary folder for one test file's databases, removed with every server left running. */
export function scratch(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `gengaku-${prefix}-`));
  const children: ChildProcess[] = [];
  return {
    path: (name: string) => join(dir, name),
    start: async (databasePath: string) => {
      const server = await startServer(databasePath);
      children.push(server.child);
      return server;
    },
    cleanUp: () => {
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null)
          child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.exitCode)
      : child.once('exit', (code) => resolve(code)),
  );

async function startServer(databasePath: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/start.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      DATABASE_PATH: databasePath,
      SLA_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${output}`)),
      30_000,
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
 */
export async function contractWithOutage(
  server: Server,
  customerId: string,
  contractNumber: string,
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
    monthlyFee: 30000,
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
