/**
 * How a notice writes yen, JST dates and instants, durations, rates and months. Expected texts are
 * written out by hand; instants are made with plain `Date.parse` (fixtures.ts), never with the code under test.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatBillingMonthEn,
  formatBillingMonthJa,
  formatDateEn,
  formatDateJa,
  formatDaysEn,
  formatDurationEn,
  formatDurationJa,
  formatInstantEn,
  formatInstantJa,
  formatPercent,
  formatRoundingEn,
  formatRoundingJa,
  formatYen,
} from '../../src/documents/format';
import { type Yen, yen } from '../../src/domain/money';
import {
  type BusinessDate,
  type Instant,
  instantOf,
  parseBusinessDate,
} from '../../src/domain/time';
import { jst } from './fixtures';

/**
 * A value that never went through its check: only a cast makes one (test/domain/brands.test.ts keeps
 * casts out of src/), and the formatters still refuse it rather than print a wrong figure or day.
 */
const forged = <T>(value: unknown) => value as T;

const HOUR = 3_600_000;
const MINUTE = 60_000;

describe('yen', () => {
  it.each([
    [0, '¥0'],
    [7, '¥7'],
    [999, '¥999'],
    [1_000, '¥1,000'],
    [6_666, '¥6,666'],
    [100_000, '¥100,000'],
    [1_234_567, '¥1,234,567'],
    [-6_666, '-¥6,666'],
    [Number.MAX_SAFE_INTEGER, '¥9,007,199,254,740,991'],
  ])('%d is %s', (amount, text) => {
    expect(formatYen(yen(amount))).toBe(text);
  });

  it.each([0.5, 6666.1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'refuses %d, which is not whole yen',
    (amount) => {
      expect(() => formatYen(forged<Yen>(amount))).toThrow(RangeError);
    },
  );

  it('reads back as the same integer, grouped by threes', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (amount) => {
        const text = formatYen(yen(amount));
        expect(text).toMatch(/^¥\d{1,3}(,\d{3})*$/);
        expect(Number(text.slice(1).replaceAll(',', ''))).toBe(amount);
      }),
    );
  });
});

describe('percent', () => {
  it.each([
    [10, '10%'],
    [8, '8%'],
    [0, '0%'],
  ])('%d is %s', (rate, text) => {
    expect(formatPercent(rate)).toBe(text);
  });

  it.each([0.1, -10, Number.NaN])('refuses %d', (rate) => {
    expect(() => formatPercent(rate)).toThrow(RangeError);
  });
});

describe('business dates', () => {
  it.each([
    ['2026-01-10', '2026年1月10日', '10 Jan 2026'],
    ['2026-01-20', '2026年1月20日', '20 Jan 2026'],
    ['2026-02-01', '2026年2月1日', '1 Feb 2026'],
    ['2024-02-29', '2024年2月29日', '29 Feb 2024'],
    ['2026-12-31', '2026年12月31日', '31 Dec 2026'],
  ])('%s is %s / %s', (date, ja, en) => {
    expect(formatDateJa(parseBusinessDate(date))).toBe(ja);
    expect(formatDateEn(parseBusinessDate(date))).toBe(en);
  });

  it.each([
    '2026-1-10',
    '2026-02-30',
    '2025-02-29',
    '10/01/2026',
    '',
    '<script>',
  ])('refuses %j, which is not a date', (date) => {
    expect(() => formatDateJa(forged<BusinessDate>(date))).toThrow();
    expect(() => formatDateEn(forged<BusinessDate>(date))).toThrow();
  });
});

describe('billing months', () => {
  it.each([
    ['2026-01', '2026年1月分', 'January 2026'],
    ['2025-12', '2025年12月分', 'December 2025'],
  ])('%s is %s / %s', (month, ja, en) => {
    expect(formatBillingMonthJa(month)).toBe(ja);
    expect(formatBillingMonthEn(month)).toBe(en);
  });

  it.each(['2026-13', '2026-00', '2026-1', '2026-01-01'])(
    'refuses %j',
    (month) => {
      expect(() => formatBillingMonthJa(month)).toThrow(RangeError);
      expect(() => formatBillingMonthEn(month)).toThrow(RangeError);
    },
  );
});

