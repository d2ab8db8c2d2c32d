/**
 * Instants are UTC epoch milliseconds inside; business dates are `YYYY-MM-DD` calendar dates in
 * Japan time (Asia/Tokyo). Intervals are half-open `[start, end)`.
 */
import { DateTime } from 'luxon';
import holidayJp from '@holiday-jp/holiday_jp';

export type Instant = number;
export type BusinessDate = string;

export const ZONE = 'Asia/Tokyo';
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

// An offset is required: an instant without one is refused, never guessed (SPEC.md, "instant").
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export class InvalidTimeValue extends Error {}

export function parseInstant(text: string): Instant {
  if (!INSTANT_PATTERN.test(text)) {
    throw new InvalidTimeValue(
      /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text)
        ? 'an instant must carry an offset (Z or ±HH:MM)'
        : 'must be an ISO-8601 instant with an offset, e.g. 2026-01-10T10:30:00+09:00',
    );
  }
  const parsed = DateTime.fromISO(text, { setZone: true });
  if (!parsed.isValid) throw new InvalidTimeValue(`not a real instant (${parsed.invalidExplanation ?? parsed.invalidReason})`);
  return parsed.toMillis();
}

export function isInstantText(text: string): boolean {
  try {
    parseInstant(text);
    return true;
  } catch {
    return false;
  }
}

export function formatInstant(instant: Instant): string {
  return new Date(instant).toISOString();
}

export function parseBusinessDate(text: string): BusinessDate {
  if (!DATE_PATTERN.test(text)) throw new InvalidTimeValue('must be a date YYYY-MM-DD');
  const parsed = DateTime.fromISO(text, { zone: ZONE });
  if (!parsed.isValid) throw new InvalidTimeValue(`not a real date (${parsed.invalidExplanation ?? parsed.invalidReason})`);
  return text;
}

export function isBusinessDateText(text: string): boolean {
  try {
    parseBusinessDate(text);
    return true;
  } catch {
    return false;
  }
}

function dateTimeOf(date: BusinessDate): DateTime {
  return DateTime.fromISO(date, { zone: ZONE });
}

/** The Japan-time calendar date of an instant. */
export function businessDateOf(instant: Instant): BusinessDate {
  return DateTime.fromMillis(instant, { zone: ZONE }).toISODate()!;
}

/** 00:00 Japan time at the start of a business date. */
export function startOfBusinessDate(date: BusinessDate): Instant {
  return dateTimeOf(date).toMillis();
}

/** The instant a business date ends: 00:00 Japan time of the next day (exclusive). */
export function endOfBusinessDate(date: BusinessDate): Instant {
  return startOfBusinessDate(addDays(date, 1));
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return dateTimeOf(date).plus({ days }).toISODate()!;
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return Math.round(dateTimeOf(to).diff(dateTimeOf(from), 'days').days);
}

export function daysInMonth(year: number, month: number): number {
  return DateTime.fromObject({ year, month, day: 1 }, { zone: ZONE }).daysInMonth!;
}

/**
 * The last day of a period of `months` months whose first (counted) day is `firstDay`.
 * Civil Code Art. 143: the period ends on the day before the day corresponding to `firstDay` in the
 * last month; when that month has no corresponding day, on its last day. Deliberately not
 * `plus({ months }).minus({ days: 1 })`: Luxon clamps to the month's end before the minus.
 * Callers who must skip the first day (Art. 140) pass the day after.
 */
export function monthsPeriodEnd(firstDay: BusinessDate, months: number): BusinessDate {
  const first = dateTimeOf(firstDay);
  const monthIndex = first.year * 12 + (first.month - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const lastDayOfTargetMonth = daysInMonth(year, month);
  if (first.day > lastDayOfTargetMonth) {
    return DateTime.fromObject({ year, month, day: lastDayOfTargetMonth }, { zone: ZONE }).toISODate()!;
  }
  return DateTime.fromObject({ year, month, day: first.day }, { zone: ZONE }).minus({ days: 1 }).toISODate()!;
}

/**
 * "The day on which `days` days have elapsed from `fromDate`" (Civil Code Arts. 140–141): the first
 * day is not counted, so the period ends `days` days later. Art. 8: notice 2026-01-10 → 2026-02-09.
 */
export function daysPeriodEnd(fromDate: BusinessDate, days: number): BusinessDate {
  return addDays(fromDate, days);
}

const JAPANESE_HOLIDAYS: Readonly<Record<string, unknown>> = holidayJp.holidays;

export function isSundayOrJapaneseHoliday(date: BusinessDate): boolean {
  return dateTimeOf(date).weekday === 7 || Object.hasOwn(JAPANESE_HOLIDAYS, date);
}

/** Civil Code Art. 142: a period ending on a Sunday or national holiday ends on the next day that is neither. */
export function extendPastSundaysAndHolidays(date: BusinessDate): BusinessDate {
  let day = date;
  while (isSundayOrJapaneseHoliday(day)) day = addDays(day, 1);
  return day;
}

export function laterDate(a: BusinessDate, b: BusinessDate): BusinessDate {
  return a >= b ? a : b;
}
