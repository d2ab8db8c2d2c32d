/**
 * Lists (API.md, "Lists"): every collection GET pages with `limit` and `cursor`, answers an array, and
 * links the next page while there is one. Paging meets every row exactly once even while rows are added
 * between page requests; a cursor that the list did not give out is refused naming `cursor`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/client';
import { enqueueWebhookEvent } from '../../src/services/webhooks';
import {
  expectProblem,
  makeTestApp,
  seedContract,
  type TestApp,
} from '../support/app';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
});
afterEach(() => t.close());

type Staff = 'admin' | 'support' | 'finance';
type Row = { id: string | number };

/** The API path of a `Link: <URL>; rel="next"` header, or null when there is none. */
function nextPath(link: string | undefined): string | null {
  if (link === undefined) return null;
  const match = /^<([^>]+)>; rel="next"$/.exec(link);
  expect(match, link).not.toBeNull();
  const url = new URL(match![1]!);
  expect(url.pathname.startsWith('/api/v1/')).toBe(true);
  return `${url.pathname.slice('/api/v1'.length)}${url.search}`;
}

const withQuery = (path: string, query: string) =>
  `${path}${path.includes('?') ? '&' : '?'}${query}`;

/** Follows the next links from the first page, calling `between` after each page; returns every page. */
async function pagesOf(
  role: Staff,
  path: string,
  limit: number,
  between: () => Promise<void> = async () => {},
): Promise<Row[][]> {
  const pages: Row[][] = [];
  let next: string | null = withQuery(path, `limit=${limit}`);
  while (next !== null) {
    const res = await t.as(role).get(next).expect(200);
    expect(Array.isArray(res.body)).toBe(true);
    pages.push(res.body);
    next = nextPath(res.headers.link);
    // Every page but the last is full; the last has no link.
    if (next !== null) {
      expect(res.body).toHaveLength(limit);
      await between();
    } else expect(res.body.length).toBeLessThanOrEqual(limit);
    expect(pages.length).toBeLessThan(100);
  }
  return pages;
}

const idsOf = (rows: Row[]) => rows.map((row) => row.id);

async function createCustomer(i: number) {
  await t
    .as('admin')
    .post('/customers', { name: `Customer ${i % 3}` })
    .expect(201);
}

/** Twelve separate qualifying outages (25 h each, two days apart, in December 2025) of one contract. */
async function contractWithOutages(): Promise<{
  contractId: string;
  starts: string[];
}> {
  const { contractId } = await seedContract(t);
  const intervals = Array.from({ length: 12 }, (_, k) => {
    const start = Date.parse('2025-12-01T00:00:00+09:00') + k * 2 * 86_400_000;
    return {
      start: new Date(start).toISOString(),
      end: new Date(start + 25 * 3_600_000).toISOString(),
    };
  });
  await t
    .as('support')
    .post('/incidents', {
      title: 'Flapping',
      cause: 'provider',
      severity: 'total',
      scope: { contractIds: [contractId] },
      awareAt: intervals[0]!.start,
      intervals,
    })
    .expect(201);
  const outages = await t
    .as('support')
    .get(`/contracts/${contractId}/outages`)
    .expect(200);
  expect(outages.body.outages).toHaveLength(12);
  return {
    contractId,
    starts: outages.body.outages.map(
      (outage: { start: string }) => outage.start,
    ),
  };
}

/** Claims for the twelve outages, one by one; each ended outage's claim gets its credit notice at once. */
async function claimsOneByOne() {
  const { contractId, starts } = await contractWithOutages();
  const addOne = async () => {
    await t
      .as('support')
      .post('/claims', { contractId, outageStart: starts.shift() })
      .expect(201);
  };
  return { addOne };
}

async function createWebhook(): Promise<string> {
  const created = await t
    .as('admin')
    .post('/webhooks', {
      url: 'https://hooks.example.jp/gengaku',
      events: ['credit-notice.approved'],
      secret: 'whsec_0123456789abcdef',
    })
    .expect(201);
  return created.body.id;
}

interface ListCase {
  path: string;
  role: Staff;
  /** How many rows the list starts with (at least 7). */
  rows: number;
  /** Makes what the rows need, and returns how to add one (and the path, when it has an id in it). */
  setUp(): Promise<{ path?: string; addOne(): Promise<void> }>;
}

