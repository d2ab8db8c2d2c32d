/** Claims (SPEC.md rules 9–10): one per outage, timely by the Civil Code deadline, following corrections. */
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { inTransaction } from '../db/client';
import { claims, contracts } from '../db/schema';
import {
  assignClaims,
  type ClaimedOutageRef,
  type ClaimVerdict,
} from '../domain/claims';
import { isWithinClaimWindow, type Outage } from '../domain/outages';
import { formatInstant, MS_PER_HOUR } from '../domain/time';
import { invalid, notFound, ServiceError } from '../errors';
import type { Claim, ClaimInput } from '../schemas/api';
import { type OutageJson, outageJsonOf } from '../schemas/outage';
import {
  canSeeCustomer,
  newId,
  recordAudit,
  requireRole,
  type ServiceContext,
} from './context';
import { findVisibleContract, loadRecords } from './contracts';
import { deriveContractOutages } from './outages';
import { KeysetOrder, type Page, type PageRequest } from './paging';

type ClaimRow = typeof claims.$inferSelect;
type ClaimStatus = ClaimRow['status'];

function claimOf(row: ClaimRow, customerId: string): Claim {
  return {
    id: row.id,
    contractId: row.contractId,
    customerId,
    outageStart: formatInstant(row.outageStart),
    receivedAt: formatInstant(row.receivedAt),
    recordedBy: row.recordedBy,
    note: row.note,
    status: row.status,
    outage: (row.outage as OutageJson | null) ?? null,
    creditNoticeId: row.creditNoticeId,
    resolution: row.resolution,
    createdAt: formatInstant(row.createdAt),
    updatedAt: formatInstant(row.updatedAt),
  };
}

const claimedOutageJson = (outage: Outage): OutageJson => ({
  ...outageJsonOf(outage),
  claimStatus: outage.qualifies ? 'claimed' : 'not-qualifying',
});

/** Rejected by a person (finance): final, and out of the running for its outage. A correction's rejection can be undone by another. */
const isRejectedByPerson = (row: Pick<ClaimRow, 'status' | 'resolvedBy'>) =>
  row.status === 'rejected' && row.resolvedBy !== null;

function claimRefOf(row: ClaimRow): ClaimedOutageRef {
  const last = row.outage as Pick<OutageJson, 'start' | 'end'> | null;
  return {
    id: row.id,
    outageStart: row.outageStart,
    // An outage ongoing when last computed is known only up to then: later outages are not it.
    lastOutage:
      last === null
        ? null
        : {
            start: Date.parse(last.start),
            end: last.end === null ? row.updatedAt : Date.parse(last.end),
          },
    decided: row.status === 'approved',
  };
}

/** The claims of a contract still in the running for an outage, in the order they were filed. */
function claimRowsOf(
  ctx: Pick<ServiceContext, 'store'>,
  contractId: string,
): ClaimRow[] {
  const rows = ctx.store.db
    .select()
    .from(claims)
    .where(eq(claims.contractId, contractId))
    .orderBy(asc(claims.createdAt), sql`"claims"."rowid"`)
    .all();
  return rows.filter((row) => !isRejectedByPerson(row));
}

/** What a claim's outage is, as far as corrections go: not the figures an ongoing outage grows by the minute. */
function outageFacts(outage: unknown): string {
  if (outage === null || typeof outage !== 'object') return 'null';
  const {
    unavailableMs,
    creditDays,
    creditAmount,
    thresholdAt,
    claimStatus: _derived,
    ...facts
  } = outage as OutageJson;
  return JSON.stringify(
    facts.ongoing
      ? facts
      : { ...facts, unavailableMs, creditDays, creditAmount, thresholdAt },
  );
}

/** A contract's claims as the rules see them, in the order they were filed. */
function claimRefsOf(
  ctx: Pick<ServiceContext, 'store'>,
  contractId: string,
): ClaimedOutageRef[] {
  return claimRowsOf(ctx, contractId).map(claimRefOf);
}

/** An ongoing outage's claim waits for its end; an ended one goes to finance (rule 10). */
const statusFor = (outage: Outage): ClaimStatus =>
  outage.ongoing ? 'awaiting-resolution' : 'pending-approval';

