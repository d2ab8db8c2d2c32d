/**
 * Every list on the pages comes one page at a time, with a link to the next. The list's use case cuts the
 * page, from the same `PageRequest` the API passes (`limit` and `cursor`, here from the page's query); the
 * page renders its `items` and `pagerOf`'s links.
 */
import type { Request } from 'express';
import {
  isRefusedCursor,
  type Page,
  type PageRequest,
} from '../services/paging';
import type { PageContext } from './page';

const PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 200;
/** The page size when a form needs every item of a list: the API's own bound on one page. */
const WHOLE_LIST_PAGE = 1000;

/**
 * `?limit=&cursor=` of a page request; a bad limit falls back to the default. A page with two lists
 * names the second list's cursor parameter (`param`), so each pages on its own.
 */
function pageRequestOf(
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

export interface Pager {
  nextHref: string | null;
  firstHref: string | null;
}

/**
 * `read` with the page request of the page's query (`param` names the cursor parameter). A cursor the list
 * refuses (a link cut short, or a bookmark from before the lists paged themselves) reads the first page
 * instead, with a notice saying so, rather than an error page.
 */
export function readPage<R>(
  p: PageContext,
  read: (request: PageRequest) => R,
  { size = PAGE_SIZE, param = 'cursor' } = {},
): R {
  const request = pageRequestOf(p.req, size, param);
  try {
    return read(request);
  } catch (error) {
    if (!isRefusedCursor(error)) throw error;
    p.tell('pageRestarted');
    return read({ limit: request.limit });
  }
}

/** One page of a list, as `fetch` gives it for the page's query (see `readPage`), and its pager. */
export function listPage<T>(
  p: PageContext,
  fetch: (request: PageRequest) => Page<T>,
  options: { size?: number; param?: string } = {},
): { items: T[]; pager: Pager } {
  const page = readPage(p, fetch, options);
  return { items: page.items, pager: pagerOf(p.req, page, options.param) };
}

/**
 * Every item of a list, page after page: for a form's `<select>`, which must offer every choice. As long as
 * the list itself; each page is one indexed query.
 */
export function everyItem<T>(fetch: (request: PageRequest) => Page<T>): T[] {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = fetch({ limit: WHOLE_LIST_PAGE, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}

/** The pager's links: the next page and back to the first, keeping the page's other query parameters. */
export function pagerOf(
  req: Request,
  page: Page<unknown>,
  param = 'cursor',
): Pager {
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