/** The list's path and its first `rows` rows, made. */
async function listWithRows({ path, rows, setUp }: ListCase) {
  const list = await setUp();
  for (let i = 0; i < rows; i++) await list.addOne();
  return { path: list.path ?? path, addOne: list.addOne };
}

const LISTS: ListCase[] = [
  {
    path: '/users',
    role: 'admin',
    rows: 6,
    async setUp() {
      let n = 0;
      const addOne = async () => {
        await t
          .as('admin')
          .post('/users', {
            name: `User ${n}`,
            email: `user${n++}@example.jp`,
            role: 'support',
          })
          .expect(201);
      };
      return { addOne };
    },
  },
  {
    path: '/customers',
    role: 'finance',
    rows: 8,
    async setUp() {
      let n = 0;
      const addOne = () => createCustomer(n++);
      // Names repeat: the id breaks the ties.
      return { addOne };
    },
  },
  {
    path: '/contracts',
    role: 'admin',
    rows: 8,
    async setUp() {
      const addOne = async () => {
        await seedContract(t);
      };
      return { addOne };
    },
  },
  {
    path: '/incidents',
    role: 'support',
    rows: 8,
    async setUp() {
      const { contractId } = await seedContract(t);
      // The same awareness for all: the id breaks the ties.
      const addOne = async () => {
        await t
          .as('support')
          .post('/incidents', {
            title: 'Down',
            cause: 'provider',
            severity: 'total',
            scope: { regions: ['jp-east'], contractIds: [contractId] },
            awareAt: '2026-01-10T10:00:00+09:00',
            intervals: [{ start: '2026-01-10T10:00:00+09:00' }],
          })
          .expect(201);
      };
      return { addOne };
    },
  },
  {
    path: '/claims',
    role: 'support',
    rows: 7,
    // All filed at the same instant (the test clock stands still): the id breaks the ties.
    setUp: claimsOneByOne,
  },
  {
    path: '/usage',
    role: 'finance',
    rows: 8,
    async setUp() {
      const contracts = [await seedContract(t), await seedContract(t)];
      let month = 0;
      const addOne = async () => {
        const { contractId } = contracts[month % 2]!;
        await t
          .as('support')
          .post(`/contracts/${contractId}/usage`, {
            month: `2025-${String(12 - Math.floor(month++ / 2)).padStart(2, '0')}`,
            peakConcurrentDevices: 1000,
          })
          .expect(201);
      };
      return { addOne };
    },
  },
  {
    path: '/contracts/:id/usage',
    role: 'admin',
    rows: 7,
    async setUp() {
      const { contractId } = await seedContract(t);
      let month = 12;
      const addOne = async () => {
        await t
          .as('support')
          .post(`/contracts/${contractId}/usage`, {
            month: `2025-${String(month--).padStart(2, '0')}`,
            peakConcurrentDevices: 1000,
          })
          .expect(201);
      };
      return { path: `/contracts/${contractId}/usage`, addOne };
    },
  },
  {
    path: '/credit-notices',
    role: 'finance',
    rows: 7,
    // Each claim of an ended outage gets its notice at once, all at the same instant: the id breaks the ties.
    setUp: claimsOneByOne,
  },
  {
    path: '/webhooks',
    role: 'admin',
    rows: 7,
    async setUp() {
      const addOne = async () => {
        await createWebhook();
      };
      return { addOne };
    },
  },
  {
    path: '/webhooks/:id/deliveries',
    role: 'admin',
    rows: 7,
    async setUp() {
      const webhookId = await createWebhook();
      // One delivery per event; all made at the same instant: the id breaks the ties.
      const addOne = async () => {
        inTransaction(t.store, () =>
          enqueueWebhookEvent(
            { store: t.store, clock: t.now },
            'credit-notice.approved',
            { id: 'notice' },
          ),
        );
      };
      return { path: `/webhooks/${webhookId}/deliveries`, addOne };
    },
  },
  {
    path: '/audit',
    role: 'admin',
    rows: 8,
    async setUp() {
      let n = 100;
      const addOne = () => createCustomer(n++);
      return { addOne };
    },
  },
];

