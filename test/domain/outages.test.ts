/**
 * deriveOutages against SPEC.md rules 1–9 and API.md's example. Every expected value is worked out by hand
 * from the rules (the arithmetic is in the comments); instants are written in Japan time.
 */
import { describe, expect, it } from 'vitest';
import type { DownInterval, IncidentFacts } from '../../src/domain/incident';
import type { Outage } from '../../src/domain/outages';
import {
  apiExampleIncidents,
  apiExampleOutage,
  DAY,
  down,
  HOUR,
  incident,
  instant,
  jst,
  multiRegion,
  outagesOf,
  plusDays,
} from './fixtures';

const ASOF = '2026-02-01T00:00';

/** The single outage of a derivation (fails if there is not exactly one). */
function only(outages: Outage[]): Outage {
  expect(outages).toHaveLength(1);
  return outages[0]!;
}

/** One provider/total incident down [start, end), known from its start. */
function plain(
  id: string,
  start: string,
  end: string | null,
  extra: Partial<Parameters<typeof incident>[1]> = {},
) {
  return incident(id, {
    awareAt: start,
    intervals: [down(start, end)],
    ...extra,
  });
}

describe("API.md's scenario example", () => {
  it('gives exactly the Outage API.md shows', () => {
    expect(outagesOf({ incidents: apiExampleIncidents(), asOf: ASOF })).toEqual(
      [apiExampleOutage()],
    );
  });

  it.each([
    // Fee change on 01-11 is after the clock-start date (01-10 JST): base stays 100,000.
    [
      { feeChanges: [{ effectiveDate: '2026-01-11', monthlyFee: 120_000 }] },
      100_000,
      6_666,
    ],
    // Fee change on 01-10 applies: floor(2 × 120000 / 30) = 8000.
    [
      { feeChanges: [{ effectiveDate: '2026-01-10', monthlyFee: 120_000 }] },
      120_000,
      8_000,
    ],
    // API.md: with the option of 20,000 active the example's fee base would be 120,000.
    [
      {
        options: [
          multiRegion({
            monthlyFee: 20_000,
            billingStartDate: '2026-01-01',
            endDate: null,
          }),
        ],
      },
      120_000,
      8_000,
    ],
    [
      {
        options: [
          multiRegion({
            monthlyFee: 20_000,
            billingStartDate: null,
            endDate: null,
          }),
        ],
      },
      120_000,
      8_000,
    ],
    // option end date inclusive: still active on 01-10
    [
      {
        options: [
          multiRegion({
            monthlyFee: 20_000,
            billingStartDate: '2026-01-01',
            endDate: '2026-01-10',
          }),
        ],
      },
      120_000,
      8_000,
    ],
    [
      {
        options: [
          multiRegion({
            monthlyFee: 20_000,
            billingStartDate: '2026-01-01',
            endDate: '2026-01-09',
          }),
        ],
      },
      100_000,
      6_666,
    ],
    [
      {
        options: [
          multiRegion({
            monthlyFee: 20_000,
            billingStartDate: '2026-01-11',
            endDate: null,
          }),
        ],
      },
      100_000,
      6_666,
    ],
    // both: 120,000 basic + 20,000 option; floor(2 × 140000 / 30) = 9333
    [
      {
        feeChanges: [{ effectiveDate: '2026-01-01', monthlyFee: 120_000 }],
        options: [
          multiRegion({ monthlyFee: 20_000, billingStartDate: '2026-01-01' }),
        ],
      },
      140_000,
      9_333,
    ],
  ])(
    'rule 7 fee base with %j → base %i, amount %i',
    (contract, base, amount) => {
      const outage = only(
        outagesOf({ incidents: apiExampleIncidents(), asOf: ASOF, contract }),
      );
      expect(outage.creditDays).toBe(2);
      expect(outage.monthlyFeeBase).toBe(base);
      expect(outage.creditAmount).toBe(amount);
    },
  );

  it('the fee base is taken on the JST date of the clock start, not its UTC date', () => {
    // Clock start 2026-01-11 00:30 JST = 2026-01-10T15:30Z: the 01-11 fee change applies.
    const outage = only(
      outagesOf({
        incidents: [plain('A', '2026-01-11T00:30', '2026-01-12T01:00')],
        asOf: ASOF,
        contract: {
          feeChanges: [{ effectiveDate: '2026-01-11', monthlyFee: 120_000 }],
        },
      }),
    );
    expect(outage.clockStart).toBe(jst('2026-01-11T00:30'));
    expect(outage.monthlyFeeBase).toBe(120_000);
    expect(outage.creditAmount).toBe(4_000); // 1 day × 120000 / 30
  });

  it('the fee base is taken on the clock-start date, not on the outage start date', () => {
    // Down from 01-10 20:00 JST, known at 01-11 01:00, ends 01-12 02:00: 25 h from the clock start, 1 day.
    const outage = only(
      outagesOf({
        incidents: [
          incident('A', {
            awareAt: '2026-01-11T01:00',
            intervals: [down('2026-01-10T20:00', '2026-01-12T02:00')],
          }),
        ],
        asOf: ASOF,
        contract: {
          feeChanges: [{ effectiveDate: '2026-01-11', monthlyFee: 120_000 }],
        },
      }),
    );
    expect(outage).toMatchObject({
      start: jst('2026-01-10T20:00'),
      clockStart: jst('2026-01-11T01:00'),
      creditDays: 1,
      monthlyFeeBase: 120_000,
      creditAmount: 4_000,
    });
  });

  it('without a clock start the fee base is taken on the outage start date', () => {
    // Down 01-10 23:00 → 01-12 01:00 JST, but only known at 01:30 on 01-12 (after the end): no clock start.
    const outage = only(
      outagesOf({
        incidents: [
          incident('A', {
            awareAt: '2026-01-12T01:30',
            intervals: [down('2026-01-10T23:00', '2026-01-12T01:00')],
          }),
        ],
        asOf: ASOF,
        contract: {
          feeChanges: [{ effectiveDate: '2026-01-11', monthlyFee: 120_000 }],
        },
      }),
    );
    expect(outage.clockStart).toBeNull();
    expect(outage.monthlyFeeBase).toBe(100_000);
  });
});

