/** Stored claims: rows, and the rules core's view of them (the outage facts each follows, its resolution). */
import { and, asc, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type {
  ClaimResolution,
  ClaimState,
  FollowedOutage,
  StoredClaim,
  StoredNotice,
} from '../domain/claim-plan';
import { yen } from '../domain/money';
import {
  type Instant,
  storedBusinessDate,
  storedInstant,
} from '../domain/time';
import { groupBy } from '../lib/collections';
import { orNull } from '../lib/nullable';
import type { Db } from './client';
import { type ContractSelection, selectedContract } from './contracts';
import { preparedPerConnection } from './prepared';
import { claims } from './schema';

export type ClaimRow = typeof claims.$inferSelect;

const MergedParams = z.object({ intoClaimId: z.string() });

function resolutionOf(row: ClaimRow): ClaimResolution | null {
  switch (row.resolutionCode) {
    case null:
      return null;
    case 'merged':
      return {
        code: 'merged',
        intoClaimId: MergedParams.parse(row.resolutionParams).intoClaimId,
      };
    case 'removed':
    case 'no-longer-qualifies':
      return { code: row.resolutionCode };
  }
}

function resolutionColumns(
  resolution: ClaimResolution | null,
): Pick<ClaimRow, 'resolutionCode' | 'resolutionParams'> {
  if (resolution === null)
    return { resolutionCode: null, resolutionParams: null };
  return {
    resolutionCode: resolution.code,
    resolutionParams:
      resolution.code === 'merged'
        ? { intoClaimId: resolution.intoClaimId }
        : null,
  };
}

export function followedOutageOfRow(row: ClaimRow): FollowedOutage {
  return {
    start: storedInstant(row.outageStart),
    end: orNull(row.outageEnd, storedInstant),
    knownUpTo: storedInstant(row.outageKnownUpTo),
    clockStart: orNull(row.outageClockStart, storedInstant),
    qualifies: row.outageQualifies,
    unavailableMs: row.outageUnavailableMs,
    creditDays: row.outageCreditDays,
    monthlyFeeBase: yen(row.outageMonthlyFeeBase),
    creditAmount: yen(row.outageCreditAmount),
    claimableFrom: orNull(row.outageClaimableFrom, storedBusinessDate),
    claimDeadline: orNull(row.outageClaimDeadline, storedBusinessDate),
    incidentIds: row.outageIncidentIds,
  };
}

/** The rules core's view of a stored claim, with its current notice (null when it has none). */
export function storedClaimOf(
  row: ClaimRow,
  notice: StoredNotice | null,
): StoredClaim {
  return {
    id: row.id,
    status: row.status,
    outage: followedOutageOfRow(row),
    resolution: resolutionOf(row),
    notice,
  };
}

/** The columns that hold a claim's state: its status, the outage facts it follows, and its resolution. */
export function claimStateColumns(
  state: ClaimState,
): Pick<
  ClaimRow,
  | 'status'
  | 'outageStart'
  | 'outageEnd'
  | 'outageKnownUpTo'
  | 'outageClockStart'
  | 'outageQualifies'
  | 'outageUnavailableMs'
  | 'outageCreditDays'
  | 'outageMonthlyFeeBase'
  | 'outageCreditAmount'
  | 'outageClaimableFrom'
  | 'outageClaimDeadline'
  | 'outageIncidentIds'
  | 'resolutionCode'
  | 'resolutionParams'
> {
  const { outage } = state;
  return {
    status: state.status,
    outageStart: outage.start,
    outageEnd: outage.end,
    outageKnownUpTo: outage.knownUpTo,
    outageClockStart: outage.clockStart,
    outageQualifies: outage.qualifies,
    outageUnavailableMs: outage.unavailableMs,
    outageCreditDays: outage.creditDays,
    outageMonthlyFeeBase: outage.monthlyFeeBase,
    outageCreditAmount: outage.creditAmount,
    outageClaimableFrom: outage.claimableFrom,
    outageClaimDeadline: outage.claimDeadline,
    outageIncidentIds: [...outage.incidentIds],
    ...resolutionColumns(state.resolution),
  };
}

/**
 * Writes a claim's new state. `outage` is the Outage JSON the API shows (the outage as computed at this
 * change); undefined keeps the stored one.
 */
export function updateClaimState(
  db: Db,
  id: string,
  state: ClaimState,
  outage: unknown,
  updatedAt: Instant,
): void {
  db.update(claims)
    .set({
      ...claimStateColumns(state),
      ...(outage === undefined ? {} : { outage }),
      updatedAt,
    })
    .where(eq(claims.id, id))
    .run();
}

/** Not rejected by a person (finance): a person's rejection is final, and out of the running for its outage. */
const inTheRunning = or(
  ne(claims.status, 'rejected'),
  isNull(claims.resolvedBy),
);

const statements = preparedPerConnection((db) => ({
  inTheRunning: db
    .select()
    .from(claims)
    .where(
      and(eq(claims.contractId, sql.placeholder('contractId')), inTheRunning),
    )
    .orderBy(asc(claims.createdAt), sql`"claims"."rowid"`)
    .prepare(),
}));

/** A contract's claims still in the running for an outage, in the order they were filed (read on every outage read). */
export function claimRowsInTheRunning(db: Db, contractId: string): ClaimRow[] {
  return statements(db).inTheRunning.all({ contractId });
}

/** The selected contracts' claims still in the running, by contract, each contract's in the order filed. */
export function claimRowsInTheRunningOf(
  db: Db,
  selection: ContractSelection,
): Map<string, ClaimRow[]> {
  return groupBy(
    db
      .select()
      .from(claims)
      .where(and(selectedContract(claims.contractId, selection), inTheRunning))
      .orderBy(asc(claims.createdAt), sql`"claims"."rowid"`)
      .all(),
    (row) => row.contractId,
  );
}

/** Those of `contractIds` that have claims in the running. */
export function contractIdsWithClaims(
  db: Db,
  contractIds: readonly string[],
): string[] {
  if (contractIds.length === 0) return [];
  return db
    .selectDistinct({ id: claims.contractId })
    .from(claims)
    .where(and(inArray(claims.contractId, [...contractIds]), inTheRunning))
    .all()
    .map((row) => row.id);
}

/**
 * The contracts with claims that time alone can move on: awaiting the end of their outage, or rejected
 * by a correction (an ongoing outage cut under 24 h can grow back over it).
 */
export function contractIdsWithClaimsWaitingOnTime(db: Db): string[] {
  return db
    .selectDistinct({ id: claims.contractId })
    .from(claims)
    .where(
      or(
        eq(claims.status, 'awaiting-resolution'),
        and(eq(claims.status, 'rejected'), isNull(claims.resolvedBy)),
      ),
    )
    .all()
    .map((row) => row.id);
}
