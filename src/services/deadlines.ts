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
import { contractOutagesAsOf, outageJsonsOf } from './contract-outages';

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
  const found: UnclaimedOutage[] = [];
  for (const { contract, customerName } of rows) {
    const reading = contractOutagesAsOf(ctx, contract.id, asOf);
    outageJsonsOf(reading).forEach((outage, index) => {
      if (outage.claimStatus !== 'claimable') return;
      const { claimDeadline } = reading.outages[index]!;
      found.push({
        contractId: contract.id,
        contractNumber: contract.contractNumber,
        customerId: contract.customerId,
        customerName,
        outage,
        daysLeft:
          claimDeadline === null ? null : daysToDeadline(claimDeadline, asOf),
      });
    });
  }
  // Stable: the contract order of `rows` breaks ties.
  const rank = (entry: UnclaimedOutage) =>
    entry.daysLeft ?? Number.MAX_SAFE_INTEGER;
  return found.sort((a, b) => rank(a) - rank(b));
}