describe('rule 1: only provider-caused total/equivalent incidents count', () => {
  const causes = [
    'provider',
    'customer',
    'third_party',
    'force_majeure',
    'maintenance',
  ] as const;
  const severities = ['total', 'equivalent', 'partial'] as const;
  const combos = causes.flatMap((cause) =>
    severities.map((severity) => [cause, severity] as const),
  );

  it.each(combos)(
    'a 50 h incident with cause %s, severity %s',
    (cause, severity) => {
      const outages = outagesOf({
        incidents: [
          incident('X', {
            cause,
            severity,
            awareAt: '2026-01-10T00:00',
            intervals: [down('2026-01-10T00:00', '2026-01-12T02:00')],
          }),
        ],
        asOf: ASOF,
      });
      if (cause === 'provider' && severity !== 'partial') {
        expect(only(outages)).toMatchObject({
          unavailableMs: 50 * HOUR,
          creditDays: 2,
          qualifies: true,
          incidentIds: ['X'],
        });
      } else {
        expect(outages).toEqual([]);
      }
    },
  );

  it('a non-qualifying incident neither bridges nor extends a qualifying one', () => {
    const outages = outagesOf({
      incidents: [
        plain('A', '2026-01-10T00:00', '2026-01-10T20:00'),
        plain('P', '2026-01-10T20:00', '2026-01-11T20:00', {
          severity: 'partial',
        }),
        plain('B', '2026-01-11T20:00', '2026-01-12T10:00'),
        plain('M', '2026-01-12T10:00', '2026-01-14T00:00', {
          cause: 'maintenance',
        }),
      ],
      asOf: ASOF,
    });
    expect(
      outages.map((o) => [o.start, o.end, o.unavailableMs, o.incidentIds]),
    ).toEqual([
      [jst('2026-01-10T00:00'), jst('2026-01-10T20:00'), 20 * HOUR, ['A']],
      [jst('2026-01-11T20:00'), jst('2026-01-12T10:00'), 14 * HOUR, ['B']],
    ]);
    expect(
      outages.every(
        (o) => !o.qualifies && o.creditDays === 0 && o.creditAmount === 0,
      ),
    ).toBe(true);
  });
});

