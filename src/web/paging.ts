/**
 * Every list on the pages comes one page at a time, with a link to the next. The use cases do not page
 * yet, so this takes one page of their complete, stably ordered list; the cursor is the key of the last
 * row shown. When they take `limit` and `cursor` themselves, `pageOf` gives way to that call, and the
 * pages (which only see `Page` and `pagerOf`) stay as they are.
 */
import type { Request } from 'express';

export const PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 200;

export interface Page<T> {
  items: T[];
  /** The cursor of the next page, or null on the last one. */
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor: string | undefined;
}

/**
 * `?limit=&cursor=` of a page request; a bad limit falls back to the default. A page with two lists
 * names the second list's cursor parameter (`param`), so each pages on its own.
 */
export function pageRequestOf(
  req: Request,
  size = PAGE_SIZE,
  param = 'cursor',
): PageRequest {
  const limit = Number(req.query.limit);
  const cursor = req.query[param];
  return {
    limit:
      Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE_SIZE
        ? limit
        : size,
    cursor: typeof cursor === 'string' && cursor !== '' ? cursor : undefined,
  };
}

const encode = (key: string) => Buffer.from(key, 'utf8').toString('base64url');
const decode = (cursor: string) =>
  Buffer.from(cursor, 'base64url').toString('utf8');

export function pageOf<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  { limit, cursor }: PageRequest,
): Page<T> {
  const after =
    cursor === undefined
      ? -1
      : items.findIndex((item) => keyOf(item) === decode(cursor));
  const shown = items.slice(after + 1, after + 1 + limit);
  const more = after + 1 + limit < items.length;
  return {
    items: shown,
    nextCursor: more && shown.length > 0 ? encode(keyOf(shown.at(-1)!)) : null,
  };
}

/** The pager's links: the next page and back to the first, keeping the page's other query parameters. */
export function pagerOf(
  req: Request,
  page: Page<unknown>,
  param = 'cursor',
): { nextHref: string | null; firstHref: string | null } {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(req.query))
    if (typeof value === 'string' && name !== param && name !== 'notice')
      query.set(name, value);
  const path = req.baseUrl + req.path;
  const href = (cursor: string | null) => {
    const params = new URLSearchParams(query);
    if (cursor !== null) params.set(param, cursor);
    const text = params.toString();
    return text === '' ? path : `${path}?${text}`;
  };
  return {
    nextHref: page.nextCursor === null ? null : href(page.nextCursor),
    firstHref: typeof req.query[param] === 'string' ? href(null) : null,
  };
}
