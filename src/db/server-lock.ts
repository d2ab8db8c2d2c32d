/**
 * A running server leaves `<database>.server.json` beside its database (pid, host, start time) and removes
 * it when it closes, so `cli restore` can refuse to replace a database in use. SQLite's own locks cannot
 * tell: in WAL mode an idle server holds none. A server killed outright leaves the file behind; its pid
 * is then no longer running, and the file counts as stale.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ServerLock {
  pid: number;
  hostname: string;
  startedAt: string;
}

export const serverLockPath = (databasePath: string) =>
  `${databasePath}.server.json`;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Who holds the database, if anyone: `stale` when the process that wrote the file no longer runs on this
 * host. A lock from another host is never taken as stale, since its process cannot be looked at from here.
 */
export function serverHolding(
  databasePath: string,
): (ServerLock & { stale: boolean }) | null {
  let lock: ServerLock;
  try {
    lock = JSON.parse(readFileSync(serverLockPath(databasePath), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(
      `cannot read ${serverLockPath(databasePath)}: ${(error as Error).message}`,
    );
  }
  const stale = lock.hostname === hostname() && !isRunning(lock.pid);
  return { ...lock, stale };
}

/** Marks the database as held by this process until `release()`; returns a live holder it replaced, if any. */
export function holdDatabase(
  databasePath: string,
  now: Date,
): { previous: ServerLock | null; release(): void } {
  const existing = serverHolding(databasePath);
  const lock: ServerLock = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: now.toISOString(),
  };
  writeFileSync(serverLockPath(databasePath), `${JSON.stringify(lock)}\n`);
  return {
    previous: existing && !existing.stale ? existing : null,
    release() {
      // Leave it alone if another server has written its own since.
      const current = serverHolding(databasePath);
      if (current?.pid === lock.pid && current.hostname === lock.hostname)
        rmSync(serverLockPath(databasePath), { force: true });
    },
  };
}

export function describeHolder(lock: ServerLock): string {
  return `pid ${lock.pid} on ${lock.hostname}, started ${lock.startedAt}`;
}
