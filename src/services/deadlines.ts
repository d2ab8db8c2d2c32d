/** Qualifying outages nobody has claimed yet, the claim deadline nearest first (finance's follow-up list, a customer's warnings). */
import { eq } from 'drizzle-orm';
import { customers } from '../db/schema';
import {
  type BusinessDate,
  businessDateOf,
  daysBetween,
  type Instant,
} from '../domain/time';
import type { OutageJson } from '../schemas/outage';
import type { ServiceContext } from './context';
import { outageJsonsOf, portfolioOutages } from './contract-outages';

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
 * own contracts only. Ordered by deadline (those without one yet, still ongoing, last), then contract
 * number. Every contract is read in one pass (`portfolioOutages`).
 */
export function listUnclaimedOutages(
  ctx: ServiceContext,
  asOf: Instant = ctx.clock(),
): UnclaimedOutage[] {
  const selection =
    ctx.actor.role === 'customer' ? { customerId: ctx.actor.customerId! } : {};
  const customerNames = new Map(
    ctx.store.db
      .select({ id: customers.id, name: customers.name })
      .from(customers)
      .where(
        selection.customerId === undefined
          ? undefined
          : eq(customers.id, selection.customerId),
      )
      .all()
      .map((row) => [row.id, row.name]),
  );
  const found: UnclaimedOutage[] = [];
  portfolioOutages(ctx, asOf, selection, (reading) => {
    const contract = reading.contract.row;
    outageJsonsOf(reading).forEach((outage, index) => {
      if (outage.claimStatus !== 'claimable') return;
      const { claimDeadline } = reading.outages[index]!;
      found.push({
        contractId: contract.id,
        contractNumber: contract.contractNumber,
        customerId: contract.customerId,
        customerName: customerNames.get(contract.customerId)!,
        outage,
        daysLeft:
          claimDeadline === null ? null : daysToDeadline(claimDeadline, asOf),
      });
    });
  });
  const rank = (entry: UnclaimedOutage) =>
    entry.daysLeft ?? Number.MAX_SAFE_INTEGER;
  // Stable: a contract's outages stay in order of start.
  return found.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.contractNumber < b.contractNumber
        ? -1
        : a.contractNumber > b.contractNumber
          ? 1
          : 0),
  );
}
