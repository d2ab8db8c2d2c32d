/**
 * Instants are UTC epoch milliseconds inside; business dates are `YYYY-MM-DD` calendar dates in
 * Japan time (Asia/Tokyo). Intervals are half-open `[start, end)`.
 *
 * Japan has kept UTC+9 without daylight saving since its last DST ended in September 1951 (tzdata
 * "Rule Japan 1948 1951"), so over the years the product accepts a business date is plain calendar
 * arithmetic on `instant + 9 h`: that is the one implementation below. Luxon does what it is good at:
 * reading ISO-8601 instants with their offsets, and checking once, when this module loads, that the
 * runtime's time-zone data agree that Asia/Tokyo is +09:00 all through those years.
 */

import holidayJp from '@holiday-jp/holiday_jp';
import { DateTime, IANAZone } from 'luxon';
import type { Brand } from './brand';

/**
 * UTC epoch milliseconds: a safe integer in the years below. Made only here: by parsing (`parseInstant`),
 * by checking a number (`instantOf`, `storedInstant`), and by this module's arithmetic.
 */
export type Instant = Brand<number, 'Instant'>;
/**
 * A real Japan-time calendar date `YYYY-MM-DD` in the years below. Made only here: by parsing
 * (`parseBusinessDate`, `storedBusinessDate`) and by this module's arithmetic.
 */
export type BusinessDate = Brand<string, 'BusinessDate'>;

export const ZONE = 'Asia/Tokyo';
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

// An offset is required: an instant without one is refused, never guessed (SPEC.md, "instant").
const INSTANT_PATTERN =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-](0\d|1[0-4]):[0-5]\d)$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export class InvalidTimeValue extends RangeError {}

/**
 * The years the product accepts: a service of the 2020s has no business before 1970 or after 2199, and
 * the bound keeps every date it derives (deadlines three months on) a four-digit `YYYY-MM-DD`.
 */
export const FIRST_YEAR = 1970;
export const LAST_YEAR = 2199;
/**
 * The rules derive dates past what they accept: a claim deadline three months after an outage of
 * December 2199, a cancellation 30 days after a notice. So an Instant or BusinessDate may lie in the
 * year after LAST_YEAR too; what is read back from the database is held to that.
 */
const LAST_DERIVED_YEAR = LAST_YEAR + 1;
const outOfRange = (lastYear = LAST_YEAR) =>
  new InvalidTimeValue(`must fall in the years ${FIRST_YEAR} to ${lastYear}`);

const JST_OFFSET_MINUTES = 9 * 60;
export const JST_OFFSET_MS = JST_OFFSET_MINUTES * 60_000;

/**
 * Throws unless the runtime's time-zone data put `zoneName` at `offsetMinutes` on 1 January and 1 July
 * of every year from `firstYear` through `lastYear`: a change of offset shows in January, and summer time
 * in the north always covers July (Japan's own, 1948–1951, ran May to September).
 */
export function assertFixedOffset(
  zoneName: string,
  offsetMinutes: number,
  firstYear: number,
  lastYear: number,
): void {
  const zone = IANAZone.create(zoneName);
  if (!zone.isValid)
    throw new Error(`this runtime has no time-zone data for ${zoneName}`);
  for (let year = firstYear; year <= lastYear; year++) {
    for (const month of [0, 6]) {
      const instant = Date.UTC(year, month, 1);
      if (zone.offset(instant) !== offsetMinutes)
        throw new Error(
          `${zoneName} is not UTC${offsetMinutes >= 0 ? '+' : '-'}${Math.abs(offsetMinutes / 60)} at ${new Date(instant).toISOString()} in this runtime's time-zone data`,
        );
    }
  }
}

// The arithmetic below is right only while Asia/Tokyo is +09:00, through the year after LAST_YEAR (a
// deadline three months after an accepted date). A runtime whose time-zone data say otherwise (or that
// has none) must not compute deadlines, so it fails here, at start.
assertFixedOffset(ZONE, JST_OFFSET_MINUTES, FIRST_YEAR, LAST_DERIVED_YEAR);

