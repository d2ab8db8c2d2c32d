/**
 * Rules 2–9: from a contract's terms and the incidents, the merged outages with their unavailable time,
 * credit and claim window. Pure: `asOf` and the policy are arguments, inputs are never mutated.
 */
import type { ContractTerms, Span } from './contract';
import { activePeriod, allRegionsOf, monthlyFeeBaseOn, optionWindow } from './contract';
import type { IncidentFacts } from './incident';
import { isQualifying, relationOf } from './incident';
import type { Yen } from './money';
import { mulDivRounded } from './money';
import type { Policy } from './policy';
import { intersectionOf, overlaps, unionOf } from './spans';
import type { BusinessDate, Instant } from './time';
import { MS_PER_DAY, addDays, businessDateOf, endOfBusinessDate, extendPastSundaysAndHolidays, monthsPeriodEnd } from './time';

/** Art. 11: 24 hours or more, counted in exact milliseconds. */
export const THRESHOLD_MS = MS_PER_DAY;

export type ClaimStatus = 'not-qualifying' | 'claimable' | 'claimed' | 'expired';

export interface Outage {
  start: Instant;
  /** Null while ongoing. */
  end: Instant | null;
  ongoing: boolean;
  clockStart: Instant | null;
  unavailableMs: number;
  qualifies: boolean;
  creditDays: number;
  monthlyFeeBase: Yen;
  creditAmount: Yen;
  thresholdAt: Instant | null;
  claimableFrom: BusinessDate | null;
  claimDeadline: BusinessDate | null;
  incidentIds: string[];
  claimStatus: ClaimStatus;
}

export interface OutageInput {
  contract: ContractTerms;
  incidents: readonly IncidentFacts[];
  asOf: Instant;
  policy: Policy;
}

/**
 * A stretch of unusable time. `knownFrom` is the first instant of it the provider knew of (rule 5's
 * `max(start, awareAt)`), or Infinity when none of it was known.
 */
interface Piece {
  start: Instant;
  end: Instant;
  knownFrom: Instant;
  incidentIndex: number;
  cutAtAsOf: boolean;
}

interface MergedOutage {
  start: Instant;
  end: Instant;
  clockStart: Instant;
  ongoing: boolean;
  incidentIndexes: Set<number>;
}

const NO_INCIDENT = -1;

export function deriveOutages({ contract, incidents, asOf, policy }: OutageInput): Outage[] {
  const window = activePeriod(contract, policy);
  const until = Math.min(window.end, asOf);
  const pieces: Piece[] = [];
  const regional: number[] = [];

  const addPiece = (start: Instant, end: Instant, knownFrom: Instant, incidentIndex: number) => {
    const clippedStart = Math.max(start, window.start);
    const cutAtAsOf = end > asOf && asOf < window.end;
    const clippedEnd = Math.min(end, until);
    if (clippedStart >= clippedEnd) return;
    const known = Math.max(knownFrom, clippedStart);
    pieces.push({ start: clippedStart, end: clippedEnd, knownFrom: known < clippedEnd ? known : Infinity, incidentIndex, cutAtAsOf });
  };

  incidents.forEach((incident, index) => {
    if (!isQualifying(incident)) return;
    const relation = relationOf(incident, contract);
    if (relation === 'regional') regional.push(index);
    if (relation !== 'named') return;
    for (const interval of incident.intervals) {
      const end = interval.end ?? Infinity;
      addPiece(interval.start, end, Math.max(interval.start, incident.awareAt), index);
    }
  });

  if (regional.length > 0) {
    const regionalIncidents = regional.map((index) => incidents[index]!);
    const { unusable, known } = regionalUnusability(contract, regionalIncidents, policy);
    for (const span of unusable) addPiece(span.start, span.end, Infinity, NO_INCIDENT);
    for (const span of known) addPiece(span.start, span.end, span.start, NO_INCIDENT);
  }

  const merged = mergePieces(pieces, policy.mergeGapMs);
  if (regional.length > 0) attributeRegionalIncidents(merged, contract, incidents, regional, until);
  return merged.map((outage) => assessOutage(outage, contract, incidents, asOf, policy));
}

