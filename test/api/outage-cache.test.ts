/**
 * The read model keeps each contract's outage sources in memory (src/services/outage-cache.ts). Every kind
 * of write that can change a contract's outages must show in the very next read: each test reads first
 * (so the cache holds the contract), writes through the API, and reads again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { contractOutagesAsOf } from '../../src/services/contract-outages';
import { outageCacheOf } from '../../src/services/outage-cache';
import {
  makeTestApp,
  seedContract,
  seedOutage,
  type TestApp,
} from '../support/app';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
});
afterEach(() => t.close());

const outagesOf = async (contractId: string) =>
  (await t.as('finance').get(`/contracts/${contractId}/outages`).expect(200))
    .body.outages;

/** The outages' [start, end, creditAmount], read twice: the second read comes from the cache. */
async function filled(contractId: string) {
  await outagesOf(contractId);
  return (await outagesOf(contractId)).map(brief);
}

const brief = (outage: {
  start: string;
  end: string | null;
  creditAmount: number;
}) => [outage.start, outage.end, outage.creditAmount];

const incident = (scope: object, start: string, end: string | null) => ({
  title: 'Gateway down',
  cause: 'provider',
  severity: 'total',
  scope,
  awareAt: start,
  intervals: [{ start, ...(end === null ? {} : { end }) }],
});

