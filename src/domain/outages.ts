/**
 * Rules 2–9: from a contract's terms and the incidents, the merged outages with their unavailable time,
 * credit and claim window. Pure: `asOf` and the policy are arguments, inputs are never mutated.
 */
import type { ContractTerms, Span } from './contract';
import {
  activePeriod,
  allRegionsOf,
  monthlyFeeBaseOn,
  optionWindow,
} from './contract';
import type { IncidentFacts } from './incident';
import { isQualifying, relationOf } from './incident';
import type { Yen } from './money';
import { mulDivRounded } from './money';
import type { Policy } from './policy';
import { intersectionOf, unionOf } from './spans';
import type { BusinessDate, Instant } from './time';
import {
  addDays,
  addMs,
  businessDateOf,
  endOfBusinessDate,
  extendPastSundaysAndHolidays,
  MS_PER_DAY,
  monthsPeriodEnd,
} from './time';

/** Art. 11: 24 hours or more, counted in exact milliseconds. */
export const THRESHOLD_MS = MS_PER_DAY;

export type ClaimStatus =
  | 'not-qualifying'
  | 'claimable'
  | 'claimed'
  | 'expired';

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

/** A typed array of `size` elements holding `array`'s elements first. */
function grown<T extends Float64Array | Int32Array | Uint8Array>(
  array: T,
  size: number,
): T {
  const bigger = new (array.constructor as new (size: number) => T)(size);
  bigger.set(array);
  return bigger;
}

/*
 * Deriving the outages of every contract walks every interval ever logged. An object per interval and
 * per merged outage (with a Set of incidents each) was most of the time and garbage, so the working data
 * of one derivation live in the columns (typed arrays) of two buffers, `pieces` and `merged` below,
 * reused by every call. Sharing them is safe: `deriveOutages` is synchronous, calls nothing that could
 * call it back, and resets both when it starts. Only the returned Outage objects are allocated per
 * outage.
 *
 * The columns hold instants as plain numbers (epoch ms, or ±Infinity for no bound). Every finite one is
 * an Instant of the input or of the active period, taken as it is by min and max, so `assessOutage`
 * hands them back out as Instants without checking each again.
 */

/**
 * The stretches of unusable time of one derivation, each clipped to the active period and to asOf.
 * `knownFrom` is the first instant of a stretch the provider knew of (rule 5's `max(start, awareAt)`), or
 * Infinity when none of it was known.
 */
class Pieces {
  length = 0;
  start = new Float64Array(256);
  end = new Float64Array(256);
  knownFrom = new Float64Array(256);
  incidentIndex = new Int32Array(256);
  cutAtAsOf = new Uint8Array(256);
  private windowStart = 0;
  private until = 0;
  private asOf = 0;
  private asOfInWindow = false;

  reset(window: Span, asOf: Instant): void {
    this.length = 0;
    this.windowStart = window.start;
    this.until = Math.min(window.end, asOf);
    this.asOf = asOf;
    this.asOfInWindow = asOf < window.end;
  }

  /** Rule 3: only time in the active period counts; time after asOf is not known yet. */
  add(
    start: number,
    end: number,
    knownFrom: number,
    incidentIndex: number,
  ): void {
    const clippedStart = Math.max(start, this.windowStart);
    const clippedEnd = Math.min(end, this.until);
    if (clippedStart >= clippedEnd) return;
    const known = Math.max(knownFrom, clippedStart);
    if (this.length === this.start.length) this.grow();
    const i = this.length++;
    this.start[i] = clippedStart;
    this.end[i] = clippedEnd;
    this.knownFrom[i] = known < clippedEnd ? known : Infinity;
    this.incidentIndex[i] = incidentIndex;
    this.cutAtAsOf[i] = end > this.asOf && this.asOfInWindow ? 1 : 0;
  }

  private grow(): void {
    const size = this.start.length * 2;
    this.start = grown(this.start, size);
    this.end = grown(this.end, size);
    this.knownFrom = grown(this.knownFrom, size);
    this.incidentIndex = grown(this.incidentIndex, size);
    this.cutAtAsOf = grown(this.cutAtAsOf, size);
  }
}