/** Rule 4: sort by start, join pieces that overlap or are at most `gapMs` apart (0: only touching). */
function mergePieces(pieces: Piece[], gapMs: number): MergedOutage[] {
  pieces.sort((a, b) => a.start - b.start);
  const outages: MergedOutage[] = [];
  let current: MergedOutage | undefined;
  for (const piece of pieces) {
    if (current !== undefined && piece.start - current.end <= gapMs) {
      if (piece.end > current.end) current.end = piece.end;
      if (piece.knownFrom < current.clockStart) current.clockStart = piece.knownFrom;
      current.ongoing ||= piece.cutAtAsOf;
    } else {
      current = { start: piece.start, end: piece.end, clockStart: piece.knownFrom, ongoing: piece.cutAtAsOf, incidentIndexes: new Set() };
      outages.push(current);
    }
    if (piece.incidentIndex !== NO_INCIDENT) current.incidentIndexes.add(piece.incidentIndex);
  }
  return outages;
}

interface RegionSegment extends Span {
  regions: readonly string[];
}

/**
 * The regions a contract has over time (rule 2): its own always, plus each multi-region option's while
 * the option counts. With `multiRegionFailover` off, only the contract's own region counts.
 */
function regionTimeline(contract: ContractTerms, includeOptions: boolean): RegionSegment[] {
  const own = contract.region === null ? [] : [contract.region];
  const options = includeOptions ? contract.options.map((option) => ({ option, window: optionWindow(option) })) : [];
  const cuts = [...new Set(options.flatMap(({ window }) => [window.start, window.end]).filter(Number.isFinite))].sort((a, b) => a - b);
  const bounds = [-Infinity, ...cuts, Infinity];
  const segments: RegionSegment[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const segment = { start: bounds[i]!, end: bounds[i + 1]! };
    const regions = new Set(own);
    for (const { option, window } of options) {
      if (window.start <= segment.start && segment.end <= window.end) for (const region of option.regions) regions.add(region);
    }
    segments.push({ ...segment, regions: [...regions] });
  }
  return segments;
}

/**
 * Rule 2 for regional incidents: the contract is unusable when every region it has at that instant is
 * down; rule 5: the same again with each interval cut to its known part `[max(start, awareAt), end)`.
 */
function regionalUnusability(contract: ContractTerms, incidents: readonly IncidentFacts[], policy: Policy) {
  const downByRegion = new Map<string, { down: Span[]; known: Span[] }>();
  for (const region of allRegionsOf(contract)) {
    const down: Span[] = [];
    const known: Span[] = [];
    for (const incident of incidents) {
      if (!incident.scope?.regions.includes(region)) continue;
      for (const interval of incident.intervals) {
        const end = interval.end ?? Infinity;
        down.push({ start: interval.start, end });
        known.push({ start: Math.max(interval.start, incident.awareAt), end });
      }
    }
    downByRegion.set(region, { down: unionOf(down), known: unionOf(known) });
  }
  const unusable: Span[] = [];
  const known: Span[] = [];
  for (const segment of regionTimeline(contract, policy.multiRegionFailover)) {
    if (segment.regions.length === 0) continue;
    let allDown: Span[] = [{ start: segment.start, end: segment.end }];
    let allKnown: Span[] = allDown;
    for (const region of segment.regions) {
      const sets = downByRegion.get(region)!;
      allDown = intersectionOf(allDown, sets.down);
      allKnown = intersectionOf(allKnown, sets.known);
    }
    unusable.push(...allDown);
    known.push(...allKnown);
  }
  return { unusable, known };
}

