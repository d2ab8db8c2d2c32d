/**
 * The incident list's rows, each made once (its instants formatted, its scope sorted, its contracts
 * counted) and kept for the incidents listed most recently, until the incident is written, or any
 * contract or option (which changes the counts): the change feed (`db/change-feed.ts`) reports every
 * such write, and commits by other processes. As with the read model's cache, nothing read while a
 * transaction is open is kept, nor anything read while a change was reported.
 */
import { sourceFeedOf } from '../db/change-feed';
import type { Store } from '../db/client';
import { LruMap } from '../lib/lru';
import type { IncidentSummary } from '../schemas/api';

/** How many incidents' rows are kept: the first pages of the list, many times over. */
const KEPT_INCIDENT_SUMMARIES = 5_000;

const kept = new WeakMap<Store['sqlite'], LruMap<string, IncidentSummary>>();

/**
 * The summaries of the incidents of `ids`, in their order: those kept, and `make` of the others (given
 * in their order, made in it), which are then kept. A summary is shared by every later read: frozen.
 */
export function incidentSummariesOf(
  store: Pick<Store, 'sqlite'>,
  ids: readonly string[],
  make: (ids: string[]) => IncidentSummary[],
): IncidentSummary[] {
  let summaries = kept.get(store.sqlite);
  if (summaries === undefined) {
    const created = new LruMap<string, IncidentSummary>(
      KEPT_INCIDENT_SUMMARIES,
    );
    summaries = created;
    kept.set(store.sqlite, created);
    sourceFeedOf(store).subscribe((change) => {
      if (change.kind === 'incident') created.delete(change.incidentId);
      else if (change.kind === 'everything' || change.table !== 'fee-changes')
        created.clear();
    });
  }
  const feed = sourceFeedOf(store);
  feed.catchUp();
  const found = ids.map((id) => summaries.get(id));
  const missing = ids.filter((_, i) => found[i] === undefined);
  if (missing.length === 0) return found as IncidentSummary[];
  const reportedBefore = feed.reported;
  const made = new Map(
    make(missing).map((summary) => [summary.id, Object.freeze(summary)]),
  );
  // `make` reads in several statements, and catches up itself (the region index): another process's
  // commit seen in the middle may be missing from what it read first.
  const keep = !store.sqlite.inTransaction && feed.reported === reportedBefore;
  return ids.flatMap((id, i) => {
    const summary = found[i] ?? made.get(id);
    if (summary === undefined) return [];
    if (keep && found[i] === undefined) summaries.set(id, summary);
    return [summary];
  });
}
