/**
 * What people have to act on, counted for the operations gauges (GET /metrics): claims not yet decided,
 * and qualifying outages nobody has claimed whose claim window is about to close.
 */
import { count } from 'drizzle-orm';
import { contractsTouchedSince } from '../db/incidents';
import { claims } from '../db/schema';
import { CLAIM_STATUSES } from '../domain/claim-plan';
import { addDays, addMs, businessDateOf, MS_PER_DAY } from '../domain/time';
import type { ServiceContext } from './context';
import { portfolioOutages } from './contract-outages';

type ReadContext = Pick<ServiceContext, 'store' | 'clock' | 'config'>;

/** Claims by status, every status listed (0 when none), so a gauge never loses a series. */
export function claimsByStatus(
  ctx: Pick<ServiceContext, 'store'>,
): Record<(typeof CLAIM_STATUSES)[number], number> {
  const counted = ctx.store.db
    .select({ status: claims.status, n: count() })
    .from(claims)
    .groupBy(claims.status)
    .all();
  return Object.fromEntries(
    CLAIM_STATUSES.map((status) => [
      status,
      counted.find((row) => row.status === status)?.n ?? 0,
    ]),
  ) as Record<(typeof CLAIM_STATUSES)[number], number>;
}

/**
 * How far back an outage can have ended and still be claimable today: the claim becomes possible at the
 * latest on the day it ends (rule 8), and the window is 3 months from then (rule 9), at most 92 days,
 * plus a Sunday-and-holiday extension (Civil Code Art. 142) of a few days. 120 days holds all of it.
 */
const LONGEST_OPEN_WINDOW_MS = 120 * MS_PER_DAY;

/**
 * Qualifying outages no claim has, whose claim deadline (the last JST day to claim) is one of the next
 * `days` JST dates, today included: their window closes within `days` days.
 */
export function countUnclaimedOutagesClosingWithin(
  ctx: ReadContext,
  days: number,
): number {
  const now = ctx.clock();
  const today = businessDateOf(now);
  const lastDeadline = addDays(today, days - 1);
  const contractIds = contractsTouchedSince(
    ctx.store.db,
    addMs(now, -LONGEST_OPEN_WINDOW_MS),
  );
  if (contractIds.length === 0) return 0;
  let closing = 0;
  portfolioOutages(ctx, now, { contractIds }, ({ outages, plan }) => {
    for (const outage of outages)
      if (
        outage.qualifies &&
        !plan.holders.has(outage) &&
        outage.claimDeadline !== null &&
        outage.claimDeadline >= today &&
        outage.claimDeadline <= lastDeadline
      )
        closing++;
  });
  return closing;
}