describe.each(LISTS)('GET $path', (list) => {
  const { role } = list;
  it('pages through every row exactly once, in the order of the whole list, while rows are added between pages', async () => {
    const { path, addOne } = await listWithRows(list);
    const before = (await t.as(role).get(withQuery(path, 'limit=1000')))
      .body as Row[];
    expect(before.length).toBeGreaterThanOrEqual(7);

    const seen = (await pagesOf(role, path, 3, addOne)).flat();
    const seenIds = idsOf(seen);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    const existing = new Set(idsOf(before));
    expect(seenIds.filter((id) => existing.has(id))).toEqual(idsOf(before));

    // Rows were added meanwhile, and the whole list now has them too.
    const after = (await t.as(role).get(withQuery(path, 'limit=1000')))
      .body as Row[];
    expect(after.length).toBeGreaterThan(before.length);
  });

  it('has no Link on a last page that is exactly full, nor on a single page', async () => {
    const { path } = await listWithRows(list);
    const all = (await t.as(role).get(withQuery(path, 'limit=1000')))
      .body as Row[];
    const full = await t
      .as(role)
      .get(withQuery(path, `limit=${all.length}`))
      .expect(200);
    expect(full.headers.link).toBeUndefined();
    expect(idsOf(full.body)).toEqual(idsOf(all));
    const pages = await pagesOf(role, path, all.length - 1);
    expect(pages.map((page) => page.length)).toEqual([all.length - 1, 1]);
  });

  it('refuses a limit outside 1..1000 and a cursor it did not give out, naming the parameter', async () => {
    const { path } = await listWithRows(list);
    for (const limit of ['0', '1001', '-1', 'ten', '2.5']) {
      const res = await t.as(role).get(withQuery(path, `limit=${limit}`));
      expectProblem(res, 422, 'validation-failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([
        'query.limit',
      ]);
    }
    await t.as(role).get(withQuery(path, 'limit=1000')).expect(200);

    const first = await t.as(role).get(withQuery(path, 'limit=2')).expect(200);
    const cursor = new URL(
      `https://host${nextPath(first.headers.link)!}`,
    ).searchParams.get('cursor')!;
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    const encode = (value: unknown) =>
      Buffer.from(JSON.stringify(value)).toString('base64url');
    const refused = [
      'not-a-cursor',
      `${cursor}x`,
      cursor.slice(0, -2),
      encode(['another-list', ...decoded.slice(1)]),
      encode([...decoded, 'extra']),
      encode(
        decoded.map((value: unknown, i: number) => (i === 0 ? value : [value])),
      ),
      encode({ list: decoded[0] }),
    ];
    for (const bad of refused) {
      const res = await t
        .as(role)
        .get(withQuery(path, `cursor=${encodeURIComponent(bad)}`));
      expectProblem(res, 422, 'validation-failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([
        'query.cursor',
      ]);
    }
  });
});

