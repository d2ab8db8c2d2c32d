/** Qualifying outages nobody has claimed yet, the claim deadline nearest first (finance's follow-up list, a customer's warnings). */
import { asc, eq } from 'drizzle-orm';
import { contracts, customers } from '../db/schema';
import {
  type BusinessDate,
  businessDateOf,
  daysBetween,
  type Instant,
} from '../domain/time';
import type { OutageJson } from '../schemas/outage';
import type { ServiceContext } from './context';
import { loadRecords } from './contracts';
import { outagesOf } from './outages';

export interface UnclaimedOutage {
  contractId: string;
  contractNumber: string;
  customerId: string;
  customerName: string;
  outage: OutageJson;
  /** Whole days from today (Japan time) to the deadline, 0 on its last day; null while it has none yet. */
  daysLeft: number | null;
}

/** Whole days from `asOf`'s Japan date to the claim deadline: 0 on its last day, negative once past. */
export function daysToDeadline(deadline: BusinessDate, asOf: Instant): number {
  return daysBetween(businessDateOf(asOf), deadline);
}

/**
 * Every outage still `claimable` as of `asOf`: qualifying, unclaimed, its window open. A customer sees its
 * own contracts only. Ordered by deadline (those without one yet, still ongoing, last), then contract.
 */
export function listUnclaimedOutages(
  ctx: ServiceContext,
  asOf: Instant = ctx.clock(),
): UnclaimedOutage[] {
  const query = ctx.store.db
    .select({ contract: contracts, customerName: customers.name })
    .from(contracts)
    .innerJoin(customers, eq(customers.id, contracts.customerId));
  const rows = (
    ctx.actor.role === 'customer'
      ? query.where(eq(contracts.customerId, ctx.actor.customerId!))
      : query
  )
    .orderBy(asc(contracts.contractNumber))
    .all();
  const names = new Map(rows.map((row) => [row.contract.id, row.customerName]));
  const found: UnclaimedOutage[] = [];
  for (const record of loadRecords(
    ctx,
    rows.map((row) => row.contract),
  )) {
    for (const outage of outagesOf(ctx, record, asOf).outages) {
      if (outage.claimStatus !== 'claimable') continue;
      found.push({
        contractId: record.row.id,
        contractNumber: record.row.contractNumber,
        customerId: record.row.customerId,
        customerName: names.get(record.row.id)!,
        outage,
        daysLeft:
          outage.claimDeadline === null
            ? null
            : daysToDeadline(outage.claimDeadline, asOf),
      });
    }
  }
  // Stable: the contract order of `rows` breaks ties.
  const rank = (entry: UnclaimedOutage) =>
    entry.daysLeft ?? Number.MAX_SAFE_INTEGER;
  return found.sort((a, b) => rank(a) - rank(b));
}