describe('rule 2: regional incidents and the multi-region option', () => {
  const multi = {
    id: 'C-1',
    region: 'jp-east',
    options: [multiRegion({ regions: ['jp-west'] })],
  };
  const east = (
    id: string,
    extra: Partial<Parameters<typeof incident>[1]> = {},
  ) =>
    incident(id, {
      awareAt: '2026-01-10T00:00',
      intervals: [down('2026-01-10T00:00', '2026-01-12T00:00')],
      scope: { regions: ['jp-east'] },
      ...extra,
    });
  const west = (
    id: string,
    extra: Partial<Parameters<typeof incident>[1]> = {},
  ) =>
    incident(id, {
      awareAt: '2026-01-10T00:00',
      intervals: [down('2026-01-10T00:00', '2026-01-12T00:00')],
      scope: { regions: ['jp-west'] },
      ...extra,
    });

  it('a contract without the option is unusable when its own region is down', () => {
    const outage = only(
      outagesOf({
        incidents: [east('E')],
        asOf: ASOF,
        contract: { region: 'jp-east' },
      }),
    );
    expect(outage).toMatchObject({
      start: jst('2026-01-10T00:00'),
      end: jst('2026-01-12T00:00'),
      creditDays: 2,
      incidentIds: ['E'],
    });
  });

  it('a multi-region contract with one region down is not unusable', () => {
    expect(
      outagesOf({ incidents: [east('E')], asOf: ASOF, contract: multi }),
    ).toEqual([]);
    expect(
      outagesOf({ incidents: [west('W')], asOf: ASOF, contract: multi }),
    ).toEqual([]);
  });

  it('a multi-region contract with both regions down is unusable (two incidents)', () => {
    const outage = only(
      outagesOf({
        incidents: [east('E'), west('W')],
        asOf: ASOF,
        contract: multi,
      }),
    );
    expect(outage).toMatchObject({
      start: jst('2026-01-10T00:00'),
      end: jst('2026-01-12T00:00'),
      clockStart: jst('2026-01-10T00:00'),
      unavailableMs: 2 * DAY,
      creditDays: 2,
      monthlyFeeBase: 120_000, // the option's fee is part of the base
      creditAmount: 8_000,
      incidentIds: ['E', 'W'],
    });
  });

  it('a multi-region contract with both regions down is unusable (one incident naming both)', () => {
    const both = incident('B', {
      awareAt: '2026-01-10T00:00',
      intervals: [down('2026-01-10T00:00', '2026-01-11T00:00')],
      scope: { regions: ['jp-east', 'jp-west'] },
    });
    expect(
      only(outagesOf({ incidents: [both], asOf: ASOF, contract: multi })),
    ).toMatchObject({
      unavailableMs: DAY,
      qualifies: true,
      incidentIds: ['B'],
    });
  });

  it('only the time when both are down counts', () => {
    // east down 01-10 00:00 → 01-12 00:00, west down 01-11 06:00 → 01-13 00:00: both down 01-11 06:00 → 01-12 00:00 (18 h)
    const outage = only(
      outagesOf({
        incidents: [
          east('E'),
          west('W', {
            awareAt: '2026-01-11T06:00',
            intervals: [down('2026-01-11T06:00', '2026-01-13T00:00')],
          }),
        ],
        asOf: ASOF,
        contract: multi,
      }),
    );
    expect(outage).toMatchObject({
      start: jst('2026-01-11T06:00'),
      end: jst('2026-01-12T00:00'),
      unavailableMs: 18 * HOUR,
      qualifies: false,
    });
  });

  it('rule 5 for regions: the clock starts when both regions were known to be down', () => {
    // both down from 01-10 00:00 to 01-12 00:00; east known at 00:00, west only at 06:00 → clock 06:00, 42 h, 1 day
    const outage = only(
      outagesOf({
        incidents: [east('E'), west('W', { awareAt: '2026-01-10T06:00' })],
        asOf: ASOF,
        contract: multi,
      }),
    );
    expect(outage).toMatchObject({
      start: jst('2026-01-10T00:00'),
      clockStart: jst('2026-01-10T06:00'),
      unavailableMs: 42 * HOUR,
      creditDays: 1,
    });
  });

  it('policy multiRegionFailover = false: its own region alone counts', () => {
    const outage = only(
      outagesOf({
        incidents: [east('E')],
        asOf: ASOF,
        contract: multi,
        policy: { multiRegionFailover: false },
      }),
    );
    expect(outage).toMatchObject({
      start: jst('2026-01-10T00:00'),
      end: jst('2026-01-12T00:00'),
      creditDays: 2,
      incidentIds: ['E'],
    });
    // ... but the option's region alone still does not make it unusable
    expect(
      outagesOf({
        incidents: [west('W')],
        asOf: ASOF,
        contract: multi,
        policy: { multiRegionFailover: false },
      }),
    ).toEqual([]);
  });

  it('policy multiRegionFailover = false: an incident only in the option’s region is not among incidentIds', () => {
    // API.md, Outage: incidentIds are the incidents that had a region down that counts under rule 2; with
    // failover off the option's region does not, so W did not make the contract unusable.
    const both = incident('B', {
      awareAt: '2026-01-10T00:00',
      intervals: [down('2026-01-11T00:00', '2026-01-11T06:00')],
      scope: { regions: ['jp-east', 'jp-west'] },
    });
    const incidents = [east('E'), west('W'), both];
    const off = only(
      outagesOf({
        incidents,
        asOf: ASOF,
        contract: multi,
        policy: { multiRegionFailover: false },
      }),
    );
    expect(off).toMatchObject({ creditDays: 2, incidentIds: ['E', 'B'] });
    // With failover on, both regions are down together, and each incident had a counting region down.
    const on = only(outagesOf({ incidents, asOf: ASOF, contract: multi }));
    expect(on).toMatchObject({ creditDays: 2, incidentIds: ['E', 'W', 'B'] });
  });

  it('an option counts for regions only while it is active', () => {
    // The option starts on 01-11: from 01-10 00:00 to 01-11 00:00 JST the contract has jp-east only, which is down.
    const contract = {
      ...multi,
      options: [
        multiRegion({ regions: ['jp-west'], billingStartDate: '2026-01-11' }),
      ],
    };
    const outage = only(
      outagesOf({ incidents: [east('E')], asOf: ASOF, contract }),
    );
    expect(outage).toMatchObject({
      start: jst('2026-01-10T00:00'),
      end: jst('2026-01-11T00:00'),
      unavailableMs: DAY,
      qualifies: true,
      monthlyFeeBase: 100_000,
    });
    // An option that ended on 01-10 (inclusive) leaves jp-east alone from 01-11 00:00.
    const ended = {
      ...multi,
      options: [multiRegion({ regions: ['jp-west'], endDate: '2026-01-10' })],
    };
    const after = only(
      outagesOf({ incidents: [east('E')], asOf: ASOF, contract: ended }),
    );
    expect(after).toMatchObject({
      start: jst('2026-01-11T00:00'),
      end: jst('2026-01-12T00:00'),
      unavailableMs: DAY,
    });
  });

  it('an excluded contract is not affected', () => {
    const excluded = east('E', {
      scope: { regions: ['jp-east'], excludeContractIds: ['C-1'] },
    });
    expect(
      outagesOf({
        incidents: [excluded],
        asOf: ASOF,
        contract: { id: 'C-1', region: 'jp-east' },
      }),
    ).toEqual([]);
    // The same incident does hit another contract in jp-east.
    expect(
      outagesOf({
        incidents: [excluded],
        asOf: ASOF,
        contract: { id: 'C-2', region: 'jp-east' },
      }),
    ).toHaveLength(1);
  });

  it('a region the contract does not have does nothing', () => {
    const north = east('N', { scope: { regions: ['jp-north'] } });
    expect(
      outagesOf({ incidents: [north], asOf: ASOF, contract: multi }),
    ).toEqual([]);
  });

  it('an incident naming the contract makes even a multi-region contract unusable', () => {
    const named = east('N', { scope: { contractIds: ['C-1'] } });
    expect(
      only(outagesOf({ incidents: [named], asOf: ASOF, contract: multi })),
    ).toMatchObject({ creditDays: 2, incidentIds: ['N'] });
    const unscoped = east('U', { scope: null });
    expect(
      only(outagesOf({ incidents: [unscoped], asOf: ASOF, contract: multi })),
    ).toMatchObject({ creditDays: 2, incidentIds: ['U'] });
  });

  it('a regional incident that hits one region during a named outage is listed among its incidents', () => {
    const named = east('N', { scope: null });
    const outage = only(
      outagesOf({ incidents: [named, west('W')], asOf: ASOF, contract: multi }),
    );
    expect(outage.incidentIds).toEqual(['N', 'W']);
  });
});

