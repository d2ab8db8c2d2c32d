/**
 * Instants are UTC epoch milliseconds inside; business dates are `YYYY-MM-DD` calendar dates in
 * Japan time (Asia/Tokyo). Intervals are half-open `[start, end)`.
 */

import holidayJp from '@holiday-jp/holiday_jp';
import { DateTime, IANAZone } from 'luxon';

export type Instant = number;
export type BusinessDate = string;

export const ZONE = 'Asia/Tokyo';
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

// An offset is required: an instant without one is refused, never guessed (SPEC.md, "instant").
const INSTANT_PATTERN =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-](0\d|1[0-4]):[0-5]\d)$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export class InvalidTimeValue extends Error {}

/**
 * The years the product accepts: a service of the 2020s has no business before 1970 or after 2199, and
 * the bound keeps every date it derives (deadlines three months on) a four-digit `YYYY-MM-DD`.
 */
export const FIRST_YEAR = 1970;
export const LAST_YEAR = 2199;
const outOfRange = () =>
  new InvalidTimeValue(`must fall in the years ${FIRST_YEAR} to ${LAST_YEAR}`);

export function parseInstant(text: string): Instant {
  if (!INSTANT_PATTERN.test(text)) {
    throw new InvalidTimeValue(
      /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text)
        ? 'an instant must carry an offset (Z or ±HH:MM)'
        : 'must be an ISO-8601 instant with an offset, e.g. 2026-01-10T10:30:00+09:00',
    );
  }
  const parsed = DateTime.fromISO(text, { setZone: true });
  if (!parsed.isValid)
    throw new InvalidTimeValue(`${text} is not a real instant`);
  const year = parsed.setZone(ZONE).year;
  if (year < FIRST_YEAR || year > LAST_YEAR) throw outOfRange();
  return parsed.toMillis();
}

/** A duration as people read it: `52 h 30 min` (whole minutes, cut down). */
export function hoursAndMinutes(ms: number): string {
  return `${Math.floor(ms / MS_PER_HOUR)} h ${Math.floor((ms % MS_PER_HOUR) / 60_000)} min`;
}

export function formatInstant(instant: Instant): string {
  return new Date(instant).toISOString();
}

export function parseBusinessDate(text: string): BusinessDate {
  if (!DATE_PATTERN.test(text))
    throw new InvalidTimeValue('must be a date YYYY-MM-DD');
  const parsed = DateTime.fromISO(text, { zone: ZONE });
  if (!parsed.isValid) throw new InvalidTimeValue(`${text} is not a real date`);
  if (parsed.year < FIRST_YEAR || parsed.year > LAST_YEAR) throw outOfRange();
  return text;
}

function dateTimeOf(date: BusinessDate): DateTime {
  return DateTime.fromISO(date, { zone: ZONE });
}

/*
 * Fast path. Deriving outages asks for a business date, a period end or a day boundary several times
 * per outage, and each Luxon DateTime in Asia/Tokyo costs microseconds (an Intl offset lookup). But Japan
 * has kept UTC+9 without daylight saving since its last DST ended in September 1951 (tzdata "Rule Japan
 * 1948 1951"), so from 1952 on a business date is plain calendar arithmetic on `instant + 9 h`. The fast
 * path covers strict `YYYY-MM-DD` dates from 1952-01-01 to 9999-12-31 and the instants inside them, and
 * only when this runtime's time-zone data, which Luxon reads, say so too (checked once below at a few
 * instants; a Node without time-zone data, for one, turns it off). Everything else (earlier or later
 * dates, other ISO forms Luxon accepts, invalid dates, fractional days) goes to Luxon exactly as before.
 * Should Japan ever change its clocks, FAST_FIRST_YEAR/FAST_LAST_YEAR must bound the fixed stretch.
 */
