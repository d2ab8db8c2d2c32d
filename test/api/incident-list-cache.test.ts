/**
 * The incident list keeps each incident's row (src/services/incident-summaries.ts) and every contract's
 * regions for its counts (src/services/contract-regions.ts) in memory. Each test lists first (so both are
 * kept), writes through the API, and lists again: the write shows at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { listIncidents } from '../../src/services/incidents';
import { makeTestApp, seedContract, type TestApp } from '../support/app';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
});
afterEach(() => t.close());

/** Each listed incident's title, intervals and count of contracts, listed twice (the second from memory). */
async function listed() {
  await t.as('support').get('/incidents').expect(200);
  return (await t.as('support').get('/incidents').expect(200)).body.map(
    (row: {
      title: string;
      intervals: unknown[];
      affectedContractCount: number;
    }) => [row.title, row.intervals.length, row.affectedContractCount],
  );
}

const eastIncident = {
  title: 'East down',
  cause: 'provider',
  severity: 'total',
  scope: { regions: ['jp-east'] },
  awareAt: '2026-01-10T00:00:00+09:00',
  intervals: [
    { start: '2026-01-10T00:00:00+09:00', end: '2026-01-11T00:00:00+09:00' },
  ],
};

const westOption = {
  kind: 'multi-region',
  regions: ['jp-west'],
  monthlyFee: 20_000,
  billingStartDate: '2025-04-01',
};

describe('the incident list right after a write', () => {
  it('counts a new contract in the region, and one with an option there', async () => {
    await seedContract(t, { region: 'jp-east' });
    await t.as('support').post('/incidents', eastIncident).expect(201);
    expect(await listed()).toEqual([['East down', 1, 1]]);
    await seedContract(t, { region: 'jp-east' });
    expect(await listed()).toEqual([['East down', 1, 2]]);
    await seedContract(t, {
      region: 'jp-west',
      options: [{ ...westOption, regions: ['jp-east'] }],
    });
    expect(await listed()).toEqual([['East down', 1, 3]]);
  });

  it('shows a correction of the incident and of its scope', async () => {
    await seedContract(t, { region: 'jp-east' });
    await seedContract(t, { region: 'jp-west' });
    const created = await t
      .as('support')
      .post('/incidents', eastIncident)
      .expect(201);
    expect(await listed()).toEqual([['East down', 1, 1]]);
    await t
      .as('support')
      .patch(`/incidents/${created.body.id}`, {
        title: 'East and west down',
        scope: { regions: ['jp-east', 'jp-west'] },
        intervals: [
          ...eastIncident.intervals,
          {
            start: '2026-01-12T00:00:00+09:00',
            end: '2026-01-12T06:00:00+09:00',
          },
        ],
        reason: 'the west went down too, and again the next day',
      })
      .expect(200);
    expect(await listed()).toEqual([['East and west down', 2, 2]]);
  });

  it('a write inside a transaction that rolls back is never kept', async () => {
    const { contractId } = await seedContract(t, { region: 'jp-east' });
    await t.as('support').post('/incidents', eastIncident).expect(201);
    expect(await listed()).toEqual([['East down', 1, 1]]);
    const ctx = {
      store: t.store,
      clock: t.now,
      config: { policy: DEFAULT_POLICY, regions: ['jp-east', 'jp-west'] },
      actor: { userId: 'u', role: 'support' as const, customerId: null },
    };
    expect(() =>
      t.store.sqlite
        .transaction(() => {
          t.store.sqlite
            .prepare("update contracts set region = 'jp-west' where id = ?")
            .run(contractId);
          t.store.sqlite.prepare("update incidents set title = 'never'").run();
          for (let i = 0; i < 2; i++)
            expect(
              listIncidents(ctx, { limit: 100 }).items.map((row) => [
                row.title,
                row.affectedContractCount,
              ]),
            ).toEqual([['never', 0]]);
          throw new Error('roll back');
        })
        .immediate(),
    ).toThrow('roll back');
    expect(await listed()).toEqual([['East down', 1, 1]]);
  });
});