describe('rule 3: only the active period counts', () => {
  it('time before 00:00 JST of the billing start date is cut off', () => {
    const outage = only(
      outagesOf({
        incidents: [plain('A', '2026-01-08T00:00', '2026-01-12T00:00')],
        asOf: ASOF,
        contract: { billingStartDate: '2026-01-10' },
      }),
    );
    // counted from 2026-01-10 00:00 JST = 2026-01-09T15:00Z; the provider already knew, so the clock starts there
    expect(outage).toMatchObject({
      start: jst('2026-01-10T00:00'),
      clockStart: jst('2026-01-10T00:00'),
      unavailableMs: 2 * DAY,
      creditDays: 2,
    });
  });

  it('an interval entirely before the billing start counts for nothing', () => {
    expect(
      outagesOf({
        incidents: [plain('A', '2026-01-05T00:00', '2026-01-10T00:00')],
        asOf: ASOF,
        contract: { billingStartDate: '2026-01-10' },
      }),
    ).toEqual([]);
  });

  it('time after the end of the termination day is cut off', () => {
    // termination effective 2026-01-20: active through 2026-01-21 00:00 JST; down from 01-19 12:00 → 36 h
    const outage = only(
      outagesOf({
        incidents: [plain('A', '2026-01-19T12:00', '2026-01-25T00:00')],
        asOf: ASOF,
        contract: { terminationEffectiveDate: '2026-01-20' },
      }),
    );
    expect(outage).toMatchObject({
      start: jst('2026-01-19T12:00'),
      end: jst('2026-01-21T00:00'),
      ongoing: false,
      unavailableMs: 36 * HOUR,
      creditDays: 1,
      claimableFrom: '2026-01-21',
    });
  });

  it('an ongoing interval past termination ends with the termination day', () => {
    const outage = only(
      outagesOf({
        incidents: [plain('A', '2026-01-19T12:00', null)],
        asOf: ASOF,
        contract: { terminationEffectiveDate: '2026-01-20' },
      }),
    );
    expect(outage).toMatchObject({
      end: jst('2026-01-21T00:00'),
      ongoing: false,
      unavailableMs: 36 * HOUR,
    });
  });

  it('an interval entirely after the termination day counts for nothing', () => {
    expect(
      outagesOf({
        incidents: [plain('A', '2026-01-21T00:00', '2026-01-25T00:00')],
        asOf: ASOF,
        contract: { terminationEffectiveDate: '2026-01-20' },
      }),
    ).toEqual([]);
  });

  it('policy activeThroughTerminationDay = false ends the active period at 00:00 of the termination day', () => {
    const outage = only(
      outagesOf({
        incidents: [plain('A', '2026-01-19T12:00', '2026-01-25T00:00')],
        asOf: ASOF,
        contract: { terminationEffectiveDate: '2026-01-20' },
        policy: { activeThroughTerminationDay: false },
      }),
    );
    expect(outage).toMatchObject({
      end: jst('2026-01-20T00:00'),
      unavailableMs: 12 * HOUR,
      qualifies: false,
    });
  });
});

