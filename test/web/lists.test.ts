/**
 * The pages' lists page through their use cases: each list shows one page and links the next, keeping the
 * page's filters; a link the list cannot read shows the first page and says so; a page's figures count
 * every row, not just those shown.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { createCustomer } from '../../src/services/customers';
import {
  makeTestApp,
  seedContract,
  seedOutage,
  type TestApp,
} from '../support/app';
import { type Browser, browser, logIn, userWithPassword } from './support';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp({ now: '2026-03-01T12:00:00+09:00' });
});
afterEach(() => t.close());

const RESTARTED_JA =
  'このページへのリンクは読み取れませんでした。一覧の最初のページを表示しています。';

/** The page's `rel="next"` link, as a path to GET, or null when there is none. */
const nextOf = (html: string): string | null => {
  const match = /href="([^"]+)" rel="next"/.exec(html);
  return match
    ? match[1]!.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&')
    : null;
};

async function signedIn(role: 'support' | 'finance' | 'admin') {
  const agent = browser(t);
  await logIn(agent, (await userWithPassword(t, role)).email);
  return agent;
}

/** Every page of a list from `path`, following the next links, each page's rows as `rows` finds them. */
async function pagesOf(
  agent: Browser,
  path: string,
  rows: (html: string) => string[],
): Promise<string[][]> {
  const pages: string[][] = [];
  let next: string | null = path;
  while (next !== null) {
    const res = await agent.get(next).expect(200);
    pages.push(rows(res.text));
    next = nextOf(res.text);
    expect(pages.length).toBeLessThan(20);
  }
  return pages;
}

async function regionalIncidents(count: number) {
  await seedContract(t, { contractNumber: 'EAST-1' });
  for (let i = 0; i < count; i++)
    await t
      .as('support')
      .post('/incidents', {
        title: `incident ${String(i).padStart(2, '0')}`,
        cause: 'provider',
        severity: 'total',
        scope: { regions: ['jp-east'] },
        awareAt: `2026-01-${String(i + 1).padStart(2, '0')}T10:00:00+09:00`,
        intervals: [
          {
            start: `2026-01-${String(i + 1).padStart(2, '0')}T10:00:00+09:00`,
            end: `2026-01-${String(i + 1).padStart(2, '0')}T11:00:00+09:00`,
          },
        ],
      })
      .expect(201);
}

const incidentTitles = (html: string) =>
  [...html.matchAll(/>incident (\d\d)</g)].map((m) => m[1]!);

describe('lists page', () => {
  it('the incident list shows 20 at a time, with a next link that keeps the filters', async () => {
    await regionalIncidents(23);
    const agent = await signedIn('support');
    const first = await agent
      .get('/support/incidents?cause=provider')
      .expect(200);
    expect(incidentTitles(first.text)).toHaveLength(20);
    expect(incidentTitles(first.text)[0]).toBe('22');
    const next = nextOf(first.text)!;
    expect(next).toMatch(/^\/support\/incidents\?cause=provider&cursor=/);
    const second = await agent.get(next).expect(200);
    expect(incidentTitles(second.text)).toEqual(['02', '01', '00']);
    expect(nextOf(second.text)).toBeNull();
  });
});

