/**
 * How far a database is migrated, compared with this code's `migrations/`. drizzle records each applied
 * migration in `__drizzle_migrations` with the `when` of its journal entry, and applies on open every
 * migration whose `when` is later than the latest recorded one: that latest `when` is the database's level.
 */
import type Database from 'better-sqlite3';
import { type MigrationMeta, readMigrationFiles } from 'drizzle-orm/migrator';
import { MIGRATIONS_DIR } from '../paths';

const MIGRATIONS_TABLE = '__drizzle_migrations';

let known: readonly MigrationMeta[] | undefined;

/** This code's migrations, read once: a server compares databases with the code it runs, not with files deployed since. */
export function knownMigrations(): readonly MigrationMeta[] {
  known ??= readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR });
  return known;
}

export interface MigrationLevel {
  /**
   * `current`: every migration of this code is applied, and none it does not know; `behind`: some are
   * pending (the next open applies them); `ahead`: migrated by newer code; `none`: not a Gengaku database.
   */
  state: 'current' | 'behind' | 'ahead' | 'none';
  /** How many of this code's migrations are applied. */
  applied: number;
  /** How many migrations this code has. */
  known: number;
  /** Applied migrations this code does not have (a newer version's). */
  unknown: number;
}

export function migrationLevel(sqlite: Database.Database): MigrationLevel {
  const migrations = knownMigrations();
  const latestKnown = Math.max(
    0,
    ...migrations.map((migration) => migration.folderMillis),
  );
  const hasTable = sqlite
    .prepare(
      `select 1 from sqlite_master where type = 'table' and name = '${MIGRATIONS_TABLE}'`,
    )
    .get();
  const recorded = hasTable
    ? (
        sqlite
          .prepare(`select created_at as at from "${MIGRATIONS_TABLE}"`)
          .all() as { at: number | string }[]
      ).map((row) => Number(row.at))
    : [];
  if (recorded.length === 0)
    return { state: 'none', applied: 0, known: migrations.length, unknown: 0 };
  const latestApplied = Math.max(...recorded);
  const applied = migrations.filter(
    (migration) => migration.folderMillis <= latestApplied,
  ).length;
  const unknown = recorded.filter((at) => at > latestKnown).length;
  const state =
    latestApplied > latestKnown
      ? 'ahead'
      : latestApplied === latestKnown
        ? 'current'
        : 'behind';
  return { state, applied, known: migrations.length, unknown };
}

/** "3 of 4 migrations applied" and what follows from it, for people reading a probe or the CLI. */
export function describeLevel(level: MigrationLevel): string {
  switch (level.state) {
    case 'none':
      return 'no migrations recorded: not a Gengaku database';
    case 'current':
      return `all ${level.known} migrations applied`;
    case 'behind':
      return `${level.applied} of ${level.known} migrations applied; the next start applies the other ${level.known - level.applied}`;
    case 'ahead':
      return `migrated by a newer version: ${level.unknown} migrations this version does not know`;
  }
}

/**
 * Throws unless a write can be made: takes the write lock, changes a row to itself, and rolls back, so
 * a read-only file, directory or mount, or a lock held past the busy timeout, shows here.
 */
export function assertWritable(sqlite: Database.Database): void {
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    sqlite
      .prepare(
        `update "${MIGRATIONS_TABLE}" set hash = hash where rowid = (select max(rowid) from "${MIGRATIONS_TABLE}")`,
      )
      .run();
  } finally {
    // Some errors (a full disk, an I/O error) end the transaction themselves.
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
  }
}

export interface Readiness {
  ready: boolean;
  checks: {
    migrations: { ok: boolean; detail: string };
    writable: { ok: boolean; detail: string };
  };
}

/** `GET /readyz`: migrated to exactly this code's level, and writable. */
export function readiness(sqlite: Database.Database): Readiness {
  let migrations: Readiness['checks']['migrations'];
  try {
    const level = migrationLevel(sqlite);
    migrations = {
      ok: level.state === 'current',
      detail: describeLevel(level),
    };
  } catch (error) {
    migrations = { ok: false, detail: (error as Error).message };
  }
  let writable: Readiness['checks']['writable'];
  try {
    assertWritable(sqlite);
    writable = { ok: true, detail: 'a write was made and rolled back' };
  } catch (error) {
    writable = { ok: false, detail: (error as Error).message };
  }
  return {
    ready: migrations.ok && writable.ok,
    checks: { migrations, writable },
  };
}