/**
 * Rule 4's outages. Outage `m` is made of the pieces `order[firstPiece[m]]` … `order[endPiece[m] - 1]`,
 * where `order` lists the pieces by start; `extraIncidents[m]`, when set, holds the regional incidents
 * attributed to it.
 */
class MergedOutages {
  length = 0;
  start = new Float64Array(256);
  end = new Float64Array(256);
  clockStart = new Float64Array(256);
  ongoing = new Uint8Array(256);
  firstPiece = new Int32Array(256);
  endPiece = new Int32Array(256);
  order: ArrayLike<number> = [];
  extraIncidents: (number[] | undefined)[] = [];

  reset(order: ArrayLike<number>): void {
    this.length = 0;
    this.order = order;
    this.extraIncidents.length = 0;
  }

  open(
    start: number,
    end: number,
    clockStart: number,
    ongoing: boolean,
    piece: number,
  ): number {
    if (this.length === this.start.length) this.grow();
    const m = this.length++;
    this.start[m] = start;
    this.end[m] = end;
    this.clockStart[m] = clockStart;
    this.ongoing[m] = ongoing ? 1 : 0;
    this.firstPiece[m] = piece;
    this.endPiece[m] = piece + 1;
    return m;
  }

  private grow(): void {
    const size = this.start.length * 2;
    this.start = grown(this.start, size);
    this.end = grown(this.end, size);
    this.clockStart = grown(this.clockStart, size);
    this.ongoing = grown(this.ongoing, size);
    this.firstPiece = grown(this.firstPiece, size);
    this.endPiece = grown(this.endPiece, size);
  }
}

const pieces = new Pieces();
const merged = new MergedOutages();

const NO_INCIDENT = -1;

export function deriveOutages({
  contract,
  incidents,
  asOf,
  policy,
}: OutageInput): Outage[] {
  const window = activePeriod(contract, policy);
  const until = Math.min(window.end, asOf);
  pieces.reset(window, asOf);
  let regional: number[] | undefined;

  for (let index = 0; index < incidents.length; index++) {
    const incident = incidents[index]!;
    if (!isQualifying(incident)) continue;
    const relation = relationOf(incident, contract);
    if (relation === 'regional') {
      regional ??= [];
      regional.push(index);
    }
    if (relation !== 'named') continue;
    const intervals = incident.intervals;
    for (let i = 0; i < intervals.length; i++) {
      const interval = intervals[i]!;
      pieces.add(
        interval.start,
        interval.end ?? Infinity,
        Math.max(interval.start, incident.awareAt),
        index,
      );
    }
  }

  if (regional !== undefined) {
    const regionalIncidents = regional.map((index) => incidents[index]!);
    const { unusable, known } = regionalUnusability(
      contract,
      regionalIncidents,
      policy,
    );
    for (const span of unusable)
      pieces.add(span.start, span.end, Infinity, NO_INCIDENT);
    for (const span of known)
      pieces.add(span.start, span.end, span.start, NO_INCIDENT);
  }

  mergePieces(pieces, policy.mergeGapMs, merged);
  if (regional !== undefined)
    attributeRegionalIncidents(
      merged,
      contract,
      incidents,
      regional,
      until,
      policy,
    );
  const outages: Outage[] = new Array(merged.length);
  for (let m = 0; m < merged.length; m++)
    outages[m] = assessOutage(merged, m, contract, incidents, asOf, policy);
  return outages;
}

/** Rule 4: in order of start, join pieces that overlap or are at most `gapMs` apart (0: only touching). */
function mergePieces(
  pieces: Pieces,
  gapMs: number,
  merged: MergedOutages,
): void {
  const order = orderByStart(pieces);
  merged.reset(order);
  let m = -1;
  let currentEnd = 0;
  for (let k = 0; k < pieces.length; k++) {
    const i = order[k]!;
    const start = pieces.start[i]!;
    const end = pieces.end[i]!;
    if (m !== -1 && start - currentEnd <= gapMs) {
      if (end > currentEnd) currentEnd = merged.end[m] = end;
      if (pieces.knownFrom[i]! < merged.clockStart[m]!)
        merged.clockStart[m] = pieces.knownFrom[i]!;
      if (pieces.cutAtAsOf[i] === 1) merged.ongoing[m] = 1;
      merged.endPiece[m] = k + 1;
    } else {
      m = merged.open(
        start,
        end,
        pieces.knownFrom[i]!,
        pieces.cutAtAsOf[i] === 1,
        k,
      );
      currentEnd = end;
    }
  }
}

