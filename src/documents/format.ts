/**
 * How a credit notice writes its values, in Japanese and English: integer yen, JST dates and instants,
 * durations, percentages, the billing month and the rounding rule. Plain strings out: the templates'
 * `{{ }}` escape them. A value of the wrong kind (yen that is not an integer, a date that is not
 * `YYYY-MM-DD`) throws rather than print something a customer could read as a figure.
 */
import type { Rounding, Yen } from '../domain/money';
import {
  type BusinessDate,
  businessDateOf,
  FIRST_YEAR,
  type Instant,
  LAST_YEAR,
  MS_PER_HOUR,
  startOfBusinessDate,
} from '../domain/time';

const MS_PER_MINUTE = 60_000;
const MS_PER_SECOND = 1_000;

const GROUPED = new Intl.NumberFormat('en-US', {
  useGrouping: true,
  maximumFractionDigits: 0,
});

/** `¥6,666`; a negative amount `-¥6,666`. Yen has no minor unit, so a fraction is a bug, not a format. */
export function formatYen(amount: Yen): string {
  if (!Number.isSafeInteger(amount))
    throw new RangeError(`yen must be a safe integer, got ${amount}`);
  return amount < 0
    ? `-¥${GROUPED.format(-amount)}`
    : `¥${GROUPED.format(amount)}`;
}

/** `10%`: a rate held in whole percent (never the float 0.1). */
export function formatPercent(percent: number): string {
  if (!Number.isSafeInteger(percent) || percent < 0)
    throw new RangeError(
      `a rate is a whole, non-negative percent, got ${percent}`,
    );
  return `${percent}%`;
}

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/**
 * The year, month and day of a `YYYY-MM-DD` business date that exists. Checked by a round trip through
 * a UTC calendar date (no time zone is involved), not by Luxon: a notice prints several dates, and a Luxon
 * parse would cost more than the whole rest of the render.
 */
function calendarDateOf(date: BusinessDate): CalendarDate {
  const match =
    typeof date === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  if (match) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    const day = Number(match[3]);
    const utc = new Date(Date.UTC(year, month - 1, day));
    if (
      year >= FIRST_YEAR &&
      year <= LAST_YEAR &&
      utc.getUTCMonth() === month - 1 &&
      utc.getUTCDate() === day
    )
      return { year, month, day };
  }
  throw new RangeError(
    `a business date is a real YYYY-MM-DD, got ${String(date)}`,
  );
}

const EN_MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;
const EN_MONTHS_LONG = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** A business date: `2026年1月10日`. */
export function formatDateJa(date: BusinessDate): string {
  const { year, month, day } = calendarDateOf(date);
  return `${year}年${month}月${day}日`;
}

/** A business date: `10 Jan 2026`. */
export function formatDateEn(date: BusinessDate): string {
  const { year, month, day } = calendarDateOf(date);
  return `${day} ${EN_MONTHS[month - 1]} ${year}`;
}