describe('a page link the list cannot read', () => {
  it('shows the first page and says so, whether cut short, made up, or from before the lists paged themselves', async () => {
    await regionalIncidents(3);
    const agent = await signedIn('support');
    const first = await agent.get('/support/incidents?limit=2').expect(200);
    expect(first.text).not.toContain(RESTARTED_JA);
    const next = nextOf(first.text)!;
    const cursor = new URL(next, 'http://x').searchParams.get('cursor')!;
    const incidentId = /href="\/support\/incidents\/([0-9a-f-]+)"/.exec(
      first.text,
    )![1]!;
    for (const bad of [
      cursor.slice(0, -2),
      'not-a-cursor',
      // The pages' own cursors before the merge: the id of the last row shown.
      Buffer.from(incidentId, 'utf8').toString('base64url'),
    ]) {
      const res = await agent
        .get(`/support/incidents?limit=2&cursor=${encodeURIComponent(bad)}`)
        .expect(200);
      expect(res.text, bad).toContain(RESTARTED_JA);
      expect(incidentTitles(res.text)).toEqual(incidentTitles(first.text));
      expect(nextOf(res.text)).toBe(next);
    }
    // A good link still goes on where it left off.
    const second = await agent.get(next).expect(200);
    expect(second.text).not.toContain(RESTARTED_JA);
    expect(incidentTitles(second.text)).toEqual(['00']);
  });

  it('on a page of two lists, only the list whose link is bad starts again', async () => {
    const { contractId } = await seedContract(t, { contractNumber: 'C-1' });
    const starts = [];
    for (const day of ['2026-02-01', '2026-02-05', '2026-02-09']) {
      starts.push(await seedOutage(t, contractId, day, 30));
      await t
        .as('support')
        .post('/claims', { contractId, outageStart: starts.at(-1) })
        .expect(201);
      t.setNow(t.now() + 1000);
    }
    const agent = await signedIn('support');
    const path = `/support/contracts/${contractId}`;
    const outagesNext = nextOf(
      (await agent.get(`${path}?limit=1`).expect(200)).text,
    )!;
    const res = await agent.get(`${outagesNext}&claims=garbage`).expect(200);
    expect(res.text).toContain(RESTARTED_JA);
    const section = (id: string) =>
      new RegExp(`aria-labelledby="${id}"[\\s\\S]*?</section>`).exec(
        res.text,
      )![0];
    const startsIn = (html: string) =>
      [...html.matchAll(/(2026\/02\/\d\d) 00:00 –/g)].map((m) => m[1]);
    // The outages stay on their second page (newest first), the claims start again at their first.
    expect(startsIn(section('outages-title'))).toEqual(['2026/02/05']);
    expect(startsIn(section('claims-title'))).toEqual(['2026/02/09']);
  });
});

describe('lists with filters', () => {
  it('the contract search finds by number or customer, a page at a time, the search kept in the next link', async () => {
    for (const number of ['FM-2025-0003', 'FM-2025-0001', 'FM-2025-0002'])
      await seedContract(t, { contractNumber: number });
    await seedContract(t, { contractNumber: 'XY-1' });
    const agent = await signedIn('support');
    const numbers = (html: string) =>
      [...html.matchAll(/>((?:FM|XY)-[\d-]+)<\/a>/g)].map((m) => m[1]!);
    expect(
      await pagesOf(agent, '/support/contracts?q=fm-2025&limit=2', numbers),
    ).toEqual([['FM-2025-0001', 'FM-2025-0002'], ['FM-2025-0003']]);
    // seedContract's customers are all "Example K.K.".
    expect(
      (await pagesOf(agent, '/support/contracts?q=example&limit=10', numbers))
        .flat()
        .sort(),
    ).toEqual(['FM-2025-0001', 'FM-2025-0002', 'FM-2025-0003', 'XY-1']);
  });

  it('an incident’s contracts come ten at a time, by contract number', async () => {
    const numbers = Array.from(
      { length: 12 },
      (_, i) => `E-${String(12 - i).padStart(2, '0')}`,
    );
    for (const number of numbers)
      await seedContract(t, { contractNumber: number });
    const incident = await t
      .as('support')
      .post('/incidents', {
        title: 'east down',
        cause: 'provider',
        severity: 'total',
        scope: { regions: ['jp-east'] },
        awareAt: '2026-02-01T00:00:00+09:00',
        intervals: [
          {
            start: '2026-02-01T00:00:00+09:00',
            end: '2026-02-02T06:00:00+09:00',
          },
        ],
      })
      .expect(201);
    const agent = await signedIn('support');
    const pages = await pagesOf(
      agent,
      `/support/incidents/${incident.body.id}`,
      (html) => [...html.matchAll(/>(E-\d\d)<\/a><\/th>/g)].map((m) => m[1]!),
    );
    expect(pages).toEqual([
      [...numbers].sort().slice(0, 10),
      [...numbers].sort().slice(10),
    ]);
  });
});

