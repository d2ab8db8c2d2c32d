/**
 * Rule 11 as one decision: given a contract's stored claims, each with the facts of the outage it follows,
 * and the contract's recomputed outages, what each claim becomes and why. Pure: the preview shows the
 * plan, the save applies it, and the words are rendered from its codes (`claimResolutionText`,
 * `claimUpdateText`).
 *
 * Credit notices are part of the same decision: a claim carries its current notice; a notice not yet
 * approved follows its claim (prepared when the claim goes to finance, its figures following the outage,
 * withdrawn when the claim is rejected or its outage goes on again, reinstated with it); an approved
 * notice never changes, and when its outage now differs it shows a discrepancy; a claim whose approved
 * notice was voided follows its outage again, and gets a correcting notice.
 */
import {
  assignClaims,
  type ClaimedOutageRef,
  type ClaimVerdict,
} from './claims';
import {
  type Discrepancy,
  discrepancyOf,
  type NoticeFacts,
  type NoticeStatus,
  noticeFactsOf,
  sameDiscrepancy,
  sameNoticeFacts,
  samePrintedFacts,
} from './credit-notices';
import type { Yen } from './money';
import type { Outage } from './outages';
import {
  type BusinessDate,
  formatInstant,
  hoursAndMinutes,
  type Instant,
} from './time';

