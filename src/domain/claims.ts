/**
 * Rule 11 for claims: after a correction, which recomputed outage each claim is about. Pure: the claims'
 * last known outages in, one verdict per claim out.
 */
import type { Span } from './contract';
import type { Instant } from './time';

export interface ClaimedOutageRef {
  id: string;
  /** The start of the outage when the claim last followed it. */
  outageStart: Instant;
  /** The outage as last computed for the claim (an ongoing one up to when it was computed); null when none is known. */
  lastOutage: Span | null;
  /** Approved: the claim keeps its outage and never changes. */
  decided: boolean;
}

export type ClaimVerdict<T> =
  | { kind: 'follows'; outage: T }
  | { kind: 'no-longer-qualifies'; outage: T }
  | { kind: 'merged'; outage: T; intoClaimId: string }
  | { kind: 'removed' };

interface OutageLike {
  start: Instant;
  end: Instant | null;
  qualifies: boolean;
}

const spanOf = (outage: { start: Instant; end: Instant | null }): Span => ({
  start: outage.start,
  end: outage.end ?? Infinity,
});

function overlapMs(a: Span, b: Span): number {
  return Math.min(a.end, b.end) - Math.max(a.start, b.start);
}

/**
 * The outage a claim is about: the one overlapping most of the claim's last known outage (so a claim
 * follows its outage when a correction moves its start or end); without one, the one containing the
 * instant claimed.
 */
export function outageOfClaim<T extends OutageLike>(
  outages: readonly T[],
  claim: Pick<ClaimedOutageRef, 'outageStart' | 'lastOutage'>,
): T | undefined {
  if (claim.lastOutage !== null) {
    const last = claim.lastOutage;
    let best: T | undefined;
    let bestOverlap = 0;
    for (const outage of outages) {
      const overlap = overlapMs(spanOf(outage), last);
      // Two outages can overlap it equally: the earlier wins, whatever order the outages come in.
      const better =
        overlap > bestOverlap ||
        (overlap === bestOverlap &&
          best !== undefined &&
          outage.start < best.start);
      if (better) [best, bestOverlap] = [outage, overlap];
    }
    if (best !== undefined) return best;
  }
  return outages.find(
    (outage) =>
      outage.start <= claim.outageStart &&
      claim.outageStart < (outage.end ?? Infinity),
  );
}

/**
 * One claim per outage (rule 10), kept through corrections: approved claims take their outages first,
 * then open claims in the order given (the order they were filed). A claim whose outage was merged into
 * another claimed one, vanished, or no longer qualifies says so, and the use case acts on it.
 */
export function assignClaims<T extends OutageLike>(
  outages: readonly T[],
  claims: readonly ClaimedOutageRef[],
): Map<string, ClaimVerdict<T>> {
  const verdicts = new Map<string, ClaimVerdict<T>>();
  const takenBy = new Map<T, string>();
  const ordered = [
    ...claims.filter((claim) => claim.decided),
    ...claims.filter((claim) => !claim.decided),
  ];
  for (const claim of ordered) {
    const outage = outageOfClaim(outages, claim);
    if (outage === undefined) {
      verdicts.set(claim.id, { kind: 'removed' });
      continue;
    }
    const owner = takenBy.get(outage);
    if (owner !== undefined) {
      verdicts.set(claim.id, { kind: 'merged', outage, intoClaimId: owner });
      continue;
    }
    takenBy.set(outage, claim.id);
    verdicts.set(
      claim.id,
      outage.qualifies || claim.decided
        ? { kind: 'follows', outage }
        : { kind: 'no-longer-qualifies', outage },
    );
  }
  return verdicts;
}
