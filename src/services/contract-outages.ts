/**
 * The read model of outages: the one place that turns stored rows into a contract's outages with their
 * claim status, and where claims follow those outages (rule 11). Every use case that needs a contract's
 * outages asks it.
 *
 * - `contractOutagesAsOf(ctx, contractId, asOf)`: the outages of a contract as of an instant, the claims
 *   received by then, and the plan of what those claims should become.
 * - `contractOutagesWithDraft(ctx, contractId, draft, asOf)`: the same were an incident saved as drafted.
 * - `applyClaimPlan(ctx, reading)`: the save of a plan made as of now.
 * - `refreshClaims(ctx, contractIds)`: every write that can change contracts' outages (incident create and
 *   correct, fee changes, cancellations) calls it inside its transaction, naming them; so does the minute
 *   re-check.
 *
 * What outages derive from (the contract with its fees and options, and the incidents that can bear on it)
 * is loaded in one place, `sourcesOf`: a cache keyed by contract belongs there, forgotten for the contracts
 * named to `refreshClaims`. Claims are read afresh for every reading, so filing one needs no forgetting.
 */

import { and, eq } from 'drizzle-orm';
import {
  claimRowsInTheRunning,
  contractIdsWithClaims,
  storedClaimOf,
  updateClaimState,
} from '../db/claims';
import {
  type ContractRecord,
  findContractRecord,
  termsOf,
} from '../db/contracts';
import {
  type CreditNoticeRow,
  noticeStateColumns,
  storedNoticesByIds,
} from '../db/credit-notices';
import { incidentsForContract, type StoredIncident } from '../db/incidents';
import { claims, creditNoticeApprovals, creditNotices } from '../db/schema';
import {
  type ClaimPlan,
  type ClaimState,
  claimResolutionText,
  claimUpdateText,
  type NoticeState,
  type NoticeUpdate,
  noticeUpdateText,
  planClaimUpdates,
  type StoredClaim,
} from '../domain/claim-plan';
import { taxRatePercentOf } from '../domain/credit-notices';
import type { IncidentFacts } from '../domain/incident';
import { deriveOutages, type Outage } from '../domain/outages';
import { formatInstant, type Instant, storedInstant } from '../domain/time';
import { notFound } from '../errors';
import { timedDerivation } from '../lib/metrics';
import {
  claimedOutageJsonOf,
  type OutageJson,
  outageJsonOf,
} from '../schemas/outage';
import { newId, recordAudit, type ServiceContext } from './context';

export interface ContractOutageReading {
  contract: ContractRecord;
  asOf: Instant;
  /** By start. */
  outages: readonly Outage[];
  /** The claims in the running that had been received and recorded by `asOf`, in the order filed. */
  claims: readonly StoredClaim[];
  /** What those claims make of the outages: the claim holding each, and the updates due (rule 11). */
  plan: ClaimPlan;
}

type ReadContext = Pick<ServiceContext, 'store' | 'config'>;

/** What a contract's outages derive from: the contract and every incident that could bear on it. */
function sourcesOf(
  ctx: ReadContext,
  contractId: string,
): { contract: ContractRecord; incidents: StoredIncident[] } {
  const contract = findContractRecord(ctx.store.db, contractId);
  if (contract === undefined) throw notFound('contract', contractId);
  return {
    contract,
    incidents: incidentsForContract(ctx.store.db, termsOf(contract)),
  };
}

/** A claim counts from the instant it had been both received and recorded: a read at an earlier asOf never sees it. */
function claimsKnownAt(
  ctx: ReadContext,
  contractId: string,
  asOf: Instant,
): StoredClaim[] {
  const rows = claimRowsInTheRunning(ctx.store.db, contractId).filter(
    (row) => row.receivedAt <= asOf && row.createdAt <= asOf,
  );
  const notices = storedNoticesByIds(
    ctx.store.db,
    rows.flatMap((row) =>
      row.creditNoticeId === null ? [] : [row.creditNoticeId],
    ),
  );
  return rows.map((row) =>
    storedClaimOf(
      row,
      row.creditNoticeId === null
        ? null
        : (notices.get(row.creditNoticeId) ?? null),
    ),
  );
}

