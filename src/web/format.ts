/** How the pages write instants (Japan time), business dates, yen and durations, in the reader's language. */
import { DateTime } from 'luxon';
import { type Instant, MS_PER_HOUR, ZONE } from '../domain/time';
import { InstantText } from '../schemas/common';
import { type Lang, translate } from './i18n';

const LOCALE: Record<Lang, string> = { ja: 'ja-JP', en: 'en-GB' };

const dateTimeFormats = new Map<Lang, Intl.DateTimeFormat>();
const dateFormats = new Map<Lang, Intl.DateTimeFormat>();
const yenFormats = new Map<Lang, Intl.NumberFormat>();

function cached<T>(cache: Map<Lang, T>, lang: Lang, make: () => T): T {
  let value = cache.get(lang);
  if (value === undefined) {
    value = make();
    cache.set(lang, value);
  }
  return value;
}

const toMillis = (instant: Instant | string) =>
  typeof instant === 'number' ? instant : Date.parse(instant);

/** An instant in Japan time, e.g. 2026/01/10 10:30 or 10 Jan 2026, 10:30. */
export function formatDateTime(lang: Lang, instant: Instant | string): string {
  return cached(
    dateTimeFormats,
    lang,
    () =>
      new Intl.DateTimeFormat(LOCALE[lang], {
        timeZone: ZONE,
        year: 'numeric',
        month: lang === 'ja' ? '2-digit' : 'short',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  ).format(toMillis(instant));
}

/** A business date `YYYY-MM-DD`, e.g. 2026年4月12日(日) or Sun 12 Apr 2026. */
export function formatDate(lang: Lang, date: string): string {
  return cached(
    dateFormats,
    lang,
    () =>
      new Intl.DateTimeFormat(LOCALE[lang], {
        timeZone: 'UTC',
        year: 'numeric',
        month: lang === 'ja' ? 'long' : 'short',
        day: 'numeric',
        weekday: 'short',
      }),
  ).format(Date.parse(`${date}T00:00:00Z`));
}

/** A month `YYYY-MM` (a notice's billing month): 2026年1月 or January 2026. */
export function formatMonth(lang: Lang, month: string): string {
  const time = DateTime.fromISO(`${month}-01`, { zone: 'UTC' });
  return time.isValid
    ? time.toFormat(lang === 'ja' ? 'yyyy年M月' : 'LLLL yyyy', {
        locale: LOCALE[lang],
      })
    : month;
}

/** Integer yen: ¥6,666 (the yen has no minor unit). */
export function formatYen(lang: Lang, amount: number): string {
  return cached(
    yenFormats,
    lang,
    () =>
      new Intl.NumberFormat(LOCALE[lang], {
        style: 'currency',
        currency: 'JPY',
        // ¥ rather than en-GB's JP¥: every amount here is yen.
        currencyDisplay: 'narrowSymbol',
      }),
  ).format(amount);
}

/** A count with the thousands separated: 65,000. */
export const formatNumber = (lang: Lang, value: number) =>
  value.toLocaleString(LOCALE[lang]);

/** Unavailable time in whole hours and minutes: the terms count hours (Annex 3). */
export function formatDuration(lang: Lang, ms: number): string {
  const hours = Math.floor(ms / MS_PER_HOUR);
  const minutes = Math.floor((ms % MS_PER_HOUR) / 60_000);
  return translate(lang, 'format.duration', { hours, minutes });
}

/** The value of an `<input type="datetime-local">` showing an instant in Japan time. */
export function toLocalInput(instant: Instant | string): string {
  return DateTime.fromMillis(toMillis(instant), { zone: ZONE }).toFormat(
    "yyyy-MM-dd'T'HH:mm",
  );
}

/**
 * A `datetime-local` value typed in Japan time, as the API's ISO form with the offset (`+09:00`), so the
 * schemas that parse the API's bodies parse it too. Anything else is passed on unchanged for them to refuse.
 */
export function fromLocalInput(value: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(
    value.trim(),
  );
  if (!match) return value.trim();
  return `${match[1]}T${match[2]}${match[3] ?? ':00'}+09:00`;
}

/**
 * An instant a form sends in the API's ISO form (with its offset), parsed as the API parses it; null when
 * it is not one.
 */
export function instantOfField(text: string | undefined): Instant | null {
  const parsed = InstantText.safeParse(text ?? '');
  return parsed.success ? parsed.data : null;
}

/** A timeline tick in Japan time: the date at midnight, the hour otherwise. A place on an axis (epoch ms). */
export function formatTick(
  lang: Lang,
  tick: number,
  startOfDay: boolean,
): string {
  const time = DateTime.fromMillis(tick, { zone: ZONE });
  if (startOfDay)
    return time.toFormat(lang === 'ja' ? 'M/d' : 'd LLL', {
      locale: LOCALE[lang],
    });
  return time.toFormat('HH:mm');
}
