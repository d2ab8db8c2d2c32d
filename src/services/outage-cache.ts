/**
 * The read model's memory (see contract-outages.ts): what each contract's outages derive from, kept per
 * contract for the contracts read most recently, and forgotten when a write can change it.
 *
 * Two traps it is built against:
 * - A transaction that rolls back. Every write reports its rows as it writes them (`change-feed.ts`), so
 *   the entries it touches are forgotten at once; and nothing read while a transaction is open is kept
 *   (`canKeep`), since it may show writes that never commit.
 * - Other processes on the same database file. Before each use the cache catches up with the feed, which
 *   reports `everything` when another connection committed since: the whole cache is dropped.
 */
import { type SourceChange, sourceFeedOf } from '../db/change-feed';
import type { Store } from '../db/client';
import type { ContractRecord } from '../db/contracts';
import type { ContractTerms } from '../domain/contract';
import type { IncidentFacts } from '../domain/incident';
import type { Outage } from '../domain/outages';
import type { Policy } from '../domain/policy';
import { LruMap } from '../lib/lru';

/** What a contract's outages derive from. */
export interface OutageSources {
  contract: ContractRecord;
  terms: ContractTerms;
  /** In the order logged. */
  incidents: readonly IncidentFacts[];
  /**
   * The latest instant the incidents' intervals reach (Infinity while one is open). As of any instant from
   * then on the outages are the same but for their claim status, which depends on the day.
   */
  settledFrom: number;
  /** The outages as of an instant at or after `settledFrom`, under `policy`; derived on first need. */
  settled?: { policy: Policy; outages: readonly Outage[] };
}

interface Entry {
  sources: OutageSources;
  regions: ReadonlySet<string>;
  incidentIds: ReadonlySet<string>;
}

export class OutageCache {
  private readonly entries: LruMap<string, Entry>;
  /**
   * Each kept incident once, however many contracts it bears on (a regional one: thousands), with the
   * number of entries holding it. An incident here is as stored: a change to it removes it.
   */
  private readonly incidents = new Map<
    string,
    { facts: IncidentFacts; holders: number }
  >();

  constructor(
    private readonly store: Pick<Store, 'sqlite'>,
    readonly capacity: number,
  ) {
    this.entries = new LruMap(capacity, (_contractId, entry) => {
      for (const id of entry.incidentIds) {
        const shared = this.incidents.get(id)!;
        if (--shared.holders === 0) this.incidents.delete(id);
      }
    });
    sourceFeedOf(store).subscribe((change) => this.forget(change));
  }

  /** Drops what another process's commit may have changed; call before each use. */
  catchUp(): void {
    sourceFeedOf(this.store).catchUp();
  }

  /** Sources read now may be kept: no transaction is open (one that rolls back would leave them wrong). */
  canKeep(): boolean {
    return !this.store.sqlite.inTransaction;
  }

  get(contractId: string): OutageSources | undefined {
    return this.entries.get(contractId)?.sources;
  }

  /**
   * Keeps `sources`, read outside any transaction, dropping the least recently used beyond capacity.
   * Gives them back as kept: incidents already kept for another contract are shared.
   */
  private keep(contractId: string, sources: OutageSources): OutageSources {
    if (!this.canKeep() || this.capacity <= 0) return sources;
    this.entries.delete(contractId);
    const kept: OutageSources = {
      ...sources,
      incidents: sources.incidents.map((incident) => {
        const shared = this.incidents.get(incident.id);
        if (shared === undefined) {
          this.incidents.set(incident.id, { facts: incident, holders: 1 });
          return incident;
        }
        shared.holders++;
        return shared.facts;
      }),
    };
    this.entries.set(contractId, {
      sources: kept,
      regions: new Set(
        [
          sources.terms.region,
          ...sources.terms.options.flatMap((option) => option.regions),
        ].filter((region): region is string => region !== null),
      ),
      incidentIds: new Set(sources.incidents.map((incident) => incident.id)),
    });
    return kept;
  }

  /**
   * The sources `read` gives (read in one snapshot), kept unless a change was reported while it read:
   * then they may predate it, and are used this once.
   */
  readAndKeep(contractId: string, read: () => OutageSources): OutageSources {
    const feed = sourceFeedOf(this.store);
    const reportedBefore = feed.reported;
    const sources = read();
    return feed.reported === reportedBefore
      ? this.keep(contractId, sources)
      : sources;
  }

  get size(): number {
    return this.entries.size;
  }

  private forget(change: SourceChange): void {
    switch (change.kind) {
      case 'everything':
        this.entries.clear();
        this.incidents.clear();
        return;
      case 'contract':
        this.entries.delete(change.contractId);
        return;
      case 'incident':
        // The contracts it bore on (their entries hold it) and those it bears on now, by its scope.
        for (const [contractId, entry] of this.entries)
          if (
            entry.incidentIds.has(change.incidentId) ||
            change.scope.some((scope) =>
              scope.kind === 'region'
                ? entry.regions.has(scope.value)
                : scope.value === contractId,
            )
          )
            this.entries.delete(contractId);
        return;
    }
  }
}

const caches = new WeakMap<Store['sqlite'], OutageCache>();

/** The cache of a store's connection, made on first use with `capacity`. */
export function outageCacheOf(
  store: Pick<Store, 'sqlite'>,
  capacity: number,
): OutageCache {
  let cache = caches.get(store.sqlite);
  if (cache === undefined) {
    cache = new OutageCache(store, capacity);
    caches.set(store.sqlite, cache);
  }
  cache.catchUp();
  return cache;
}