describe('figures beside a list', () => {
  it('finance counts and sums every notice pending approval, while the queue shows one page', async () => {
    // ¥30,000 a month: one credit day is ¥1,000.
    const a = await seedContract(t, {
      contractNumber: 'A-1',
      monthlyFee: 30000,
    });
    const b = await seedContract(t, {
      contractNumber: 'B-1',
      monthlyFee: 30000,
    });
    for (const [contractId, hours] of [
      [a.contractId, 30],
      [b.contractId, 50],
    ] as const) {
      const outageStart = await seedOutage(t, contractId, '2026-02-01', hours);
      await t
        .as('support')
        .post('/claims', { contractId, outageStart })
        .expect(201);
      t.setNow(t.now() + 1000);
    }
    const agent = await signedIn('finance');
    const home = await agent.get('/finance?limit=1').expect(200);
    const stats = [...home.text.matchAll(/<span class="value">([^<]+)</g)].map(
      (m) => m[1],
    );
    // One and two credit days of ¥1,000, and 10 % tax: ¥3,300 in all; nobody has approved either yet.
    expect(stats.slice(0, 3)).toEqual(['2', '￥3,300', '0']);
    const pending = (html: string) =>
      [...html.matchAll(/<th scope="row"[^>]*>([AB]-1)</g)].map((m) => m[1]!);
    // The oldest notice first: the approval queue.
    expect(await pagesOf(agent, '/finance?limit=1', pending)).toEqual([
      ['A-1'],
      ['B-1'],
    ]);
  });

  it('the unclaimed outages, soonest deadline first, page by page with their count and sum', async () => {
    const a = await seedContract(t, {
      contractNumber: 'A-1',
      monthlyFee: 30000,
    });
    const b = await seedContract(t, {
      contractNumber: 'B-1',
      monthlyFee: 30000,
    });
    await seedOutage(t, a.contractId, '2026-02-10', 30); // deadline 2026-05-11
    await seedOutage(t, b.contractId, '2026-01-05', 26); // deadline 2026-04-06
    await seedOutage(t, a.contractId, '2026-01-20', 50); // deadline 2026-04-21
    const agent = await signedIn('finance');
    const rows = (html: string) =>
      [...html.matchAll(/<th scope="row"[^>]*>([AB]-1)<\/th>/g)].map(
        (m) => m[1]!,
      );
    const first = await agent.get('/finance/deadlines?limit=2').expect(200);
    expect(first.text).toContain('<span class="value">3</span>');
    expect(first.text).toContain('￥4,000');
    expect(await pagesOf(agent, '/finance/deadlines?limit=2', rows)).toEqual([
      ['B-1', 'A-1'],
      ['A-1'],
    ]);
  });

  it('a customer’s home counts every claim and open one, and shows the newest few', async () => {
    const { customerId, contractId } = await seedContract(t, {
      contractNumber: 'MINE-1',
    });
    const days = Array.from(
      { length: 7 },
      (_, i) => `2026-01-${String(1 + 4 * i).padStart(2, '0')}`,
    );
    for (const day of days) {
      const outageStart = await seedOutage(t, contractId, day, 30);
      await t
        .as('support')
        .post('/claims', { contractId, outageStart })
        .expect(201);
      t.setNow(t.now() + 1000);
    }
    const agent = browser(t);
    await logIn(
      agent,
      (await userWithPassword(t, 'customer', customerId)).email,
    );
    const home = await agent.get('/portal').expect(200);
    expect(home.text).toContain('すべての請求 (7件) を見る');
    const stats = [...home.text.matchAll(/<span class="value">([^<]+)</g)].map(
      (m) => m[1],
    );
    // One contract, nothing left to claim, seven claims waiting for approval.
    expect(stats).toEqual(['1', '0', '7']);
    // Each claim's row names its outage, from its start.
    const claimed = (html: string) =>
      [...html.matchAll(/(2026\/01\/\d\d) 00:00 –/g)].map((m) => m[1]!);
    // The five newest claims, newest first.
    const recent = claimed(home.text);
    expect(recent).toEqual(
      days
        .slice(2)
        .reverse()
        .map((day) => day.replace(/-/g, '/')),
    );
    const all = await pagesOf(agent, '/portal/claims?limit=4', claimed);
    expect(all.map((page) => page.length)).toEqual([4, 3]);
    expect(all.flat()).toEqual(
      [...days].reverse().map((day) => day.replace(/-/g, '/')),
    );
  });
});

describe('a form that needs every customer', () => {
  it('the user form offers every customer, more than one page of the list holds', async () => {
    const ctx = {
      store: t.store,
      clock: t.now,
      config: { policy: DEFAULT_POLICY, regions: ['jp-east', 'jp-west'] },
      actor: { userId: '', role: 'admin' as const, customerId: null },
    };
    for (let i = 0; i < 1001; i++)
      createCustomer(ctx, { name: `Customer ${String(i).padStart(4, '0')}` });
    const agent = await signedIn('admin');
    const page = await agent.get('/admin/users').expect(200);
    const select = /<select id="customerId"[\s\S]*?<\/select>/.exec(
      page.text,
    )![0];
    const options = [...select.matchAll(/>Customer (\d{4})</g)].map((m) =>
      Number(m[1]),
    );
    expect(options).toEqual(Array.from({ length: 1001 }, (_, i) => i));
  });
});
