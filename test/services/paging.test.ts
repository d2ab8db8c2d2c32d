/**
 * Paging a derived list (a contract's outages, an incident's contracts, the unclaimed outages): the page
 * is cut from the list the rules derive, with the same cursors as a stored list's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invalid, ServiceError } from '../../src/errors';
import { DerivedOrder, isRefusedCursor } from '../../src/services/paging';

interface Row {
  group: number;
  name: string;
}

const BY_GROUP_THEN_NAME = new DerivedOrder<Row>(
  'rows',
  ['number', 'string'],
  'asc',
  (row) => [row.group, row.name],
);

/** The obvious order of the key, to compare with. */
const sortedByKey = (rows: readonly Row[]) =>
  [...rows].sort((a, b) =>
    a.group !== b.group
      ? a.group - b.group
      : a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : 0,
  );

const rowsArbitrary = fc.uniqueArray(
  fc.record({
    group: fc.integer({ min: -3, max: 3 }),
    name: fc.string({ maxLength: 3 }),
  }),
  { maxLength: 40, selector: (row) => `${row.group} ${row.name}` },
);

describe('DerivedOrder', () => {
  it('following the next cursors from the first page gives every item once, in the order of the key', () => {
    fc.assert(
      fc.property(
        rowsArbitrary,
        fc.integer({ min: 1, max: 12 }),
        (rows, limit) => {
          const given = [...rows];
          const seen: Row[] = [];
          let cursor: string | undefined;
          for (let pages = 0; pages <= rows.length + 1; pages++) {
            const page = BY_GROUP_THEN_NAME.page(rows, { limit, cursor });
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items);
            if (page.nextCursor === null) break;
            // Every page but the last is full.
            expect(page.items).toHaveLength(limit);
            cursor = page.nextCursor;
          }
          expect(seen).toEqual(sortedByKey(rows));
          // The caller's array is left as it was.
          expect(rows).toEqual(given);
        },
      ),
    );
  });

  it('items removed between pages do not make the next page repeat or skip the others', () => {
    fc.assert(
      fc.property(
        rowsArbitrary,
        fc.integer({ min: 1, max: 6 }),
        fc.infiniteStream(fc.boolean()),
        (rows, limit, removals) => {
          let current = rows;
          const seen: Row[] = [];
          let cursor: string | undefined;
          for (let pages = 0; pages <= rows.length + 1; pages++) {
            const page = BY_GROUP_THEN_NAME.page(current, { limit, cursor });
            seen.push(...page.items);
            if (page.nextCursor === null) break;
            cursor = page.nextCursor;
            // A correction removes some items, the last one shown among them.
            current = current.filter(() => !removals.next().value);
          }
          const kept = sortedByKey(current);
          // Each item still there at the end was met once, and every item met came in key order.
          expect(seen.filter((row) => kept.includes(row))).toEqual(kept);
          expect(seen).toEqual(sortedByKey(seen));
          expect(new Set(seen).size).toBe(seen.length);
        },
      ),
    );
  });

  it('newest first: a descending order', () => {
    const order = new DerivedOrder<string>(
      'starts',
      ['string'],
      'desc',
      (start) => [start],
    );
    const starts = [
      '2026-01-02T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ];
    const first = order.page(starts, { limit: 2 });
    expect(first.items).toEqual([
      '2026-01-03T00:00:00.000Z',
      '2026-01-02T00:00:00.000Z',
    ]);
    expect(order.page(starts, { limit: 2, cursor: first.nextCursor! })).toEqual(
      { items: ['2026-01-01T00:00:00.000Z'], nextCursor: null },
    );
  });

  it('refuses a cursor it did not give out: another list’s, an altered one, one of the wrong kind', () => {
    const rows: Row[] = [
      { group: 1, name: 'a' },
      { group: 1, name: 'b' },
      { group: 2, name: 'a' },
    ];
    const other = new DerivedOrder<Row>(
      'other-rows',
      ['number', 'string'],
      'asc',
      (row) => [row.group, row.name],
    );
    const foreign = other.page(rows, { limit: 1 }).nextCursor!;
    const wrongKind = Buffer.from(
      JSON.stringify(['rows', 'one', 'a']),
    ).toString('base64url');
    const own = BY_GROUP_THEN_NAME.page(rows, { limit: 1 }).nextCursor!;
    for (const cursor of [foreign, wrongKind, `${own}x`, 'not a cursor']) {
      let refusal: unknown;
      try {
        BY_GROUP_THEN_NAME.page(rows, { limit: 1, cursor });
      } catch (error) {
        refusal = error;
      }
      expect(refusal, cursor).toBeInstanceOf(ServiceError);
      expect((refusal as ServiceError).code).toBe('validation-failed');
      expect(isRefusedCursor(refusal), cursor).toBe(true);
    }
  });

  it('isRefusedCursor tells a refused cursor from every other refusal', () => {
    expect(
      isRefusedCursor(invalid('query.limit', 'must be at most 1000')),
    ).toBe(false);
    expect(isRefusedCursor(new ServiceError('not-found', 'gone'))).toBe(false);
    expect(isRefusedCursor(new Error('query.cursor'))).toBe(false);
  });
});
