/** The rest of the terms (SPEC.md "The rest of the terms"), the fee base (rule 7), rules 1 and 2's predicates. */
import { describe, expect, it } from 'vitest';
import { basicFeeOn, monthlyFeeBaseOn } from '../../src/domain/contract';
import {
  CAUSES,
  isInScope,
  isQualifying,
  relationOf,
  SEVERITIES,
} from '../../src/domain/incident';
import { yen } from '../../src/domain/money';
import { DEFAULT_POLICY, resolvePolicy } from '../../src/domain/policy';
import {
  cancelContract,
  cancellationEffectiveDate,
  earlyTerminationCharge,
  minimumPeriodEnd,
} from '../../src/domain/terms';
import { contractTerms, date, dateOrNull, multiRegion } from './fixtures';

const proration = { earlyTerminationProration: 'periodDays' } as const;

describe('Art. 1 minimum period: monthsPeriodEnd(billingStartDate, 1), the start day counted', () => {
  it.each([
    ['2026-01-31', '2026-02-28'], // SPEC.md's example
    ['2026-01-15', '2026-02-14'],
    ['2026-03-01', '2026-03-31'],
    ['2024-01-30', '2024-02-29'], // leap year
    ['2026-12-20', '2027-01-19'],
  ])('billing start %s → minimum period ends %s', (start, end) => {
    expect(minimumPeriodEnd(date(start))).toBe(end);
  });
});

describe('Art. 8 cancellation: the later of notice + 30 days and the requested date', () => {
  it.each([
    ['2026-01-10', null, '2026-02-09'], // SPEC.md's example
    ['2026-01-10', '2026-03-31', '2026-03-31'], // the later requested date wins
    ['2026-01-10', '2026-02-01', '2026-02-09'], // an earlier requested date does not shorten the notice
    ['2026-01-10', '2026-02-09', '2026-02-09'],
    ['2028-02-10', null, '2028-03-11'], // 2028 is a leap year: 19 days to 02-29, 11 more
    ['2026-12-15', null, '2027-01-14'],
  ])(
    'notice %s, requested %s → effective %s',
    (notice, requested, effective) => {
      expect(
        cancellationEffectiveDate(date(notice), dateOrNull(requested)),
      ).toBe(effective);
    },
  );
});

describe('Art. 10 / Annex 2 early-termination charge', () => {
  it.each([
    // SPEC.md: billing 2026-01-15 → minimum period 01-15..02-14 (31 days); effective 01-31 leaves 02-01..02-14 (14 days).
    ['2026-01-15', '2026-01-31', 100_000, 45_161], // floor(100000 × 14 / 31) = floor(45161.29)
    // 2026-01-31 → 01-31..02-28 (29 days); effective 02-10 leaves 02-11..02-28 (18 days): floor(1800000 / 29) = 62068
    ['2026-01-31', '2026-02-10', 100_000, 62_068],
    // the day before the end leaves exactly one day: floor(100000 / 31) = 3225
    ['2026-01-15', '2026-02-13', 100_000, 3_225],
    // effective on the billing start day itself: 30 of 31 days remain, floor(3000000 / 31) = 96774
    ['2026-01-15', '2026-01-15', 100_000, 96_774],
  ])(
    'billing start %s, effective %s, fee %i → %i',
    (billingStartDate, effective, fee, charge) => {
      expect(
        earlyTerminationCharge(
          { billingStartDate: date(billingStartDate), monthlyFee: yen(fee) },
          date(effective),
          proration,
        ),
      ).toBe(charge);
    },
  );

  it.each([
    ['2026-01-15', '2026-02-14'], // on minimumPeriodEnd: not strictly before
    ['2026-01-15', '2026-02-15'],
    ['2026-01-31', '2026-02-28'],
    ['2026-01-31', '2027-01-01'],
  ])(
    'billing start %s, effective %s (on or after minimumPeriodEnd) → no charge',
    (billingStartDate, effective) => {
      expect(
        earlyTerminationCharge(
          {
            billingStartDate: date(billingStartDate),
            monthlyFee: yen(100_000),
          },
          date(effective),
          proration,
        ),
      ).toBe(0);
    },
  );

  it('cancelContract combines Art. 8 and Annex 2 with the basic fee in effect on the effective date', () => {
    const contract = contractTerms({
      billingStartDate: '2026-01-15',
      monthlyFee: 100_000,
      feeChanges: [{ effectiveDate: '2026-01-20', monthlyFee: 62_000 }],
      options: [multiRegion({ monthlyFee: 20_000 })],
    });
    // notice 2026-01-01 → 01-31; 14 of 31 days; the basic fee (not the option) then is 62,000: floor(868000 / 31) = 28000
    expect(
      cancelContract(
        contract,
        { noticeReceivedDate: date('2026-01-01'), requestedDate: null },
        proration,
      ),
    ).toEqual({
      effectiveDate: '2026-01-31',
      minimumPeriodEnd: '2026-02-14',
      earlyTerminationCharge: 28_000,
      // The option (billed since the contract's start) ends too: floor(20,000 × 14 / 31) = floor(9,032.26) = 9,032.
      options: [
        {
          effectiveDate: '2026-01-31',
          minimumPeriodEnd: '2026-02-14',
          earlyTerminationCharge: 9_032,
        },
      ],
    });
    expect(
      cancelContract(
        contract,
        {
          noticeReceivedDate: date('2026-01-01'),
          requestedDate: date('2026-03-01'),
        },
        proration,
      ),
    ).toEqual({
      effectiveDate: '2026-03-01',
      minimumPeriodEnd: '2026-02-14',
      earlyTerminationCharge: 0,
      options: [
        {
          effectiveDate: '2026-03-01',
          minimumPeriodEnd: '2026-02-14',
          earlyTerminationCharge: 0,
        },
      ],
    });
  });
});

