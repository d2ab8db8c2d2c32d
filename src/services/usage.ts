/** Annex 1: a contract's monthly peak of concurrent devices; above the contracted number it is flagged for finance. */
import { and, eq, gt, sql } from 'drizzle-orm';
import { inTransaction } from '../db/client';
import { usageObservations } from '../db/schema';
import { formatInstant, storedInstant } from '../domain/time';
import { quoted, ServiceError } from '../errors';
import type {
  UsageCorrection,
  UsageInput,
  UsageObservation,
} from '../schemas/api';
import {
  newId,
  recordAudit,
  requireRole,
  type ServiceContext,
} from './context';
import { findVisibleContract } from './contract-access';
import { type Page, type PageRequest, TableOrder } from './paging';

type UsageRow = typeof usageObservations.$inferSelect;

function observationOf(row: UsageRow): UsageObservation {
  const overage = Math.max(
    0,
    row.peakConcurrentDevices - row.contractedConcurrentDevices,
  );
  return {
    id: row.id,
    contractId: row.contractId,
    month: row.month,
    peakConcurrentDevices: row.peakConcurrentDevices,
    contractedConcurrentDevices: row.contractedConcurrentDevices,
    overage,
    flagged: overage > 0,
    recordedBy: row.recordedBy,
    createdAt: formatInstant(storedInstant(row.createdAt)),
  };
}

export function recordUsage(
  ctx: ServiceContext,
  contractId: string,
  input: UsageInput,
): UsageObservation {
  requireRole(ctx, 'admin', 'support');
  return inTransaction(ctx.store, () => {
    const record = findVisibleContract(ctx, contractId);
    const existing = ctx.store.db
      .select()
      .from(usageObservations)
      .where(
        and(
          eq(usageObservations.contractId, contractId),
          eq(usageObservations.month, input.month),
        ),
      )
      .get();
    if (existing)
      throw new ServiceError(
        'conflict',
        `the peak for ${input.month} is already recorded (${existing.peakConcurrentDevices} devices)`,
      );
    const row: UsageRow = {
      id: newId(),
      contractId,
      month: input.month,
      peakConcurrentDevices: input.peakConcurrentDevices,
      contractedConcurrentDevices: record.row.concurrentDevices,
      recordedBy: ctx.actor.userId,
      createdAt: ctx.clock(),
    };
    ctx.store.db.insert(usageObservations).values(row).run();
    const observation = observationOf(row);
    recordAudit(ctx, {
      action: 'usage.recorded',
      entityType: 'contract',
      entityId: contractId,
      after: observation,
    });
    return observation;
  });
}

/** A mistyped peak is corrected, with the reason kept in the audit log. */
export function correctUsage(
  ctx: ServiceContext,
  contractId: string,
  month: string,
  input: UsageCorrection,
): UsageObservation {
  requireRole(ctx, 'admin', 'support');
  return inTransaction(ctx.store, () => {
    findVisibleContract(ctx, contractId);
    const where = and(
      eq(usageObservations.contractId, contractId),
      eq(usageObservations.month, month),
    );
    const existing = ctx.store.db
      .select()
      .from(usageObservations)
      .where(where)
      .get();
    if (!existing)
      throw new ServiceError(
        'not-found',
        `no usage observation for ${quoted(month)} of contract ${quoted(contractId)}`,
      );
    ctx.store.db
      .update(usageObservations)
      .set({ peakConcurrentDevices: input.peakConcurrentDevices })
      .where(where)
      .run();
    const after = observationOf({
      ...existing,
      peakConcurrentDevices: input.peakConcurrentDevices,
    });
    recordAudit(ctx, {
      action: 'usage.corrected',
      entityType: 'contract',
      entityId: contractId,
      before: observationOf(existing),
      after,
      reason: input.reason,
    });
    return after;
  });
}

/** By month; within a month (several contracts in `GET /usage`) by id, so that an index gives the order. */
const USAGE_BY_MONTH = new TableOrder(
  usageObservations,
  'usage',
  [usageObservations.month, usageObservations.id],
  'asc',
);

export function contractUsage(
  ctx: ServiceContext,
  contractId: string,
  page: PageRequest,
): Page<UsageObservation> {
  findVisibleContract(ctx, contractId);
  return USAGE_BY_MONTH.pageOf(
    ctx.store.db,
    page,
    eq(usageObservations.contractId, contractId),
    (rows) => rows.map(observationOf),
  );
}

/** Every observation, or only those above the contracted number (finance's overage list). */
export function listUsage(
  ctx: ServiceContext,
  filter: { month?: string; flagged?: boolean } & PageRequest,
): Page<UsageObservation> {
  requireRole(ctx, 'admin', 'support', 'finance');
  const above = gt(
    usageObservations.peakConcurrentDevices,
    usageObservations.contractedConcurrentDevices,
  );
  return USAGE_BY_MONTH.pageOf(
    ctx.store.db,
    filter,
    and(
      filter.month !== undefined
        ? eq(usageObservations.month, filter.month)
        : undefined,
      filter.flagged === true
        ? above
        : filter.flagged === false
          ? sql`not (${above})`
          : undefined,
    ),
    (rows) => rows.map(observationOf),
  );
}