describe('rule 4: merging', () => {
  it('touching intervals of different incidents are one outage', () => {
    const outage = only(
      outagesOf({
        incidents: [
          plain('A', '2026-01-10T00:00', '2026-01-10T12:00'),
          plain('B', '2026-01-10T12:00', '2026-01-11T12:00'),
        ],
        asOf: ASOF,
      }),
    );
    expect(outage).toMatchObject({
      start: jst('2026-01-10T00:00'),
      end: jst('2026-01-11T12:00'),
      unavailableMs: 36 * HOUR,
      creditDays: 1,
      incidentIds: ['A', 'B'],
    });
  });

  it('touching intervals of one incident are one outage', () => {
    const a = incident('A', {
      awareAt: '2026-01-10T00:00',
      intervals: [
        down('2026-01-10T12:00', '2026-01-11T00:00'),
        down('2026-01-10T00:00', '2026-01-10T12:00'),
      ],
    });
    expect(only(outagesOf({ incidents: [a], asOf: ASOF }))).toMatchObject({
      start: jst('2026-01-10T00:00'),
      end: jst('2026-01-11T00:00'),
      unavailableMs: DAY,
      qualifies: true,
    });
  });

  it('overlapping and nested intervals are one outage', () => {
    const outage = only(
      outagesOf({
        incidents: [
          plain('A', '2026-01-10T00:00', '2026-01-11T00:00'),
          plain('B', '2026-01-10T06:00', '2026-01-10T07:00'),
          plain('C', '2026-01-10T20:00', '2026-01-11T03:00'),
        ],
        asOf: ASOF,
      }),
    );
    expect(outage).toMatchObject({
      end: jst('2026-01-11T03:00'),
      unavailableMs: 27 * HOUR,
      incidentIds: ['A', 'B', 'C'],
    });
  });

  it('a gap of one millisecond separates outages', () => {
    const outages = outagesOf({
      incidents: [
        plain('A', '2026-01-10T00:00', '2026-01-10T12:00'),
        plain('B', '2026-01-10T12:00:00.001', '2026-01-11T12:00'),
      ],
      asOf: ASOF,
    });
    expect(
      outages.map((o) => [o.start, o.end, o.unavailableMs, o.qualifies]),
    ).toEqual([
      [jst('2026-01-10T00:00'), jst('2026-01-10T12:00'), 12 * HOUR, false],
      [
        jst('2026-01-10T12:00') + 1,
        jst('2026-01-11T12:00'),
        24 * HOUR - 1,
        false,
      ],
    ]);
  });

  it.each([
    // gap between A's end (12:00) and B's start, policy mergeGapMs, expected number of outages
    [1, 0, 2],
    [1, 1, 1],
    [2, 1, 2],
    [HOUR, HOUR, 1],
    [HOUR + 1, HOUR, 2],
  ])(
    'gap of %i ms with mergeGapMs %i → %i outage(s)',
    (gap, mergeGapMs, count) => {
      const bStart = instant(jst('2026-01-10T12:00') + gap);
      const a = plain('A', '2026-01-10T00:00', '2026-01-10T12:00');
      const b: IncidentFacts = {
        id: 'B',
        cause: 'provider',
        severity: 'total',
        awareAt: bStart,
        intervals: [{ start: bStart, end: jst('2026-01-11T12:00') }],
        scope: null,
      };
      const outages = outagesOf({
        incidents: [a, b],
        asOf: ASOF,
        policy: { mergeGapMs },
      });
      expect(outages).toHaveLength(count);
      if (count === 1) {
        // one outage from 00:00 to the next day 12:00: the unavailable time is its end minus its clock start
        expect(outages[0]).toMatchObject({
          start: jst('2026-01-10T00:00'),
          end: jst('2026-01-11T12:00'),
          unavailableMs: 36 * HOUR,
          incidentIds: ['A', 'B'],
        });
      }
    },
  );
});