function readingOf(
  ctx: ReadContext,
  contract: ContractRecord,
  incidents: readonly IncidentFacts[],
  asOf: Instant,
): ContractOutageReading {
  const outages = timedDerivation(() =>
    deriveOutages({
      contract: termsOf(contract),
      incidents,
      asOf,
      policy: ctx.config.policy,
    }),
  );
  const claims = claimsKnownAt(ctx, contract.row.id, asOf);
  return {
    contract,
    asOf,
    outages,
    claims,
    plan: planClaimUpdates({
      claims,
      outages,
      asOf,
      taxRatePercent: taxRatePercentOf(ctx.config.policy.taxRate),
    }),
  };
}

/** The outages of a contract as of `asOf`, with the claims known then; not found when there is no such contract. */
export function contractOutagesAsOf(
  ctx: ReadContext,
  contractId: string,
  asOf: Instant,
): ContractOutageReading {
  const { contract, incidents } = sourcesOf(ctx, contractId);
  return readingOf(ctx, contract, incidents, asOf);
}

/** The outages of a contract as of `asOf` were `draft` saved, in place of the stored incident of its id if any. */
export function contractOutagesWithDraft(
  ctx: ReadContext,
  contractId: string,
  draft: IncidentFacts,
  asOf: Instant,
): ContractOutageReading {
  const { contract, incidents } = sourcesOf(ctx, contractId);
  const withDraft: IncidentFacts[] = incidents.some(
    (incident) => incident.id === draft.id,
  )
    ? incidents.map((incident) => (incident.id === draft.id ? draft : incident))
    : [...incidents, draft];
  return readingOf(ctx, contract, withDraft, asOf);
}

/** The outages as the API shows them, `claimed` where a claim holds them. */
export function outageJsonsOf({
  outages,
  plan,
}: Pick<ContractOutageReading, 'outages' | 'plan'>): OutageJson[] {
  return outages.map((outage) => ({
    ...outageJsonOf(outage),
    ...(plan.holders.has(outage) ? { claimStatus: 'claimed' as const } : {}),
  }));
}

/** A claim's state as the audit log records it. */
function auditStateOf({ status, outage, resolution }: ClaimState) {
  const instantOrNull = (instant: Instant | null) =>
    instant === null ? null : formatInstant(instant);
  return {
    status,
    outage: {
      start: formatInstant(outage.start),
      end: instantOrNull(outage.end),
      knownUpTo: formatInstant(outage.knownUpTo),
      clockStart: instantOrNull(outage.clockStart),
      qualifies: outage.qualifies,
      unavailableMs: outage.unavailableMs,
      creditDays: outage.creditDays,
      monthlyFeeBase: outage.monthlyFeeBase,
      creditAmount: outage.creditAmount,
      claimableFrom: outage.claimableFrom,
      claimDeadline: outage.claimDeadline,
      incidentIds: outage.incidentIds,
    },
    resolutionCode: resolution?.code ?? null,
    resolution:
      resolution === null ? null : claimResolutionText(resolution, outage),
  };
}

/** A notice's state as the audit log records it. */
function noticeAuditStateOf({
  status,
  facts,
  withdrawal,
  discrepancy,
}: NoticeState) {
  return {
    status,
    ...facts.figures,
    outage: {
      start: formatInstant(facts.outage.start),
      end: formatInstant(facts.outage.end),
      clockStart: formatInstant(facts.outage.clockStart),
      unavailableMs: facts.outage.unavailableMs,
      incidentIds: facts.outage.incidentIds,
    },
    withdrawal,
    discrepancy,
  };
}

/** What a notice was computed from: the Outage (API shape) and the policy, stored with it. */
const computationOf = (
  ctx: Pick<ServiceContext, 'config'>,
  update: NoticeUpdate,
) =>
  update.outage === null
    ? {}
    : {
        computation: {
          outage: claimedOutageJsonOf(update.outage),
          policy: ctx.config.policy,
        },
      };

