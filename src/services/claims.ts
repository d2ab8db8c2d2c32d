/** Claims (SPEC.md rules 9–10): one per outage, timely by the Civil Code deadline, following corrections. */
import { and, count, eq, type SQL, sum } from 'drizzle-orm';
import {
  type ClaimRow,
  claimStateColumns,
  contractIdsWithClaimsWaitingOnTime,
  storedClaimOf,
} from '../db/claims';
import { inTransaction } from '../db/client';
import { discrepancyOfRow } from '../db/credit-notices';
import { claims, contracts, creditNotices } from '../db/schema';
import {
  CLAIM_STATUSES,
  type ClaimStatus,
  claimResolutionText,
  openClaimState,
} from '../domain/claim-plan';
import { isWithinClaimWindow } from '../domain/outages';
import { formatInstant, hoursAndMinutes, storedInstant } from '../domain/time';
import { invalid, notFound, ServiceError } from '../errors';
import type { Claim, ClaimInput } from '../schemas/api';
import { discrepancyJsonOf } from '../schemas/credit-notices';
import { claimedOutageJsonOf, type OutageJson } from '../schemas/outage';
import {
  canSeeCustomer,
  newId,
  recordAudit,
  requireRole,
  type ServiceContext,
} from './context';
import { findVisibleContract } from './contract-access';
import {
  applyClaimPlan,
  contractOutagesAsOf,
  refreshClaims,
} from './contract-outages';
import { KeysetOrder, type Page, type PageRequest } from './paging';

type NoticeRow = typeof creditNotices.$inferSelect;

function claimOf(
  row: ClaimRow,
  customerId: string,
  notice: NoticeRow | null,
): Claim {
  const { resolution, outage } = storedClaimOf(row, null);
  return {
    id: row.id,
    contractId: row.contractId,
    customerId,
    outageStart: formatInstant(storedInstant(row.outageStart)),
    receivedAt: formatInstant(storedInstant(row.receivedAt)),
    recordedBy: row.recordedBy,
    note: row.note,
    status: row.status,
    outage: (row.outage as OutageJson | null) ?? null,
    creditNoticeId: row.creditNoticeId,
    discrepancy: discrepancyJsonOf(
      notice === null ? null : discrepancyOfRow(notice),
    ),
    // A correction's reason is a code, rendered; a person's is their own words.
    resolution:
      resolution === null
        ? row.resolution
        : claimResolutionText(resolution, outage),
    createdAt: formatInstant(storedInstant(row.createdAt)),
    updatedAt: formatInstant(storedInstant(row.updatedAt)),
  };
}

export function createClaim(
  ctx: ServiceContext,
  input: ClaimInput,
  idempotencyKey: string | undefined,
): { claim: Claim; replayed: boolean } {
  requireRole(ctx, 'customer', 'support', 'admin');
  if (input.receivedAt !== undefined && ctx.actor.role === 'customer') {
    throw new ServiceError(
      'forbidden',
      'receivedAt is recorded by support for claims that arrived by mail or phone; a customer claim is received now',
      [{ path: 'receivedAt', message: 'only support or admin may set it' }],
    );
  }
  if (
    idempotencyKey !== undefined &&
    (idempotencyKey.length === 0 || idempotencyKey.length > 200)
  ) {
    throw invalid('Idempotency-Key', 'must be 1 to 200 characters');
  }
  return inTransaction(ctx.store, () => {
    const record = findVisibleContract(ctx, input.contractId);
    if (idempotencyKey !== undefined) {
      const previous = ctx.store.db
        .select()
        .from(claims)
        .where(
          and(
            eq(claims.recordedBy, ctx.actor.userId),
            eq(claims.idempotencyKey, idempotencyKey),
          ),
        )
        .get();
      if (previous) {
        // The same key with a different body is a different request, not a retry.
        const differs =
          previous.contractId !== input.contractId ||
          previous.outageStart !== input.outageStart ||
          (previous.note ?? null) !== (input.note ?? null) ||
          (input.receivedAt !== undefined &&
            previous.receivedAt !== input.receivedAt);
        if (differs) {
          throw new ServiceError(
            'conflict',
            'this Idempotency-Key was already used for a different claim',
          );
        }
        return { claim: getClaim(ctx, previous.id), replayed: true };
      }
    }
    const now = ctx.clock();
    const receivedAt = input.receivedAt ?? now;
    if (receivedAt > now)
      throw invalid('receivedAt', 'must not be in the future');
    // Bring the contract's claims up to date first, so "already claimed" speaks of claims as they now stand.
    const reading = contractOutagesAsOf(ctx, record.row.id, now);
    applyClaimPlan(ctx, reading);
    const outage = reading.outages.find(
      (candidate) => candidate.start === input.outageStart,
    );
    if (!outage)
      throw new ServiceError(
        'not-found',
        `contract ${record.row.contractNumber} has no outage starting at ${formatInstant(input.outageStart)}`,
      );
    if (!outage.qualifies) {
      const reason =
        outage.clockStart === null
          ? 'the provider knew of no instant of it while it lasted'
          : `its unavailable time is ${hoursAndMinutes(outage.unavailableMs)}, less than 24 h`;
      throw new ServiceError(
        'outage-not-qualifying',
        `the outage does not qualify for a fee reduction: ${reason}`,
      );
    }
    if (receivedAt < outage.thresholdAt!) {
      throw new ServiceError(
        'outage-not-qualifying',
        `the claim was received at ${formatInstant(receivedAt)}, before the outage reached 24 h at ${formatInstant(outage.thresholdAt!)}`,
      );
    }
    const duplicate = reading.plan.holders.get(outage);
    if (duplicate !== undefined) {
      throw new ServiceError(
        'already-claimed',
        `this outage was already claimed (claim ${duplicate})`,
        undefined,
        { claimId: duplicate },
      );
    }
    if (
      outage.claimDeadline !== null &&
      !isWithinClaimWindow(receivedAt, outage.claimDeadline)
    ) {
      throw new ServiceError(
        'claim-window-closed',
        `the claim deadline was ${outage.claimDeadline} (Japan time, through 23:59:59); the claim was received at ${formatInstant(receivedAt)}`,
        undefined,
        { claimDeadline: outage.claimDeadline },
      );
    }
    const row: ClaimRow = {
      id: newId(),
      contractId: record.row.id,
      receivedAt,
      recordedBy: ctx.actor.userId,
      note: input.note ?? null,
      ...claimStateColumns(openClaimState(outage, now)),
      outage: claimedOutageJsonOf(outage),
      creditNoticeId: null,
      resolution: null,
      resolvedBy: null,
      idempotencyKey: idempotencyKey ?? null,
      createdAt: now,
      updatedAt: now,
    };
    ctx.store.db.insert(claims).values(row).run();
    recordAudit(ctx, {
      action: 'claim.created',
      entityType: 'claim',
      entityId: row.id,
      after: claimOf(row, record.row.customerId, null),
    });
    // A claim for an ended outage goes to finance with its credit notice at once: the plan prepares it.
    applyClaimPlan(ctx, contractOutagesAsOf(ctx, record.row.id, now));
    return { claim: getClaim(ctx, row.id), replayed: false };
  });
}

