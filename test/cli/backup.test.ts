/**
 * `cli backup` (once, into a directory with retention, on a schedule) and `cli restore` (its refusals,
 * older backups, the atomic swap), as an operator runs them: as processes.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import {
  backupDatabase,
  backupFileName,
  backupIntoDirectory,
  parseEvery,
  restoreDatabase,
} from '../../src/cli/backup';
import { openStore } from '../../src/db/client';
import { describeLevel, migrationLevel } from '../../src/db/migrations';
import { serverLockPath } from '../../src/db/server-lock';
import { MIGRATIONS_DIR } from '../../src/paths';
import { cliIn } from '../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'gengaku-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = cliIn(dir);

let databases = 0;
/** A migrated database with one customer in it. */
function makeDatabase(name = `db${++databases}`): string {
  const path = join(dir, `${name}.db`);
  const store = openStore(path);
  store.sqlite
    .prepare(
      `insert into customers (id, name, created_at) values ('cust-${name}', 'Backup K.K.', 0)`,
    )
    .run();
  store.close();
  return path;
}

const customerIn = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('select id from customers').all();
  } finally {
    db.close();
  }
};

describe('cli backup', () => {
  it('names backups by UTC time and keeps the newest --keep of them', async () => {
    expect(backupFileName(new Date('2026-02-01T09:30:05.123+09:00'))).toBe(
      'gengaku-20260201T003005Z.db',
    );
    const database = makeDatabase();
    const backups = join(dir, 'kept');
    const made: string[] = [];
    for (const at of [
      '2026-02-01T00:00:00Z',
      '2026-02-01T01:00:00Z',
      '2026-02-01T02:00:00Z',
    ]) {
      const done = await backupIntoDirectory(database, backups, {
        keep: 2,
        now: new Date(at),
      });
      made.push(done.file);
    }
    writeFileSync(join(backups, 'notes.txt'), 'not a backup');
    expect(readdirSync(backups).sort()).toEqual([
      'gengaku-20260201T010000Z.db',
      'gengaku-20260201T020000Z.db',
      'notes.txt',
    ]);
    // Each backup is one self-contained file: no write-ahead log needed beside it.
    const copy = new Database(made[2]!, { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    expect(customerIn(made[2]!)).toHaveLength(1);
  });

  it('reads intervals such as 1h and 30m, and refuses others', () => {
    expect(parseEvery('1h')).toBe(3_600_000);
    expect(parseEvery('30m')).toBe(1_800_000);
    expect(parseEvery('1d')).toBe(86_400_000);
    expect(() => parseEvery('0h')).toThrow('--every');
    expect(() => parseEvery('1 hour')).toThrow('--every');
    const bad = cli('backup', join(dir, 'x'), '--keep', '0');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--keep');
  });

  it('runs on a schedule until stopped, pruning as it goes', async () => {
    const database = makeDatabase();
    const backups = join(dir, 'scheduled');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'backup',
        backups,
        '--every',
        '1s',
        '--keep',
        '2',
        '--database',
        database,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if ((output.match(/backed up/g) ?? []).length >= 3) resolve();
      });
      child.once('exit', () => reject(new Error(`exited early:\n${output}`)));
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', resolve),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('removed the old backup');
    const files = readdirSync(backups);
    expect(files).toHaveLength(2);
    for (const file of files)
      expect(customerIn(join(backups, file))).toHaveLength(1);
  }, 30_000);
});

