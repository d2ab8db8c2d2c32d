/** zod building blocks shared by every edge: HTTP bodies, the calculator's scenarios, CSV imports. */
import { z } from 'zod';
import { yen } from '../domain/money';
import {
  InvalidTimeValue,
  parseBusinessDate,
  parseInstant,
} from '../domain/time';

// A missing field says so, rather than zod's "expected string, received undefined".
z.config({
  customError: (issue) =>
    issue.input === undefined ? 'is required' : undefined,
});

function fromParser<T>(parse: (text: string) => T) {
  return (text: string, ctx: z.RefinementCtx): T => {
    try {
      return parse(text);
    } catch (error) {
      if (!(error instanceof InvalidTimeValue)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  };
}

const INSTANT_FORMAT =
  'must be an ISO-8601 instant with an offset, e.g. 2026-01-10T10:30:00+09:00';
/** The longest instant text: `2026-01-10T10:30:00.123456789+09:00` is 35 characters. */
const INSTANT_MAX_LENGTH = 40;

/** An ISO-8601 instant with an offset, as UTC epoch milliseconds. */
export const InstantText = z
  .string()
  .max(INSTANT_MAX_LENGTH, INSTANT_FORMAT)
  .transform(fromParser(parseInstant))
  .meta({
    type: 'string',
    format: 'date-time',
    example: '2026-01-10T10:30:00+09:00',
    description: 'ISO-8601 instant with an offset',
  });

/**
 * An instant in a query string. A `+` left unencoded (`?asOf=2026-02-01T00:00:00+09:00`) arrives as a
 * space; in that one place it can only have been a `+`, so it is read as one.
 */
export const QueryInstantText = z
  .string()
  .max(INSTANT_MAX_LENGTH, INSTANT_FORMAT)
  .transform((text) => text.replace(/ (\d{2}:\d{2})$/, '+$1'))
  .pipe(InstantText)
  .meta({
    type: 'string',
    format: 'date-time',
    example: '2026-02-01T00:00:00+09:00',
    description:
      'ISO-8601 instant with an offset; in the URL its + is written %2B (an unencoded + is read as one too)',
  });

/** API.md, "Lists": every collection GET takes these two, beside its own filters. */
export const PAGE_LIMIT_DEFAULT = 100;
export const PAGE_LIMIT_MAX = 1000;
export const pageQueryFields = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(PAGE_LIMIT_MAX)
    .default(PAGE_LIMIT_DEFAULT)
    .meta({
      description: `rows per page, 1 to ${PAGE_LIMIT_MAX} (default ${PAGE_LIMIT_DEFAULT})`,
    }),
  cursor: z.string().min(1).max(2000).optional().meta({
    description:
      'where the page starts: take it from the Link header (rel="next") of the previous page',
  }),
};

/** A contract has few multi-region options; the bound keeps every fee base far inside exact arithmetic. */
export const MAX_OPTIONS = 10;

/**
 * Bounds at every edge: no array or string a client sends is unbounded. Intervals per incident match
 * what one incident of the API holds; the regions are a handful (configured), ids are ours or a
 * client's reference.
 */
export const LIMITS = {
  idLength: 200,
  regionNameLength: 50,
  regions: 20,
  contractIdsInScope: 1000,
  intervalsPerIncident: 1000,
  feeChanges: 240,
} as const;

/** An id as a client sends it: ours (UUIDs) or its own reference. */
export const Id = z.string().min(1).max(LIMITS.idLength);

/** A region's name; which names are known is configuration (SLA_REGIONS), checked by the use cases. */
export const RegionName = z.string().trim().min(1).max(LIMITS.regionNameLength);

/** A Japan-time calendar date `YYYY-MM-DD`, checked to exist. */
export const BusinessDateText = z
  .string()
  .max(10, 'must be a date YYYY-MM-DD')
  .transform(fromParser(parseBusinessDate))
  .meta({
    type: 'string',
    format: 'date',
    example: '2026-01-15',
    description: 'business date in Japan time',
  });

/** Integer yen, never negative, at most ¥10 billion (a monthly fee far beyond any contract). */
export const MAX_MONTHLY_FEE = 10_000_000_000;
// The bound comes before `.int()`, so a huge number gets the one message that says what is wrong.
export const YenAmount = z
  .number()
  .min(0)
  .max(MAX_MONTHLY_FEE)
  .int()
  .transform(yen);

export interface FieldError {
  path: string;
  message: string;
}

/** `["incidents", 1, "intervals", 0, "end"]` → `incidents[1].intervals[0].end`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

/** One message per field (the first zod reports), each unknown field named itself. */
export function fieldErrorsOf(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
): FieldError[] {
  const all = error.issues.flatMap((issue) =>
    // An unknown field is named itself, not its parent object.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: formatPath([...prefix, ...issue.path, key]),
          message: 'is not a known field',
        }))
      : [
          {
            path: formatPath([...prefix, ...issue.path]) || '(body)',
            message: issue.message,
          },
        ],
  );
  const seen = new Set<string>();
  return all.filter(({ path }) => !seen.has(path) && seen.add(path));
}
