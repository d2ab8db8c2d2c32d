/**
 * src/domain/time.ts computes business dates by calendar arithmetic on +09:00. Here every function is
 * held against Luxon in Asia/Tokyo (the runtime's time-zone data, an independent implementation) on
 * random days and instants across the accepted years 1970–2199, and the edges of that range are checked.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  assertFixedOffset,
  type BusinessDate,
  businessDateOf,
  daysBetween,
  endOfBusinessDate,
  InvalidTimeValue,
  instantOf,
  isSundayOrJapaneseHoliday,
  MS_PER_DAY,
  parseBusinessDate,
  parseInstant,
  startOfBusinessDate,
} from '../../src/domain/time';

const ZONE = 'Asia/Tokyo';
const RUNS = 500;

const FIRST_INSTANT = Date.parse('1970-01-01T00:00:00+09:00');
const END_INSTANT = Date.parse('2200-01-01T00:00:00+09:00');
const instantArb = fc.integer({ min: FIRST_INSTANT, max: END_INSTANT - 1 });
/** Mostly any millisecond, sometimes exactly a JST midnight or the millisecond before one. */
const edgyInstantArb = fc.oneof(
  instantArb,
  instantArb.map(
    (t) =>
      Math.floor((t + 9 * 3_600_000) / MS_PER_DAY) * MS_PER_DAY - 9 * 3_600_000,
  ),
  instantArb.map(
    (t) =>
      Math.floor((t + 9 * 3_600_000) / MS_PER_DAY) * MS_PER_DAY -
      9 * 3_600_000 -
      1,
  ),
);
const luxonDate = (instant: number) =>
  DateTime.fromMillis(instant, { zone: ZONE }).toISODate()!;
/** A business date of the accepted years, checked by parseBusinessDate (tested below against Luxon). */
const dateArb = instantArb.map((instant) =>
  parseBusinessDate(luxonDate(instant)),
);

