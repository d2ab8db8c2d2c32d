/**
 * Hand-written statements, prepared once per connection: for the hot reads, where building the SQL with
 * drizzle and preparing it again on every call cost more than running it.
 */
import type Database from 'better-sqlite3';
import type { Db } from './client';

/** `prepare` runs once per connection, on first use; the function gives that connection's statements. */
export function preparedPerConnection<T>(
  prepare: (sqlite: Database.Database) => T,
): (db: Db) => T {
  const byConnection = new WeakMap<Database.Database, T>();
  return (db) => {
    let statements = byConnection.get(db.$client);
    if (statements === undefined) {
      statements = prepare(db.$client);
      byConnection.set(db.$client, statements);
    }
    return statements;
  };
}
