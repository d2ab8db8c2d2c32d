/**
 * A notice's figures: the consumption tax in integers (floor(amount × rate) once per notice), the rate as
 * a whole percent, the billing month, the number, dual approval, and the discrepancy of an approved one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  approvalsRequired,
  billingMonthOf,
  discrepancyOf,
  formatNoticeNumber,
  noticeFactsOf,
  sameDiscrepancy,
  taxAmountOf,
  taxRatePercentOf,
} from '../../src/domain/credit-notices';
import { wholePercentOf, yen } from '../../src/domain/money';
import { resolvePolicy } from '../../src/domain/policy';
import { instantOf } from '../../src/domain/time';
import { MAX_MONTHLY_FEE, MAX_OPTIONS } from '../../src/schemas/common';
import { H, outage } from './claim-plan-fixtures';

/**
 * The largest amount a notice can hold: every day of the years the product handles (1970–2199) as credit
 * days, on the largest fee base (a basic fee and every option at the largest fee), divided by 30.
 */
const LARGEST_AMOUNT = Math.floor(
  (Math.ceil((Date.UTC(2200, 0, 1) - Date.UTC(1970, 0, 1)) / (24 * H)) *
    MAX_MONTHLY_FEE *
    (1 + MAX_OPTIONS)) /
    30,
);

/** The tax as a person would work it out, in exact integers. */
const exactTax = (amount: number, percent: number) =>
  Number((BigInt(amount) * BigInt(percent)) / 100n);

describe('the consumption tax of a notice', () => {
  it.each([
    [6_666, 666],
    [9, 0],
    [10, 1],
    [19, 1],
    [0, 0],
    [1_000_000, 100_000],
    [999_999, 99_999],
    [3_333, 333],
  ])('¥%i at 10 %% → ¥%i', (amount, tax) => {
    expect(taxAmountOf(yen(amount), 10)).toBe(tax);
  });

  it('works at other whole rates too (8 %: ¥6,666 → ¥533)', () => {
    expect(taxAmountOf(yen(6_666), 8)).toBe(533);
    expect(taxAmountOf(yen(6_666), 0)).toBe(0);
  });

  it('is never more than a tenth of the amount at 10 %, and the total is amount + tax', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: LARGEST_AMOUNT }), (amount) => {
        const tax = taxAmountOf(yen(amount), 10);
        expect(BigInt(tax) * 10n <= BigInt(amount)).toBe(true);
        expect(BigInt(amount) - BigInt(tax) * 10n < 10n).toBe(true);
        expect(Number.isSafeInteger(amount + tax)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('is exact for every amount up to the largest possible and every whole rate', () => {
    // amount × rate leaves the safe integers at the top rates: the division must stay exact there too.
    expect(LARGEST_AMOUNT * 100).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: LARGEST_AMOUNT }),
        fc.integer({ min: 0, max: 100 }),
        (amount, percent) => {
          expect(taxAmountOf(yen(amount), percent)).toBe(
            exactTax(amount, percent),
          );
        },
      ),
      { numRuns: 2_000 },
    );
    for (const percent of [10, 100])
      expect(taxAmountOf(yen(LARGEST_AMOUNT), percent)).toBe(
        exactTax(LARGEST_AMOUNT, percent),
      );
  });

  it('comes with the notice: total = amount + tax, from the outage a notice is for', () => {
    const facts = noticeFactsOf(
      outage({ start: 0, end: 52.5 * H, clockStart: 0.5 * H }),
      10,
    );
    expect(facts.figures).toEqual({
      creditDays: 2,
      monthlyFeeBase: 100_000,
      amount: 6_666,
      taxRatePercent: 10,
      taxAmount: 666,
      totalAmount: 7_332,
      billingMonth: '1970-01',
    });
  });

  it('is only for an ended outage that qualifies', () => {
    expect(() =>
      noticeFactsOf(outage({ start: 0, end: null, asOf: 30 * H }), 10),
    ).toThrow(RangeError);
    expect(() => noticeFactsOf(outage({ start: 0, end: 10 * H }), 10)).toThrow(
      RangeError,
    );
  });
});

