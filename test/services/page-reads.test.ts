/**
 * What the web pages read besides the API's lists, each bounded by what the page shows: names of the rows
 * on a page, the figures of a dashboard in one query, the contract search, claims newest first, and one
 * page of the contracts an incident affects.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import type { Role } from '../../src/domain/roles';
import { claimTotals, listClaims } from '../../src/services/claims';
import {
  contractIdsByNumber,
  contractNumbersOf,
  countContracts,
  listContracts,
} from '../../src/services/contracts';
import { customerNamesOf } from '../../src/services/customers';
import {
  getIncident,
  getIncidentWithAffected,
} from '../../src/services/incidents';
import type { PageRequest } from '../../src/services/paging';
import {
  makeTestApp,
  seedContract,
  seedOutage,
  type TestApp,
} from '../support/app';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp({ now: '2026-03-01T12:00:00+09:00' });
});
afterEach(() => t.close());

const as = (role: Role, customerId: string | null = null) => ({
  store: t.store,
  clock: t.now,
  config: { policy: DEFAULT_POLICY, regions: ['jp-east', 'jp-west'] },
  actor: { userId: 'u', role, customerId },
});

/** Every item of a list, following its cursors. */
function everyPage<T>(
  list: (request: PageRequest) => { items: T[]; nextCursor: string | null },
  limit: number,
): T[] {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = list({ limit, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}

async function customerWithContract(name: string, contractNumber: string) {
  const customer = await t.as('admin').post('/customers', { name }).expect(201);
  const contract = await t
    .as('admin')
    .post('/contracts', {
      customerId: customer.body.id,
      contractNumber,
      licenses: 500,
      concurrentDevices: 2000,
      servers: 2,
      region: 'jp-east',
      redundancy: true,
      billingStartDate: '2025-04-01',
      monthlyFee: 30000,
    })
    .expect(201);
  return { customerId: customer.body.id, contractId: contract.body.id };
}

describe('names of the rows on a page', () => {
  it('contract numbers by id and ids by number: unknown ones left out, a customer sees its own only', async () => {
    const mine = await customerWithContract('Mine K.K.', 'FM-1');
    const theirs = await customerWithContract('Theirs K.K.', 'FM-2');
    const ids = [mine.contractId, theirs.contractId, 'no-such-contract'];
    expect(contractNumbersOf(as('support'), ids)).toEqual(
      new Map([
        [mine.contractId, 'FM-1'],
        [theirs.contractId, 'FM-2'],
      ]),
    );
    expect(contractNumbersOf(as('customer', mine.customerId), ids)).toEqual(
      new Map([[mine.contractId, 'FM-1']]),
    );
    expect(contractIdsByNumber(as('support'), ['FM-2', 'FM-9'])).toEqual(
      new Map([['FM-2', theirs.contractId]]),
    );
    expect(
      contractIdsByNumber(as('customer', mine.customerId), ['FM-1', 'FM-2']),
    ).toEqual(new Map([['FM-1', mine.contractId]]));
    expect(customerNamesOf(as('finance'), [theirs.customerId, 'x'])).toEqual(
      new Map([[theirs.customerId, 'Theirs K.K.']]),
    );
  });

  it('takes more ids than SQLite takes host parameters in one statement', async () => {
    const { contractId, customerId } = await customerWithContract(
      'Many K.K.',
      'FM-1',
    );
    const ids = [
      ...Array.from({ length: 40_000 }, (_, i) => `missing-${i}`),
      contractId,
    ];
    expect(contractNumbersOf(as('admin'), ids)).toEqual(
      new Map([[contractId, 'FM-1']]),
    );
    expect(customerNamesOf(as('admin'), [...ids, customerId]).size).toBe(1);
  });
});

describe('the contract search', () => {
  it('finds a part of the contract number or of the customer’s name, ASCII letters in any case; % and _ are themselves', async () => {
    await customerWithContract('Hamakaze Unyu', 'FM-2025-0101');
    await customerWithContract('浜風運輸株式会社', 'FM-2025-0102');
    await customerWithContract('100% Pure K.K.', 'FM-2026-0001');
    await customerWithContract('Other K.K.', 'XX_1');
    const numbers = (search: string) =>
      everyPage(
        (request) => listContracts(as('support'), { search, ...request }),
        1,
      ).map((contract) => contract.contractNumber);
    expect(numbers('2025')).toEqual(['FM-2025-0101', 'FM-2025-0102']);
    expect(numbers('hamakaze')).toEqual(['FM-2025-0101']);
    expect(numbers('運輸')).toEqual(['FM-2025-0102']);
    expect(numbers('fm-2026')).toEqual(['FM-2026-0001']);
    expect(numbers('%')).toEqual(['FM-2026-0001']);
    expect(numbers('_')).toEqual(['XX_1']);
    expect(numbers('nothing like it')).toEqual([]);
  });

  it('a customer searches among its own contracts; the count is of its own', async () => {
    const mine = await customerWithContract('Mine K.K.', 'FM-1');
    await customerWithContract('Mine Too K.K.', 'FM-2');
    const ctx = as('customer', mine.customerId);
    expect(
      listContracts(ctx, { search: 'Mine', limit: 10 }).items.map(
        (contract) => contract.contractNumber,
      ),
    ).toEqual(['FM-1']);
    expect(countContracts(ctx)).toBe(1);
    expect(countContracts(as('support'))).toBe(2);
  });
});

describe('claims on the pages', () => {
  it('newest first, with cursors of their own; the filing order’s cursors are refused', async () => {
    const { contractId } = await seedContract(t);
    const starts: string[] = [];
    for (const day of ['2026-02-01', '2026-02-05', '2026-02-09']) {
      starts.push(await seedOutage(t, contractId, day, 30));
      await t
        .as('support')
        .post('/claims', { contractId, outageStart: starts.at(-1) })
        .expect(201);
      t.setNow(t.now() + 1000);
    }
    const newest = everyPage(
      (request) => listClaims(as('support'), { newestFirst: true, ...request }),
      2,
    );
    expect(newest.map((claim) => claim.outageStart)).toEqual(
      [...starts].reverse(),
    );
    const filing = listClaims(as('support'), { limit: 1 });
    expect(() =>
      listClaims(as('support'), {
        newestFirst: true,
        limit: 1,
        cursor: filing.nextCursor!,
      }),
    ).toThrow(/cursor/);
  });

  it('counts and sums each status in one query, every status listed; a customer counts its own', async () => {
    const mine = await customerWithContract('Mine K.K.', 'FM-1');
    const theirs = await customerWithContract('Theirs K.K.', 'FM-2');
    // 30 h and 50 h: one and two credit days of ¥30,000 / 30 = ¥1,000 each.
    for (const [contractId, hours] of [
      [mine.contractId, 30],
      [theirs.contractId, 50],
    ] as const) {
      const outageStart = await seedOutage(t, contractId, '2026-02-01', hours);
      await t
        .as('support')
        .post('/claims', { contractId, outageStart })
        .expect(201);
    }
    const all = claimTotals(as('finance'));
    expect(all['pending-approval']).toEqual({ count: 2, amount: 3000 });
    expect(all['awaiting-resolution']).toEqual({ count: 0, amount: 0 });
    expect(Object.keys(all).sort()).toEqual([
      'approved',
      'awaiting-resolution',
      'pending-approval',
      'rejected',
    ]);
    expect(
      claimTotals(as('customer', mine.customerId))['pending-approval'],
    ).toEqual({ count: 1, amount: 1000 });
    // The amounts are those the claims list shows.
    expect(
      listClaims(as('finance'), { limit: 10 }).items.reduce(
        (sum, claim) => sum + (claim.outage?.creditAmount ?? 0),
        0,
      ),
    ).toBe(3000);
  });
});

describe('the contracts an incident affects', () => {
  it('come a page at a time by contract number, the same contracts the incident names', async () => {
    const numbers = ['E-05', 'E-01', 'E-04', 'E-02', 'E-03'];
    for (const number of numbers)
      await seedContract(t, { contractNumber: number, region: 'jp-east' });
    await seedContract(t, { contractNumber: 'W-01', region: 'jp-west' });
    const created = await t
      .as('support')
      .post('/incidents', {
        title: 'east down',
        cause: 'provider',
        severity: 'total',
        scope: { regions: ['jp-east'] },
        awareAt: '2026-02-01T00:00:00+09:00',
        intervals: [{ start: '2026-02-01T00:00:00+09:00' }],
      })
      .expect(201);
    const ctx = as('support');
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const { incident, affected } = getIncidentWithAffected(
        ctx,
        created.body.id,
        { limit: 2, cursor },
      );
      expect(incident).toEqual(getIncident(ctx, created.body.id));
      pages.push(affected.items.map((contract) => contract.contractNumber));
      cursor = affected.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(pages).toEqual([['E-01', 'E-02'], ['E-03', 'E-04'], ['E-05']]);
  });
});