describe('rule 5: the clock starts at the first known instant', () => {
  it("SPEC.md's example: C down from 00:00 known 20:00; A known since last month, down again from 10:00", () => {
    const c = incident('C', {
      awareAt: '2026-01-20T20:00',
      intervals: [down('2026-01-20T00:00', '2026-01-21T08:00')],
    });
    const a = incident('A', {
      awareAt: '2025-12-15T01:00',
      intervals: [
        down('2025-12-15T00:00', '2025-12-15T06:00'),
        down('2026-01-20T10:00', '2026-01-21T08:00'),
      ],
    });
    const outages = outagesOf({ incidents: [c, a], asOf: ASOF });
    expect(outages).toHaveLength(2);
    // last month's outage: known from 01:00 to 06:00, 5 h
    expect(outages[0]).toMatchObject({
      start: jst('2025-12-15T00:00'),
      clockStart: jst('2025-12-15T01:00'),
      unavailableMs: 5 * HOUR,
      incidentIds: ['A'],
    });
    // this one: the clock starts at 10:00 (A is down again and known), 22 h to 08:00, no credit — not 00:00 and 32 h
    expect(outages[1]).toMatchObject({
      start: jst('2026-01-20T00:00'),
      end: jst('2026-01-21T08:00'),
      clockStart: jst('2026-01-20T10:00'),
      unavailableMs: 22 * HOUR,
      qualifies: false,
      creditDays: 0,
      creditAmount: 0,
      thresholdAt: null,
      claimableFrom: null,
      claimDeadline: null,
      claimStatus: 'not-qualifying',
    });
    expect([...outages[1]!.incidentIds].sort()).toEqual(['A', 'C']);
  });

  it('an interval that ended before its incident was known does not start the clock', () => {
    // X down 00:00–06:00, known 07:00 (after it ended); Y down 05:00 → next day 12:00, known 08:00.
    // The outage runs 00:00 → next day 12:00; the first known instant is 08:00: 28 h, 1 day.
    const x = incident('X', {
      awareAt: '2026-01-10T07:00',
      intervals: [down('2026-01-10T00:00', '2026-01-10T06:00')],
    });
    const y = incident('Y', {
      awareAt: '2026-01-10T08:00',
      intervals: [down('2026-01-10T05:00', '2026-01-11T12:00')],
    });
    const outage = only(outagesOf({ incidents: [x, y], asOf: ASOF }));
    expect(outage).toMatchObject({
      start: jst('2026-01-10T00:00'),
      clockStart: jst('2026-01-10T08:00'),
      unavailableMs: 28 * HOUR,
      creditDays: 1,
    });
  });

  it('an outage nobody knew of while it lasted has no clock start and counts nothing', () => {
    const a = incident('A', {
      awareAt: '2026-01-13T00:00',
      intervals: [down('2026-01-10T00:00', '2026-01-12T00:00')],
    });
    expect(only(outagesOf({ incidents: [a], asOf: ASOF }))).toMatchObject({
      start: jst('2026-01-10T00:00'),
      end: jst('2026-01-12T00:00'),
      clockStart: null,
      unavailableMs: 0,
      qualifies: false,
      creditDays: 0,
      creditAmount: 0,
      thresholdAt: null,
      claimStatus: 'not-qualifying',
    });
  });

  it('awareAt at the end instant itself is not a known instant (intervals are half-open)', () => {
    const a = incident('A', {
      awareAt: '2026-01-12T00:00',
      intervals: [down('2026-01-10T00:00', '2026-01-12T00:00')],
    });
    expect(
      only(outagesOf({ incidents: [a], asOf: ASOF })).clockStart,
    ).toBeNull();
  });

  it('an ongoing outage first known after asOf has no clock start yet', () => {
    const a = incident('A', {
      awareAt: '2026-01-12T00:00',
      intervals: [down('2026-01-10T00:00', null)],
    });
    expect(
      only(outagesOf({ incidents: [a], asOf: '2026-01-11T00:00' })),
    ).toMatchObject({ ongoing: true, clockStart: null, unavailableMs: 0 });
  });

  it('unavailable time runs from the clock start, not from the outage start', () => {
    const a = incident('A', {
      awareAt: '2026-01-10T01:00',
      intervals: [down('2026-01-10T00:00', '2026-01-11T00:30')],
    });
    // 00:00 → next day 00:30 is 24.5 h long, but only 23.5 h from 01:00
    expect(only(outagesOf({ incidents: [a], asOf: ASOF }))).toMatchObject({
      unavailableMs: 23.5 * HOUR,
      qualifies: false,
    });
  });
});

describe('rule 6: exactly 24 h qualifies', () => {
  it.each([
    [DAY, true, 1],
    [DAY - 1, false, 0],
    [2 * DAY - 1, true, 1],
    [2 * DAY, true, 2],
    [10 * DAY + 5 * HOUR, true, 10],
  ])(
    '%i ms from the clock start → qualifies %s, %i credit day(s)',
    (length, qualifies, creditDays) => {
      const start = jst('2026-01-10T10:30');
      const a = incident('A', {
        awareAt: '2026-01-10T10:30',
        intervals: [{ start, end: instant(start + length) }],
      });
      const outage = only(outagesOf({ incidents: [a], asOf: ASOF }));
      expect(outage.unavailableMs).toBe(length);
      expect(outage.qualifies).toBe(qualifies);
      expect(outage.creditDays).toBe(creditDays);
      expect(outage.thresholdAt).toBe(qualifies ? start + DAY : null);
      expect(outage.claimStatus).toBe(
        qualifies ? 'claimable' : 'not-qualifying',
      );
      if (!qualifies)
        expect([
          outage.creditAmount,
          outage.claimableFrom,
          outage.claimDeadline,
        ]).toEqual([0, null, null]);
    },
  );
});

describe('rule 7: amount = floor(creditDays × monthlyFeeBase / 30), rounded once', () => {
  it.each([
    // credit days, monthly fee, floor, ceil, half-up
    [1, 100_000, 3_333, 3_334, 3_333], // 3333.33
    [2, 100_000, 6_666, 6_667, 6_667], // 6666.67
    [3, 100_000, 10_000, 10_000, 10_000],
    [1, 29, 0, 1, 1], // 0.97
    [1, 45, 1, 2, 2], // 1.5: half-up rounds up
    [7, 123_457, 28_806, 28_807, 28_807], // 864199 / 30 = 28806.63
    [30, 100_000, 100_000, 100_000, 100_000],
  ])(
    '%i day(s) at %i yen → %i (floor), %i (ceil), %i (half-up)',
    (days, fee, floor, ceil, halfUp) => {
      const a = incident('A', {
        awareAt: '2026-01-01T00:00',
        intervals: [
          {
            start: jst('2026-01-01T00:00'),
            end: instant(jst('2026-01-01T00:00') + days * DAY + HOUR),
          },
        ],
      });
      const run = (rounding: 'floor' | 'ceil' | 'half-up') =>
        only(
          outagesOf({
            incidents: [a],
            asOf: '2026-03-01T00:00',
            contract: { monthlyFee: fee },
            policy: { rounding },
          }),
        );
      expect(run('floor')).toMatchObject({
        creditDays: days,
        monthlyFeeBase: fee,
        creditAmount: floor,
      });
      expect(run('ceil').creditAmount).toBe(ceil);
      expect(run('half-up').creditAmount).toBe(halfUp);
    },
  );
});