export const CLAIM_STATUSES = [
  'awaiting-resolution',
  'pending-approval',
  'approved',
  'rejected',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/**
 * The outage a claim follows, stored with it as computed when the claim last changed. While the outage
 * goes on, its running figures (unavailable time, credit days, amount) are those of `knownUpTo`.
 */
export interface FollowedOutage {
  start: Instant;
  /** Null while ongoing. */
  end: Instant | null;
  /** The instant it was computed at: an ongoing outage is known only up to then, so a later one is not it. */
  knownUpTo: Instant;
  clockStart: Instant | null;
  qualifies: boolean;
  unavailableMs: number;
  creditDays: number;
  monthlyFeeBase: Yen;
  creditAmount: Yen;
  claimableFrom: BusinessDate | null;
  claimDeadline: BusinessDate | null;
  incidentIds: readonly string[];
}

/** Why a correction rejected a claim (finance's own rejections are words of a person, not a code). */
export const CLAIM_RESOLUTION_CODES = [
  'merged',
  'removed',
  'no-longer-qualifies',
] as const;
export type ClaimResolutionCode = (typeof CLAIM_RESOLUTION_CODES)[number];

export type ClaimResolution =
  | { code: 'merged'; intoClaimId: string }
  | { code: 'removed' }
  | { code: 'no-longer-qualifies' };

/** What the plan decides about a claim. */
export interface ClaimState {
  status: ClaimStatus;
  outage: FollowedOutage;
  /** Why a correction rejected it; null unless rejected by one. */
  resolution: ClaimResolution | null;
}

/** Why a correction withdrew a notice not yet approved: its claim's resolution, or its outage going on again. */
export const NOTICE_WITHDRAWAL_CODES = [
  ...CLAIM_RESOLUTION_CODES,
  'outage-ongoing',
] as const;
export type NoticeWithdrawalCode = (typeof NOTICE_WITHDRAWAL_CODES)[number];

/** What the plan decides about a credit notice. */
export interface NoticeState {
  status: NoticeStatus;
  /** What it shows; a withdrawn notice keeps what it showed. */
  facts: NoticeFacts;
  /** Why a correction withdrew it (then `rejected`); null otherwise. */
  withdrawal: NoticeWithdrawalCode | null;
  /** An approved notice whose outage a later correction changed; null otherwise. */
  discrepancy: Discrepancy | null;
}

export interface StoredNotice extends NoticeState {
  id: string;
  /** The approvals recorded on it: under dual approval, a first one while it waits for the second. */
  approvals: number;
}

/** A claim in the running for an outage: open, approved, or rejected by a correction (which may undo it). */
export interface StoredClaim extends ClaimState {
  id: string;
  /** Its current credit notice (the latest, when an approved one was voided); null before it has one. */
  notice: StoredNotice | null;
}

/**
 * Why a claim changes: it follows its outage's new facts; its outage ended or resumed; a correction
 * reinstated it; its approved notice was voided, so it follows its outage again; or a correction rejected
 * it (the resolution codes).
 */
export const CLAIM_UPDATE_REASONS = [
  'follows',
  'outage-ended',
  'outage-resumed',
  'reinstated',
  'notice-voided',
  ...CLAIM_RESOLUTION_CODES,
] as const;
export type ClaimUpdateReason = (typeof CLAIM_UPDATE_REASONS)[number];

export interface ClaimUpdate {
  claimId: string;
  reason: ClaimUpdateReason;
  before: ClaimState;
  after: ClaimState;
  /** The recomputed outage the claim follows from now on; null when it keeps the one stored (merged, removed). */
  outage: Outage | null;
}

/**
 * Why a notice changes: one is prepared (a first, or a correcting one after a void); it follows its
 * outage's new facts; a correction withdrew it or reinstated it; or an approved one's outage now differs
 * from what it shows, or no longer does (its discrepancy).
 */
export const NOTICE_UPDATE_REASONS = [
  'prepared',
  'follows',
  'withdrawn',
  'reinstated',
  'discrepancy',
] as const;
export type NoticeUpdateReason = (typeof NOTICE_UPDATE_REASONS)[number];

export interface NoticeUpdate {
  claimId: string;
  /** The notice to change; null for one to prepare. */
  noticeId: string | null;
  reason: NoticeUpdateReason;
  /** A notice prepared after its claim's approved notice was voided corrects it (消費税法 Art. 57-4(4)). */
  correctsNoticeId: string | null;
  /** Null for a notice to prepare. */
  before: NoticeState | null;
  after: NoticeState;
  /** The approvals recorded on it no longer hold: they approved a notice that showed other figures. */
  withdrawsApprovals: boolean;
  /** The recomputed outage it is for from now on; null when what it is for stays. */
  outage: Outage | null;
}

export interface ClaimPlan {
  /** The claim holding each outage (rule 10: one per outage), approved ones first, then by filing. */
  holders: ReadonlyMap<Outage, string>;
  /** The claims to change, in the order given; claims with an approved notice never appear. */
  updates: ClaimUpdate[];
  /** Their credit notices to prepare or change, in the order of the claims. */
  noticeUpdates: NoticeUpdate[];
}

export interface ClaimPlanInput {
  /** The claims in the running, in the order they were filed. */
  claims: readonly StoredClaim[];
  outages: readonly Outage[];
  /** The instant the outages were computed at. */
  asOf: Instant;
  /** The consumption tax rate of the notices, in whole percent (policy `taxRate`). */
  taxRatePercent: number;
}

/** An ongoing outage's claim waits for its end; an ended one goes to finance (rule 10). */
const statusFollowing = (outage: Outage): ClaimStatus =>
  outage.ongoing ? 'awaiting-resolution' : 'pending-approval';

const sameIds = (a: readonly string[], b: readonly string[]) => {
  if (a.length !== b.length) return false;
  const sorted = [...b].sort();
  return [...a].sort().every((id, i) => id === sorted[i]);
};

/**
 * Whether the outage a claim follows is still the one stored: its facts are unchanged. While it goes on,
 * the running figures grow by the minute and are not facts; once it has ended, they are final and count.
 */
function sameOutageFacts(stored: FollowedOutage, outage: Outage): boolean {
  const facts =
    stored.start === outage.start &&
    stored.end === outage.end &&
    stored.clockStart === outage.clockStart &&
    stored.qualifies === outage.qualifies &&
    stored.monthlyFeeBase === outage.monthlyFeeBase &&
    stored.claimableFrom === outage.claimableFrom &&
    stored.claimDeadline === outage.claimDeadline &&
    sameIds(stored.incidentIds, outage.incidentIds);
  if (!facts || outage.end === null) return facts;
  return (
    stored.unavailableMs === outage.unavailableMs &&
    stored.creditDays === outage.creditDays &&
    stored.creditAmount === outage.creditAmount
  );
}

export function followedOutageOf(
  outage: Outage,
  knownUpTo: Instant,
): FollowedOutage {
  return {
    start: outage.start,
    end: outage.end,
    knownUpTo,
    clockStart: outage.clockStart,
    qualifies: outage.qualifies,
    unavailableMs: outage.unavailableMs,
    creditDays: outage.creditDays,
    monthlyFeeBase: outage.monthlyFeeBase,
    creditAmount: outage.creditAmount,
    claimableFrom: outage.claimableFrom,
    claimDeadline: outage.claimDeadline,
    incidentIds: [...outage.incidentIds],
  };
}

/** A claim filed now for `outage`: open, following it. */
export const openClaimState = (outage: Outage, asOf: Instant): ClaimState => ({
  status: statusFollowing(outage),
  outage: followedOutageOf(outage, asOf),
  resolution: null,
});

const sameResolution = (
  a: ClaimResolution | null,
  b: ClaimResolution | null,
): boolean =>
  a === null || b === null
    ? a === b
    : a.code === b.code &&
      (a.code !== 'merged' ||
        (b.code === 'merged' && a.intoClaimId === b.intoClaimId));

/** Approved, with its notice approved: it keeps its outage and never changes. Voided, it follows again. */
const isDecided = (claim: StoredClaim): boolean =>
  claim.status === 'approved' && claim.notice?.status !== 'void';

const refOf = (claim: StoredClaim): ClaimedOutageRef => ({
  id: claim.id,
  outageStart: claim.outage.start,
  lastOutage: {
    start: claim.outage.start,
    end: claim.outage.end ?? claim.outage.knownUpTo,
  },
  decided: isDecided(claim),
});

/** What a verdict makes of an open claim; `outage` null: it keeps the outage stored. */
function decisionFor(verdict: ClaimVerdict<Outage>): {
  status: ClaimStatus;
  resolution: ClaimResolution | null;
  outage: Outage | null;
} {
  switch (verdict.kind) {
    case 'follows':
      return {
        status: statusFollowing(verdict.outage),
        resolution: null,
        outage: verdict.outage,
      };
    case 'no-longer-qualifies':
      return {
        status: 'rejected',
        resolution: { code: 'no-longer-qualifies' },
        outage: verdict.outage,
      };
    case 'merged':
      return {
        status: 'rejected',
        resolution: { code: 'merged', intoClaimId: verdict.intoClaimId },
        outage: null,
      };
    case 'removed':
      return {
        status: 'rejected',
        resolution: { code: 'removed' },
        outage: null,
      };
  }
}

function reasonFor(
  before: ClaimStatus,
  after: Omit<ClaimState, 'outage'>,
): ClaimUpdateReason {
  if (after.resolution !== null) return after.resolution.code;
  if (before === 'approved') return 'notice-voided';
  if (before === 'rejected') return 'reinstated';
  if (before === 'awaiting-resolution' && after.status === 'pending-approval')
    return 'outage-ended';
  if (before === 'pending-approval' && after.status === 'awaiting-resolution')
    return 'outage-resumed';
  return 'follows';
}

const noticeStateOf = ({
  status,
  facts,
  withdrawal,
  discrepancy,
}: StoredNotice): NoticeState => ({ status, facts, withdrawal, discrepancy });

/** An approved notice never changes; its discrepancy says how its outage now differs, if it does. */
function discrepancyUpdate(
  claim: StoredClaim,
  verdict: ClaimVerdict<Outage>,
): NoticeUpdate | null {
  const notice = claim.notice;
  if (notice === null || notice.status !== 'approved') return null;
  const discrepancy = discrepancyOf(
    notice.facts,
    verdict.kind === 'removed' ? null : verdict.outage,
  );
  if (sameDiscrepancy(discrepancy, notice.discrepancy)) return null;
  const before = noticeStateOf(notice);
  return {
    claimId: claim.id,
    noticeId: notice.id,
    reason: 'discrepancy',
    correctsNoticeId: null,
    before,
    after: { ...before, discrepancy },
    withdrawsApprovals: false,
    outage: null,
  };
}

/**
 * A notice not yet approved follows its claim: there is one, showing the outage's figures, exactly while
 * the claim is with finance (`pending-approval`); otherwise it is withdrawn with the reason. A claim
 * without a notice, or whose notice was voided, gets a new one when it goes to finance.
 */
function noticeFollowing(
  claim: StoredClaim,
  after: Omit<ClaimState, 'outage'>,
  outage: Outage | null,
  taxRatePercent: number,
): NoticeUpdate | null {
  const notice = claim.notice;
  const facts =
    after.status === 'pending-approval' && outage !== null
      ? noticeFactsOf(outage, taxRatePercent)
      : null;
  if (notice === null || notice.status === 'void') {
    if (facts === null) return null;
    return {
      claimId: claim.id,
      noticeId: null,
      reason: 'prepared',
      correctsNoticeId: notice?.id ?? null,
      before: null,
      after: {
        status: 'pending-approval',
        facts,
        withdrawal: null,
        discrepancy: null,
      },
      withdrawsApprovals: false,
      outage,
    };
  }
  const withdrawn = notice.status === 'rejected' && notice.withdrawal !== null;
  // Approved notices are decided above; one a person rejected left the running with its claim.
  if (notice.status !== 'pending-approval' && !withdrawn) return null;
  const before = noticeStateOf(notice);
  if (facts !== null) {
    if (!withdrawn && sameNoticeFacts(notice.facts, facts)) return null;
    return {
      claimId: claim.id,
      noticeId: notice.id,
      reason: withdrawn ? 'reinstated' : 'follows',
      correctsNoticeId: null,
      before,
      after: {
        status: 'pending-approval',
        facts,
        withdrawal: null,
        discrepancy: null,
      },
      withdrawsApprovals:
        notice.approvals > 0 &&
        (withdrawn || !samePrintedFacts(notice.facts, facts)),
      outage,
    };
  }
  const code =
    after.resolution === null ? 'outage-ongoing' : after.resolution.code;
  if (withdrawn && notice.withdrawal === code) return null;
  return {
    claimId: claim.id,
    noticeId: notice.id,
    reason: 'withdrawn',
    correctsNoticeId: null,
    before,
    after: { ...before, status: 'rejected', withdrawal: code },
    withdrawsApprovals: notice.approvals > 0,
    outage: null,
  };
}

/**
 * Rule 11: open claims follow the recomputed outages, one claim per outage, approved claims keeping theirs
 * and the first filed keeping a merged one; their notices follow them. A claim or notice changes only when
 * its status, its resolution or its outage's facts do: a pass where only the running figures of an ongoing
 * outage grew plans nothing.
 */
export function planClaimUpdates({
  claims,
  outages,
  asOf,
  taxRatePercent,
}: ClaimPlanInput): ClaimPlan {
  const verdicts = assignClaims(outages, claims.map(refOf));
  const holders = new Map<Outage, string>();
  const updates: ClaimUpdate[] = [];
  const noticeUpdates: NoticeUpdate[] = [];
  for (const claim of claims) {
    const verdict = verdicts.get(claim.id)!;
    if (verdict.kind === 'follows') holders.set(verdict.outage, claim.id);
    if (isDecided(claim)) {
      const discrepancy = discrepancyUpdate(claim, verdict);
      if (discrepancy !== null) noticeUpdates.push(discrepancy);
      continue;
    }
    const { status, resolution, outage } = decisionFor(verdict);
    const notice = noticeFollowing(
      claim,
      { status, resolution },
      outage,
      taxRatePercent,
    );
    if (notice !== null) noticeUpdates.push(notice);
    const unchanged =
      status === claim.status &&
      sameResolution(resolution, claim.resolution) &&
      (outage === null || sameOutageFacts(claim.outage, outage));
    if (unchanged) continue;
    updates.push({
      claimId: claim.id,
      reason: reasonFor(claim.status, { status, resolution }),
      before: {
        status: claim.status,
        outage: claim.outage,
        resolution: claim.resolution,
      },
      after: {
        status,
        resolution,
        outage: outage === null ? claim.outage : followedOutageOf(outage, asOf),
      },
      outage,
    });
  }
  return { holders, updates, noticeUpdates };
}

/** A claim as it stands once `update` is applied. */
export const applyClaimUpdate = (
  claim: StoredClaim,
  update: ClaimUpdate,
): StoredClaim => ({ id: claim.id, notice: claim.notice, ...update.after });

/** A claim as it stands once its notice's `update` is applied; a prepared notice gets `newNoticeId`. */
export const applyNoticeUpdate = (
  claim: StoredClaim,
  update: NoticeUpdate,
  newNoticeId: string,
): StoredClaim => ({
  ...claim,
  notice: {
    id: update.noticeId ?? newNoticeId,
    approvals:
      update.noticeId === null || update.withdrawsApprovals
        ? 0
        : (claim.notice?.approvals ?? 0),
    ...update.after,
  },
});

/** The words of a resolution, rendered from its code and the outage the claim follows. */
export function claimResolutionText(
  resolution: ClaimResolution,
  outage: FollowedOutage,
): string {
  switch (resolution.code) {
    case 'merged':
      return `a correction merged its outage into the outage of claim ${resolution.intoClaimId}`;
    case 'removed':
      return 'a correction removed its outage';
    case 'no-longer-qualifies':
      return outage.end === null
        ? `after a correction the outage no longer qualifies: its unavailable time was ${hoursAndMinutes(outage.unavailableMs)} at ${formatInstant(outage.knownUpTo)}, and it goes on`
        : `after a correction the outage no longer qualifies: its unavailable time is ${hoursAndMinutes(outage.unavailableMs)}`;
  }
}

/** The words for an update, rendered from its reason code (the audit log's reason). */
export function claimUpdateText(update: ClaimUpdate): string {
  switch (update.reason) {
    case 'follows':
      return 'its outage was recomputed after a change';
    case 'outage-ended':
      return 'its outage ended';
    case 'outage-resumed':
      return 'after a correction its outage goes on';
    case 'reinstated':
      return 'after a correction its outage qualifies again';
    case 'notice-voided':
      return 'its approved credit notice was voided: it follows its outage again';
    case 'merged':
    case 'removed':
    case 'no-longer-qualifies':
      return claimResolutionText(update.after.resolution!, update.after.outage);
  }
}

/** Why a correction withdrew a notice, in words. */
export function noticeWithdrawalText(code: NoticeWithdrawalCode): string {
  switch (code) {
    case 'merged':
      return 'a correction merged its outage into another claimed outage';
    case 'removed':
      return 'a correction removed its outage';
    case 'no-longer-qualifies':
      return 'after a correction its outage no longer qualifies';
    case 'outage-ongoing':
      return 'after a correction its outage goes on: it is prepared again when the outage ends';
  }
}

/** The words for a notice's update, rendered from its reason code (the audit log's reason). */
export function noticeUpdateText(update: NoticeUpdate): string {
  switch (update.reason) {
    case 'prepared':
      return update.correctsNoticeId === null
        ? 'its claim went to finance: prepared for approval'
        : `prepared for approval to correct the voided notice ${update.correctsNoticeId}`;
    case 'follows':
      return update.withdrawsApprovals
        ? 'its outage was recomputed after a change; the approvals given were for other figures and are withdrawn'
        : 'its outage was recomputed after a change';
    case 'withdrawn':
      return noticeWithdrawalText(update.after.withdrawal!);
    case 'reinstated':
      return 'after a correction its outage qualifies again: back for approval with the current figures';
    case 'discrepancy':
      return update.after.discrepancy === null
        ? 'a later correction restored the outage this approved notice shows'
        : 'a later correction changed the outage this approved notice shows: void it to prepare a correcting notice';
  }
}
