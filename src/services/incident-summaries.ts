/**
 * The incident list's rows, each made once (its instants formatted, its scope sorted) and kept for the
 * incidents listed most recently, until the incident is written: the change feed (`db/change-feed.ts`)
 * reports every write to an incident, its intervals or its scope, and commits by other processes. As
 * with the read model's cache, nothing read while a transaction is open is kept.
 */
import { sourceFeedOf } from '../db/change-feed';
import type { Store } from '../db/client';
import type { IncidentRow } from '../db/incidents';
import { LruMap } from '../lib/lru';
import type { Incident } from '../schemas/api';

/** An incident as the list shows it, but for the count of contracts, which contract writes change. */
export type ListedIncident = Omit<Incident, 'affectedContractIds'>;

/** How many incidents' rows are kept: the first pages of the list, many times over. */
export const KEPT_INCIDENT_SUMMARIES = 5_000;

const kept = new WeakMap<Store['sqlite'], LruMap<string, ListedIncident>>();

/**
 * The summaries of the incidents of `rows`, in their order: those kept, and `make` of the others (in
 * their order), which are then kept. A summary is shared by every later read: frozen.
 */
export function incidentSummariesOf(
  store: Pick<Store, 'sqlite'>,
  rows: readonly IncidentRow[],
  make: (rows: IncidentRow[]) => ListedIncident[],
): ListedIncident[] {
  let summaries = kept.get(store.sqlite);
  if (summaries === undefined) {
    const created = new LruMap<string, ListedIncident>(KEPT_INCIDENT_SUMMARIES);
    summaries = created;
    kept.set(store.sqlite, created);
    sourceFeedOf(store).subscribe((change) => {
      if (change.kind === 'everything') created.clear();
      if (change.kind === 'incident') created.delete(change.incidentId);
    });
  }
  sourceFeedOf(store).catchUp();
  const found = rows.map((row) => summaries.get(row.id));
  const missing = rows.filter((_, i) => found[i] === undefined);
  if (missing.length === 0) return found as ListedIncident[];
  const made = make(missing).map((summary) => Object.freeze(summary));
  const keep = !store.sqlite.inTransaction;
  let next = 0;
  return rows.map((row, i) => {
    const summary = found[i];
    if (summary !== undefined) return summary;
    const fresh = made[next++]!;
    if (keep) summaries.set(row.id, fresh);
    return fresh;
  });
}
