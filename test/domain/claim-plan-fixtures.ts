/** Outages and stored claims for the claim plan's tests, with figures computed as rules 5–7 do. */
import {
  type ClaimResolution,
  type ClaimStatus,
  followedOutageOf,
  type NoticeWithdrawalCode,
  type StoredClaim,
  type StoredNotice,
} from '../../src/domain/claim-plan';
import { noticeFactsOf } from '../../src/domain/credit-notices';
import { yen } from '../../src/domain/money';
import type { Outage } from '../../src/domain/outages';
import { instantOf } from '../../src/domain/time';

export const H = 3_600_000;
const DAY = 24 * H;

/** An outage from `start` to `end` (null: ongoing up to `asOf`), counted from `clockStart` (default: its start). */
export function outage(spec: {
  start: number;
  end: number | null;
  asOf?: number;
  clockStart?: number | null;
  fee?: number;
  incidentIds?: string[];
}): Outage {
  const until = spec.end ?? spec.asOf;
  if (until === undefined) throw new Error('an ongoing outage needs asOf');
  const clockStart =
    spec.clockStart === undefined ? spec.start : spec.clockStart;
  const unavailableMs = clockStart === null ? 0 : until - clockStart;
  const qualifies = unavailableMs >= DAY;
  const creditDays = Math.floor(unavailableMs / DAY);
  const fee = spec.fee ?? 100_000;
  return {
    start: instantOf(spec.start),
    end: spec.end === null ? null : instantOf(spec.end),
    ongoing: spec.end === null,
    clockStart: clockStart === null ? null : instantOf(clockStart),
    unavailableMs,
    qualifies,
    creditDays,
    monthlyFeeBase: yen(fee),
    creditAmount: yen(Math.floor((creditDays * fee) / 30)),
    thresholdAt: qualifies ? instantOf(clockStart! + DAY) : null,
    claimableFrom: null,
    claimDeadline: null,
    incidentIds: spec.incidentIds ?? ['i1'],
    claimStatus: qualifies ? 'claimable' : 'not-qualifying',
  };
}

export const TAX_PERCENT = 10;

/** A notice for `outage` (ended, qualifying) in a state; `id` defaults to `n-<claim>`. */
export function storedNotice(
  claimId: string,
  outage: Outage,
  state: {
    status?: StoredNotice['status'];
    withdrawal?: NoticeWithdrawalCode;
    approvals?: number;
    id?: string;
  } = {},
): StoredNotice {
  return {
    id: state.id ?? `n-${claimId}`,
    status:
      state.status ?? (state.withdrawal ? 'rejected' : 'pending-approval'),
    facts: noticeFactsOf(outage, TAX_PERCENT),
    withdrawal: state.withdrawal ?? null,
    discrepancy: null,
    approvals: state.approvals ?? 0,
  };
}

/** A claim stored when it last followed `followed`, computed at `knownUpTo`. */
export function storedClaim(
  id: string,
  followed: Outage,
  knownUpTo: number,
  state: {
    status?: ClaimStatus;
    resolution?: ClaimResolution;
    notice?: StoredNotice | null;
  } = {},
): StoredClaim {
  return {
    id,
    status:
      state.status ??
      (state.resolution !== undefined
        ? 'rejected'
        : followed.ongoing
          ? 'awaiting-resolution'
          : 'pending-approval'),
    outage: followedOutageOf(followed, instantOf(knownUpTo)),
    resolution: state.resolution ?? null,
    notice: state.notice ?? null,
  };
}
