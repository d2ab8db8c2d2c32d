/**
 * Rule 11 as one decision: given a contract's stored claims, each with the facts of the outage it follows,
 * and the contract's recomputed outages, what each claim becomes and why. Pure: the preview shows the
 * plan, the save applies it, and the words are rendered from its codes (`claimResolutionText`,
 * `claimUpdateText`).
 *
 * Credit notices join here: a claim will carry its notice, a notice not yet approved follows its claim in
 * the same update, and an approved claim whose outage now differs (`sameOutageFacts` false) gets a
 * discrepancy instead of a change.
 */
import {
  assignClaims,
  type ClaimedOutageRef,
  type ClaimVerdict,
} from './claims';
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

/** A claim in the running for an outage: open, approved, or rejected by a correction (which may undo it). */
export interface StoredClaim extends ClaimState {
  id: string;
}

/**
 * Why a claim changes: it follows its outage's new facts; its outage ended or resumed; a correction
 * reinstated it; or a correction rejected it (the resolution codes).
 */
export const CLAIM_UPDATE_REASONS = [
  'follows',
  'outage-ended',
  'outage-resumed',
  'reinstated',
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

export interface ClaimPlan {
  /** The claim holding each outage (rule 10: one per outage), approved ones first, then by filing. */
  holders: ReadonlyMap<Outage, string>;
  /** The claims to change, in the order given; approved claims never appear. */
  updates: ClaimUpdate[];
}

export interface ClaimPlanInput {
  /** The claims in the running, in the order they were filed. */
  claims: readonly StoredClaim[];
  outages: readonly Outage[];
  /** The instant the outages were computed at. */
  asOf: Instant;
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
export function sameOutageFacts(
  stored: FollowedOutage,
  outage: Outage,
): boolean {
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

const refOf = (claim: StoredClaim): ClaimedOutageRef => ({
  id: claim.id,
  outageStart: claim.outage.start,
  lastOutage: {
    start: claim.outage.start,
    end: claim.outage.end ?? claim.outage.knownUpTo,
  },
  decided: claim.status === 'approved',
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
  if (before === 'rejected') return 'reinstated';
  if (before === 'awaiting-resolution' && after.status === 'pending-approval')
    return 'outage-ended';
  if (before === 'pending-approval' && after.status === 'awaiting-resolution')
    return 'outage-resumed';
  return 'follows';
}

/**
 * Rule 11: open claims follow the recomputed outages, one claim per outage, approved claims keeping theirs
 * and the first filed keeping a merged one. A claim changes only when its status, its resolution or its
 * outage's facts do: a pass where only the running figures of an ongoing outage grew plans nothing.
 */
export function planClaimUpdates({
  claims,
  outages,
  asOf,
}: ClaimPlanInput): ClaimPlan {
  const verdicts = assignClaims(outages, claims.map(refOf));
  const holders = new Map<Outage, string>();
  const updates: ClaimUpdate[] = [];
  for (const claim of claims) {
    const verdict = verdicts.get(claim.id)!;
    if (verdict.kind === 'follows') holders.set(verdict.outage, claim.id);
    // An approved claim never changes; once notices exist, one whose outage now differs
    // (!sameOutageFacts) is where its notice gets a discrepancy.
    if (claim.status === 'approved') continue;
    const { status, resolution, outage } = decisionFor(verdict);
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
  return { holders, updates };
}

/** A claim as it stands once `update` is applied. */
export const applyClaimUpdate = (
  claim: StoredClaim,
  update: ClaimUpdate,
): StoredClaim => ({ id: claim.id, ...update.after });

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
    case 'merged':
    case 'removed':
    case 'no-longer-qualifies':
      return claimResolutionText(update.after.resolution!, update.after.outage);
  }
}
