/**
 * Instant, BusinessDate and Yen are made only by the functions that check them. The `@ts-expect-error`
 * lines are the compile-time half: `npm run typecheck` fails if a plain number or string is ever accepted
 * where a brand is expected (an unused `@ts-expect-error` is itself an error). The tests are the run-time
 * half: each minting function refuses what its brand promises never to hold.
 */
import { describe, expect, it } from 'vitest';
import {
  addYen,
  mulDivRounded,
  sumYen,
  type Yen,
  yen,
} from '../../src/domain/money';
import {
  addMs,
  type BusinessDate,
  formatInstant,
  type Instant,
  InvalidTimeValue,
  instantOf,
  parseBusinessDate,
  parseInstant,
  storedBusinessDate,
  storedInstant,
} from '../../src/domain/time';

const takesInstant = (instant: Instant) => instant;
const takesDate = (date: BusinessDate) => date;
const takesYen = (amount: Yen) => amount;

describe('the compiler tells the brands from plain values and from each other', () => {
  it('accepts only what the checks made', () => {
    const instant = parseInstant('2026-01-10T10:30:00+09:00');
    const date = parseBusinessDate('2026-01-10');
    const amount = yen(6_666);
    expect(takesInstant(instant)).toBe(1_768_008_600_000);
    expect(takesDate(date)).toBe('2026-01-10');
    expect(takesYen(amount)).toBe(6_666);
    // @ts-expect-error a number of milliseconds is not an Instant until checked
    takesInstant(1_768_008_600_000);
    // @ts-expect-error a string is not a BusinessDate until checked
    takesDate('2026-01-10');
    // @ts-expect-error a number is not Yen until checked
    takesYen(6_666);
    // @ts-expect-error an amount of yen is not an instant
    takesInstant(amount);
    // @ts-expect-error an instant is not an amount of yen
    takesYen(instant);
    // @ts-expect-error arithmetic on an Instant gives a plain number: `addMs` checks it
    takesInstant(instant + 1);
    expect(takesInstant(addMs(instant, 1))).toBe(1_768_008_600_001);
  });
});

describe('the functions that make Instants', () => {
  it('refuse what is not a whole millisecond in the accepted years', () => {
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])
      expect(() => instantOf(bad)).toThrow(InvalidTimeValue);
    // The years are counted in Japan time: 1970 begins nine hours before the epoch.
    const firstOf1970 = Date.parse('1970-01-01T00:00:00+09:00');
    expect(instantOf(firstOf1970)).toBe(-9 * 3_600_000);
    expect(() => instantOf(firstOf1970 - 1)).toThrow(/1970 to 2199/);
    const firstOf2200 = Date.parse('2200-01-01T00:00:00+09:00');
    expect(() => instantOf(firstOf2200)).toThrow(/1970 to 2199/);
    expect(formatInstant(instantOf(firstOf2200 - 1))).toBe(
      '2199-12-31T14:59:59.999Z',
    );
  });

  it('read back from storage, also the year after (a deadline three months after an accepted date), no further', () => {
    const firstOf2200 = Date.parse('2200-01-01T00:00:00+09:00');
    expect(storedInstant(firstOf2200)).toBe(firstOf2200);
    expect(() =>
      storedInstant(Date.parse('2201-01-01T00:00:01+09:00')),
    ).toThrow(/1970 to 2200/);
    expect(() => storedInstant(0.5)).toThrow(InvalidTimeValue);
  });
});

describe('the functions that make BusinessDates', () => {
  it('refuse text that is not a real date of the years allowed', () => {
    expect(() => parseBusinessDate('2200-01-01')).toThrow(/1970 to 2199/);
    expect(storedBusinessDate('2200-03-31')).toBe('2200-03-31');
    expect(() => storedBusinessDate('2201-01-01')).toThrow(/1970 to 2200/);
    expect(() => storedBusinessDate('2026-02-29')).toThrow(/not a real date/);
  });
});

describe('the functions that make Yen', () => {
  it('refuse what is not a safe integer, also as the result of arithmetic', () => {
    for (const bad of [0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])
      expect(() => yen(bad)).toThrow(RangeError);
    const large = yen(Number.MAX_SAFE_INTEGER);
    expect(() => addYen(large, yen(1))).toThrow(RangeError);
    expect(() => sumYen([large, yen(1)])).toThrow(RangeError);
    expect(sumYen([yen(1), yen(2), yen(3)])).toBe(6);
    expect(() => mulDivRounded(large, 3, 1, 'floor')).toThrow(RangeError);
  });
});