function parseBillingMonth(month: string): { year: number; month: number } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match)
    throw new RangeError(`a billing month is YYYY-MM, got ${String(month)}`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

/** The month of the fee reduced: `2026年1月分`. */
export function formatBillingMonthJa(month: string): string {
  const parsed = parseBillingMonth(month);
  return `${parsed.year}年${parsed.month}月分`;
}

/** The month of the fee reduced: `January 2026`. */
export function formatBillingMonthEn(month: string): string {
  const parsed = parseBillingMonth(month);
  return `${EN_MONTHS_LONG[parsed.month - 1]} ${parsed.year}`;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * The JST date and clock time of an instant, to the second (seconds shown only when not zero). The time
 * of day is the distance from 00:00 JST of its business date: Japan has had no daylight saving since
 * 1951, so every business day is 24 hours long.
 */
function jstParts(instant: Instant): { date: BusinessDate; time: string } {
  if (!Number.isSafeInteger(instant))
    throw new RangeError(`an instant is epoch milliseconds, got ${instant}`);
  const date = businessDateOf(instant);
  const intoDay = instant - startOfBusinessDate(date);
  const hours = Math.floor(intoDay / MS_PER_HOUR);
  const minutes = Math.floor((intoDay % MS_PER_HOUR) / MS_PER_MINUTE);
  const seconds = Math.floor((intoDay % MS_PER_MINUTE) / MS_PER_SECOND);
  const time = `${pad2(hours)}:${pad2(minutes)}${seconds === 0 ? '' : `:${pad2(seconds)}`}`;
  return { date, time };
}

/** An instant in Japan time: `2026年1月10日 10:30`. */
export function formatInstantJa(instant: Instant): string {
  const { date, time } = jstParts(instant);
  return `${formatDateJa(date)} ${time}`;
}

/** An instant in Japan time: `10 Jan 2026 10:30 JST`. */
export function formatInstantEn(instant: Instant): string {
  const { date, time } = jstParts(instant);
  return `${formatDateEn(date)} ${time} JST`;
}

/**
 * A length of time cut down (never rounded up) to the second, so that the hours printed are the hours
 * the credit days were counted from: 47 h 59 min 59.9 s is one credit day and must not read as 48 h.
 */
function durationParts(ms: number): {
  hours: number;
  minutes: number;
  seconds: number;
} {
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new RangeError(
      `a duration is non-negative whole milliseconds, got ${ms}`,
    );
  return {
    hours: Math.floor(ms / MS_PER_HOUR),
    minutes: Math.floor((ms % MS_PER_HOUR) / MS_PER_MINUTE),
    seconds: Math.floor((ms % MS_PER_MINUTE) / MS_PER_SECOND),
  };
}

/** `52時間30分`, `48時間`, `45分`, `24時間0分5秒`. */
export function formatDurationJa(ms: number): string {
  const { hours, minutes, seconds } = durationParts(ms);
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours}時間`);
  if (minutes > 0 || (seconds > 0 && hours > 0)) parts.push(`${minutes}分`);
  if (seconds > 0) parts.push(`${seconds}秒`);
  return parts.length === 0 ? '0分' : parts.join('');
}

/** `52 h 30 min`, `48 h`, `45 min`, `24 h 0 min 5 s`. */
export function formatDurationEn(ms: number): string {
  const { hours, minutes, seconds } = durationParts(ms);
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours} h`);
  if (minutes > 0 || (seconds > 0 && hours > 0)) parts.push(`${minutes} min`);
  if (seconds > 0) parts.push(`${seconds} s`);
  return parts.length === 0 ? '0 min' : parts.join(' ');
}

const ROUNDING_JA: Record<Rounding, string> = {
  floor: '1円未満切り捨て',
  ceil: '1円未満切り上げ',
  'half-up': '1円未満四捨五入',
};
const ROUNDING_EN: Record<Rounding, string> = {
  floor: 'rounded down to the yen',
  ceil: 'rounded up to the yen',
  'half-up': 'rounded half up to the yen',
};

function roundingPhrase(
  phrases: Record<Rounding, string>,
  rounding: Rounding,
): string {
  if (!Object.hasOwn(phrases, rounding))
    throw new RangeError(`unknown rounding rule ${String(rounding)}`);
  return phrases[rounding];
}

/** How the amount was rounded (policy `rounding`): `1円未満切り捨て`. */
export const formatRoundingJa = (rounding: Rounding) =>
  roundingPhrase(ROUNDING_JA, rounding);

/** How the amount was rounded (policy `rounding`): `rounded down to the yen`. */
export const formatRoundingEn = (rounding: Rounding) =>
  roundingPhrase(ROUNDING_EN, rounding);

/** Credit days in English: `1 day`, `2 days`. */
export function formatDaysEn(days: number): string {
  if (!Number.isSafeInteger(days) || days < 0)
    throw new RangeError(`days are a whole, non-negative number, got ${days}`);
  return days === 1 ? '1 day' : `${days} days`;
}
