/**
 * `cli backup` and `cli restore`. A backup is SQLite's online backup of the live database, taken in one
 * step (one read transaction, so a consistent snapshot however busy the server is) into a temporary
 * file renamed into place, and left as one self-contained file (rollback-journal mode, no -wal beside
 * it). A restore checks the backup, then swaps it in atomically.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import {
  describeLevel,
  type MigrationLevel,
  migrationLevel,
} from '../db/migrations';
import { describeHolder, serverHolding } from '../db/server-lock';
import { InputError } from './calc';

/** All remaining pages in one step: a step is one read transaction, so the copy is one consistent snapshot. */
const ALL_PAGES = 0x7fffffff;

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Copies the open database `source` to `target` through `target.partial`, renamed into place when complete. */
async function copyDatabase(
  source: Database.Database,
  target: string,
): Promise<number> {
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  try {
    const { totalPages } = await source.backup(partial, {
      progress: () => ALL_PAGES,
    });
    const copy = new Database(partial);
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    fsyncPath(partial);
    renameSync(partial, target);
    fsyncPath(dirname(target));
    return totalPages;
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

function openExisting(path: string, what: string): Database.Database {
  try {
    return new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new InputError(
      `cannot open the ${what} ${path}: ${(error as Error).message}`,
    );
  }
}

/** One online backup of the database at `databasePath` into the file `target`. */
export async function backupDatabase(
  databasePath: string,
  target: string,
): Promise<{ totalPages: number }> {
  // The live database as it is: read-only, never created or migrated by a mistyped path.
  const source = openExisting(databasePath, 'database');
  try {
    if (!existsSync(dirname(target)))
      throw new InputError(`the directory of ${target} does not exist`);
    return { totalPages: await copyDatabase(source, target) };
  } finally {
    source.close();
  }
}

const BACKUP_NAME = /^gengaku-\d{8}T\d{6}Z\.db$/;

/** `gengaku-20260201T000000Z.db`: UTC, so names sort in time order. */
export function backupFileName(at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `gengaku-${stamp}.db`;
}

/** Removes the oldest timestamped backups in `dir` beyond the newest `keep`; returns the paths removed. */
export function pruneBackups(dir: string, keep: number): string[] {
  const backups = readdirSync(dir)
    .filter((name) => BACKUP_NAME.test(name))
    .sort()
    .reverse();
  const removed = backups.slice(keep).map((name) => join(dir, name));
  for (const path of removed) rmSync(path, { force: true });
  return removed;
}

/** One backup into `dir` under a timestamped name, then retention to the newest `keep` (all without it). */
export async function backupIntoDirectory(
  databasePath: string,
  dir: string,
  options: { keep?: number; now: Date },
): Promise<{ file: string; totalPages: number; removed: string[] }> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, backupFileName(options.now));
  const { totalPages } = await backupDatabase(databasePath, file);
  const removed =
    options.keep === undefined ? [] : pruneBackups(dir, options.keep);
  return { file, totalPages, removed };
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90s`, `15m`, `1h`, `1d` in milliseconds. */
export function parseEvery(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  const amount = Number(match?.[1]);
  if (!match || !(amount > 0))
    throw new InputError(
      `--every: a whole number and a unit s, m, h or d, such as 1h or 30m; got ${text}`,
    );
  return amount * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

export function parseKeep(text: string): number {
  const keep = Number(text);
  if (!Number.isInteger(keep) || keep < 1)
    throw new InputError(`--keep: a whole number of at least 1; got ${text}`);
  return keep;
}

export interface RestoreResult {
  level: MigrationLevel;
  /** What else the operator should know, such as a stale server lock ignored. */
  notes: string[];
}

/**
 * Replaces the database at `databasePath` with the backup: refused while a server holds it, when the
 * backup fails `integrity_check`, or when it was migrated by a newer version than this one.
 */
export async function restoreDatabase(
  backupPath: string,
  databasePath: string,
): Promise<RestoreResult> {
  const notes: string[] = [];
  const refuseIfHeld = () => {
    const holder = serverHolding(databasePath);
    if (holder && !holder.stale)
      throw new InputError(
        `refusing to restore over ${databasePath}: a Gengaku server holds it (${describeHolder(holder)}). ` +
          `Stop the server first; if none runs, remove ${basename(databasePath)}.server.json`,
      );
    return holder;
  };
  const stale = refuseIfHeld();
  if (stale)
    notes.push(
      `ignored a stale server lock (${describeHolder(stale)}: no longer running)`,
    );

  const backup = openExisting(backupPath, 'backup');
  try {
    let integrity: string[];
    try {
      integrity = (
        backup.pragma('integrity_check') as { integrity_check: string }[]
      ).map((row) => row.integrity_check);
    } catch (error) {
      throw new InputError(
        `the backup ${backupPath} is damaged: ${(error as Error).message}`,
      );
    }
    if (integrity.length !== 1 || integrity[0] !== 'ok')
      throw new InputError(
        `the backup ${backupPath} fails integrity_check: ${integrity.slice(0, 5).join('; ')}`,
      );
    const level = migrationLevel(backup);
    if (level.state === 'none')
      throw new InputError(
        `the backup ${backupPath} is not a Gengaku database (no migrations recorded)`,
      );
    if (level.state === 'ahead')
      throw new InputError(
        `the backup ${backupPath} was ${describeLevel(level)}: upgrade Gengaku to that version first, then restore`,
      );

    mkdirSync(dirname(databasePath), { recursive: true });
    const restoring = `${databasePath}.restoring`;
    await copyDatabase(backup, restoring);
    // Checked again just before the swap: a server may have started meanwhile.
    refuseIfHeld();
    // The old database's write-ahead log and shared memory belong to it: beside the new file they would be
    // replayed into it. They go first, so no moment pairs the new file with the old log.
    for (const suffix of ['-wal', '-shm', '-journal'])
      rmSync(`${databasePath}${suffix}`, { force: true });
    renameSync(restoring, databasePath);
    fsyncPath(dirname(databasePath));
    return { level, notes };
  } finally {
    backup.close();
  }
}