describe('the tax rate', () => {
  it('is the policy rate as a whole percent, converted once', () => {
    expect(taxRatePercentOf(0.1)).toBe(10);
    expect(taxRatePercentOf(0.08)).toBe(8);
    expect(taxRatePercentOf(0.07)).toBe(7); // 0.07 × 100 is 7.000000000000001 in floats
    expect(taxRatePercentOf(0)).toBe(0);
    expect(taxRatePercentOf(1)).toBe(100);
    expect(wholePercentOf(0.105)).toBeNull();
    expect(() => taxRatePercentOf(0.105)).toThrow(RangeError);
  });

  it('is refused by the policy when it is not a whole percent', () => {
    expect(resolvePolicy({ taxRate: 0.08 }).taxRate).toBe(0.08);
    expect(() => resolvePolicy({ taxRate: 0.105 })).toThrow(/whole percent/);
  });

  it('round-trips every whole percent exactly', () => {
    for (let percent = 0; percent <= 100; percent++)
      expect(wholePercentOf(percent / 100)).toBe(percent);
  });
});

describe('the billing month', () => {
  it('is the month of the clock start in Japan time', () => {
    expect(
      billingMonthOf(instantOf(Date.parse('2026-01-31T14:59:59.999Z'))),
    ).toBe('2026-01');
    expect(
      billingMonthOf(instantOf(Date.parse('2026-01-31T15:00:00.000Z'))),
    ).toBe('2026-02');
  });
});

describe('numbers and approvals', () => {
  it('numbers CN-YYYY-NNNNNN', () => {
    expect(formatNoticeNumber(2026, 1)).toBe('CN-2026-000001');
    expect(formatNoticeNumber(2026, 999_999)).toBe('CN-2026-999999');
    expect(() => formatNoticeNumber(2026, 0)).toThrow(RangeError);
    expect(() => formatNoticeNumber(2026, 1_000_000)).toThrow(RangeError);
  });

  it('needs two approvers from dualApprovalFromYen, the total including tax', () => {
    expect(approvalsRequired(yen(999_999), yen(1_000_000))).toBe(1);
    expect(approvalsRequired(yen(1_000_000), yen(1_000_000))).toBe(2);
  });
});

describe('the discrepancy of an approved notice', () => {
  const approved = noticeFactsOf(outage({ start: 0, end: 48 * H }), 10);

  it('is none while the outage is the one it shows, whatever else changed (clock start, incidents)', () => {
    expect(
      discrepancyOf(
        approved,
        outage({ start: 0, end: 48 * H, incidentIds: ['i1', 'i2'] }),
      ),
    ).toBeNull();
  });

  it('shows start, end, credit days, fee base and amount before and after', () => {
    expect(discrepancyOf(approved, outage({ start: 0, end: 72 * H }))).toEqual({
      before: {
        start: 0,
        end: 48 * H,
        creditDays: 2,
        monthlyFeeBase: 100_000,
        amount: 6_666,
      },
      after: {
        start: 0,
        end: 72 * H,
        creditDays: 3,
        monthlyFeeBase: 100_000,
        amount: 10_000,
      },
    });
    expect(
      discrepancyOf(approved, outage({ start: 0, end: 48 * H, fee: 120_000 }))
        ?.after?.monthlyFeeBase,
    ).toBe(120_000);
    expect(discrepancyOf(approved, null)?.after).toBeNull();
  });

  it('does not change while a recomputed outage that goes on only grows', () => {
    const at30 = discrepancyOf(
      approved,
      outage({ start: 0, end: null, asOf: 60 * H }),
    );
    const at90 = discrepancyOf(
      approved,
      outage({ start: 0, end: null, asOf: 90 * H }),
    );
    expect(at30).not.toBeNull();
    expect(sameDiscrepancy(at30, at90)).toBe(true);
    expect(sameDiscrepancy(at30, null)).toBe(false);
  });
});
