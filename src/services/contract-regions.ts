/**
 * Every contract's number and regions (its own and its options'), kept in memory: what resolving an
 * incident's scope needs (rule 2), and the incident list's counts of contracts per set of regions. Only a
 * write to a contract or an option changes it, and the change feed (`db/change-feed.ts`) reports each
 * one, or a commit by another process: then it is read again, in full, at its next use. As with the
 * read model's cache, nothing read while a transaction is open is kept.
 */
import { asc } from 'drizzle-orm';
import { sourceFeedOf } from '../db/change-feed';
import type { Store } from '../db/client';
import { contractOptions, contracts } from '../db/schema';
import type { ContractTerms } from '../domain/contract';
import { ZERO_YEN } from '../domain/money';

export interface ContractRegions {
  id: string;
  contractNumber: string;
  /** What rule 2 looks at: the contract's id, its region and its options' regions. */
  terms: Pick<ContractTerms, 'id' | 'region' | 'options'>;
  /** Its own region and its options'. */
  regions: ReadonlySet<string>;
}

export class RegionIndex {
  /** By contract number. */
  readonly contracts: readonly ContractRegions[];
  private readonly byId: ReadonlyMap<string, ContractRegions>;
  private readonly countsByRegions = new Map<string, number>();

  constructor(all: readonly ContractRegions[]) {
    this.contracts = all;
    this.byId = new Map(all.map((contract) => [contract.id, contract]));
  }

  get(contractId: string): ContractRegions | undefined {
    return this.byId.get(contractId);
  }

  /** How many contracts have one of `regions` (their own or an option's); counted once per set. */
  countWithAnyOf(regions: readonly string[]): number {
    const key = [...regions].sort().join('\n');
    let count = this.countsByRegions.get(key);
    if (count === undefined) {
      count = 0;
      for (const contract of this.contracts)
        if (regions.some((region) => contract.regions.has(region))) count++;
      this.countsByRegions.set(key, count);
    }
    return count;
  }
}

function read(store: Pick<Store, 'db'>): RegionIndex {
  const optionRegions = new Map<string, string[][]>();
  for (const option of store.db
    .select({
      contractId: contractOptions.contractId,
      regions: contractOptions.regions,
    })
    .from(contractOptions)
    .all()) {
    const list = optionRegions.get(option.contractId);
    if (list === undefined)
      optionRegions.set(option.contractId, [option.regions]);
    else list.push(option.regions);
  }
  return new RegionIndex(
    store.db
      .select({
        id: contracts.id,
        contractNumber: contracts.contractNumber,
        region: contracts.region,
      })
      .from(contracts)
      .orderBy(asc(contracts.contractNumber))
      .all()
      .map((row) => {
        const options = optionRegions.get(row.id) ?? [];
        return {
          id: row.id,
          contractNumber: row.contractNumber,
          terms: {
            id: row.id,
            region: row.region,
            options: options.map((regions) => ({
              kind: 'multi-region' as const,
              regions,
              monthlyFee: ZERO_YEN,
              billingStartDate: null,
              endDate: null,
            })),
          },
          regions: new Set([row.region, ...options.flat()]),
        };
      }),
  );
}

const kept = new WeakMap<Store['sqlite'], { index: RegionIndex | null }>();

/** The index of the store's contracts, kept until a contract or an option is written. */
export function regionIndexOf(
  store: Pick<Store, 'db' | 'sqlite'>,
): RegionIndex {
  let slot = kept.get(store.sqlite);
  if (slot === undefined) {
    const created: { index: RegionIndex | null } = { index: null };
    slot = created;
    kept.set(store.sqlite, created);
    sourceFeedOf(store).subscribe((change) => {
      if (
        change.kind === 'everything' ||
        (change.kind === 'contract' && change.table !== 'fee-changes')
      )
        created.index = null;
    });
  }
  sourceFeedOf(store).catchUp();
  if (slot.index !== null) return slot.index;
  if (store.sqlite.inTransaction) return read(store);
  slot.index = store.sqlite.transaction(() => read(store)).deferred();
  return slot.index;
}
