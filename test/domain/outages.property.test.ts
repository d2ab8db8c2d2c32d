/**
 * Properties of deriveOutages over random scenarios: named and regional incidents on a half-hour grid
 * (so that touching and overlapping intervals are common), with the odd 1 ms offset, a contract that may
 * start or end inside the range, an optional multi-region option, and random policies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContractTerms } from '../../src/domain/contract';
import type {
  Cause,
  DownInterval,
  IncidentFacts,
  Severity,
} from '../../src/domain/incident';
import {
  deriveOutages,
  type Outage,
  type OutageInput,
} from '../../src/domain/outages';
import { resolvePolicy } from '../../src/domain/policy';
import {
  contractTerms,
  DAY,
  HOUR,
  instant,
  jst,
  multiRegion,
  plusDays,
  plusMonthsClamped,
} from './fixtures';

const RUNS = 250;
const T0 = jst('2026-01-01T00:00');
const SLOT = 30 * 60_000;

const jitter = fc.constantFrom(0, 0, 0, 1);
const instantArb = fc
  .tuple(fc.integer({ min: 0, max: 14 * 48 }), jitter)
  .map(([k, j]) => instant(T0 + k * SLOT + j));
const lengthArb = fc
  .tuple(fc.integer({ min: 0, max: 3 * 48 }), fc.constantFrom(0, 0, 1, -1))
  .map(([k, j]) => Math.max(1, k * SLOT + j));
const intervalArb: fc.Arbitrary<DownInterval> = fc
  .tuple(instantArb, fc.option(lengthArb, { nil: null, freq: 8 }))
  .map(([start, length]) => ({
    start,
    end: length === null ? null : instant(start + length),
  }));

const causeArb: fc.Arbitrary<Cause> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('provider' as const) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'customer',
      'third_party',
      'force_majeure',
      'maintenance',
    ),
  },
);
const severityArb: fc.Arbitrary<Severity> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('total', 'equivalent') },
  { weight: 1, arbitrary: fc.constant('partial' as const) },
);
const scopeArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  {
    weight: 2,
    arbitrary: fc.record({
      regions: fc.subarray(['jp-east', 'jp-west', 'jp-north']),
      contractIds: fc.constantFrom([], [], ['C-1'], ['C-2']),
      excludeContractIds: fc.constantFrom([], [], [], ['C-1']),
    }),
  },
);
// awareAt is never before the incident's first start (SPEC.md rule 5: that is invalid input)
const awareDelayArb = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 4 * 48 }).map((k) => k * SLOT),
  fc.integer({ min: 1, max: 3 * DAY }),
);

const incidentsOf = (
  maxIncidents: number,
  maxIntervals: number,
): fc.Arbitrary<IncidentFacts[]> =>
  fc
    .array(
      fc.record({
        cause: causeArb,
        severity: severityArb,
        scope: scopeArb,
        intervals: fc.array(intervalArb, {
          minLength: 1,
          maxLength: maxIntervals,
        }),
        awareDelay: awareDelayArb,
      }),
      { minLength: 1, maxLength: maxIncidents },
    )
    .map((list) =>
      list.map(({ awareDelay, intervals, ...rest }, index) => ({
        id: `INC-${index}`,
        ...rest,
        intervals,
        awareAt: instant(
          Math.min(...intervals.map((interval) => interval.start)) + awareDelay,
        ),
      })),
    );
const incidentsArb = incidentsOf(6, 3);
/** Up to 400 intervals: more pieces than deriveOutages' initial buffers hold, many equal starts. */
const manyIncidentsArb = incidentsOf(50, 8);

const contractArb: fc.Arbitrary<ContractTerms> = fc
  .record({
    id: fc.constantFrom('C-1', null),
    billingStartDate: fc.constantFrom('2025-04-01', '2026-01-03'),
    terminationEffectiveDate: fc.constantFrom(
      null,
      null,
      '2026-01-09',
      '2026-01-20',
    ),
    monthlyFee: fc.constantFrom(100_000, 123_457, 29),
    feeChanges: fc.constantFrom(
      [],
      [{ effectiveDate: '2026-01-06', monthlyFee: 130_000 }],
    ),
    region: fc.constant('jp-east'),
    options: fc.constantFrom(
      [],
      [multiRegion()],
      [multiRegion({ billingStartDate: '2026-01-05', endDate: '2026-01-10' })],
      [
        multiRegion({
          regions: ['jp-west', 'jp-north'],
          monthlyFee: 30_000,
          billingStartDate: '2026-01-07',
        }),
      ],
    ),
  })
  .map(contractTerms);

const asOfArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 17 * 48 }), jitter)
      .map(([k, j]) => instant(T0 + k * SLOT + j)),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 200 })
      .map((days) => instant(T0 + days * DAY)),
  },
);

const policyArb = fc
  .record({
    mergeGapMs: fc.constantFrom(0, 0, 1, HOUR),
    claimableFrom: fc.constantFrom(
      'outageEnded' as const,
      'thresholdReached' as const,
    ),
    multiRegionFailover: fc.boolean(),
    extendOverHolidays: fc.boolean(),
    activeThroughTerminationDay: fc.boolean(),
  })
  .map((overrides) => resolvePolicy(overrides));

const inputArb: fc.Arbitrary<OutageInput> = fc.record({
  contract: contractArb,
  incidents: incidentsArb,
  asOf: asOfArb,
  policy: policyArb,
});
const manyInputArb: fc.Arbitrary<OutageInput> = fc.record({
  contract: contractArb,
  incidents: manyIncidentsArb,
  asOf: asOfArb,
  policy: policyArb,
});

/** Deterministic Fisher–Yates with a small seeded generator (mulberry32). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value))
      deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

const endOf = (outage: Outage, asOf: number) => outage.end ?? asOf;

function expectOrderIndependent(input: OutageInput, seed: number) {
  const permuted: OutageInput = {
    ...input,
    incidents: shuffled(input.incidents, seed).map((incident, i) => ({
      ...incident,
      intervals: shuffled(incident.intervals, seed + i + 1),
    })),
  };
  // incidentIds are compared as sets: API.md does not say in which order they are listed.
  const normalize = (outages: Outage[]) =>
    outages.map((outage) => ({
      ...outage,
      incidentIds: [...outage.incidentIds].sort(),
    }));
  expect(normalize(deriveOutages(permuted))).toEqual(
    normalize(deriveOutages(input)),
  );
}
const totalCreditDays = (outages: Outage[]) =>
  outages.reduce((sum, outage) => sum + outage.creditDays, 0);
const maxCreditDays = (outages: Outage[]) =>
  Math.max(0, ...outages.map((outage) => outage.creditDays));

describe('deriveOutages properties', () => {
  it('does not depend on the order of incidents nor of intervals within an incident', () => {
    fc.assert(fc.property(inputArb, fc.integer(), expectOrderIndependent), {
      numRuns: RUNS,
    });
  });

  it('does not depend on order with up to 400 intervals either', () => {
    fc.assert(fc.property(manyInputArb, fc.integer(), expectOrderIndependent), {
      numRuns: 40,
    });
  });

  it('lists outages by start; they never overlap, and are more than mergeGapMs apart (never touch with 0)', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const outages = deriveOutages(input);
        outages.forEach((outage, i) => {
          expect(outage.start).toBeLessThan(endOf(outage, input.asOf));
          expect(endOf(outage, input.asOf)).toBeLessThanOrEqual(input.asOf);
          expect(outage.end === null).toBe(outage.ongoing);
          const next = outages[i + 1];
          if (next !== undefined) {
            expect(outage.ongoing).toBe(false); // an ongoing outage runs to asOf, so it is the last one
            expect(next.start - endOf(outage, input.asOf)).toBeGreaterThan(
              input.policy.mergeGapMs,
            );
          }
        });
      }),
      { numRuns: RUNS },
    );
  });

  it("extending an interval's end never lowers creditDays (neither the total nor the largest)", () => {
    fc.assert(
      fc.property(
        inputArb,
        fc.nat(),
        fc.nat(),
        fc.option(fc.integer({ min: 1, max: 3 * DAY }), { nil: null, freq: 5 }),
        (input, whichIncident, whichInterval, extension) => {
          const i = whichIncident % input.incidents.length;
          const target = input.incidents[i]!;
          const j = whichInterval % target.intervals.length;
          const interval = target.intervals[j]!;
          if (interval.end === null) return; // already open-ended: nothing to extend
          const extended: DownInterval = {
            start: interval.start,
            end: extension === null ? null : instant(interval.end + extension),
          };
          const longer: OutageInput = {
            ...input,
            incidents: input.incidents.map((incident, k) =>
              k === i
                ? {
                    ...incident,
                    intervals: incident.intervals.map((iv, l) =>
                      l === j ? extended : iv,
                    ),
                  }
                : incident,
            ),
          };
          const before = deriveOutages(input);
          const after = deriveOutages(longer);
          expect(totalCreditDays(after)).toBeGreaterThanOrEqual(
            totalCreditDays(before),
          );
          expect(maxCreditDays(after)).toBeGreaterThanOrEqual(
            maxCreditDays(before),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("unavailableMs is between 0 and the outage's length (end or asOf minus start); creditDays and qualifies follow it", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        for (const outage of deriveOutages(input)) {
          expect(outage.unavailableMs).toBeGreaterThanOrEqual(0);
          expect(outage.unavailableMs).toBeLessThanOrEqual(
            endOf(outage, input.asOf) - outage.start,
          );
          expect(outage.creditDays).toBe(
            Math.floor(outage.unavailableMs / DAY),
          );
          expect(outage.qualifies).toBe(outage.unavailableMs >= DAY);
          if (outage.clockStart === null) expect(outage.unavailableMs).toBe(0);
          else {
            expect(outage.clockStart).toBeGreaterThanOrEqual(outage.start);
            expect(outage.unavailableMs).toBe(
              endOf(outage, input.asOf) - outage.clockStart,
            );
          }
          expect(outage.thresholdAt).toBe(
            outage.qualifies ? outage.clockStart! + DAY : null,
          );
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('claimDeadline is after claimableFrom and at most three months and a day later (without the holiday extension)', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        for (const outage of deriveOutages(input)) {
          expect(outage.claimDeadline === null).toBe(
            outage.claimableFrom === null,
          );
          if (outage.claimableFrom === null || outage.claimDeadline === null)
            continue;
          expect(outage.qualifies).toBe(true);
          expect(outage.claimDeadline > outage.claimableFrom).toBe(true);
          const limit = plusMonthsClamped(plusDays(outage.claimableFrom, 1), 3);
          if (!input.policy.extendOverHolidays)
            expect(outage.claimDeadline <= limit).toBe(true);
          else expect(outage.claimDeadline <= plusDays(limit, 7)).toBe(true); // a Golden Week is at most a few days
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('claimableFrom under outageEnded: set exactly when the outage qualifies and has ended', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const policy = resolvePolicy({
          ...input.policy,
          claimableFrom: 'outageEnded',
        });
        for (const outage of deriveOutages({ ...input, policy })) {
          expect(outage.claimableFrom !== null).toBe(
            outage.qualifies && !outage.ongoing,
          );
          if (outage.qualifies)
            expect(
              outage.claimStatus === 'claimable' ||
                outage.claimStatus === 'expired',
            ).toBe(true);
          else expect(outage.claimStatus).toBe('not-qualifying');
          if (outage.ongoing && outage.qualifies)
            expect(outage.claimStatus).toBe('claimable');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('does not mutate its inputs', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const copy = structuredClone(input);
        deepFreeze(input);
        deriveOutages(input); // would throw on a write to a frozen object (ES modules are strict)
        expect(input).toEqual(copy);
      }),
      { numRuns: RUNS },
    );
  });

  it('creditAmount is an integer equal to floor(creditDays × monthlyFeeBase / 30) under the default rounding', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        expect(input.policy.rounding).toBe('floor');
        for (const outage of deriveOutages(input)) {
          expect(Number.isInteger(outage.creditAmount)).toBe(true);
          expect(outage.creditAmount).toBe(
            Math.floor((outage.creditDays * outage.monthlyFeeBase) / 30),
          );
        }
      }),
      { numRuns: RUNS },
    );
  });
});

/** 00:00 JST of a business date, by plain Date arithmetic. */
const midnight = (date: string) => Date.parse(`${date}T00:00:00+09:00`);