describe('instants, in Japan time', () => {
  it.each([
    [
      jst('2026-01-10T10:30:00'),
      '2026年1月10日 10:30',
      '10 Jan 2026 10:30 JST',
    ],
    [
      jst('2026-01-10T00:00:00'),
      '2026年1月10日 00:00',
      '10 Jan 2026 00:00 JST',
    ],
    [
      jst('2026-01-10T23:59:59'),
      '2026年1月10日 23:59:59',
      '10 Jan 2026 23:59:59 JST',
    ],
    // Milliseconds are cut, never rounded up into the next second (or day).
    [
      jst('2026-01-10T23:59:59.999'),
      '2026年1月10日 23:59:59',
      '10 Jan 2026 23:59:59 JST',
    ],
    // The JST date boundary: 15:00 UTC is midnight of the next day in Japan.
    [
      Date.parse('2026-01-31T15:00:00Z'),
      '2026年2月1日 00:00',
      '1 Feb 2026 00:00 JST',
    ],
    [
      Date.parse('2026-01-31T14:59:59Z'),
      '2026年1月31日 23:59:59',
      '31 Jan 2026 23:59:59 JST',
    ],
    [
      Date.parse('2025-12-31T15:00:00Z'),
      '2026年1月1日 00:00',
      '1 Jan 2026 00:00 JST',
    ],
    [
      Date.parse('2024-02-28T15:00:00Z'),
      '2024年2月29日 00:00',
      '29 Feb 2024 00:00 JST',
    ],
  ])('%d is %s / %s', (instant, ja, en) => {
    expect(formatInstantJa(instantOf(instant))).toBe(ja);
    expect(formatInstantEn(instantOf(instant))).toBe(en);
  });

  it('agrees with the JST calendar of an independent clock (UTC + 9 h)', () => {
    fc.assert(
      fc.property(
        fc.integer({
          min: Date.parse('1990-01-01T00:00:00Z'),
          max: Date.parse('2199-12-31T00:00:00Z'),
        }),
        (instant) => {
          const shifted = new Date(instant + 9 * HOUR);
          const y = shifted.getUTCFullYear();
          const m = shifted.getUTCMonth() + 1;
          const d = shifted.getUTCDate();
          const hh = String(shifted.getUTCHours()).padStart(2, '0');
          const mm = String(shifted.getUTCMinutes()).padStart(2, '0');
          const s = shifted.getUTCSeconds();
          const time = `${hh}:${mm}${s === 0 ? '' : `:${String(s).padStart(2, '0')}`}`;
          expect(formatInstantJa(instantOf(instant))).toBe(
            `${y}年${m}月${d}日 ${time}`,
          );
        },
      ),
    );
  });

  it('refuses what is not epoch milliseconds', () => {
    expect(() => formatInstantJa(forged<Instant>(Number.NaN))).toThrow(
      RangeError,
    );
    expect(() => formatInstantEn(forged<Instant>(1.5))).toThrow(RangeError);
  });
});

describe('durations', () => {
  it.each([
    [52 * HOUR + 30 * MINUTE, '52時間30分', '52 h 30 min'],
    [48 * HOUR, '48時間', '48 h'],
    [24 * HOUR, '24時間', '24 h'],
    [45 * MINUTE, '45分', '45 min'],
    [0, '0分', '0 min'],
    [24 * HOUR + 5_000, '24時間0分5秒', '24 h 0 min 5 s'],
    [30_000, '30秒', '30 s'],
    // Cut, not rounded: 47 h 59 min 59.9 s is one credit day and must not read as 48 h.
    [48 * HOUR - 100, '47時間59分59秒', '47 h 59 min 59 s'],
    [189_000_000, '52時間30分', '52 h 30 min'],
    [1_000 * HOUR + MINUTE, '1000時間1分', '1000 h 1 min'],
  ])('%d ms is %s / %s', (ms, ja, en) => {
    expect(formatDurationJa(ms)).toBe(ja);
    expect(formatDurationEn(ms)).toBe(en);
  });

  it.each([-1, 1.5, Number.NaN])('refuses %d', (ms) => {
    expect(() => formatDurationJa(ms)).toThrow(RangeError);
    expect(() => formatDurationEn(ms)).toThrow(RangeError);
  });

  it('never shows more time than there was', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 * HOUR }), (ms) => {
        const match = /^(?:(\d+) h)? ?(?:(\d+) min)? ?(?:(\d+) s)?$/.exec(
          formatDurationEn(ms),
        );
        expect(match).not.toBeNull();
        const [, h = '0', m = '0', s = '0'] = match!;
        const shown = Number(h) * HOUR + Number(m) * MINUTE + Number(s) * 1000;
        expect(shown).toBeLessThanOrEqual(ms);
        expect(ms - shown).toBeLessThan(1000);
      }),
    );
  });
});

describe('days and rounding', () => {
  it.each([
    [1, '1 day'],
    [2, '2 days'],
    [0, '0 days'],
  ])('%d is %s', (days, text) => {
    expect(formatDaysEn(days)).toBe(text);
  });

  it.each([
    ['floor', '1円未満切り捨て', 'rounded down to the yen'],
    ['ceil', '1円未満切り上げ', 'rounded up to the yen'],
    ['half-up', '1円未満四捨五入', 'rounded half up to the yen'],
  ] as const)('%s is %s / %s', (rounding, ja, en) => {
    expect(formatRoundingJa(rounding)).toBe(ja);
    expect(formatRoundingEn(rounding)).toBe(en);
  });

  it('refuses a rounding rule it does not know', () => {
    expect(() => formatRoundingJa('toString' as 'floor')).toThrow(RangeError);
  });
});
