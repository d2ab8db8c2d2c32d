/** Opens the SQLite database, sets it up for durability, and applies the migrations in `migrations/`. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  type BetterSQLite3Database,
  drizzle,
} from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { MIGRATIONS_DIR } from '../paths';
import { sourceFeedOf } from './change-feed';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & {
  $client: Database.Database;
};

export interface Store {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

/** `:memory:` gives a private database, migrated like the real one (for tests). */
export function openStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a write acknowledged to a client survives a power cut, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  sourceFeedOf({ sqlite });
  return { db, sqlite, close: () => sqlite.close() };
}

/** Runs `work` in one IMMEDIATE transaction: it takes the write lock first, so two writers never deadlock. */
export function inTransaction<T>(
  store: Pick<Store, 'sqlite'>,
  work: () => T,
): T {
  return store.sqlite.transaction(work).immediate();
}
