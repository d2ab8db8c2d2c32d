/**
 * The benchmarks' portfolio: deterministic contracts and, per contract, 100 intervals in incidents as
 * support would log them (seeded, so every run measures exactly the same data). Shared by
 * `outages.bench.ts` (in memory) and `http.bench.ts` (stored in SQLite).
 */
import type {
  ContractTerms,
  FeeChange,
  MultiRegionOption,
} from '../src/domain/contract';
import type {
  Cause,
  DownInterval,
  IncidentFacts,
  Severity,
} from '../src/domain/incident';
import { yen } from '../src/domain/money';
import {
  type BusinessDate,
  type Instant,
  instantOf,
  MS_PER_DAY,
  MS_PER_HOUR,
  parseBusinessDate,
  parseInstant,
} from '../src/domain/time';

export const INTERVALS_PER_CONTRACT = 100;
export const SEED = 0x9e3779b9;
export const ASOF: Instant = parseInstant('2026-02-01T00:00:00+09:00');
const MS_PER_MINUTE = 60_000;

// ---------------------------------------------------------------------------------------------------
// Deterministic data

/** mulberry32: a tiny seeded PRNG, so every run benchmarks exactly the same data. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The one seeded sequence: contracts, their incidents, and anything a bench draws after them. */
export const random = mulberry32(SEED);
export const between = (lo: number, hi: number) =>
  lo + Math.floor(random() * (hi - lo));
/** Log-uniform between lo and hi: as many 2-minute blips as 2-day outages per octave. */
export const logUniform = (lo: number, hi: number) =>
  Math.round(Math.exp(Math.log(lo) + random() * (Math.log(hi) - Math.log(lo))));
export const pick = <T>(items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;

/** The JST business date of an instant (JST is UTC+9 throughout the generated range). */
const jstDate = (instant: number): BusinessDate =>
  parseBusinessDate(
    new Date(instant + 9 * MS_PER_HOUR).toISOString().slice(0, 10),
  );

export const REGIONS = ['tokyo', 'osaka', 'nagoya', 'fukuoka'] as const;
const FEES = [48_000, 96_000, 150_000, 300_000, 640_000, 1_200_000] as const;
const OTHER_CAUSES: readonly Cause[] = [
  'customer',
  'third_party',
  'force_majeure',
  'maintenance',
];
const HISTORY_FROM: Instant = parseInstant('2025-01-01T00:00:00+09:00');

export function makeContract(index: number): ContractTerms {
  const billingStart =
    parseInstant('2023-01-01T00:00:00+09:00') + between(0, 900) * MS_PER_DAY;
  const region = pick(REGIONS);
  const feeChanges: FeeChange[] = [];
  for (let i = between(0, 3); i > 0; i--) {
    feeChanges.push({
      effectiveDate: jstDate(billingStart + between(30, 1000) * MS_PER_DAY),
      monthlyFee: yen(pick(FEES)),
    });
  }
  const options: MultiRegionOption[] = [];
  if (random() < 0.2) {
    options.push({
      kind: 'multi-region',
      regions: [pick(REGIONS.filter((r) => r !== region))],
      monthlyFee: yen(30_000),
      billingStartDate: jstDate(billingStart + between(0, 600) * MS_PER_DAY),
      endDate:
        random() < 0.3 ? jstDate(ASOF - between(0, 300) * MS_PER_DAY) : null,
    });
  }
  return {
    id: `C${String(index).padStart(5, '0')}`,
    billingStartDate: jstDate(billingStart),
    // A few contracts end, some before asOf (their later outages are cut), some after.
    terminationEffectiveDate:
      random() < 0.05 ? jstDate(ASOF + between(-90, 60) * MS_PER_DAY) : null,
    monthlyFee: yen(pick(FEES)),
    feeChanges,
    region,
    options,
  };
}

/**
 * 100 intervals for one contract, as support would log them: incidents in the order they began, each
 * named for the contract (scope null), mostly provider/total, some flapping (several intervals that
 * touch, overlap or are minutes apart), some starting inside an earlier incident, a few still open.
 */
export function makeIncidents(
  contract: ContractTerms,
  contractIndex: number,
): IncidentFacts[] {
  const from = Math.max(
    HISTORY_FROM,
    parseInstant(`${contract.billingStartDate}T00:00:00+09:00`),
  );
  const incidents: IncidentFacts[] = [];
  let remaining = INTERVALS_PER_CONTRACT;
  // About 5% of contracts have an incident still going on at asOf, logged last.
  const openAtEnd = random() < 0.05 ? 1 : 0;
  remaining -= openAtEnd;
  const drafts: { firstStart: number; intervals: DownInterval[] }[] = [];
  while (remaining > 0) {
    const roll = random();
    const count = Math.min(
      remaining,
      roll < 0.6 ? 1 : roll < 0.85 ? between(2, 4) : between(4, 9),
    );
    remaining -= count;
    // 10%: begins inside a recent incident (a second cause on top of a first one).
    const previous = drafts[drafts.length - 1];
    let start =
      previous !== undefined && random() < 0.1
        ? previous.firstStart + between(0, MS_PER_HOUR * 6)
        : between(from, ASOF - 3 * MS_PER_DAY);
    const intervals: DownInterval[] = [];
    for (let i = 0; i < count; i++) {
      const end = start + logUniform(2 * MS_PER_MINUTE, 3 * MS_PER_DAY);
      intervals.push({ start: instantOf(start), end: instantOf(end) });
      const next = random();
      // Flapping: the next interval touches (20%), overlaps (15%) or follows after minutes to hours.
      start =
        next < 0.2
          ? end
          : next < 0.35
            ? end - between(1, Math.max(2, end - start))
            : end + logUniform(MS_PER_MINUTE, 12 * MS_PER_HOUR);
    }
    drafts.push({ firstStart: intervals[0]!.start, intervals });
  }
  drafts.sort((a, b) => a.firstStart - b.firstStart);
  if (openAtEnd === 1) {
    drafts.push({
      firstStart: 0,
      intervals: [
        {
          start: instantOf(
            ASOF - logUniform(10 * MS_PER_MINUTE, 3 * MS_PER_DAY),
          ),
          end: null,
        },
      ],
    });
    drafts[drafts.length - 1]!.firstStart =
      drafts[drafts.length - 1]!.intervals[0]!.start;
  }
  drafts.forEach(({ firstStart, intervals }, i) => {
    const roll = random();
    const cause: Cause = roll < 0.8 ? 'provider' : pick(OTHER_CAUSES);
    const sev = random();
    const severity: Severity =
      sev < 0.65 ? 'total' : sev < 0.9 ? 'equivalent' : 'partial';
    // awareAt at or after the first start: at once, after minutes to hours, or a day or two later.
    const aware = random();
    const awareAt =
      aware < 0.3
        ? firstStart
        : aware < 0.8
          ? firstStart + logUniform(MS_PER_MINUTE, 6 * MS_PER_HOUR)
          : firstStart + logUniform(6 * MS_PER_HOUR, 2 * MS_PER_DAY);
    incidents.push({
      id: `INC-${contractIndex}-${i}`,
      cause,
      severity,
      awareAt: instantOf(awareAt),
      intervals,
      scope: null,
    });
  });
  return incidents;
}