describe('business dates against Luxon in Asia/Tokyo, 1970–2199', () => {
  it('businessDateOf(instant) is the Tokyo calendar date', () => {
    fc.assert(
      fc.property(edgyInstantArb, (instant) => {
        if (instant < FIRST_INSTANT) return;
        expect(businessDateOf(instantOf(instant))).toBe(luxonDate(instant));
      }),
      { numRuns: RUNS },
    );
  });

  it('startOfBusinessDate and endOfBusinessDate are 00:00 Tokyo of the date and of the next', () => {
    fc.assert(
      fc.property(dateArb, (date) => {
        const start = DateTime.fromISO(date, { zone: ZONE });
        expect(startOfBusinessDate(date)).toBe(start.toMillis());
        expect(endOfBusinessDate(date)).toBe(
          start.plus({ days: 1 }).toMillis(),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('addDays and daysBetween agree with Luxon; addDays refuses to leave 1970–2200', () => {
    fc.assert(
      fc.property(
        dateArb,
        fc.integer({ min: -400, max: 400 }),
        dateArb,
        (date, days, other) => {
          const expected = DateTime.fromISO(date, { zone: ZONE })
            .plus({ days })
            .toISODate()!;
          // What the rules derive may reach into 2200 (a deadline of December 2199), never further.
          if (expected < '1970-01-01' || expected > '2200-12-31')
            expect(() => addDays(date, days)).toThrow(RangeError);
          else expect(addDays(date, days)).toBe(expected);
          expect(daysBetween(date, other)).toBe(
            Math.round(
              DateTime.fromISO(other, { zone: ZONE }).diff(
                DateTime.fromISO(date, { zone: ZONE }),
                'days',
              ).days,
            ),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('every Sunday is a day off (Art. 142); a Monday to Saturday only when a holiday', () => {
    fc.assert(
      fc.property(dateArb, (date) => {
        if (DateTime.fromISO(date, { zone: ZONE }).weekday === 7)
          expect(isSundayOrJapaneseHoliday(date)).toBe(true);
      }),
      { numRuns: RUNS },
    );
    // 2026-01-05 Monday, 2026-01-12 Coming of Age Day (a Monday), 1970-01-04 the first Sunday of 1970.
    const dayOff = (text: string) =>
      isSundayOrJapaneseHoliday(parseBusinessDate(text));
    expect(dayOff('2026-01-05')).toBe(false);
    expect(dayOff('2026-01-12')).toBe(true);
    expect(dayOff('1970-01-04')).toBe(true);
    expect(dayOff('1970-01-03')).toBe(false);
  });
});

describe('parseBusinessDate', () => {
  it('accepts exactly the real dates Luxon accepts, within 1970–2199', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1960, max: 2210 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (year, month, day) => {
          const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          const real = DateTime.fromISO(text, { zone: ZONE }).isValid;
          const inRange = year >= 1970 && year <= 2199;
          if (real && inRange) expect(parseBusinessDate(text)).toBe(text);
          else expect(() => parseBusinessDate(text)).toThrow(InvalidTimeValue);
        },
      ),
      { numRuns: RUNS },
    );
    expect(parseBusinessDate('2024-02-29')).toBe('2024-02-29');
    expect(() => parseBusinessDate('2100-02-29')).toThrow(/not a real date/);
    expect(() => parseBusinessDate('2026-1-05')).toThrow(/YYYY-MM-DD/);
  });
});

describe('parseInstant', () => {
  it('reads an instant with any offset as the same epoch milliseconds', () => {
    expect(parseInstant('2026-01-10T10:30:00+09:00')).toBe(
      Date.UTC(2026, 0, 10, 1, 30),
    );
    expect(parseInstant('2026-01-10T01:30Z')).toBe(
      Date.UTC(2026, 0, 10, 1, 30),
    );
    expect(parseInstant('2026-01-09T20:30:00.123456-05:00')).toBe(
      Date.UTC(2026, 0, 10, 1, 30, 0, 123),
    );
    expect(() => parseInstant('2026-01-10T10:30:00')).toThrow(/offset/);
    expect(() => parseInstant('2026-02-30T10:30:00Z')).toThrow(/real instant/);
  });

  it('accepts the years 1970–2199 counted in Japan time, to the millisecond', () => {
    expect(parseInstant('1969-12-31T15:00:00Z')).toBe(FIRST_INSTANT);
    expect(() => parseInstant('1969-12-31T14:59:59.999Z')).toThrow(
      /1970 to 2199/,
    );
    expect(parseInstant('2199-12-31T14:59:59.999Z')).toBe(END_INSTANT - 1);
    expect(() => parseInstant('2199-12-31T15:00:00Z')).toThrow(/1970 to 2199/);
  });
});

describe('a value that is not a business date', () => {
  it('is refused, never turned into another day, even when a cast forged it', () => {
    // Only src/domain/time.ts may cast to BusinessDate (test/domain/brands.test.ts); this forges one.
    const forged = (text: string) => text as BusinessDate;
    for (const bad of ['2026-02-30', '2026-13-01', '26-01-01', ''])
      expect(() => startOfBusinessDate(forged(bad))).toThrow(TypeError);
    expect(() => addDays(forged('2026-04-31'), 1)).toThrow(TypeError);
  });
});

describe('the check at load that the arithmetic may assume +09:00', () => {
  it('passes for Asia/Tokyo over the accepted years and the one after', () => {
    expect(() => assertFixedOffset(ZONE, 9 * 60, 1970, 2200)).not.toThrow();
  });

  it("fails over Japan's summer time of 1948–1951, for a zone with summer time, and for no zone", () => {
    expect(() => assertFixedOffset(ZONE, 9 * 60, 1948, 1951)).toThrow(
      /Asia\/Tokyo is not UTC\+9 at 1948-07-01/,
    );
    expect(() => assertFixedOffset('Europe/London', 0, 2020, 2030)).toThrow(
      /Europe\/London/,
    );
    expect(() => assertFixedOffset('Mars/Olympus_Mons', 0, 2020, 2030)).toThrow(
      /no time-zone data/,
    );
  });
});