describe('a read right after a write shows it', () => {
  it('an incident naming the contract', async () => {
    const { contractId } = await seedContract(t);
    expect(await filled(contractId)).toEqual([]);
    await t
      .as('support')
      .post(
        '/incidents',
        incident(
          { contractIds: [contractId] },
          '2026-01-10T00:00:00+09:00',
          '2026-01-12T00:00:00+09:00',
        ),
      )
      .expect(201);
    expect((await outagesOf(contractId)).map(brief)).toEqual([
      ['2026-01-09T15:00:00.000Z', '2026-01-11T15:00:00.000Z', 6666],
    ]);
  });

  it("an incident naming one of the contract's regions", async () => {
    const { contractId } = await seedContract(t, { region: 'jp-west' });
    expect(await filled(contractId)).toEqual([]);
    await t
      .as('support')
      .post(
        '/incidents',
        incident(
          { regions: ['jp-west'] },
          '2026-01-10T00:00:00+09:00',
          '2026-01-12T00:00:00+09:00',
        ),
      )
      .expect(201);
    expect((await outagesOf(contractId)).map(brief)).toEqual([
      ['2026-01-09T15:00:00.000Z', '2026-01-11T15:00:00.000Z', 6666],
    ]);
  });

  it("a correction of an incident's intervals", async () => {
    const { contractId } = await seedContract(t);
    await seedOutage(t, contractId, '2026-01-10', 48);
    const [id] = (await t.as('support').get('/incidents').expect(200)).body.map(
      (row: { id: string }) => row.id,
    );
    expect(await filled(contractId)).toEqual([
      ['2026-01-09T15:00:00.000Z', '2026-01-11T15:00:00.000Z', 6666],
    ]);
    await t
      .as('support')
      .patch(`/incidents/${id}`, {
        intervals: [
          {
            start: '2026-01-10T00:00:00+09:00',
            end: '2026-01-13T00:00:00+09:00',
          },
        ],
        reason: 'it lasted three days',
      })
      .expect(200);
    expect((await outagesOf(contractId)).map(brief)).toEqual([
      ['2026-01-09T15:00:00.000Z', '2026-01-12T15:00:00.000Z', 10000],
    ]);
  });

  it("a correction of an incident's scope: moved to another region, then excluding the contract", async () => {
    const east = await seedContract(t, { region: 'jp-east' });
    const west = await seedContract(t, { region: 'jp-west' });
    const created = await t
      .as('support')
      .post(
        '/incidents',
        incident(
          { regions: ['jp-east'] },
          '2026-01-10T00:00:00+09:00',
          '2026-01-12T00:00:00+09:00',
        ),
      )
      .expect(201);
    expect(await filled(east.contractId)).toHaveLength(1);
    expect(await filled(west.contractId)).toEqual([]);
    await t
      .as('support')
      .patch(`/incidents/${created.body.id}`, {
        scope: { regions: ['jp-west'] },
        reason: 'it was the west',
      })
      .expect(200);
    expect(await outagesOf(east.contractId)).toEqual([]);
    expect(await outagesOf(west.contractId)).toHaveLength(1);
    await t
      .as('support')
      .patch(`/incidents/${created.body.id}`, {
        scope: {
          regions: ['jp-west'],
          excludeContractIds: [west.contractId],
        },
        reason: 'this contract runs on its own line',
      })
      .expect(200);
    expect(await outagesOf(west.contractId)).toEqual([]);
  });

  it('a fee change back-dated before an outage', async () => {
    const { contractId } = await seedContract(t, { monthlyFee: 100_000 });
    await seedOutage(t, contractId, '2026-01-10', 48);
    expect(await filled(contractId)).toEqual([
      ['2026-01-09T15:00:00.000Z', '2026-01-11T15:00:00.000Z', 6666],
    ]);
    await t
      .as('admin')
      .post(`/contracts/${contractId}/fee-changes`, {
        effectiveDate: '2026-01-01',
        monthlyFee: 300_000,
      })
      .expect(201);
    expect((await outagesOf(contractId)).map(brief)).toEqual([
      ['2026-01-09T15:00:00.000Z', '2026-01-11T15:00:00.000Z', 20000],
    ]);
  });

  it('a cancellation that ends the contract before an outage', async () => {
    const { contractId } = await seedContract(t);
    await seedOutage(t, contractId, '2026-01-10', 48);
    expect(await filled(contractId)).toHaveLength(1);
    // Notice 2025-12-01: effective 2025-12-31, before the outage.
    await t
      .as('support')
      .post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2025-12-01',
      })
      .expect(201);
    expect(await outagesOf(contractId)).toEqual([]);
  });

  it("an option's cancellation: without its region the contract is down when its own region is", async () => {
    const { contractId } = await seedContract(t, {
      region: 'jp-east',
      options: [
        {
          kind: 'multi-region',
          regions: ['jp-west'],
          monthlyFee: 20_000,
          billingStartDate: '2025-04-01',
        },
      ],
    });
    await t
      .as('support')
      .post(
        '/incidents',
        incident(
          { regions: ['jp-east'] },
          '2026-01-26T00:00:00+09:00',
          '2026-01-28T00:00:00+09:00',
        ),
      )
      .expect(201);
    expect(await filled(contractId)).toEqual([]);
    const optionId = (
      await t.as('admin').get(`/contracts/${contractId}`).expect(200)
    ).body.options[0].id;
    // Notice 2025-12-25: the option ends 2026-01-24, before the incident.
    await t
      .as('support')
      .post(`/contracts/${contractId}/options/${optionId}/cancellation`, {
        noticeReceivedDate: '2025-12-25',
      })
      .expect(201);
    expect((await outagesOf(contractId)).map(brief)).toEqual([
      ['2026-01-25T15:00:00.000Z', '2026-01-27T15:00:00.000Z', 6666],
    ]);
  });

  it('a claim filed, and its rejection by finance (claims are read afresh)', async () => {
    const { contractId } = await seedContract(t);
    const start = await seedOutage(t, contractId, '2026-01-10', 48);
    expect((await outagesOf(contractId))[0].claimStatus).toBe('claimable');
    expect((await outagesOf(contractId))[0].claimStatus).toBe('claimable');
    const claim = await t
      .as('support')
      .post('/claims', { contractId, outageStart: start })
      .expect(201);
    expect((await outagesOf(contractId))[0].claimStatus).toBe('claimed');
    await t
      .as('finance')
      .post(`/credit-notices/${claim.body.creditNoticeId}/reject`, {
        reason: 'the customer withdrew it',
      })
      .expect(200);
    expect((await outagesOf(contractId))[0].claimStatus).toBe('claimable');
  });
});

describe('time is never frozen', () => {
  it('an ongoing outage grows as the clock moves, and a settled one expires', async () => {
    const { contractId } = await seedContract(t);
    await t
      .as('support')
      .post(
        '/incidents',
        incident(
          { contractIds: [contractId] },
          '2026-01-31T00:00:00+09:00',
          null,
        ),
      )
      .expect(201);
    await seedOutage(t, contractId, '2026-01-10', 48);
    const first = await outagesOf(contractId);
    expect(first.map((outage: { ongoing: boolean }) => outage.ongoing)).toEqual(
      [false, true],
    );
    expect(first[1].unavailableMs).toBe(24 * 3_600_000);
    t.setNow('2026-02-02T00:00:00+09:00');
    expect((await outagesOf(contractId))[1].unavailableMs).toBe(48 * 3_600_000);

    const other = await seedContract(t);
    await seedOutage(t, other.contractId, '2026-01-10', 48);
    const [settled] = await outagesOf(other.contractId);
    expect(settled.claimStatus).toBe('claimable');
    // Claimable through its deadline (JST), expired from 00:00 JST the day after.
    const deadlineEnds = Date.parse(`${settled.claimDeadline}T24:00:00+09:00`);
    t.setNow(deadlineEnds);
    expect((await outagesOf(other.contractId))[0].claimStatus).toBe('expired');
    t.setNow(deadlineEnds - 1);
    expect((await outagesOf(other.contractId))[0].claimStatus).toBe(
      'claimable',
    );
  });
});