describe('cli restore', () => {
  it('restores a backup over a database, removing the old one’s -wal and -shm', () => {
    const backup = join(dir, 'restore-me.db');
    expect(
      cli('backup', backup, '--database', makeDatabase('source')).status,
    ).toBe(0);
    const target = makeDatabase('target');
    writeFileSync(
      `${target}-wal`,
      'a stale log of the database being replaced',
    );
    writeFileSync(`${target}-shm`, 'stale shared memory');
    const restored = cli('restore', backup, '--database', target);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(
      /integrity_check ok; all \d+ migrations applied/,
    );
    expect(existsSync(`${target}-wal`)).toBe(false);
    expect(existsSync(`${target}-shm`)).toBe(false);
    expect(
      readdirSync(dir).filter((name) => name.includes('.restoring')),
    ).toEqual([]);
    expect(customerIn(target)).toEqual([{ id: 'cust-source' }]);
    const store = openStore(target);
    expect(migrationLevel(store.sqlite).state).toBe('current');
    store.close();
  });

  it('refuses while a server holds the database, and ignores the lock of one that no longer runs', async () => {
    const backup = join(dir, 'held-backup.db');
    await backupDatabase(makeDatabase(), backup);
    const target = makeDatabase('held');
    // This test's own process stands for the running server.
    writeFileSync(
      serverLockPath(target),
      JSON.stringify({
        pid: process.pid,
        hostname: hostname(),
        startedAt: '2026-02-01T00:00:00.000Z',
      }),
    );
    await expect(restoreDatabase(backup, target)).rejects.toThrow(
      `a Gengaku server holds it (pid ${process.pid} on ${hostname()}`,
    );
    expect(customerIn(target)).toEqual([{ id: 'cust-held' }]);

    const finished = spawnSync(process.execPath, ['-e', '0']);
    writeFileSync(
      serverLockPath(target),
      JSON.stringify({
        pid: finished.pid,
        hostname: hostname(),
        startedAt: '2026-02-01T00:00:00.000Z',
      }),
    );
    const restored = cli('restore', backup, '--database', target);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(
      `ignored a stale server lock (pid ${finished.pid}`,
    );
  });

  it('refuses a damaged backup, one from a newer version, and a file that is no Gengaku database', async () => {
    const good = join(dir, 'good.db');
    await backupDatabase(makeDatabase(), good);
    const target = makeDatabase('untouched');

    const damaged = join(dir, 'damaged.db');
    const bytes = readFileSync(good);
    // Garbage over every page after the first: the schema page stays readable, the tables do not.
    bytes.fill(0xa5, 4096);
    writeFileSync(damaged, bytes);
    await expect(restoreDatabase(damaged, target)).rejects.toThrow(
      /damaged|fails integrity_check/,
    );

    const newer = join(dir, 'newer.db');
    cpSync(good, newer);
    const db = new Database(newer);
    db.prepare(
      'insert into __drizzle_migrations (hash, created_at) values (?, (select max(created_at) + 1 from __drizzle_migrations))',
    ).run('a-migration-of-a-later-version');
    db.close();
    await expect(restoreDatabase(newer, target)).rejects.toThrow(
      'was migrated by a newer version: 1 migrations this version does not know: upgrade Gengaku',
    );

    const stranger = join(dir, 'stranger.db');
    new Database(stranger).exec('create table t (x)');
    // As the operator sees a refusal: exit 2 and the reason.
    const refusedStranger = cli('restore', stranger, '--database', target);
    expect(refusedStranger.status).toBe(2);
    expect(refusedStranger.stderr).toContain('not a Gengaku database');

    expect(customerIn(target)).toEqual([{ id: 'cust-untouched' }]);
  });

  it('restores a backup of an older version, which the next start migrates', async () => {
    // A database made by the code before the latest migration.
    const journal = JSON.parse(
      readFileSync(join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8'),
    );
    const older = join(dir, 'older-migrations');
    mkdirSync(join(older, 'meta'), { recursive: true });
    cpSync(MIGRATIONS_DIR, older, { recursive: true });
    writeFileSync(
      join(older, 'meta/_journal.json'),
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, -1) }),
    );
    const backup = join(dir, 'older.db');
    const sqlite = new Database(backup);
    migrate(drizzle(sqlite), { migrationsFolder: older });
    sqlite.close();

    const target = join(dir, 'fresh/older-restored.db');
    const { level } = await restoreDatabase(backup, target);
    const known = journal.entries.length;
    expect(describeLevel(level)).toBe(
      `${known - 1} of ${known} migrations applied; the next start applies the other 1`,
    );
    const store = openStore(target);
    expect(migrationLevel(store.sqlite)).toMatchObject({
      state: 'current',
      applied: known,
    });
    store.close();
  });
});