const TWO_POW_53 = 2 ** 53;
let sortKeys = new Float64Array(256);
let sortOrder = new Int32Array(256);

/**
 * The pieces' indexes in order of start, equal starts in the order they were added (what a stable sort
 * of the pieces by start gives; the merge does not depend on it anyway).
 *
 * A comparator sort calls back into JS for every comparison and was the largest part of deriving
 * outages. Instead, when every start is a safe integer (epoch milliseconds are), each piece becomes
 * one exact number, `(start - earliest) × slots + index`, so that plain numeric order is start order
 * with ties in insertion order. `slots` is a power of two above the last index, so the index is the
 * remainder of dividing by `slots`. The keys must stay below 2^53 to be exact, which a century of
 * milliseconds with up to ~2,000 pieces, or a year with ~200,000, does; otherwise (non-integers, NaN, a
 * longer span) this falls back to the comparator sort.
 */
function orderByStart(pieces: Pieces): ArrayLike<number> {
  const n = pieces.length;
  const starts = pieces.start;
  let earliest = Infinity;
  let latest = -Infinity;
  let integral = true;
  for (let i = 0; i < n; i++) {
    const start = starts[i]!;
    if (!Number.isSafeInteger(start)) integral = false; // also NaN and ±Infinity
    if (start < earliest) earliest = start;
    if (start > latest) latest = start;
  }
  let slots = 1;
  while (slots < n) slots *= 2;
  if (!integral || (latest - earliest + 1) * slots > TWO_POW_53) {
    return Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => starts[a]! - starts[b]!,
    );
  }
  if (sortKeys.length < n) {
    sortKeys = new Float64Array(Math.max(n, sortKeys.length * 2));
    sortOrder = new Int32Array(sortKeys.length);
  }
  const keys = sortKeys;
  for (let i = 0; i < n; i++) keys[i] = (starts[i]! - earliest) * slots + i;
  sortNumbers(keys, n);
  // `key % slots`, but without the slow floating-point remainder: the division by a power of two is exact.
  for (let k = 0; k < n; k++)
    sortOrder[k] = keys[k]! - Math.floor(keys[k]! / slots) * slots;
  return sortOrder;
}

/**
 * Sorts `keys[0, n)` ascending. Incidents are logged as they happen, so their intervals come nearly in
 * order: an insertion sort does that in about one pass, with no call into the runtime. It gives up after
 * a few moves per key, leaving a shuffled list to the native sort.
 */
function sortNumbers(keys: Float64Array, n: number): void {
  let movesLeft = 4 * n + 32;
  for (let i = 1; i < n; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
    movesLeft -= i - 1 - j;
    if (movesLeft < 0) {
      keys.subarray(0, n).sort();
      return;
    }
  }
}

interface RegionSegment extends Span {
  regions: readonly string[];
}

/**
 * The regions a contract has over time (rule 2): its own always, plus each multi-region option's while
 * the option counts. With `multiRegionFailover` off, only the contract's own region counts.
 */
function regionTimeline(
  contract: ContractTerms,
  includeOptions: boolean,
): RegionSegment[] {
  const own = contract.region === null ? [] : [contract.region];
  const options = includeOptions
    ? contract.options.map((option) => ({
        option,
        window: optionWindow(option),
      }))
    : [];
  const cuts = [
    ...new Set(
      options
        .flatMap(({ window }) => [window.start, window.end])
        .filter(Number.isFinite),
    ),
  ].sort((a, b) => a - b);
  const bounds = [-Infinity, ...cuts, Infinity];
  const segments: RegionSegment[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const segment = { start: bounds[i]!, end: bounds[i + 1]! };
    const regions = new Set(own);
    for (const { option, window } of options) {
      if (window.start <= segment.start && segment.end <= window.end)
        for (const region of option.regions) regions.add(region);
    }
    segments.push({ ...segment, regions: [...regions] });
  }
  return segments;
}