const claimKey = ({ claim }: { claim: ClaimRow }) => [
  claim.createdAt,
  claim.id,
];
/** A claim as listed: with its contract's customer and its current notice. */
interface ClaimListRow {
  claim: ClaimRow;
  customerId: string;
  notice: NoticeRow | null;
}

/** The claims joined with what `claimOf` needs besides the claim: its contract's customer and its notice. */
const claimListRows = (ctx: ServiceContext) =>
  ctx.store.db
    .select({
      claim: claims,
      customerId: contracts.customerId,
      notice: creditNotices,
    })
    .from(claims)
    .innerJoin(contracts, eq(contracts.id, claims.contractId))
    .leftJoin(creditNotices, eq(creditNotices.id, claims.creditNoticeId));

const CLAIMS_BY_FILING = new KeysetOrder<ClaimListRow>(
  'claims',
  [claims.createdAt, claims.id],
  'asc',
  claimKey,
);
const CLAIMS_NEWEST_FIRST = new KeysetOrder<ClaimListRow>(
  'claims-newest',
  [claims.createdAt, claims.id],
  'desc',
  claimKey,
);

/** Visible claims (a customer: its own), filtered. */
function claimsWhere(
  ctx: ServiceContext,
  filter: { contractId?: string; status?: ClaimStatus },
): SQL | undefined {
  return and(
    ctx.actor.role === 'customer'
      ? eq(contracts.customerId, ctx.actor.customerId!)
      : undefined,
    filter.contractId !== undefined
      ? eq(claims.contractId, filter.contractId)
      : undefined,
    filter.status !== undefined ? eq(claims.status, filter.status) : undefined,
  );
}

/** One page of claims in filing order, or `newestFirst` (the pages' order; the API lists in filing order). */
export function listClaims(
  ctx: ServiceContext,
  filter: {
    contractId?: string;
    status?: ClaimStatus;
    newestFirst?: boolean;
  } & PageRequest,
): Page<Claim> {
  const order = filter.newestFirst ? CLAIMS_NEWEST_FIRST : CLAIMS_BY_FILING;
  return order.page(
    filter,
    ({ after, orderBy, limit }) =>
      claimListRows(ctx)
        .where(and(claimsWhere(ctx, filter), after))
        .orderBy(...orderBy)
        .limit(limit)
        .all(),
    (rows) =>
      rows.map(({ claim, customerId, notice }) =>
        claimOf(claim, customerId, notice),
      ),
  );
}

/**
 * How many visible claims (a customer: its own) are in each status, and the sum of their credits as last
 * computed, in integer yen: a page's figures in one grouped query. Every status is there (0 when none).
 */
export function claimTotals(
  ctx: ServiceContext,
): Record<ClaimStatus, { count: number; amount: number }> {
  const rows = ctx.store.db
    .select({
      status: claims.status,
      count: count(),
      amount: sum(claims.outageCreditAmount).mapWith(Number),
    })
    .from(claims)
    .innerJoin(contracts, eq(contracts.id, claims.contractId))
    .where(claimsWhere(ctx, {}))
    .groupBy(claims.status)
    .all();
  return Object.fromEntries(
    CLAIM_STATUSES.map((status) => {
      const row = rows.find((candidate) => candidate.status === status);
      return [status, { count: row?.count ?? 0, amount: row?.amount ?? 0 }];
    }),
  ) as Record<ClaimStatus, { count: number; amount: number }>;
}

export function getClaim(ctx: ServiceContext, id: string): Claim {
  const found = claimListRows(ctx).where(eq(claims.id, id)).get();
  if (!found || !canSeeCustomer(ctx.actor, found.customerId))
    throw notFound('claim', id);
  return claimOf(found.claim, found.customerId, found.notice);
}

/**
 * Time alone can move a claim on: an open interval stops counting when the contract's active period ends
 * (rule 3), and an ongoing outage a correction cut under 24 h can grow back over it. The server runs this
 * every minute, so such claims move on without waiting for a write.
 */
export function refreshAwaitingClaims(ctx: ServiceContext): void {
  inTransaction(ctx.store, () => {
    refreshClaims(ctx, contractIdsWithClaimsWaitingOnTime(ctx.store.db));
  });
}