// Day numbers (days since 1970-01-01) and instants bounding those years. Accepted instants run to the
// end of LAST_YEAR, derived ones through the end of the last day of LAST_DERIVED_YEAR (the end a
// business date of that year can have), both counted in Japan time.
const FIRST_DAY = dayNumberOfCivil(FIRST_YEAR, 1, 1);
const END_OF_ACCEPTED_DAYS = dayNumberOfCivil(LAST_YEAR + 1, 1, 1);
const END_OF_DERIVED_DAYS = dayNumberOfCivil(LAST_DERIVED_YEAR + 1, 1, 1);
const FIRST_INSTANT = FIRST_DAY * MS_PER_DAY - JST_OFFSET_MS;
const LAST_ACCEPTED_INSTANT =
  END_OF_ACCEPTED_DAYS * MS_PER_DAY - JST_OFFSET_MS - 1;
const LAST_DERIVED_INSTANT = END_OF_DERIVED_DAYS * MS_PER_DAY - JST_OFFSET_MS;

function checkedMilliseconds(
  ms: number,
  last: number,
  lastYear: number,
): Instant {
  if (!Number.isSafeInteger(ms))
    throw new InvalidTimeValue(
      `an instant is a whole number of milliseconds, got ${ms}`,
    );
  if (ms < FIRST_INSTANT || ms > last) throw outOfRange(lastYear);
  return ms as Instant;
}

/** UTC epoch milliseconds from outside (the system clock): a safe integer in the accepted years. */
export function instantOf(ms: number): Instant {
  return checkedMilliseconds(ms, LAST_ACCEPTED_INSTANT, LAST_YEAR);
}

/**
 * An instant read back from storage: these rules accepted or derived it, so it is a safe integer that may
 * lie in the year after the accepted ones (a deadline's end), never further.
 */
export function storedInstant(ms: number): Instant {
  return checkedMilliseconds(ms, LAST_DERIVED_INSTANT, LAST_DERIVED_YEAR);
}

/** `ms` milliseconds after `instant` (before, when negative), checked like a stored instant. */
export function addMs(instant: Instant, ms: number): Instant {
  return storedInstant(instant + ms);
}

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
  // Luxon keeps milliseconds: the digits past them are cut, as they always were.
  return instantOf(parsed.toMillis());
}

/** A duration as people read it: `52 h 30 min` (whole minutes, cut down). */
export function hoursAndMinutes(ms: number): string {
  return `${Math.floor(ms / MS_PER_HOUR)} h ${Math.floor((ms % MS_PER_HOUR) / 60_000)} min`;
}

export function formatInstant(instant: Instant): string {
  return new Date(instant).toISOString();
}

export function parseBusinessDate(text: string): BusinessDate {
  return checkedDate(text, LAST_YEAR);
}

/** A business date read back from storage: accepted or derived by these rules (see LAST_DERIVED_YEAR). */
export function storedBusinessDate(text: string): BusinessDate {
  return checkedDate(text, LAST_DERIVED_YEAR);
}

function checkedDate(text: string, lastYear: number): BusinessDate {
  if (!DATE_PATTERN.test(text))
    throw new InvalidTimeValue('must be a date YYYY-MM-DD');
  const fields = fieldsOf(text);
  if (fields === null) throw new InvalidTimeValue(`${text} is not a real date`);
  if (fields.year < FIRST_YEAR || fields.year > lastYear)
    throw outOfRange(lastYear);
  return text as BusinessDate;
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
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

interface DateFields {
  year: number;
  month: number;
  day: number;
}

/** Year, month and day of a `YYYY-MM-DD` text, or null unless it is a real calendar date. */
function fieldsOf(text: string): DateFields | null {
  if (
    text.length !== 10 ||
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45
  )
    return null;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  if (
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month)
  )
    return null;
  return { year, month, day };
}