const JST_OFFSET_MINUTES = 9 * 60;
const JST_OFFSET_MS = JST_OFFSET_MINUTES * 60_000;
const FAST_FIRST_YEAR = 1952;
const FAST_LAST_YEAR = 9999;
/** Day numbers count days since 1970-01-01 (the UTC epoch day is the JST calendar day here). */
const FAST_FIRST_DAY = Date.UTC(FAST_FIRST_YEAR, 0, 1) / MS_PER_DAY;
const FAST_LAST_DAY = Date.UTC(FAST_LAST_YEAR, 11, 31) / MS_PER_DAY;
const FAST_FIRST_INSTANT = FAST_FIRST_DAY * MS_PER_DAY - JST_OFFSET_MS;
const FAST_END_INSTANT = (FAST_LAST_DAY + 1) * MS_PER_DAY - JST_OFFSET_MS;

const FAST_PATH = (() => {
  const zone = IANAZone.create(ZONE);
  if (!zone.isValid) return false;
  const probes = [
    FAST_FIRST_INSTANT,
    Date.UTC(2000, 0, 1),
    Date.UTC(2026, 6, 1),
    FAST_END_INSTANT - 1,
  ];
  return probes.every((instant) => zone.offset(instant) === JST_OFFSET_MINUTES);
})();

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function calendarDaysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/** The number written in `text[from, to)`, or -1 if any of it is not an ASCII digit. */
function digitsAt(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), in plain integer
 * arithmetic: the same as `Date.UTC(year, month - 1, day) / MS_PER_DAY` for these years, without a call
 * into the runtime per date.
 */
function dayNumberOfCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear =
    Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 +
    Math.floor(yearOfEra / 4) -
    Math.floor(yearOfEra / 100) +
    dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Not a day number of the fast range. */
const NO_DAY = -0x80000000;

/** The day number of a real date within the fast path's years, or NO_DAY when Luxon must handle it. */
function fastDayNumberOf(date: BusinessDate): number {
  // Not only strings arrive here: a Luxon fallback's null (an invalid date) is passed on as before.
  if (
    !FAST_PATH ||
    typeof date !== 'string' ||
    date.length !== 10 ||
    date.charCodeAt(4) !== 45 ||
    date.charCodeAt(7) !== 45
  )
    return NO_DAY;
  const year = digitsAt(date, 0, 4);
  const month = digitsAt(date, 5, 7);
  const day = digitsAt(date, 8, 10);
  if (
    year < FAST_FIRST_YEAR ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > calendarDaysInMonth(year, month)
  )
    return NO_DAY;
  return dayNumberOfCivil(year, month, day);
}

function isFastDayNumber(dayNumber: number): boolean {
  return dayNumber >= FAST_FIRST_DAY && dayNumber <= FAST_LAST_DAY;
}

/**
 * `YYYY-MM-DD` of a day number in the fast range, memoised: deriving outages formats the same few
 * hundred days over and over, and handing back the same string saves formatting it and the garbage. The
 * memo is a fixed table indexed by the low bits of the day number (some eleven years of days before
 * two share a slot), cheaper than a Map and bounded by construction.
 */
const DATE_TEXT_SLOTS = 4096;
const memoDayNumbers = new Int32Array(DATE_TEXT_SLOTS).fill(NO_DAY);
const memoDateTexts: BusinessDate[] = new Array<BusinessDate>(
  DATE_TEXT_SLOTS,
).fill('');

function dateTextOf(dayNumber: number): BusinessDate {
  const slot = dayNumber & (DATE_TEXT_SLOTS - 1);
  if (memoDayNumbers[slot] === dayNumber) return memoDateTexts[slot]!;
  const text = new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
  memoDayNumbers[slot] = dayNumber;
  memoDateTexts[slot] = text;
  return text;
}

/** The Japan-time calendar date of an instant. */
export function businessDateOf(instant: Instant): BusinessDate {
  // The comparisons are false for NaN, which goes to Luxon as before.
  if (
    FAST_PATH &&
    instant >= FAST_FIRST_INSTANT &&
    instant < FAST_END_INSTANT
  ) {
    return dateTextOf(Math.floor((instant + JST_OFFSET_MS) / MS_PER_DAY));
  }
  return DateTime.fromMillis(instant, { zone: ZONE }).toISODate()!;
}

/** 00:00 Japan time at the start of a business date. */
export function startOfBusinessDate(date: BusinessDate): Instant {
  const dayNumber = fastDayNumberOf(date);
  if (dayNumber !== NO_DAY) return dayNumber * MS_PER_DAY - JST_OFFSET_MS;
  return dateTimeOf(date).toMillis();
}

