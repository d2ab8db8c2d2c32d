/**
 * Periods of months and days (SPEC.md rule 9, Art. 1, Art. 8; Civil Code Arts. 140–143).
 * `monthsPeriodEnd` is checked for every first day from 2024-01-01 to 2030-12-31 against a reference that
 * walks calendar days with UTC `Date` and counts month boundaries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimDeadlineOf, isWithinClaimWindow } from '../../src/domain/outages';
import {
  cancellationEffectiveDate,
  minimumPeriodEnd,
} from '../../src/domain/terms';
import { monthsPeriodEnd } from '../../src/domain/time';
import {
  DAY,
  date,
  dateOfUtc,
  datesFrom,
  jst,
  plusDays,
  plusMonthsClamped,
  utcDate,
} from './fixtures';

/**
 * Civil Code Art. 143, written as a walk: starting on the first (counted) day, step one day at a time and
 * count the month boundaries crossed. The period ends on the day before the first day that is both in the
 * `months`-th month after and has the first day's day-of-month; if that month has no such day, the walk
 * leaves it, and the period ends on its last day.
 */
function referenceMonthsPeriodEnd(firstDay: string, months: number): string {
  const dayOfMonth = utcDate(firstDay).getUTCDate();
  let cursor = utcDate(firstDay);
  let boundaries = 0;
  for (;;) {
    const next = new Date(cursor.getTime() + DAY);
    if (next.getUTCMonth() !== cursor.getUTCMonth()) boundaries++;
    if (
      (boundaries === months && next.getUTCDate() === dayOfMonth) ||
      boundaries > months
    )
      return dateOfUtc(cursor);
    cursor = next;
  }
}

const EVERY_DAY_2024_2030 = datesFrom('2024-01-01', '2030-12-31');