function hours(ms: number): string {
  return `${Math.floor(ms / MS_PER_HOUR)} h ${Math.floor((ms % MS_PER_HOUR) / 60_000)} min`;
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
        return {
          claim: claimOf(previous, record.row.customerId),
          replayed: true,
        };
      }
    }
    const now = ctx.clock();
    const receivedAt = input.receivedAt ?? now;
    if (receivedAt > now)
      throw invalid('receivedAt', 'must not be in the future');
    // Bring the contract's claims up to date first, so "already claimed" speaks of claims as they now stand.
    refreshClaims(ctx, [record.row.id]);
    const outages = deriveContractOutages(ctx, record, now);
    const verdicts = assignClaims(outages, claimRefsOf(ctx, record.row.id));
    const outage = outages.find(
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
          : `its unavailable time is ${hours(outage.unavailableMs)}, less than 24 h`;
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
    const duplicate = [...verdicts].find(
      ([, verdict]) => verdict.kind === 'follows' && verdict.outage === outage,
    )?.[0];
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
      outageStart: outage.start,
      receivedAt,
      recordedBy: ctx.actor.userId,
      note: input.note ?? null,
      status: statusFor(outage),
      outage: claimedOutageJson(outage),
      creditNoticeId: null,
      resolution: null,
      resolvedBy: null,
      idempotencyKey: idempotencyKey ?? null,
      createdAt: now,
      updatedAt: now,
    };
    ctx.store.db.insert(claims).values(row).run();
    const claim = claimOf(row, record.row.customerId);
    recordAudit(ctx, {
      action: 'claim.created',
      entityType: 'claim',
      entityId: row.id,
      after: claim,
    });
    return { claim, replayed: false };
  });
}

const CLAIMS_BY_FILING = new KeysetOrder<{
  claim: ClaimRow;
  customerId: string;
}>('claims', [claims.createdAt, claims.id], 'asc', ({ claim }) => [
  claim.createdAt,
  claim.id,
]);

export function listClaims(
  ctx: ServiceContext,
  filter: { contractId?: string; status?: ClaimStatus } & PageRequest,
): Page<Claim> {
  return CLAIMS_BY_FILING.page(
    filter,
    ({ after, orderBy, limit }) =>
      ctx.store.db
        .select({ claim: claims, customerId: contracts.customerId })
        .from(claims)
        .innerJoin(contracts, eq(contracts.id, claims.contractId))
        .where(
          and(
            ctx.actor.role === 'customer'
              ? eq(contracts.customerId, ctx.actor.customerId!)
              : undefined,
            filter.contractId !== undefined
              ? eq(claims.contractId, filter.contractId)
              : undefined,
            filter.status !== undefined
              ? eq(claims.status, filter.status)
              : undefined,
            after,
          ),
        )
        .orderBy(...orderBy)
        .limit(limit)
        .all(),
    (rows) => rows.map(({ claim, customerId }) => claimOf(claim, customerId)),
  );
}

export function getClaim(ctx: ServiceContext, id: string): Claim {
  const found = ctx.store.db
    .select({ claim: claims, customerId: contracts.customerId })
    .from(claims)
    .innerJoin(contracts, eq(contracts.id, claims.contractId))
    .where(eq(claims.id, id))
    .get();
  if (!found || !canSeeCustomer(ctx.actor, found.customerId))
    throw notFound('claim', id);
  return claimOf(found.claim, found.customerId);
}

/** What a correction does to an open claim: it follows its outage, or a correction rejects it, saying why. */
function afterCorrection(
  row: ClaimRow,
  verdict: ClaimVerdict<Outage>,
): Pick<ClaimRow, 'status' | 'outage' | 'outageStart' | 'resolution'> {
  switch (verdict.kind) {
    case 'follows':
      return {
        status: statusFor(verdict.outage),
        outage: claimedOutageJson(verdict.outage),
        outageStart: verdict.outage.start,
        resolution: null,
      };
    case 'no-longer-qualifies':
      return {
        status: 'rejected',
        outage: claimedOutageJson(verdict.outage),
        outageStart: verdict.outage.start,
        resolution: `after a correction the outage no longer qualifies: its unavailable time is ${hours(verdict.outage.unavailableMs)}`,
      };
    case 'merged':
      return {
        status: 'rejected',
        outage: row.outage,
        outageStart: row.outageStart,
        resolution: `a correction merged its outage into the outage of claim ${verdict.intoClaimId}`,
      };
    case 'removed':
      return {
        status: 'rejected',
        outage: row.outage,
        outageStart: row.outageStart,
        resolution: 'a correction removed its outage',
      };
  }
}