describe('rule 8: claimable from', () => {
  it('default outageEnded: the JST date of the end (not its UTC date)', () => {
    // ends 2026-01-13 01:00 JST = 2026-01-12T16:00Z → claimable 2026-01-13 → deadline 2026-04-13
    const outage = only(
      outagesOf({
        incidents: [plain('A', '2026-01-10T00:00', '2026-01-13T01:00')],
        asOf: ASOF,
      }),
    );
    expect(outage).toMatchObject({
      claimableFrom: '2026-01-13',
      claimDeadline: '2026-04-13',
    });
  });

  it("policy thresholdReached: the JST date of clockStart + 24 h (API.md's example)", () => {
    // clock 01-10 10:30 JST → threshold 01-11 10:30 JST → claimable 2026-01-11 → deadline 2026-04-11
    const outage = only(
      outagesOf({
        incidents: apiExampleIncidents(),
        asOf: ASOF,
        policy: { claimableFrom: 'thresholdReached' },
      }),
    );
    expect(outage).toMatchObject({
      claimableFrom: '2026-01-11',
      claimDeadline: '2026-04-11',
      thresholdAt: jst('2026-01-11T10:30'),
    });
  });

  it('policy thresholdReached uses the JST date at a day boundary', () => {
    // clock 01-11 00:30 JST → threshold 01-12 00:30 JST (= 01-11T15:30Z) → 2026-01-12
    const outage = only(
      outagesOf({
        incidents: [plain('A', '2026-01-11T00:30', '2026-01-14T00:00')],
        asOf: ASOF,
        policy: { claimableFrom: 'thresholdReached' },
      }),
    );
    expect(outage.claimableFrom).toBe('2026-01-12');
  });

  it('policy thresholdReached gives a deadline even while the outage goes on', () => {
    const outage = only(
      outagesOf({
        incidents: [plain('A', '2026-01-10T00:00', null)],
        asOf: '2026-01-12T06:00',
        policy: { claimableFrom: 'thresholdReached' },
      }),
    );
    expect(outage).toMatchObject({
      ongoing: true,
      end: null,
      claimableFrom: '2026-01-11',
      claimDeadline: '2026-04-11',
      claimStatus: 'claimable',
    });
  });
});

describe('rule 9: extendOverHolidays end to end', () => {
  it.each([
    // ended 2026-02-03 → deadline 2026-05-03 (Sunday, Constitution Day) → 05-04, 05-05, 05-06 holidays → 2026-05-07
    ['2026-02-03T12:00', false, '2026-05-03'],
    ['2026-02-03T12:00', true, '2026-05-07'],
    // ended 2026-01-12 → 2026-04-12, a Sunday → Monday 2026-04-13
    ['2026-01-12T15:00', true, '2026-04-13'],
  ])(
    'an outage ending %s JST, extendOverHolidays %s → deadline %s',
    (end, extendOverHolidays, deadline) => {
      const outage = only(
        outagesOf({
          incidents: [plain('A', '2026-01-10T00:00', end)],
          asOf: '2026-02-10T00:00',
          policy: { extendOverHolidays },
        }),
      );
      expect(outage.claimDeadline).toBe(deadline);
    },
  );
});

describe('ongoing outages: an interval without end runs to asOf', () => {
  it('already qualifying: end null, claimableFrom null, claimable', () => {
    const outage = only(
      outagesOf({
        incidents: [plain('A', '2026-01-10T00:00', null)],
        asOf: '2026-01-11T06:00',
      }),
    );
    expect(outage).toEqual({
      start: jst('2026-01-10T00:00'),
      end: null,
      ongoing: true,
      clockStart: jst('2026-01-10T00:00'),
      unavailableMs: 30 * HOUR,
      qualifies: true,
      creditDays: 1,
      monthlyFeeBase: 100_000,
      creditAmount: 3_333,
      thresholdAt: jst('2026-01-11T00:00'),
      claimableFrom: null,
      claimDeadline: null,
      incidentIds: ['A'],
      claimStatus: 'claimable',
    });
  });

  it('not yet qualifying: not-qualifying', () => {
    const outage = only(
      outagesOf({
        incidents: [plain('A', '2026-01-10T00:00', null)],
        asOf: '2026-01-10T23:59',
      }),
    );
    expect(outage).toMatchObject({
      ongoing: true,
      end: null,
      unavailableMs: 23 * HOUR + 59 * 60_000,
      qualifies: false,
      claimStatus: 'not-qualifying',
    });
  });

  it('an ended interval merged with an ongoing one makes an ongoing outage', () => {
    const outage = only(
      outagesOf({
        incidents: [
          plain('A', '2026-01-10T00:00', '2026-01-10T12:00'),
          plain('B', '2026-01-10T12:00', null),
        ],
        asOf: '2026-01-12T00:00',
      }),
    );
    expect(outage).toMatchObject({
      ongoing: true,
      end: null,
      unavailableMs: 2 * DAY,
      creditDays: 2,
      incidentIds: ['A', 'B'],
    });
  });

  it('an interval starting after asOf is not there yet', () => {
    expect(
      outagesOf({
        incidents: [plain('A', '2026-01-10T00:00', null)],
        asOf: '2026-01-09T00:00',
      }),
    ).toEqual([]);
  });
});