describe('the reference walk itself (hand-checked cases)', () => {
  it.each([
    ['2026-01-16', 3, '2026-04-15'],
    ['2026-02-01', 3, '2026-04-30'],
    ['2025-11-30', 3, '2026-02-28'],
    ['2026-03-01', 3, '2026-05-31'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2024-01-30', 1, '2024-02-29'],
    ['2024-01-29', 1, '2024-02-28'],
    ['2026-12-15', 1, '2027-01-14'],
  ] as const)('%s + %i month(s) ends %s', (first, months, end) => {
    expect(referenceMonthsPeriodEnd(first, months)).toBe(end);
  });
});

describe('monthsPeriodEnd (Civil Code Art. 143), every first day 2024-01-01..2030-12-31', () => {
  expect(EVERY_DAY_2024_2030).toHaveLength(366 + 365 * 3 + 366 + 365 * 2);

  it.each([1, 2, 3, 12])(
    '%i month(s): matches the day-walking reference on every day',
    (months) => {
      const mismatches: string[] = [];
      for (const first of EVERY_DAY_2024_2030) {
        const actual = monthsPeriodEnd(date(first), months);
        const expected = referenceMonthsPeriodEnd(first, months);
        if (actual !== expected)
          mismatches.push(`${first}: expected ${expected}, got ${actual}`);
      }
      expect(mismatches.slice(0, 20)).toEqual([]);
    },
  );

  it('matches the reference on random first days across the accepted years 1970–2199', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2199, 11, 31) }),
        fc.integer({ min: 1, max: 13 }),
        (instant, months) => {
          const first = dateOfUtc(new Date(Math.floor(instant / DAY) * DAY));
          const expected = referenceMonthsPeriodEnd(first, months);
          // What the rules derive may reach into 2200 (a deadline of December 2199), never further.
          if (expected > '2200-12-31')
            expect(() => monthsPeriodEnd(date(first), months)).toThrow(
              RangeError,
            );
          else expect(monthsPeriodEnd(date(first), months)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('Art. 1: minimumPeriodEnd(billing start) is the one-month period counting the start day, every day', () => {
    const mismatches: string[] = [];
    for (const first of EVERY_DAY_2024_2030) {
      const expected = referenceMonthsPeriodEnd(first, 1);
      if (minimumPeriodEnd(date(first)) !== expected)
        mismatches.push(
          `${first}: expected ${expected}, got ${minimumPeriodEnd(date(first))}`,
        );
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
  });

  it('rule 9: claimDeadline = the 3-month period from the day after claimableFrom, every day', () => {
    const mismatches: string[] = [];
    for (const claimableFrom of EVERY_DAY_2024_2030) {
      const expected = referenceMonthsPeriodEnd(plusDays(claimableFrom, 1), 3);
      const actual = claimDeadlineOf(date(claimableFrom), {
        extendOverHolidays: false,
      });
      if (actual !== expected)
        mismatches.push(
          `${claimableFrom}: expected ${expected}, got ${actual}`,
        );
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
  });

  it('the deadline lies between claimableFrom + 3 months and (claimableFrom + 1 day) + 3 months (clamped)', () => {
    const outside: string[] = [];
    for (const claimableFrom of EVERY_DAY_2024_2030) {
      const deadline = claimDeadlineOf(date(claimableFrom), {
        extendOverHolidays: false,
      });
      const low = plusMonthsClamped(claimableFrom, 3);
      const high = plusMonthsClamped(plusDays(claimableFrom, 1), 3);
      if (!(deadline > claimableFrom && low <= deadline && deadline <= high))
        outside.push(`${claimableFrom} → ${deadline}`);
    }
    expect(outside.slice(0, 20)).toEqual([]);
  });

  it('Art. 8: notice + 30 days agrees with UTC day arithmetic on every day', () => {
    const mismatches: string[] = [];
    for (const day of EVERY_DAY_2024_2030) {
      const actual = cancellationEffectiveDate(date(day), null);
      if (actual !== plusDays(day, 30))
        mismatches.push(`${day}: expected ${plusDays(day, 30)}, got ${actual}`);
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
  });
});

describe('rule 9: claim deadline examples from SPEC.md', () => {
  it.each([
    ['2026-01-15', '2026-04-15'],
    ['2026-01-31', '2026-04-30'],
    ['2025-11-29', '2026-02-28'],
    ['2026-02-28', '2026-05-31'],
    // API.md's example outage ended on 2026-01-12.
    ['2026-01-12', '2026-04-12'],
  ])('claimable %s → deadline %s', (claimableFrom, deadline) => {
    expect(
      claimDeadlineOf(date(claimableFrom), { extendOverHolidays: false }),
    ).toBe(deadline);
  });

  it('is not claimableFrom + 3 months − 1 day (Luxon-style clamping) for 2025-11-29', () => {
    // 2025-11-29 + 3 months clamps to 2026-02-28; minus one day would wrongly give 2026-02-27.
    expect(
      claimDeadlineOf(date('2025-11-29'), { extendOverHolidays: false }),
    ).not.toBe('2026-02-27');
  });
});

describe('rule 9 policy extendOverHolidays (Civil Code Art. 142)', () => {
  it.each([
    // 2026-04-12 is a Sunday; 2026-04-13 is an ordinary Monday.
    ['2026-01-12', '2026-04-12', '2026-04-13'],
    // 2026-05-03 (Constitution Day) is a Sunday; 05-04 Greenery Day, 05-05 Children's Day,
    // 05-06 the substitute holiday for 05-03; 05-07 is an ordinary Thursday.
    ['2026-02-03', '2026-05-03', '2026-05-07'],
    // 2026-07-20 is Marine Day (third Monday of July), not a Sunday.
    ['2026-04-20', '2026-07-20', '2026-07-21'],
    // 2026-04-15 is a Wednesday and no holiday: unchanged.
    ['2026-01-15', '2026-04-15', '2026-04-15'],
  ])(
    'claimable %s: deadline %s, extended %s',
    (claimableFrom, plain, extended) => {
      expect(
        claimDeadlineOf(date(claimableFrom), { extendOverHolidays: false }),
      ).toBe(plain);
      expect(
        claimDeadlineOf(date(claimableFrom), { extendOverHolidays: true }),
      ).toBe(extended);
    },
  );

  it('the weekday facts the cases rely on (UTC Date, independent of the holiday table)', () => {
    expect(utcDate('2026-04-12').getUTCDay()).toBe(0);
    expect(utcDate('2026-05-03').getUTCDay()).toBe(0);
    expect(utcDate('2026-07-20').getUTCDay()).toBe(1);
    expect(utcDate('2026-07-13').getUTCDay()).toBe(1); // so 07-20 is the third Monday (07-06, 07-13, 07-20)
    expect(utcDate('2026-07-06').getUTCDay()).toBe(1);
    expect(utcDate('2026-07-01').getUTCDay()).toBe(3);
  });
});

describe('the claim window closes at 00:00 JST of the day after the deadline', () => {
  it.each([
    ['2026-04-12T23:59:59.999', true],
    ['2026-04-13T00:00', false],
    ['2026-04-12T00:00', true],
    ['2026-04-13T00:00:00.001', false],
  ])(
    'received %s JST, deadline 2026-04-12 → timely %s',
    (receivedAt, timely) => {
      expect(isWithinClaimWindow(jst(receivedAt), date('2026-04-12'))).toBe(
        timely,
      );
    },
  );
});
