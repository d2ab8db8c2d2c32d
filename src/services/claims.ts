/** Claims (SPEC.md rules 9–10): one per outage, timely by the Civil Code deadline, following corrections. */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { inTransaction } from '../db/client';
import { claims, contracts } from '../db/schema';
import { isWithinClaimWindow, type Outage } from '../domain/outages';
import { MS_PER_HOUR, formatInstant, type Instant } from '../domain/time';
import { ServiceError, invalid, notFound } from '../errors';
import type { Claim, ClaimInput } from '../schemas/api';
import { outageJsonOf, type OutageJson } from '../schemas/outage';
import { canSeeCustomer, newId, recordAudit, requireRole, type ServiceContext } from './context';
import { findVisibleContract, loadRecords } from './contracts';
import { deriveContractOutages, outageForClaim } from './outages';

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
    createdAt: formatInstant(row.createdAt),
    updatedAt: formatInstant(row.updatedAt),
  };
}

const claimedOutageJson = (outage: Outage): OutageJson => ({ ...outageJsonOf(outage), claimStatus: 'claimed' });

/** An ongoing outage's claim waits for its end; an ended one goes to finance (rule 10). */
const statusFor = (outage: Outage): ClaimStatus => (outage.ongoing ? 'awaiting-resolution' : 'pending-approval');

function hours(ms: number): string {
  return `${Math.floor(ms / MS_PER_HOUR)} h ${Math.floor((ms % MS_PER_HOUR) / 60_000)} min`;
}

export function createClaim(ctx: ServiceContext, input: ClaimInput, idempotencyKey: string | undefined): { claim: Claim; replayed: boolean } {
  requireRole(ctx, 'customer', 'support', 'admin');
  if (input.receivedAt !== undefined && ctx.actor.role === 'customer') {
    throw new ServiceError('forbidden', 'receivedAt is recorded by support for claims that arrived by mail or phone; a customer claim is received now', [
      { path: 'receivedAt', message: 'only support or admin may set it' },
    ]);
  }
  if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 200)) {
    throw invalid('Idempotency-Key', 'must be 1 to 200 characters');
  }
  return inTransaction(ctx.store, () => {
    const record = findVisibleContract(ctx, input.contractId);
    if (idempotencyKey !== undefined) {
      const previous = ctx.store.db.select().from(claims).where(and(eq(claims.recordedBy, ctx.actor.userId), eq(claims.idempotencyKey, idempotencyKey))).get();
      if (previous) {
        // The same key with a different body is a different request, not a retry.
        const differs =
          previous.contractId !== input.contractId ||
          previous.outageStart !== input.outageStart ||
          (previous.note ?? null) !== (input.note ?? null) ||
          (input.receivedAt !== undefined && previous.receivedAt !== input.receivedAt);
        if (differs) {
          throw new ServiceError('conflict', 'this Idempotency-Key was already used for a different claim');
        }
        return { claim: claimOf(previous, record.row.customerId), replayed: true };
      }
    }
    const now = ctx.clock();
    const receivedAt = input.receivedAt ?? now;
    if (receivedAt > now) throw invalid('receivedAt', 'must not be in the future');
    const outages = deriveContractOutages(ctx, record, now);
    const outage = outages.find((candidate) => candidate.start === input.outageStart);
    if (!outage) throw new ServiceError('not-found', `contract ${record.row.contractNumber} has no outage starting at ${formatInstant(input.outageStart)}`);
    if (!outage.qualifies) {
      const reason = outage.clockStart === null ? 'the provider knew of no instant of it while it lasted' : `its unavailable time is ${hours(outage.unavailableMs)}, less than 24 h`;
      throw new ServiceError('outage-not-qualifying', `the outage does not qualify for a fee reduction: ${reason}`);
    }
    if (receivedAt < outage.thresholdAt!) {
      throw new ServiceError('outage-not-qualifying', `the claim was received at ${formatInstant(receivedAt)}, before the outage reached 24 h at ${formatInstant(outage.thresholdAt!)}`);
    }
    const existing = ctx.store.db.select().from(claims).where(eq(claims.contractId, record.row.id)).all();
    const duplicate = existing.find((claim) => outageForClaim(outages, claim) === outage);
    if (duplicate) {
      throw new ServiceError('already-claimed', `this outage was already claimed (claim ${duplicate.id})`, undefined, { claimId: duplicate.id });
    }
    if (outage.claimDeadline !== null && !isWithinClaimWindow(receivedAt, outage.claimDeadline)) {
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
      idempotencyKey: idempotencyKey ?? null,
      createdAt: now,
      updatedAt: now,
    };
    ctx.store.db.insert(claims).values(row).run();
    const claim = claimOf(row, record.row.customerId);
    recordAudit(ctx, { action: 'claim.created', entityType: 'claim', entityId: row.id, after: claim });
    return { claim, replayed: false };
  });
}

export function listClaims(ctx: ServiceContext, filter: { contractId?: string; status?: ClaimStatus }): Claim[] {
  const db = ctx.store.db;
  const rows = db
    .select({ claim: claims, customerId: contracts.customerId })
    .from(claims)
    .innerJoin(contracts, eq(contracts.id, claims.contractId))
    .where(
      and(
        ctx.actor.role === 'customer' ? eq(contracts.customerId, ctx.actor.customerId!) : undefined,
        filter.contractId !== undefined ? eq(claims.contractId, filter.contractId) : undefined,
        filter.status !== undefined ? eq(claims.status, filter.status) : undefined,
      ),
    )
    .orderBy(asc(claims.createdAt), asc(claims.id))
    .all();
  return rows.map(({ claim, customerId }) => claimOf(claim, customerId));
}

export function getClaim(ctx: ServiceContext, id: string): Claim {
  const found = ctx.store.db.select({ claim: claims, customerId: contracts.customerId }).from(claims).innerJoin(contracts, eq(contracts.id, claims.contractId)).where(eq(claims.id, id)).get();
  if (!found || !canSeeCustomer(ctx.actor, found.customerId)) throw notFound('claim', id);
  return claimOf(found.claim, found.customerId);
}

/**
 * Rule 11: after a correction, open claims follow the recomputed outages. A claim whose outage has
 * ended moves on to finance; approved and rejected claims never change. Call inside the change's transaction.
 */
export function refreshClaims(ctx: ServiceContext, contractIds: readonly string[]): void {
  if (contractIds.length === 0) return;
  const db = ctx.store.db;
  const open = db
    .select()
    .from(claims)
    .where(and(inArray(claims.contractId, [...contractIds]), inArray(claims.status, ['awaiting-resolution', 'pending-approval'])))
    .all();
  if (open.length === 0) return;
  const now = ctx.clock();
  const contractRows = db.select().from(contracts).where(inArray(contracts.id, [...new Set(open.map((claim) => claim.contractId))])).all();
  for (const record of loadRecords(ctx, contractRows)) {
    const outages = deriveContractOutages(ctx, record, now);
    for (const claim of open.filter((candidate) => candidate.contractId === record.row.id)) {
      const outage = outageForClaim(outages, claim);
      const next = { outage: outage ? claimedOutageJson(outage) : null, status: outage ? statusFor(outage) : claim.status };
      if (JSON.stringify(next.outage) === JSON.stringify(claim.outage) && next.status === claim.status) continue;
      db.update(claims).set({ ...next, updatedAt: now }).where(eq(claims.id, claim.id)).run();
      recordAudit(ctx, {
        action: 'claim.recomputed',
        entityType: 'claim',
        entityId: claim.id,
        before: { status: claim.status, outage: claim.outage },
        after: next,
        reason: 'outages recomputed after a change',
      });
    }
  }
}