describe('claimStatus expired: at/after 00:00 JST of the day after the deadline', () => {
  // API.md's example: deadline 2026-04-12; the window closes at 2026-04-13 00:00 JST = 2026-04-12T15:00:00.000Z.
  it.each([
    ['2026-04-12T23:59:59.999', 'claimable'],
    ['2026-04-13T00:00', 'expired'],
    ['2026-04-13T00:00:00.001', 'expired'],
    ['2027-01-01T00:00', 'expired'],
    ['2026-04-12T00:00', 'claimable'],
  ])('asOf %s JST → %s', (asOf, status) => {
    const outage = only(outagesOf({ incidents: apiExampleIncidents(), asOf }));
    expect(outage.claimDeadline).toBe('2026-04-12');
    expect(outage.claimStatus).toBe(status);
  });

  it('the boundary instant in UTC is 2026-04-12T15:00:00.000Z', () => {
    expect(jst('2026-04-13T00:00')).toBe(Date.UTC(2026, 3, 12, 15, 0, 0, 0));
  });
});

describe('many intervals (hundreds of pieces, spans of decades)', () => {
  it('1,200 intervals in a year: touching ones join, 1 ms gaps separate, in any input order', () => {
    // Day i from 2026-01-01: A [00:00, 13:00) and B [13:00, 20:00) touch; C [20:00:00.001, 22:00) is 1 ms apart.
    const base = jst('2026-01-01T00:00');
    const intervals: DownInterval[] = [];
    for (let i = 0; i < 400; i++) {
      const day = instant(base + i * DAY);
      intervals.push(
        { start: day, end: instant(day + 13 * HOUR) },
        { start: instant(day + 13 * HOUR), end: instant(day + 20 * HOUR) },
        { start: instant(day + 20 * HOUR + 1), end: instant(day + 22 * HOUR) },
      );
    }
    const make = (list: typeof intervals): IncidentFacts => ({
      id: 'A',
      cause: 'provider',
      severity: 'total',
      awareAt: base,
      intervals: list,
      scope: null,
    });
    const asOf = '2028-01-01T00:00';
    const outages = outagesOf({
      incidents: [make([...intervals].reverse())],
      asOf,
    });
    expect(outages).toHaveLength(800);
    outages.forEach((outage, k) => {
      const day = base + Math.floor(k / 2) * DAY;
      const expected =
        k % 2 === 0
          ? [day, day + 20 * HOUR, 20 * HOUR]
          : [day + 20 * HOUR + 1, day + 22 * HOUR, 2 * HOUR - 1];
      expect([outage.start, outage.end, outage.unavailableMs]).toEqual(
        expected,
      );
    });
    // mergeGapMs 1 joins C too: 400 outages of 22 h
    const joined = outagesOf({
      incidents: [make(intervals)],
      asOf,
      policy: { mergeGapMs: 1 },
    });
    expect(joined.map((o) => [o.start, o.end])).toEqual(
      Array.from({ length: 400 }, (_, i) => [
        base + i * DAY,
        base + i * DAY + 22 * HOUR,
      ]),
    );
  });

  it('3,000 outages over eighty years are each found and dated', () => {
    // One 25 h interval every 10 days from 1990-01-01 00:00 JST, listed last-first, each its own incident.
    const base = jst('1990-01-01T00:00');
    const incidents: IncidentFacts[] = [];
    for (let i = 2999; i >= 0; i--) {
      const start = instant(base + i * 10 * DAY);
      incidents.push({
        id: `I${i}`,
        cause: 'provider',
        severity: 'total',
        awareAt: start,
        intervals: [{ start, end: instant(start + 25 * HOUR) }],
        scope: null,
      });
    }
    const outages = outagesOf({
      incidents,
      asOf: '2100-01-01T00:00',
      contract: { billingStartDate: '1990-01-01' },
    });
    expect(outages).toHaveLength(3000);
    outages.forEach((outage, i) => {
      expect(outage.start).toBe(base + i * 10 * DAY);
      expect(outage.unavailableMs).toBe(25 * HOUR);
      expect(outage.incidentIds).toEqual([`I${i}`]);
    });
    // the last starts 29,990 days after 1990-01-01 and ends at 01:00 JST the day after
    const last = outages[2999]!;
    expect(last.claimableFrom).toBe(plusDays('1990-01-01', 29_991));
    expect(last.creditAmount).toBe(3_333);
  });

  it('a derivation does not leak into the next one', () => {
    const small = () =>
      outagesOf({ incidents: apiExampleIncidents(), asOf: ASOF });
    const before = small();
    const big: IncidentFacts[] = Array.from({ length: 300 }, (_, i) => ({
      id: `B${i}`,
      cause: 'provider',
      severity: 'total',
      awareAt: instant(jst('2025-06-01T00:00') + i * DAY),
      intervals: [
        {
          start: instant(jst('2025-06-01T00:00') + i * DAY),
          end: instant(jst('2025-06-01T00:00') + i * DAY + HOUR),
        },
      ],
      scope: null,
    }));
    expect(
      outagesOf({ incidents: big, asOf: '2026-06-01T00:00' }),
    ).toHaveLength(300);
    expect(small()).toEqual(before);
    expect(before).toEqual([apiExampleOutage()]);
  });
});
