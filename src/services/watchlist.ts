/**
 * What people have to act on, counted for the operations gauges (GET /metrics): claims not yet decided,
 * and qualifying outages nobody has claimed whose claim window is about to close.
 */
import { count, eq, gte, isNull, or } from 'drizzle-orm';
import { loadContractRecords } from '../db/contracts';
import { loadIncidents } from '../db/incidents';
import { claims, contracts, incidentIntervals, incidents } from '../db/schema';
import { CLAIM_STATUSES } from '../domain/claim-plan';
import { addDays, businessDateOf, MS_PER_DAY } from '../domain/time';
import type { ServiceContext } from './context';
import { contractOutagesAsOf } from './contract-outages';

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
  const recent = loadIncidents(
    ctx.store.db,
    ctx.store.db
      .selectDistinct({ incident: incidents })
      .from(incidents)
      .innerJoin(
        incidentIntervals,
        eq(incidentIntervals.incidentId, incidents.id),
      )
      .where(
        or(
          isNull(incidentIntervals.end),
          gte(incidentIntervals.end, now - LONGEST_OPEN_WINDOW_MS),
        ),
      )
      .all()
      .map((row) => row.incident),
  );
  if (recent.length === 0) return 0;
  // Only contracts an incident of those months names, or one of whose regions it names, can have such an outage.
  const named = new Set(
    recent.flatMap((incident) => incident.scope?.contractIds ?? []),
  );
  const regions = new Set(
    recent.flatMap((incident) => incident.scope?.regions ?? []),
  );
  const records = loadContractRecords(
    ctx.store.db,
    ctx.store.db.select().from(contracts).all(),
  ).filter(
    ({ row, options }) =>
      named.has(row.id) ||
      regions.has(row.region) ||
      options.some((option) => option.regions.some((r) => regions.has(r))),
  );
  let closing = 0;
  for (const record of records) {
    const { outages, plan } = contractOutagesAsOf(ctx, record.row.id, now);
    closing += outages.filter(
      (outage) =>
        outage.qualifies &&
        !plan.holders.has(outage) &&
        outage.claimDeadline !== null &&
        outage.claimDeadline >= today &&
        outage.claimDeadline <= lastDeadline,
    ).length;
  }
  return closing;
}