/**
 * Rule 2 for regional incidents: the contract is unusable when every region it has at that instant is
 * down; rule 5: the same again with each interval cut to its known part `[max(start, awareAt), end)`.
 */
function regionalUnusability(
  contract: ContractTerms,
  incidents: readonly IncidentFacts[],
  policy: Policy,
) {
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

/**
 * `incidentIds` (API.md, Outage): the regional incidents that, at some instant of an outage, had down one
 * of the regions that count for the contract then (rule 2: its own, and with `multiRegionFailover` on,
 * those of its options active then). An incident only in an option's region, with the policy off, did
 * not make the contract unusable, so it is not listed.
 *
 * One sweep: the stretches during which an incident had such a region down, taken in order of start,
 * against the outages, which are sorted and disjoint; an outage that ends before a stretch starts can
 * meet no later stretch either.
 */
function attributeRegionalIncidents(
  outages: MergedOutages,
  contract: ContractTerms,
  incidents: readonly IncidentFacts[],
  regional: readonly number[],
  until: number,
  policy: Policy,
) {
  const timeline = regionTimeline(contract, policy.multiRegionFailover);
  const starts: number[] = [];
  const ends: number[] = [];
  const owners: number[] = [];
  for (const index of regional) {
    const incident = incidents[index]!;
    const regions = incident.scope!.regions;
    for (const segment of timeline) {
      if (!segment.regions.some((region) => regions.includes(region))) continue;
      for (const interval of incident.intervals) {
        const start = Math.max(interval.start, segment.start);
        const end = Math.min(interval.end ?? Infinity, segment.end, until);
        if (start >= end) continue;
        starts.push(start);
        ends.push(end);
        owners.push(index);
      }
    }
  }
  const order = Array.from(starts.keys()).sort(
    (a, b) => starts[a]! - starts[b]!,
  );
  let first = 0;
  for (const s of order) {
    const start = starts[s]!;
    const end = ends[s]!;
    const owner = owners[s]!;
    while (first < outages.length && outages.end[first]! <= start) first++;
    for (let m = first; m < outages.length && outages.start[m]! < end; m++) {
      const extra = outages.extraIncidents[m];
      if (extra === undefined) outages.extraIncidents[m] = [owner];
      // incidentIdsOf drops repeats; skipping the obvious ones keeps the lists short.
      else if (extra[extra.length - 1] !== owner) extra.push(owner);
    }
  }
}

function assessOutage(
  merged: MergedOutages,
  m: number,
  contract: ContractTerms,
  incidents: readonly IncidentFacts[],
  asOf: Instant,
  policy: Policy,
): Outage {
  // The boundary of the columns (see above): finite numbers there are Instants.
  const start = merged.start[m]! as Instant;
  const end = merged.end[m]! as Instant;
  const ongoing = merged.ongoing[m] === 1;
  const clockStart = Number.isFinite(merged.clockStart[m])
    ? (merged.clockStart[m]! as Instant)
    : null;
  // Rule 5: time before the provider knew does not count; unavailable time runs to the end (or asOf).
  const unavailableMs = clockStart === null ? 0 : end - clockStart;
  const qualifies = unavailableMs >= THRESHOLD_MS;
  const creditDays = Math.floor(unavailableMs / MS_PER_DAY);
  const monthlyFeeBase = monthlyFeeBaseOn(
    contract,
    businessDateOf(clockStart ?? start),
  );
  const creditAmount = mulDivRounded(
    creditDays,
    monthlyFeeBase,
    30,
    policy.rounding,
  );
  const thresholdAt = qualifies ? addMs(clockStart!, THRESHOLD_MS) : null;
  const claimableFrom = claimableFromOf(
    { qualifies, ongoing, end, thresholdAt },
    policy,
  );
  const claimDeadline =
    claimableFrom === null ? null : claimDeadlineOf(claimableFrom, policy);
  const incidentIds = incidentIdsOf(pieces, merged, m, incidents);
  return {
    start,
    end: ongoing ? null : end,
    ongoing,
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

/** The ids of the incidents of merged outage `m`, in the order of `incidents`, each once. */
function incidentIdsOf(
  pieces: Pieces,
  merged: MergedOutages,
  m: number,
  incidents: readonly IncidentFacts[],
): string[] {
  const from = merged.firstPiece[m]!;
  const to = merged.endPiece[m]!;
  const extra = merged.extraIncidents[m];
  // Most outages come from a single incident: find that out without collecting anything.
  let only = NO_INCIDENT;
  let k = from;
  for (; k < to; k++) {
    const index = pieces.incidentIndex[merged.order[k]!]!;
    if (index === NO_INCIDENT || index === only) continue;
    if (only !== NO_INCIDENT) break;
    only = index;
  }
  if (k === to && extra === undefined)
    return only === NO_INCIDENT ? [] : [incidents[only]!.id];
  const indexes = extra === undefined ? [] : extra.slice();
  for (k = from; k < to; k++) {
    const index = pieces.incidentIndex[merged.order[k]!]!;
    if (index !== NO_INCIDENT) indexes.push(index);
  }
  if (indexes.length <= 16) insertionSort(indexes);
  else indexes.sort((a, b) => a - b);
  const ids: string[] = [];
  for (k = 0; k < indexes.length; k++)
    if (k === 0 || indexes[k] !== indexes[k - 1])
      ids.push(incidents[indexes[k]!]!.id);
  return ids;
}

/** Ascending, in place; for the few incidents of one outage, cheaper than a comparator sort's set-up. */
function insertionSort(values: number[]): void {
  for (let i = 1; i < values.length; i++) {
    const value = values[i]!;
    let j = i - 1;
    while (j >= 0 && values[j]! > value) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = value;
  }
}

/**
 * Rule 8, 請求をし得ることとなった日. Default `outageEnded`: the JST date the outage ended (null while it
 * lasts), because the amount is only known then and a forfeiture clause is read narrowly.
 */
export function claimableFromOf(
  outage: {
    qualifies: boolean;
    ongoing: boolean;
    end: Instant;
    thresholdAt: Instant | null;
  },
  policy: Pick<Policy, 'claimableFrom'>,
): BusinessDate | null {
  if (!outage.qualifies) return null;
  if (policy.claimableFrom === 'thresholdReached')
    return businessDateOf(outage.thresholdAt!);
  return outage.ongoing ? null : businessDateOf(outage.end);
}

/**
 * Rule 9: 3 months from the day the claim became possible, the first day not counted (Civil Code
 * Arts. 140, 143), optionally extended past Sundays and holidays (Art. 142).
 */
export function claimDeadlineOf(
  claimableFrom: BusinessDate,
  policy: Pick<Policy, 'extendOverHolidays'>,
): BusinessDate {
  const deadline = monthsPeriodEnd(addDays(claimableFrom, 1), 3);
  return policy.extendOverHolidays
    ? extendPastSundaysAndHolidays(deadline)
    : deadline;
}

/** A claim is timely when received before 00:00 JST of the day after the deadline. */
export function isWithinClaimWindow(
  receivedAt: Instant,
  claimDeadline: BusinessDate,
): boolean {
  return receivedAt < endOfBusinessDate(claimDeadline);
}

/** The calculator's status, which knows no claims: a qualifying outage with no deadline yet is claimable. */
export function claimStatusAsOf(
  outage: { qualifies: boolean; claimDeadline: BusinessDate | null },
  asOf: Instant,
): ClaimStatus {
  if (!outage.qualifies) return 'not-qualifying';
  if (
    outage.claimDeadline !== null &&
    !isWithinClaimWindow(asOf, outage.claimDeadline)
  )
    return 'expired';
  return 'claimable';
}
