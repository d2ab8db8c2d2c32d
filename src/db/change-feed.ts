/**
 * What changes in the rows that outages derive from (contracts, their fee changes and options; incidents,
 * their intervals and scope), for the caches kept in memory over them.
 *
 * - Writes on this connection are seen as they happen: temporary triggers (they live on this connection
 *   only, not in the database file) call back into this process for every row inserted, updated or
 *   deleted, whichever use case, CLI command or hand-written statement wrote it. A change inside a
 *   transaction is reported then, before its commit: a cache forgets at once, and must not keep what it
 *   reads inside a transaction, which may still roll back.
 * - Commits by other connections (a second server process on the same file, the CLI) are seen through
 *   `PRAGMA data_version`, which moves when another connection commits; `catchUp()` asks it, and reports
 *   `everything` when it moved.
 *
 * The triggers are made when the store opens (`openStore`), outside any transaction: made inside one
 * that rolls back, they would vanish with it and the caches would never hear of a write again.
 */
import type Database from 'better-sqlite3';

/** A region, a contract named, or a contract excluded: one row of an incident's scope. */
export interface ScopeEntry {
  kind: 'region' | 'contract' | 'exclude';
  value: string;
}

export type SourceChange =
  /** A contract, one of its fee changes or one of its options was written. */
  | {
      kind: 'contract';
      contractId: string;
      table: 'contracts' | 'fee-changes' | 'options';
    }
  /**
   * An incident, one of its intervals or one of its scope rows was written. `scope`: the scope rows the
   * change is about, for a scope row that one (as it was before a delete, or after an insert), otherwise
   * the incident's scope as it stands.
   */
  | { kind: 'incident'; incidentId: string; scope: readonly ScopeEntry[] }
  /** Another connection committed: anything may have changed. */
  | { kind: 'everything' };

export type SourceListener = (change: SourceChange) => void;

const FUNCTION = 'gengaku_outage_source_changed';

/** `incident_scope` rows of `incidentId`, as a JSON array of [kind, value] pairs. */
const scopeOf = (incidentId: string) =>
  `(select json_group_array(json_array(kind, value)) from main.incident_scope where incident_id = ${incidentId})`;

/** For each watched table, the call a trigger makes for a row (`row` is NEW or OLD). */
const WATCHED: Record<string, (row: string) => string> = {
  contracts: (row) => `'contracts', ${row}.id`,
  contract_fee_changes: (row) => `'fee-changes', ${row}.contract_id`,
  contract_options: (row) => `'options', ${row}.contract_id`,
  incidents: (row) => `'incident', ${row}.id, ${scopeOf(`${row}.id`)}`,
  incident_intervals: (row) =>
    `'incident', ${row}.incident_id, ${scopeOf(`${row}.incident_id`)}`,
  incident_scope: (row) =>
    `'incident', ${row}.incident_id, json_array(json_array(${row}.kind, ${row}.value))`,
};

function triggersSql(): string {
  const statements: string[] = [];
  for (const [table, call] of Object.entries(WATCHED)) {
    const rowsOf = {
      insert: ['new'],
      update: ['old', 'new'],
      delete: ['old'],
    } as const;
    for (const [event, rows] of Object.entries(rowsOf))
      statements.push(
        `create temp trigger if not exists ${FUNCTION}_${table}_${event} after ${event} on main.${table} begin ${rows
          .map((row) => `select ${FUNCTION}(${call(row)});`)
          .join(' ')} end;`,
      );
  }
  return statements.join('\n');
}

function changeOf(args: unknown[]): SourceChange {
  const [what, key, scopeJson] = args as [string, string, string | undefined];
  if (what === 'incident')
    return {
      kind: 'incident',
      incidentId: key,
      scope: (JSON.parse(scopeJson ?? '[]') as [string, string][]).map(
        ([kind, value]) => ({ kind: kind as ScopeEntry['kind'], value }),
      ),
    };
  return {
    kind: 'contract',
    contractId: key,
    table: what as 'contracts' | 'fee-changes' | 'options',
  };
}

export interface SourceFeed {
  /** Reports `everything` to the listeners if another connection committed since last asked. */
  catchUp(): void;
  subscribe(listener: SourceListener): void;
  /**
   * How many changes have been reported so far. A cache keeps what it read only if this did not move
   * while it read: a `catchUp` in the middle may have reported (and so spent) another process's commit
   * that the first part of the read did not see.
   */
  readonly reported: number;
}

class Feed implements SourceFeed {
  private readonly listeners = new Set<SourceListener>();
  private readonly dataVersion: Database.Statement<[], number>;
  private lastDataVersion: number;
  /** A listener failed on a change: the next catch-up reports everything. */
  private lostTrack = false;
  reported = 0;

  constructor(sqlite: Database.Database) {
    if (sqlite.inTransaction)
      throw new Error(
        'the change feed is installed when the store opens, outside any transaction',
      );
    sqlite.function(
      FUNCTION,
      { varargs: true, deterministic: false },
      (...args: unknown[]) => {
        this.report(changeOf(args));
        return null;
      },
    );
    sqlite.exec(triggersSql());
    this.dataVersion = sqlite
      .prepare<[], number>('pragma data_version')
      .pluck();
    this.lastDataVersion = this.dataVersion.get()!;
  }

  subscribe(listener: SourceListener): void {
    this.listeners.add(listener);
  }

  catchUp(): void {
    const version = this.dataVersion.get()!;
    if (version === this.lastDataVersion && !this.lostTrack) return;
    this.lastDataVersion = version;
    this.lostTrack = false;
    this.report({ kind: 'everything' });
  }

  private report(change: SourceChange): void {
    this.reported++;
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // Never fail the write that reported it; the caches start over instead.
        this.lostTrack = true;
      }
    }
  }
}

const feeds = new WeakMap<Database.Database, Feed>();

/** The feed of a store's connection: one per connection, its triggers installed when first asked for. */
export function sourceFeedOf(store: { sqlite: Database.Database }): SourceFeed {
  let feed = feeds.get(store.sqlite);
  if (feed === undefined) {
    feed = new Feed(store.sqlite);
    feeds.set(store.sqlite, feed);
  }
  return feed;
}
