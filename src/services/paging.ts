/**
 * Keyset pagination for every list (API.md, "Lists"). A list declares its order once, as columns ending
 * in the row's id (so no two rows tie) with one direction, backed by an index; a page is the rows after
 * the cursor in that order. Unlike an offset, a cursor stays on its row while rows are added or removed
 * before it, so paging meets every row that existed when it began exactly once.
 */
import { and, asc, desc, getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import { invalid } from '../errors';

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

export class KeysetOrder<Row> {
  /**
   * @param list names the list inside its cursors, so that one list's cursor is refused by another.
   * @param columns the sort key, ending in a unique column (the id).
   * @param keyOf the values of `columns` in a fetched row.
   */
  constructor(
    private readonly list: string,
    private readonly columns: readonly [SQLiteColumn, ...SQLiteColumn[]],
    private readonly direction: 'asc' | 'desc',
    private readonly keyOf: (row: Row) => readonly KeyValue[],
  ) {}

  /**
   * One page: `fetch` runs the list's query with `slice` (its own filters `and`-ed with `slice.after`),
   * `items` turns the page's rows into what the list answers.
   */
  page<Item>(
    request: PageRequest,
    fetch: (slice: KeysetSlice) => Row[],
    items: (rows: Row[]) => Item[],
  ): Page<Item> {
    const after =
      request.cursor === undefined ? undefined : this.decode(request.cursor);
    const order = this.direction === 'asc' ? asc : desc;
    // One row more than asked: whether it comes back says whether there is a next page.
    const rows = fetch({
      after: after === undefined ? undefined : this.beyond(after),
      orderBy: this.columns.map((column) => order(column)),
      limit: request.limit + 1,
    });
    if (rows.length <= request.limit)
      return { items: items(rows), nextCursor: null };
    const kept = rows.slice(0, request.limit);
    return {
      items: items(kept),
      nextCursor: this.encode(this.keyOf(kept[kept.length - 1]!)),
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

  private encode(key: readonly KeyValue[]): string {
    return Buffer.from(JSON.stringify([this.list, ...key])).toString(
      'base64url',
    );
  }

  /**
   * The key in a cursor this list gave out. A cursor is opaque to clients, not secret: one altered into
   * another well-formed key of this list only moves where the page starts, and every filter and
   * permission still applies, so only the form is checked (and that re-encoding gives it back exactly).
   */
  private decode(cursor: string): KeyValue[] {
    const refused = invalid(
      'query.cursor',
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
      decoded.length !== this.columns.length + 1 ||
      decoded[0] !== this.list
    )
      throw refused;
    const key = decoded.slice(1) as unknown[];
    const wellTyped = key.every((value, i) =>
      this.columns[i]!.dataType === 'number'
        ? Number.isSafeInteger(value)
        : typeof value === 'string' && value.length <= MAX_KEY_TEXT,
    );
    if (!wellTyped) throw refused;
    if (this.encode(key as KeyValue[]) !== cursor) throw refused;
    return key as KeyValue[];
  }
}

/**
 * The order of a list of one table's rows, the common case: a page is then one call,
 * `ORDER.pageOf(db, request, where, (rows) => rows.map(itemOf))`.
 */
export class TableOrder<T extends SQLiteTable> extends KeysetOrder<
  T['$inferSelect']
> {
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
  }

  /** One page of the rows that match `where`. */
  pageOf<Item>(
    db: Db,
    request: PageRequest,
    where: SQL | undefined,
    items: (rows: T['$inferSelect'][]) => Item[],
  ): Page<Item> {
    return this.page(
      request,
      ({ after, orderBy, limit }) =>
        db
          .select()
          .from(this.table as SQLiteTable)
          .where(and(where, after))
          .orderBy(...orderBy)
          .limit(limit)
          .all() as T['$inferSelect'][],
      items,
    );
  }
}