describe('rule 7 fee base: basic fee after effective-dated changes, plus active multi-region options', () => {
  const contract = contractTerms({
    monthlyFee: 100_000,
    feeChanges: [
      { effectiveDate: '2026-03-01', monthlyFee: 150_000 },
      { effectiveDate: '2026-01-11', monthlyFee: 120_000 },
    ],
  });
  it.each([
    ['2026-01-10', 100_000],
    ['2026-01-11', 120_000],
    ['2026-02-28', 120_000],
    ['2026-03-01', 150_000],
    ['2030-01-01', 150_000],
  ])('basic fee on %s is %i (changes listed out of order)', (day, fee) => {
    expect(basicFeeOn(contract, date(day))).toBe(fee);
    expect(monthlyFeeBaseOn(contract, date(day))).toBe(fee);
  });

  const withOption = contractTerms({
    monthlyFee: 100_000,
    options: [
      multiRegion({
        monthlyFee: 20_000,
        billingStartDate: '2026-01-01',
        endDate: '2026-01-31',
      }),
    ],
  });
  it.each([
    ['2025-12-31', 100_000],
    ['2026-01-01', 120_000], // API.md: with the option of 20,000 active the example's base is 120,000
    ['2026-01-10', 120_000],
    ['2026-01-31', 120_000], // end date inclusive
    ['2026-02-01', 100_000],
  ])('with an option 2026-01-01..01-31, the base on %s is %i', (day, base) => {
    expect(monthlyFeeBaseOn(withOption, date(day))).toBe(base);
    expect(basicFeeOn(withOption, date(day))).toBe(100_000);
  });

  it('an option with neither billing start nor end always counts; two options both count', () => {
    const contract2 = contractTerms({
      options: [
        multiRegion({ monthlyFee: 20_000 }),
        multiRegion({ regions: ['jp-north'], monthlyFee: 7_000 }),
      ],
    });
    expect(monthlyFeeBaseOn(contract2, date('1999-01-01'))).toBe(127_000);
  });
});

describe('rule 1: qualifying incidents', () => {
  const combos = CAUSES.flatMap((cause) =>
    SEVERITIES.map((severity) => [cause, severity] as const),
  );
  it('knows exactly the causes and severities of SPEC.md', () => {
    expect([...CAUSES].sort()).toEqual([
      'customer',
      'force_majeure',
      'maintenance',
      'provider',
      'third_party',
    ]);
    expect([...SEVERITIES].sort()).toEqual(['equivalent', 'partial', 'total']);
  });
  it.each(combos)('cause %s, severity %s', (cause, severity) => {
    const expected =
      cause === 'provider' &&
      (severity === 'total' || severity === 'equivalent');
    expect(isQualifying({ cause, severity })).toBe(expected);
  });
});

describe('rule 2: scope', () => {
  const contract = contractTerms({
    id: 'C-1',
    region: 'jp-east',
    options: [multiRegion({ regions: ['jp-west'] })],
  });
  type ScopeFields = {
    regions?: string[];
    contractIds?: string[];
    excludeContractIds?: string[];
  };
  const cases: [string, ScopeFields | null, 'named' | 'regional' | 'none'][] = [
    ['no scope: names the contract', null, 'named'],
    ['named by id', { contractIds: ['C-1'] }, 'named'],
    ['another contract named', { contractIds: ['C-2'] }, 'none'],
    ['its own region', { regions: ['jp-east'] }, 'regional'],
    ["its option's region", { regions: ['jp-west'] }, 'regional'],
    ['a region it does not have', { regions: ['jp-north'] }, 'none'],
    [
      'own region, but excluded',
      { regions: ['jp-east'], excludeContractIds: ['C-1'] },
      'none',
    ],
    [
      'named and excluded',
      { contractIds: ['C-1'], excludeContractIds: ['C-1'] },
      'none',
    ],
    [
      'another contract excluded',
      { regions: ['jp-east'], excludeContractIds: ['C-2'] },
      'regional',
    ],
  ];
  it.each(cases)('%s', (_label, fields, relation) => {
    const incident = {
      scope:
        fields === null
          ? null
          : {
              regions: fields.regions ?? [],
              contractIds: fields.contractIds ?? [],
              excludeContractIds: fields.excludeContractIds ?? [],
            },
    };
    expect(relationOf(incident, contract)).toBe(relation);
    expect(isInScope(incident, contract)).toBe(relation !== 'none');
  });
});

describe('policy defaults (SPEC.md)', () => {
  it('are the documented ones, and an override leaves the rest at their defaults', () => {
    expect(DEFAULT_POLICY).toMatchObject({
      claimableFrom: 'outageEnded',
      multiRegionFailover: true,
      extendOverHolidays: false,
      mergeGapMs: 0,
      rounding: 'floor',
      activeThroughTerminationDay: true,
      taxRate: 0.1,
      earlyTerminationProration: 'periodDays',
    });
    expect(resolvePolicy({ mergeGapMs: 5 })).toEqual({
      ...DEFAULT_POLICY,
      mergeGapMs: 5,
    });
  });
});