/** `incidentIds`: the incidents that, at some instant of the outage, had one of the contract's regions down. */
function attributeRegionalIncidents(
  outages: MergedOutage[],
  contract: ContractTerms,
  incidents: readonly IncidentFacts[],
  regional: readonly number[],
  until: Instant,
) {
  const timeline = regionTimeline(contract, true);
  for (const index of regional) {
    const incident = incidents[index]!;
    for (const segment of timeline) {
      if (!segment.regions.some((region) => incident.scope!.regions.includes(region))) continue;
      for (const interval of incident.intervals) {
        const span = { start: Math.max(interval.start, segment.start), end: Math.min(interval.end ?? Infinity, segment.end, until) };
        if (span.start >= span.end) continue;
        for (const outage of outages) if (overlaps(span, outage)) outage.incidentIndexes.add(index);
      }
    }
  }
}

function assessOutage(merged: MergedOutage, contract: ContractTerms, incidents: readonly IncidentFacts[], asOf: Instant, policy: Policy): Outage {
  const clockStart = Number.isFinite(merged.clockStart) ? merged.clockStart : null;
  // Rule 5: time before the provider knew does not count; unavailable time runs to the end (or asOf).
  const unavailableMs = clockStart === null ? 0 : merged.end - clockStart;
  const qualifies = unavailableMs >= THRESHOLD_MS;
  const creditDays = Math.floor(unavailableMs / MS_PER_DAY);
  const monthlyFeeBase = monthlyFeeBaseOn(contract, businessDateOf(clockStart ?? merged.start));
  const creditAmount = mulDivRounded(creditDays, monthlyFeeBase, 30, policy.rounding);
  const thresholdAt = qualifies ? clockStart! + THRESHOLD_MS : null;
  const claimableFrom = claimableFromOf({ qualifies, ongoing: merged.ongoing, end: merged.end, thresholdAt }, policy);
  const claimDeadline = claimableFrom === null ? null : claimDeadlineOf(claimableFrom, policy);
  const incidentIds = [...merged.incidentIndexes].sort((a, b) => a - b).map((index) => incidents[index]!.id);
  return {
    start: merged.start,
    end: merged.ongoing ? null : merged.end,
    ongoing: merged.ongoing,
    clockStart,
    unavailableMs,
    qualifies,
    creditDays,
    monthlyFeeBase,
    creditAmount,
    thresholdAt,
    claimableFrom,
    claimDeadline,
    incidentIds,
    claimStatus: claimStatusAsOf({ qualifies, claimDeadline }, asOf),
  };
}

/**
 * Rule 8, 請求をし得ることとなった日. Default `outageEnded`: the JST date the outage ended (null while it
 * lasts), because the amount is only known then and a forfeiture clause is read narrowly.
 */
export function claimableFromOf(
  outage: { qualifies: boolean; ongoing: boolean; end: Instant; thresholdAt: Instant | null },
  policy: Pick<Policy, 'claimableFrom'>,
): BusinessDate | null {
  if (!outage.qualifies) return null;
  if (policy.claimableFrom === 'thresholdReached') return businessDateOf(outage.thresholdAt!);
  return outage.ongoing ? null : businessDateOf(outage.end);
}

/**
 * Rule 9: 3 months from the day the claim became possible, the first day not counted (Civil Code
 * Arts. 140, 143), optionally extended past Sundays and holidays (Art. 142).
 */
export function claimDeadlineOf(claimableFrom: BusinessDate, policy: Pick<Policy, 'extendOverHolidays'>): BusinessDate {
  const deadline = monthsPeriodEnd(addDays(claimableFrom, 1), 3);
  return policy.extendOverHolidays ? extendPastSundaysAndHolidays(deadline) : deadline;
}

/** A claim is timely when received before 00:00 JST of the day after the deadline. */
export function isWithinClaimWindow(receivedAt: Instant, claimDeadline: BusinessDate): boolean {
  return receivedAt < endOfBusinessDate(claimDeadline);
}

/** The calculator's status, which knows no claims: a qualifying outage with no deadline yet is claimable. */
export function claimStatusAsOf(outage: { qualifies: boolean; claimDeadline: BusinessDate | null }, asOf: Instant): ClaimStatus {
  if (!outage.qualifies) return 'not-qualifying';
  if (outage.claimDeadline !== null && !isWithinClaimWindow(asOf, outage.claimDeadline)) return 'expired';
  return 'claimable';
}
