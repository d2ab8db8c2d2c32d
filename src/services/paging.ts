/**
 * Keyset pagination for every list (API.md, "Lists"). A list declares its order once, as columns ending
 * in the row's id (so no two rows tie) with one direction, backed by an index; a page is the rows after
 * the cursor in that order. Unlike an offset, a cursor stays on its row while rows are added or removed
 * before it, so paging meets every row that existed when it began exactly once.
 */
import { and, asc, desc, getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import { invalid, ServiceError } from '../errors';

export interface PageRequest {
  limit: number;
  /** The `cursor` of the previous page's next link; absent for the first page. */
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  /** The cursor of the next page, or null when this page is the last. */
  nextCursor: string | null;
}

type KeyValue = string | number;

/** What a list's query needs for one page: the condition "after the cursor", the order, the limit. */
export interface KeysetSlice {
  after: SQL | undefined;
  orderBy: SQL[];
  limit: number;
}

const MAX_KEY_TEXT = 1000;
/** Where a refused cursor is reported: the `cursor` query parameter of a list. */
const CURSOR_PATH = 'query.cursor';

/** What kind of value each part of a key is: a cursor holding another kind is refused. */
type KeyKind = 'number' | 'string';

/** A list's cursors: the key of the last row shown, named by the list, as base64url JSON. */
class Cursors {
  constructor(
    private readonly list: string,
    private readonly kinds: readonly KeyKind[],
  ) {}

  encode(key: readonly KeyValue[]): string {
    return Buffer.from(JSON.stringify([this.list, ...key])).toString(
      'base64url',
    );
  }

  /**
   * The key in a cursor this list gave out. A cursor is opaque to clients, not secret: one altered into
   * another well-formed key of this list only moves where the page starts, and every filter and
   * permission still applies, so only the form is checked (and that re-encoding gives it back exactly).
   */
  decode(cursor: string): KeyValue[] {
    const refused = invalid(
      CURSOR_PATH,
      'is not a cursor of this list: take it from the Link header of the previous page',
    );
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw refused;
    }
    if (
      !Array.isArray(decoded) ||
      decoded.length !== this.kinds.length + 1 ||
      decoded[0] !== this.list
    )
      throw refused;
    const key = decoded.slice(1) as unknown[];
    const wellTyped = key.every((value, i) =>
      this.kinds[i] === 'number'
        ? Number.isSafeInteger(value)
        : typeof value === 'string' && value.length <= MAX_KEY_TEXT,
    );
    if (!wellTyped) throw refused;
    if (this.encode(key as KeyValue[]) !== cursor) throw refused;
    return key as KeyValue[];
  }
}

/** Whether `error` is a list's refusal of a cursor it did not give out (a mangled or foreign page link). */
export function isRefusedCursor(error: unknown): boolean {
  return (
    error instanceof ServiceError &&
    (error.errors ?? []).some((field) => field.path === CURSOR_PATH)
  );
}

export class KeysetOrder<Row> {
  private readonly cursors: Cursors;

  /**
   * @param list names the list inside its cursors, so that one list's cursor is refused by another.
   * @param columns the sort key, ending in a unique column (the id).
   * @param keyOf the values of `columns` in a fetched row.
   */
  constructor(
    list: string,
    private readonly columns: readonly [SQLiteColumn, ...SQLiteColumn[]],
    private readonly direction: 'asc' | 'desc',
    private readonly keyOf: (row: Row) => readonly KeyValue[],
  ) {
    this.cursors = new Cursors(
      list,
      columns.map((column) =>
        column.dataType === 'number' ? 'number' : 'string',
      ),
    );
  }

  /**
   * One page: `fetch` runs the list's query with `slice` (its own filters `and`-ed with `slice.after`;
   * or a statement of its own with the key the page starts after, undefined for the first page), `items`
   * turns the page's rows into what the list answers.
   */
  page<Item>(
    request: PageRequest,
    fetch: (
      slice: KeysetSlice,
      after: readonly KeyValue[] | undefined,
    ) => Row[],
    items: (rows: Row[]) => Item[],
  ): Page<Item> {
    const after =
      request.cursor === undefined
        ? undefined
        : this.cursors.decode(request.cursor);
    const order = this.direction === 'asc' ? asc : desc;
    // One row more than asked: whether it comes back says whether there is a next page.
    const rows = fetch(
      {
        after: after === undefined ? undefined : this.beyond(after),
        orderBy: this.columns.map((column) => order(column)),
        limit: request.limit + 1,
      },
      after,
    );
    if (rows.length <= request.limit)
      return { items: items(rows), nextCursor: null };
    const kept = rows.slice(0, request.limit);
    return {
      items: items(kept),
      nextCursor: this.cursors.encode(this.keyOf(kept[kept.length - 1]!)),
    };
  }