/**
 * The fields of a business date. Every BusinessDate comes from parseBusinessDate or from the functions
 * here; anything else is a programming error, refused rather than turned into a wrong day.
 */
function fieldsOfBusinessDate(date: BusinessDate): DateFields {
  const fields = typeof date === 'string' ? fieldsOf(date) : null;
  if (fields === null)
    throw new TypeError(`not a business date: ${String(date)}`);
  return fields;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), in plain integer
 * arithmetic. Day numbers are what the functions below compute with.
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

function dayNumberOf(date: BusinessDate): number {
  const { year, month, day } = fieldsOfBusinessDate(date);
  return dayNumberOfCivil(year, month, day);
}

/** The Japan-time day number of an instant. */
function dayNumberOfInstant(instant: Instant): number {
  return Math.floor((instant + JST_OFFSET_MS) / MS_PER_DAY);
}

/**
 * `YYYY-MM-DD` of a day number, memoised: deriving outages formats the same few hundred days over and
 * over, and handing back the same string saves formatting it and the garbage. The memo is a fixed table
 * indexed by the low bits of the day number (some eleven years of days before two share a slot),
 * cheaper than a Map and bounded by construction. Every date this module computes comes through here,
 * and is a real date by construction; only its year needs checking.
 */
const DATE_TEXT_SLOTS = 4096;
const memoDayNumbers = new Float64Array(DATE_TEXT_SLOTS).fill(Number.NaN);
const memoDateTexts = new Array<string>(DATE_TEXT_SLOTS).fill('');

function dateTextOf(dayNumber: number): BusinessDate {
  if (dayNumber < FIRST_DAY || dayNumber >= END_OF_DERIVED_DAYS)
    throw new RangeError(
      `day ${dayNumber} after 1970-01-01 is outside the years ${FIRST_YEAR} to ${LAST_DERIVED_YEAR}`,
    );
  const slot = dayNumber & (DATE_TEXT_SLOTS - 1);
  if (memoDayNumbers[slot] === dayNumber)
    return memoDateTexts[slot] as BusinessDate;
  const text = new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
  memoDayNumbers[slot] = dayNumber;
  memoDateTexts[slot] = text;
  return text as BusinessDate;
}

/** The Japan-time calendar date of an instant. */
export function businessDateOf(instant: Instant): BusinessDate {
  return dateTextOf(dayNumberOfInstant(instant));
}

// A business date lies in the years of an Instant, and so do its start and its end (its end is at
// most LAST_DERIVED_INSTANT): these two need no check.

/** 00:00 Japan time at the start of a business date. */
export function startOfBusinessDate(date: BusinessDate): Instant {
  return (dayNumberOf(date) * MS_PER_DAY - JST_OFFSET_MS) as Instant;
}

/** The instant a business date ends: 00:00 Japan time of the next day (exclusive). */
export function endOfBusinessDate(date: BusinessDate): Instant {
  return ((dayNumberOf(date) + 1) * MS_PER_DAY - JST_OFFSET_MS) as Instant;
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return dateTextOf(dayNumberOf(date) + days);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return dayNumberOf(to) - dayNumberOf(from);
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
  const { year, month, day } = fieldsOfBusinessDate(firstDay);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = (monthIndex % 12) + 1;
  const lastDayOfTargetMonth = daysInMonth(targetYear, targetMonth);
  return dateTextOf(
    day > lastDayOfTargetMonth
      ? dayNumberOfCivil(targetYear, targetMonth, lastDayOfTargetMonth)
      : dayNumberOfCivil(targetYear, targetMonth, day) - 1,
  );
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

/** 1970-01-01, day number 0, was a Thursday: day numbers 3, 10, 17, ... are Sundays. */
const isSunday = (dayNumber: number) => (((dayNumber - 3) % 7) + 7) % 7 === 0;

export function isSundayOrJapaneseHoliday(date: BusinessDate): boolean {
  return isSunday(dayNumberOf(date)) || Object.hasOwn(JAPANESE_HOLIDAYS, date);
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