export interface ClaimChange {
  claimId: string;
  from: ClaimStatus;
  to: ClaimStatus;
  resolution: string | null;
}

/**
 * What a contract's claims make of these outages: which are claimed, and how open claims would change
 * were these the outages (for a preview: nothing is written).
 */
export function claimsAgainst(
  ctx: Pick<ServiceContext, 'store'>,
  contractId: string,
  outages: readonly Outage[],
): { claimed: Set<Outage>; changes: ClaimChange[] } {
  const rows = claimRowsOf(ctx, contractId);
  const verdicts = assignClaims(outages, rows.map(claimRefOf));
  const claimed = new Set<Outage>();
  const changes: ClaimChange[] = [];
  for (const row of rows) {
    const verdict = verdicts.get(row.id)!;
    if (verdict.kind === 'follows') claimed.add(verdict.outage);
    if (row.status === 'approved') continue;
    const next = afterCorrection(row, verdict);
    if (next.status !== row.status || next.resolution !== row.resolution)
      changes.push({
        claimId: row.id,
        from: row.status,
        to: next.status,
        resolution: next.resolution,
      });
  }
  return { claimed, changes };
}

/**
 * Rule 11: after a change to incidents or contract terms, claims not yet decided follow the recomputed
 * outages: one claim per outage, the first filed keeping it. Call inside the change's transaction.
 */
export function refreshClaims(
  ctx: ServiceContext,
  contractIds: readonly string[],
): void {
  if (contractIds.length === 0) return;
  const db = ctx.store.db;
  const withClaims = db
    .selectDistinct({ id: claims.contractId })
    .from(claims)
    .where(inArray(claims.contractId, [...contractIds]))
    .all();
  if (withClaims.length === 0) return;
  const now = ctx.clock();
  const contractRows = db
    .select()
    .from(contracts)
    .where(
      inArray(
        contracts.id,
        withClaims.map((row) => row.id),
      ),
    )
    .all();
  for (const record of loadRecords(ctx, contractRows)) {
    const rows = claimRowsOf(ctx, record.row.id);
    const verdicts = assignClaims(
      deriveContractOutages(ctx, record, now),
      rows.map(claimRefOf),
    );
    for (const row of rows) {
      if (row.status === 'approved') continue;
      const next = afterCorrection(row, verdicts.get(row.id)!);
      const before = {
        status: row.status,
        outageStart: row.outageStart,
        outage: row.outage,
        resolution: row.resolution,
      };
      const unchanged =
        next.status === before.status &&
        next.outageStart === before.outageStart &&
        next.resolution === before.resolution &&
        outageFacts(next.outage) === outageFacts(before.outage);
      if (unchanged) continue;
      db.update(claims)
        .set({ ...next, updatedAt: now })
        .where(eq(claims.id, row.id))
        .run();
      recordAudit(ctx, {
        action: 'claim.recomputed',
        entityType: 'claim',
        entityId: row.id,
        before,
        after: next,
        reason: next.resolution ?? 'outages recomputed after a change',
      });
    }
  }
}

/**
 * Time alone can end an outage: an open interval stops counting when the contract's active period ends
 * (rule 3). The server runs this now and then, so such claims move on without waiting for a write.
 */
export function refreshAwaitingClaims(ctx: ServiceContext): void {
  inTransaction(ctx.store, () => {
    // Also claims a correction rejected: an ongoing outage cut under 24 h can grow back over it.
    const awaiting = ctx.store.db
      .selectDistinct({ id: claims.contractId })
      .from(claims)
      .where(
        or(
          eq(claims.status, 'awaiting-resolution'),
          and(eq(claims.status, 'rejected'), isNull(claims.resolvedBy)),
        ),
      )
      .all();
    refreshClaims(
      ctx,
      awaiting.map((row) => row.id),
    );
  });
}