  /** Rows strictly after the key in this order: SQLite compares row values like tuples. */
  private beyond(key: readonly KeyValue[]): SQL {
    const columns = sql.join([...this.columns], sql`, `);
    const values = sql.join(
      key.map((value) => sql`${value}`),
      sql`, `,
    );
    return this.direction === 'asc'
      ? sql`(${columns}) > (${values})`
      : sql`(${columns}) < (${values})`;
  }
}

/** Compares two keys of the same kinds part by part, as SQLite compares row values. */
function compareKeys(a: readonly KeyValue[], b: readonly KeyValue[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The order of a list the rules derive whole on every read (a contract's outages, the contracts an
 * incident affects, the outages nobody has claimed): there is no query to cut, so a page is cut from the
 * derived list. Its cursors are a stored list's kind (the key of the last item shown, named by the list),
 * so the next page starts after that key even when a correction has removed that item since.
 */
export class DerivedOrder<T> {
  private readonly cursors: Cursors;

  /**
   * @param kinds what each part of the key is; the key must tell any two items apart.
   * @param keyOf the sort key of an item.
   */
  constructor(
    list: string,
    kinds: readonly [KeyKind, ...KeyKind[]],
    private readonly direction: 'asc' | 'desc',
    private readonly keyOf: (item: T) => readonly KeyValue[],
  ) {
    this.cursors = new Cursors(list, kinds);
  }

  /** One page of `items`, in this order whatever their order in the array (which is left as it is). */
  page(items: readonly T[], request: PageRequest): Page<T> {
    const sign = this.direction === 'asc' ? 1 : -1;
    const keyed = items
      .map((item) => ({ item, key: this.keyOf(item) }))
      .sort((a, b) => sign * compareKeys(a.key, b.key));
    const after =
      request.cursor === undefined
        ? undefined
        : this.cursors.decode(request.cursor);
    const first =
      after === undefined
        ? 0
        : keyed.findIndex(({ key }) => sign * compareKeys(key, after) > 0);
    const start = first === -1 ? keyed.length : first;
    const kept = keyed.slice(start, start + request.limit);
    return {
      items: kept.map(({ item }) => item),
      nextCursor:
        start + request.limit < keyed.length
          ? this.cursors.encode(kept[kept.length - 1]!.key)
          : null,
    };
  }
}

/**
 * The order of a list of one table's rows, the common case: a page is then one call,
 * `ORDER.pageOf(db, request, where, (rows) => rows.map(itemOf))`.
 */
export class TableOrder<T extends SQLiteTable> extends KeysetOrder<
  T['$inferSelect']
> {
  /** The order's columns by their field names (the last one the id). */
  private readonly keyColumns: Record<string, SQLiteColumn>;

  constructor(
    private readonly table: T,
    list: string,
    columns: readonly [SQLiteColumn, ...SQLiteColumn[]],
    direction: 'asc' | 'desc',
  ) {
    const fields = Object.entries(getTableColumns(table));
    const keys = columns.map(
      (column) => fields.find(([, field]) => field === column)![0],
    );
    super(list, columns, direction, (row) =>
      keys.map((key) => (row as Record<string, KeyValue>)[key]!),
    );
    this.keyColumns = Object.fromEntries(
      keys.map((key, i) => [key, columns[i]!]),
    );
  }

  /**
   * One page of the rows that match `where`, read as their keys alone (the order's columns, which its
   * index holds): for a list that keeps what it shows of each row in memory, and reads only the rows it
   * has not kept.
   */
  keysPageOf<Item>(
    db: Db,
    request: PageRequest,
    where: SQL | undefined,
    items: (keys: Partial<T['$inferSelect']>[]) => Item[],
  ): Page<Item> {
    return this.pageSelecting(db, request, where, this.keyColumns, items);
  }

  /** One page of the rows that match `where`. */
  pageOf<Item>(
    db: Db,
    request: PageRequest,
    where: SQL | undefined,
    items: (rows: T['$inferSelect'][]) => Item[],
  ): Page<Item> {
    return this.pageSelecting(
      db,
      request,
      where,
      getTableColumns(this.table),
      items,
    );
  }

  private pageSelecting<Item>(
    db: Db,
    request: PageRequest,
    where: SQL | undefined,
    columns: Record<string, SQLiteColumn>,
    items: (rows: T['$inferSelect'][]) => Item[],
  ): Page<Item> {
    return this.page(
      request,
      ({ after, orderBy, limit }) =>
        db
          .select(columns)
          .from(this.table as SQLiteTable)
          .where(and(where, after))
          .orderBy(...orderBy)
          .limit(limit)
          .all() as T['$inferSelect'][],
      items,
    );
  }
}