/** Rule 3 restated for the models: the contract's active window. */
function modelWindow({
  contract,
  policy,
}: Pick<OutageInput, 'contract' | 'policy'>) {
  const windowStart = midnight(contract.billingStartDate);
  const windowEnd =
    contract.terminationEffectiveDate === null
      ? Infinity
      : midnight(
          policy.activeThroughTerminationDay
            ? plusDays(contract.terminationEffectiveDate, 1)
            : contract.terminationEffectiveDate,
        );
  return { windowStart, windowEnd };
}

describe('deriveOutages against a small model (incidents that name the contract only)', () => {
  /** Rules 1, 3, 4, 5 restated for named incidents: clip, union (touching joins), clock = first known instant. */
  function model({ contract, incidents, asOf, policy }: OutageInput) {
    const { windowStart, windowEnd } = modelWindow({ contract, policy });
    const until = Math.min(windowEnd, asOf);
    const pieces: {
      start: number;
      end: number;
      known: number;
      open: boolean;
    }[] = [];
    for (const incident of incidents) {
      if (incident.cause !== 'provider' || incident.severity === 'partial')
        continue;
      for (const interval of incident.intervals) {
        const start = Math.max(interval.start, windowStart);
        const rawEnd = interval.end ?? Infinity;
        const end = Math.min(rawEnd, until);
        if (start >= end) continue;
        const known = Math.max(interval.start, incident.awareAt, windowStart);
        pieces.push({
          start,
          end,
          known: known < end ? known : Infinity,
          open: rawEnd > asOf && asOf < windowEnd,
        });
      }
    }
    pieces.sort((a, b) => a.start - b.start || a.end - b.end);
    const outages: {
      start: number;
      end: number | null;
      clockStart: number | null;
    }[] = [];
    let current:
      | { start: number; end: number; known: number; open: boolean }
      | undefined;
    const flush = () => {
      if (current)
        outages.push({
          start: current.start,
          end: current.open ? null : current.end,
          clockStart: Number.isFinite(current.known) ? current.known : null,
        });
    };
    for (const piece of pieces) {
      if (current && piece.start <= current.end) {
        current.end = Math.max(current.end, piece.end);
        current.known = Math.min(current.known, piece.known);
        current.open = current.open || piece.open;
      } else {
        flush();
        current = { ...piece };
      }
    }
    flush();
    return outages;
  }

  const namedOnly = (incidents: fc.Arbitrary<IncidentFacts[]>) =>
    fc.record({
      contract: contractArb.map((contract) => ({ ...contract, options: [] })),
      incidents: incidents.map((list) =>
        list.map((incident) => ({ ...incident, scope: null })),
      ),
      asOf: asOfArb,
      policy: policyArb.map((policy) =>
        resolvePolicy({ ...policy, mergeGapMs: 0 }),
      ),
    });
  const expectAsModel = (input: OutageInput) => {
    const actual = deriveOutages(input).map(({ start, end, clockStart }) => ({
      start,
      end,
      clockStart,
    }));
    expect(actual).toEqual(model(input));
  };

  it('gives the same outages, ends and clock starts as the model', () => {
    fc.assert(fc.property(namedOnly(incidentsArb), expectAsModel), {
      numRuns: RUNS,
    });
  });

  it('... also with up to 400 intervals', () => {
    fc.assert(fc.property(namedOnly(manyIncidentsArb), expectAsModel), {
      numRuns: 40,
    });
  });
});