/** The instant a business date ends: 00:00 Japan time of the next day (exclusive). */
export function endOfBusinessDate(date: BusinessDate): Instant {
  const dayNumber = fastDayNumberOf(date);
  if (dayNumber !== NO_DAY && isFastDayNumber(dayNumber + 1))
    return (dayNumber + 1) * MS_PER_DAY - JST_OFFSET_MS;
  return startOfBusinessDate(addDays(date, 1));
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  const dayNumber = fastDayNumberOf(date);
  if (
    dayNumber !== NO_DAY &&
    Number.isInteger(days) &&
    isFastDayNumber(dayNumber + days)
  )
    return dateTextOf(dayNumber + days);
  return dateTimeOf(date).plus({ days }).toISODate()!;
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return Math.round(dateTimeOf(to).diff(dateTimeOf(from), 'days').days);
}

export function daysInMonth(year: number, month: number): number {
  return DateTime.fromObject({ year, month, day: 1 }, { zone: ZONE })
    .daysInMonth!;
}

/**
 * The last day of a period of `months` months whose first (counted) day is `firstDay`.
 * Civil Code Art. 143: the period ends on the day before the day corresponding to `firstDay` in the
 * last month; when that month has no corresponding day, on its last day. Deliberately not
 * `plus({ months }).minus({ days: 1 })`: Luxon clamps to the month's end before the minus.
 * Callers who must skip the first day (Art. 140) pass the day after.
 */
export function monthsPeriodEnd(
  firstDay: BusinessDate,
  months: number,
): BusinessDate {
  const firstDayNumber = fastDayNumberOf(firstDay);
  if (firstDayNumber !== NO_DAY && Number.isInteger(months)) {
    // The same rule in calendar arithmetic (see the fast path above).
    const monthIndex =
      digitsAt(firstDay, 0, 4) * 12 + (digitsAt(firstDay, 5, 7) - 1) + months;
    const targetYear = Math.floor(monthIndex / 12);
    const targetMonth = (monthIndex % 12) + 1;
    const day = digitsAt(firstDay, 8, 10);
    if (targetYear >= FAST_FIRST_YEAR && targetYear <= FAST_LAST_YEAR) {
      const lastDayOfTargetMonth = calendarDaysInMonth(targetYear, targetMonth);
      const end =
        day > lastDayOfTargetMonth
          ? dayNumberOfCivil(targetYear, targetMonth, lastDayOfTargetMonth)
          : dayNumberOfCivil(targetYear, targetMonth, day) - 1;
      if (isFastDayNumber(end)) return dateTextOf(end);
    }
  }
  return monthsPeriodEndByLuxon(firstDay, months);
}

function monthsPeriodEndByLuxon(
  firstDay: BusinessDate,
  months: number,
): BusinessDate {
  const first = dateTimeOf(firstDay);
  const monthIndex = first.year * 12 + (first.month - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const lastDayOfTargetMonth = daysInMonth(year, month);
  if (first.day > lastDayOfTargetMonth) {
    return DateTime.fromObject(
      { year, month, day: lastDayOfTargetMonth },
      { zone: ZONE },
    ).toISODate()!;
  }
  return DateTime.fromObject({ year, month, day: first.day }, { zone: ZONE })
    .minus({ days: 1 })
    .toISODate()!;
}

/**
 * "The day on which `days` days have elapsed from `fromDate`" (Civil Code Arts. 140–141): the first
 * day is not counted, so the period ends `days` days later. Art. 8: notice 2026-01-10 → 2026-02-09.
 */
export function daysPeriodEnd(
  fromDate: BusinessDate,
  days: number,
): BusinessDate {
  return addDays(fromDate, days);
}

const JAPANESE_HOLIDAYS: Readonly<Record<string, unknown>> = holidayJp.holidays;

export function isSundayOrJapaneseHoliday(date: BusinessDate): boolean {
  return (
    dateTimeOf(date).weekday === 7 || Object.hasOwn(JAPANESE_HOLIDAYS, date)
  );
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