function applyNoticeUpdate(
  ctx: ServiceContext,
  contract: ContractRecord,
  update: NoticeUpdate,
): void {
  const { db } = ctx.store;
  const now = ctx.clock();
  if (update.noticeId === null) {
    const row: CreditNoticeRow = {
      id: newId(),
      claimId: update.claimId,
      contractId: contract.row.id,
      customerId: contract.row.customerId,
      number: null,
      ...noticeStateColumns(update.after),
      computation: computationOf(ctx, update).computation,
      correctsNoticeId: update.correctsNoticeId,
      approvedAt: null,
      rejectedBy: null,
      rejectedAt: null,
      rejectReason: null,
      voidedBy: null,
      voidedAt: null,
      voidReason: null,
      createdAt: now,
      updatedAt: now,
    };
    db.insert(creditNotices).values(row).run();
    db.update(claims)
      .set({ creditNoticeId: row.id, updatedAt: now })
      .where(eq(claims.id, update.claimId))
      .run();
    recordAudit(ctx, {
      action: 'credit-notice.prepared',
      entityType: 'credit-notice',
      entityId: row.id,
      after: {
        ...noticeAuditStateOf(update.after),
        claimId: update.claimId,
        correctsNoticeId: update.correctsNoticeId,
      },
      reason: noticeUpdateText(update),
    });
    return;
  }
  const noticeId = update.noticeId;
  if (update.withdrawsApprovals) {
    const withdrawn = db
      .delete(creditNoticeApprovals)
      .where(eq(creditNoticeApprovals.noticeId, noticeId))
      .returning()
      .all();
    recordAudit(ctx, {
      action: 'credit-notice.approvals-withdrawn',
      entityType: 'credit-notice',
      entityId: noticeId,
      before: withdrawn.map((approval) => ({
        userId: approval.userId,
        at: formatInstant(storedInstant(approval.at)),
      })),
      after: [],
      reason: 'the approvals were given to a notice that showed other figures',
    });
  }
  // An approved notice changes only in its discrepancy (the database refuses anything else).
  const columns =
    update.reason === 'discrepancy'
      ? { discrepancy: update.after.discrepancy }
      : { ...noticeStateColumns(update.after), ...computationOf(ctx, update) };
  db.update(creditNotices)
    .set({ ...columns, updatedAt: now })
    .where(
      and(
        eq(creditNotices.id, noticeId),
        eq(creditNotices.claimId, update.claimId),
      ),
    )
    .run();
  recordAudit(ctx, {
    action: `credit-notice.${update.reason}`,
    entityType: 'credit-notice',
    entityId: noticeId,
    before: update.before && noticeAuditStateOf(update.before),
    after: noticeAuditStateOf(update.after),
    reason: noticeUpdateText(update),
  });
}

/**
 * Saves a plan made as of now: each claim update and then each notice update written and audited, in the
 * caller's transaction.
 */
export function applyClaimPlan(
  ctx: ServiceContext,
  reading: Pick<ContractOutageReading, 'plan' | 'contract'>,
): void {
  const now = ctx.clock();
  for (const update of reading.plan.updates) {
    updateClaimState(
      ctx.store.db,
      update.claimId,
      update.after,
      update.outage === null ? undefined : claimedOutageJsonOf(update.outage),
      now,
    );
    recordAudit(ctx, {
      action: 'claim.recomputed',
      entityType: 'claim',
      entityId: update.claimId,
      before: auditStateOf(update.before),
      after: { ...auditStateOf(update.after), reason: update.reason },
      reason: claimUpdateText(update),
    });
  }
  for (const update of reading.plan.noticeUpdates)
    applyNoticeUpdate(ctx, reading.contract, update);
}

/**
 * Rule 11: after a change that can alter these contracts' outages (or time alone, for the minute
 * re-check), their claims follow the outages as of now. Call inside the change's transaction.
 */
export function refreshClaims(
  ctx: ServiceContext,
  contractIds: readonly string[],
): void {
  const now = ctx.clock();
  for (const contractId of contractIdsWithClaims(ctx.store.db, contractIds))
    applyClaimPlan(ctx, contractOutagesAsOf(ctx, contractId, now));
}