describe('what the cache must never keep', () => {
  it('outages read inside a write transaction that then rolls back', async () => {
    const { contractId } = await seedContract(t);
    expect(await filled(contractId)).toEqual([]);
    const ctx = {
      store: t.store,
      config: { policy: DEFAULT_POLICY, regions: ['jp-east', 'jp-west'] },
    };
    expect(() =>
      t.store.sqlite
        .transaction(() => {
          t.store.sqlite
            .prepare(
              `insert into incidents (id, title, cause, severity, aware_at, created_by, created_at, updated_at)
               values ('rolled-back', 'never', 'provider', 'total', ?, (select id from users limit 1), 0, 0)`,
            )
            .run(Date.parse('2026-01-10T00:00:00+09:00'));
          t.store.sqlite
            .prepare(
              `insert into incident_intervals (incident_id, position, start, "end") values ('rolled-back', 0, ?, ?)`,
            )
            .run(
              Date.parse('2026-01-10T00:00:00+09:00'),
              Date.parse('2026-01-12T00:00:00+09:00'),
            );
          t.store.sqlite
            .prepare(
              `insert into incident_scope (incident_id, kind, value) values ('rolled-back', 'contract', ?)`,
            )
            .run(contractId);
          // Read twice inside: the write shows, and nothing of it may outlive the transaction.
          for (let i = 0; i < 2; i++)
            expect(
              contractOutagesAsOf(ctx, contractId, t.now()).outages,
            ).toHaveLength(1);
          throw new Error('roll back');
        })
        .immediate(),
    ).toThrow('roll back');
    expect(await outagesOf(contractId)).toEqual([]);
  });

  it('a refused first write takes nothing with it: the writes after it still show', async () => {
    const { contractId } = await seedContract(t);
    const triggers = () =>
      t.store.sqlite
        .prepare(
          "select count(*) from sqlite_temp_master where type = 'trigger'",
        )
        .pluck()
        .get();
    const installed = triggers();
    expect(installed).toBeGreaterThan(0);
    // Refused inside its transaction, before anything was read through the cache: it rolls back.
    await t
      .as('support')
      .post(
        '/incidents',
        incident(
          { contractIds: ['no-such-contract'] },
          '2026-01-10T00:00:00+09:00',
          '2026-01-12T00:00:00+09:00',
        ),
      )
      .expect(422);
    expect(triggers()).toBe(installed);
    expect(await filled(contractId)).toEqual([]);
    await t
      .as('support')
      .post(
        '/incidents',
        incident(
          { contractIds: [contractId] },
          '2026-01-10T00:00:00+09:00',
          '2026-01-12T00:00:00+09:00',
        ),
      )
      .expect(201);
    expect((await outagesOf(contractId)).map(brief)).toEqual([
      ['2026-01-09T15:00:00.000Z', '2026-01-11T15:00:00.000Z', 6666],
    ]);
  });

  it('more contracts than it may hold: the least recently read are dropped', async () => {
    const contracts = [];
    for (let i = 0; i < 3; i++) contracts.push(await seedContract(t));
    const ctx = {
      store: t.store,
      config: {
        policy: DEFAULT_POLICY,
        regions: ['jp-east', 'jp-west'],
        outageCacheContracts: 2,
      },
    };
    // A fresh store holds no cache yet: the first read makes it with this bound.
    const cache = outageCacheOf(t.store, 2);
    for (const { contractId } of contracts)
      contractOutagesAsOf(ctx, contractId, t.now());
    expect(cache.size).toBe(2);
    expect(cache.get(contracts[0]!.contractId)).toBeUndefined();
    expect(cache.get(contracts[2]!.contractId)).toBeDefined();
  });
});