describe('the default limit', () => {
  it('is 100, and the link carries the filters and the limit as sent', async () => {
    for (let i = 0; i < 101; i++) await createCustomer(i);
    const first = await t.as('admin').get('/customers').expect(200);
    expect(first.body).toHaveLength(100);
    const next = nextPath(first.headers.link)!;
    const rest = await t.as('admin').get(next).expect(200);
    expect(rest.body).toHaveLength(1);
    expect(rest.headers.link).toBeUndefined();

    // /audit keeps its filters (and the limit) in the link; 101 customer.created entries.
    const audit = await t
      .as('finance')
      .get('/audit?entityType=customer&limit=60')
      .expect(200);
    expect(audit.body).toHaveLength(60);
    const url = new URL(`https://host${nextPath(audit.headers.link)!}`);
    expect(url.searchParams.get('entityType')).toBe('customer');
    expect(url.searchParams.get('limit')).toBe('60');
    const tail = await t.as('finance').get(nextPath(audit.headers.link)!);
    expect(tail.body).toHaveLength(41);
    // Newest first throughout.
    const ids = [...audit.body, ...tail.body].map((row) => row.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });
});

describe('incident lists', () => {
  it('count the contracts in scope instead of listing them, as GET /incidents/:id resolves them', async () => {
    const e1 = (await seedContract(t, { region: 'jp-east' })).contractId;
    const e2 = (await seedContract(t, { region: 'jp-east' })).contractId;
    const w1 = (await seedContract(t, { region: 'jp-west' })).contractId;
    const eastOption = [
      {
        kind: 'multi-region',
        regions: ['jp-east'],
        monthlyFee: 20000,
        billingStartDate: '2025-06-01',
      },
    ];
    const w2 = (
      await seedContract(t, { region: 'jp-west', options: eastOption })
    ).contractId;
    const w3 = (await seedContract(t, { region: 'jp-west' })).contractId;
    const scopes: [object, number][] = [
      [{ regions: ['jp-east'] }, 3], // e1, e2, w2 (its option)
      [{ regions: ['jp-east'], excludeContractIds: [e1] }, 2],
      [{ regions: ['jp-west'], contractIds: [e1] }, 4], // w1, w2, w3, e1
      [
        {
          regions: ['jp-east', 'jp-west'],
          contractIds: [e1],
          excludeContractIds: [w3, e2],
        },
        3,
      ],
      [{ contractIds: [e1, w1], excludeContractIds: [w1] }, 1],
      [{ regions: ['jp-east'], contractIds: [w2] }, 3], // w2 is already in jp-east
      [{ contractIds: [w3] }, 1],
    ];
    const created: string[] = [];
    for (const [scope] of scopes)
      created.push(
        (
          await t
            .as('support')
            .post('/incidents', {
              title: 'Down',
              cause: 'provider',
              severity: 'total',
              scope,
              awareAt: '2026-01-10T10:00:00+09:00',
              intervals: [{ start: '2026-01-10T10:00:00+09:00' }],
            })
            .expect(201)
        ).body.id,
      );
    const list = (await t.as('finance').get('/incidents').expect(200))
      .body as Record<string, unknown>[];
    expect(list).toHaveLength(scopes.length);
    const detail = new Map<string, string[]>();
    for (const id of created)
      detail.set(
        id,
        (await t.as('finance').get(`/incidents/${id}`).expect(200)).body
          .affectedContractIds,
      );
    created.forEach((id, i) => {
      const item = list.find((incident) => incident.id === id)!;
      expect(item).not.toHaveProperty('affectedContractIds');
      expect(item.affectedContractCount).toBe(scopes[i]![1]);
      expect(item.affectedContractCount).toBe(detail.get(id)!.length);
    });

    // The contract filter agrees with the resolved scopes (rule 2), with paging.
    for (const contractId of [e1, e2, w1, w2, w3]) {
      const expected = created
        .filter((id) => detail.get(id)!.includes(contractId))
        .sort();
      const pages = await pagesOf(
        'support',
        `/incidents?contractId=${contractId}`,
        2,
      );
      expect(idsOf(pages.flat()).sort()).toEqual(expected);
    }
    expect(
      (await t.as('support').get('/incidents?contractId=no-such').expect(200))
        .body,
    ).toEqual([]);
  });
});

describe('the OpenAPI document', () => {
  it('describes limit, cursor and the Link header on every list', async () => {
    const doc = (await t.as('admin').get('/openapi.json').expect(200)).body;
    const lists = [
      '/users',
      '/customers',
      '/contracts',
      '/incidents',
      '/claims',
      '/usage',
      '/contracts/{id}/usage',
      '/audit',
    ];
    for (const path of lists) {
      const get = doc.paths[path].get;
      const names = get.parameters
        .filter((p: { in: string }) => p.in === 'query')
        .map((p: { name: string }) => p.name);
      expect(names, path).toEqual(expect.arrayContaining(['limit', 'cursor']));
      expect(get.responses['200'].headers, path).toHaveProperty('Link');
      expect(get.responses['200'].content['application/json'].schema.type).toBe(
        'array',
      );
    }
    const limit = doc.paths['/claims'].get.parameters.find(
      (p: { name: string }) => p.name === 'limit',
    );
    expect(limit.schema).toMatchObject({
      minimum: 1,
      maximum: 1000,
      default: 100,
    });
    // Only lists have the header.
    expect(
      doc.paths['/claims/{id}'].get.responses['200'].headers,
    ).toBeUndefined();
  });
});
