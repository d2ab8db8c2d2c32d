/**
 * Statements prepared once per connection, for the hot reads: building the SQL with drizzle and having
 * SQLite prepare it again on every call cost more than running it. Either drizzle queries with
 * placeholders (`.prepare()`), which keep their typed rows, or hand-written SQL on `db.$client`.
 */
import type Database from 'better-sqlite3';
import type { Db } from './client';

/** `prepare` runs once per connection, on first use; the function gives that connection's statements. */
export function preparedPerConnection<T>(
  prepare: (db: Db) => T,
): (db: Db) => T {
  const byConnection = new WeakMap<Database.Database, T>();
  return (db) => {
    let statements = byConnection.get(db.$client);
    if (statements === undefined) {
      statements = prepare(db);
      byConnection.set(db.$client, statements);
    }
    return statements;
  };
}