describe('deriveOutages against a brute-force model of rules 1–5 on a half-hour grid (regional incidents too)', () => {
  /**
   * Every instant of these scenarios (interval ends, awareAt, asOf, 00:00 JST of every date) lies on the
   * half-hour grid, so "is the contract unusable at t" only has to be asked once per half hour. The model
   * asks it literally as SPEC.md rule 2 words it, and builds outages, clock starts and incident lists
   * from the answers, independently of the spans and merging in src/domain/outages.ts.
   */
  const gridInstant = fc
    .integer({ min: 0, max: 14 * 48 })
    .map((k) => instant(T0 + k * SLOT));
  const gridInterval: fc.Arbitrary<DownInterval> = fc
    .tuple(
      gridInstant,
      fc.option(fc.integer({ min: 1, max: 3 * 48 }), { nil: null, freq: 6 }),
    )
    .map(([start, slots]) => ({
      start,
      end: slots === null ? null : instant(start + slots * SLOT),
    }));
  const gridIncidents: fc.Arbitrary<IncidentFacts[]> = fc
    .array(
      fc.record({
        cause: causeArb,
        severity: severityArb,
        scope: fc.oneof(
          { weight: 1, arbitrary: fc.constant(null) },
          {
            weight: 3,
            arbitrary: fc.record({
              regions: fc.subarray(['jp-east', 'jp-west', 'jp-north'], {
                minLength: 1,
              }),
              contractIds: fc.constantFrom([], [], [], ['C-1']),
              excludeContractIds: fc.constantFrom([], [], [], ['C-1']),
            }),
          },
        ),
        intervals: fc.array(gridInterval, { minLength: 1, maxLength: 3 }),
        awareSlots: fc.oneof(
          fc.constant(0),
          fc.integer({ min: 0, max: 3 * 48 }),
        ),
      }),
      { minLength: 1, maxLength: 6 },
    )
    .map((list) =>
      list.map(({ awareSlots, intervals, ...rest }, index) => ({
        id: `INC-${index}`,
        ...rest,
        intervals,
        awareAt: instant(
          Math.min(...intervals.map((interval) => interval.start)) +
            awareSlots * SLOT,
        ),
      })),
    );
  const gridInput: fc.Arbitrary<OutageInput> = fc.record({
    contract: contractArb,
    incidents: gridIncidents,
    asOf: fc
      .integer({ min: 0, max: 20 * 48 })
      .map((k) => instant(T0 + k * SLOT)),
    policy: policyArb.map((policy) =>
      resolvePolicy({ ...policy, mergeGapMs: 0 }),
    ),
  });

  function model({ contract, incidents, asOf, policy }: OutageInput) {
    const { windowStart, windowEnd } = modelWindow({ contract, policy });
    const until = Math.min(windowEnd, asOf);
    const optionActiveAt = (
      option: ContractTerms['options'][number],
      t: number,
    ) =>
      (option.billingStartDate === null ||
        midnight(option.billingStartDate) <= t) &&
      (option.endDate === null || t < midnight(plusDays(option.endDate, 1)));
    /** Rule 2 scope: the contract's regions (own and every option's), named, excluded. */
    const everyRegion = new Set(
      [
        contract.region,
        ...contract.options.flatMap((option) => option.regions),
      ].filter((r): r is string => r !== null),
    );
    const relation = (incident: IncidentFacts) => {
      if (incident.scope === null) return 'named';
      if (
        contract.id !== null &&
        incident.scope.excludeContractIds.includes(contract.id)
      )
        return 'none';
      if (
        contract.id !== null &&
        incident.scope.contractIds.includes(contract.id)
      )
        return 'named';
      return incident.scope.regions.some((region) => everyRegion.has(region))
        ? 'regional'
        : 'none';
    };
    const qualifying = incidents.filter(
      (incident) =>
        incident.cause === 'provider' && incident.severity !== 'partial',
    );
    const downAt = (incident: IncidentFacts, t: number, knownOnly: boolean) =>
      incident.intervals.some(
        (interval) =>
          Math.max(interval.start, knownOnly ? incident.awareAt : -Infinity) <=
            t && t < (interval.end ?? Infinity),
      );
    /** The regions that count for the contract at t (rule 2): its own, and its active options' when the policy says so. */
    const regionsAt = (t: number, withOptions: boolean) => {
      const regions = new Set<string>(
        contract.region === null ? [] : [contract.region],
      );
      if (withOptions)
        for (const option of contract.options)
          if (optionActiveAt(option, t))
            for (const r of option.regions) regions.add(r);
      return [...regions];
    };
    const unusableAt = (t: number, knownOnly: boolean) => {
      if (
        qualifying.some(
          (incident) =>
            relation(incident) === 'named' && downAt(incident, t, knownOnly),
        )
      )
        return true;
      const regions = regionsAt(t, policy.multiRegionFailover);
      return (
        regions.length > 0 &&
        regions.every((region) =>
          qualifying.some(
            (incident) =>
              relation(incident) === 'regional' &&
              incident.scope!.regions.includes(region) &&
              downAt(incident, t, knownOnly),
          ),
        )
      );
    };
    const attributedAt = (incident: IncidentFacts, t: number) => {
      if (!downAt(incident, t, false)) return false;
      const r = relation(incident);
      return (
        r === 'named' ||
        (r === 'regional' &&
          regionsAt(t, policy.multiRegionFailover).some((region) =>
            incident.scope!.regions.includes(region),
          ))
      );
    };

    const outages: {
      start: number;
      end: number | null;
      clockStart: number | null;
      unavailableMs: number;
      incidentIds: string[];
    }[] = [];
    let run:
      | { start: number; clockStart: number | null; ids: Set<string> }
      | undefined;
    const close = (end: number) => {
      if (!run) return;
      const ongoing =
        end === asOf && asOf < windowEnd && unusableAt(asOf, false);
      outages.push({
        start: run.start,
        end: ongoing ? null : end,
        clockStart: run.clockStart,
        unavailableMs: run.clockStart === null ? 0 : end - run.clockStart,
        incidentIds: qualifying
          .filter((incident) => run!.ids.has(incident.id))
          .map((incident) => incident.id),
      });
      run = undefined;
    };
    for (
      let t = Math.max(T0 - 2 * DAY, windowStart);
      t < Math.min(until, T0 + 40 * DAY);
      t += SLOT
    ) {
      if (!unusableAt(t, false)) {
        close(t);
        continue;
      }
      run ??= { start: t, clockStart: null, ids: new Set() };
      if (run.clockStart === null && unusableAt(t, true)) run.clockStart = t;
      for (const incident of qualifying)
        if (attributedAt(incident, t)) run.ids.add(incident.id);
    }
    close(until);
    return outages;
  }

  const expectAsModel = (input: OutageInput) => {
    const actual = deriveOutages(input).map(
      ({ start, end, clockStart, unavailableMs, incidentIds }) => ({
        start,
        end,
        clockStart,
        unavailableMs,
        incidentIds,
      }),
    );
    expect(actual).toEqual(model(input));
  };

  it('gives the outages, clock starts, unavailable time and incidents of the model', () => {
    fc.assert(fc.property(gridInput, expectAsModel), { numRuns: 300 });
  });

  /**
   * Thousands of short intervals over 40 days: regional incidents in each region and in both, and one
   * that names the contract, so that hundreds of outages each gather regional incidents (the sweep that
   * attributes them), under either failover policy and with an option active all along, for part of
   * the time, or not at all.
   */
  const DENSE_SLOTS = 40 * 48;
  const denseInterval: fc.Arbitrary<DownInterval> = fc
    .tuple(
      fc.integer({ min: 0, max: DENSE_SLOTS - 1 }),
      fc.integer({ min: 1, max: 3 }),
    )
    .map(([k, slots]) => ({
      start: instant(T0 + k * SLOT),
      end: instant(T0 + (k + slots) * SLOT),
    }));
  const denseIncident = (
    id: string,
    scope: IncidentFacts['scope'],
    count: number,
  ): fc.Arbitrary<IncidentFacts> =>
    fc
      .record({
        severity: fc.constantFrom<Severity>('total', 'equivalent'),
        intervals: fc.array(denseInterval, {
          minLength: count,
          maxLength: count,
        }),
        awareSlots: fc.integer({ min: 0, max: 2 * 48 }),
      })
      .map(({ severity, intervals, awareSlots }) => ({
        id,
        cause: 'provider' as const,
        severity,
        scope,
        intervals,
        awareAt: instant(
          Math.min(...intervals.map((interval) => interval.start)) +
            awareSlots * SLOT,
        ),
      }));
  const regionalScope = (regions: string[]) => ({
    regions,
    contractIds: [],
    excludeContractIds: [],
  });
  const denseInput: fc.Arbitrary<OutageInput> = fc.record({
    contract: fc
      .constantFrom(
        [multiRegion()],
        [
          multiRegion({
            billingStartDate: '2026-01-12',
            endDate: '2026-01-25',
          }),
        ],
        [],
      )
      .map((options) =>
        contractTerms({
          id: 'C-1',
          billingStartDate: '2025-04-01',
          terminationEffectiveDate: null,
          monthlyFee: 100_000,
          feeChanges: [],
          region: 'jp-east',
          options,
        }),
      ),
    incidents: fc.tuple(
      denseIncident('EAST', regionalScope(['jp-east']), 1500),
      denseIncident('WEST', regionalScope(['jp-west']), 1500),
      denseIncident('BOTH', regionalScope(['jp-east', 'jp-west']), 150),
      denseIncident('NAMED', null, 400),
    ),
    asOf: fc.constant(instant(T0 + DENSE_SLOTS * SLOT)),
    policy: fc
      .boolean()
      .map((multiRegionFailover) => resolvePolicy({ multiRegionFailover })),
  });

  it('... also with thousands of intervals and hundreds of outages', () => {
    fc.assert(
      fc.property(denseInput, (input) => {
        expect(deriveOutages(input).length).toBeGreaterThan(50);
        expectAsModel(input);
      }),
      // Shrinking thousands of intervals takes minutes: report the first counterexample as it is.
      { numRuns: 8, endOnFailure: true },
    );
  });
});
