/**
 * Rule 11 for claims over HTTP: a correction that merges, moves, shrinks or removes a claimed outage, a
 * back-dated fee change and a retroactive cancellation. Never two claims for one outage; never a claim
 * left pending on an outage that no longer qualifies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { refreshAwaitingClaims } from '../../src/services/claims';
import { makeTestApp, seedContract, type TestApp } from '../support/app';

let t: TestApp;
afterEach(() => t?.close());

const named = (
  contractId: string,
  awareAt: string,
  intervals: { start: string; end?: string }[],
) => ({
  title: 'Gateway down',
  cause: 'provider',
  severity: 'total',
  scope: { contractIds: [contractId] },
  awareAt,
  intervals,
});

async function claimsOf(contractId: string) {
  return (
    await t.as('support').get(`/claims?contractId=${contractId}`).expect(200)
  ).body as {
    id: string;
    status: string;
    outageStart: string;
    resolution: string | null;
    outage: { creditAmount: number; qualifies: boolean };
  }[];
}

describe('claims after corrections', () => {
  it('a correction merging two claimed outages leaves one open claim and rejects the other, saying why', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t);
    // 01-05 00:00 → 01-06 12:00 and 01-07 00:00 → 01-08 12:00 JST: 36 h each, one day, ¥3,333 each.
    const first = (
      await t
        .as('support')
        .post(
          '/incidents',
          named(contractId, '2026-01-05T00:00:00+09:00', [
            {
              start: '2026-01-05T00:00:00+09:00',
              end: '2026-01-06T12:00:00+09:00',
            },
          ]),
        )
        .expect(201)
    ).body.id;
    await t
      .as('support')
      .post(
        '/incidents',
        named(contractId, '2026-01-07T00:00:00+09:00', [
          {
            start: '2026-01-07T00:00:00+09:00',
            end: '2026-01-08T12:00:00+09:00',
          },
        ]),
      )
      .expect(201);
    const a = (
      await t
        .as('support')
        .post('/claims', {
          contractId,
          outageStart: '2026-01-04T15:00:00.000Z',
        })
        .expect(201)
    ).body.id;
    const b = (
      await t
        .as('support')
        .post('/claims', {
          contractId,
          outageStart: '2026-01-06T15:00:00.000Z',
        })
        .expect(201)
    ).body.id;

    await t
      .as('support')
      .patch(`/incidents/${first}`, {
        intervals: [
          {
            start: '2026-01-05T00:00:00+09:00',
            end: '2026-01-07T00:00:00+09:00',
          },
        ],
        reason: 'it lasted until the second began',
      })
      .expect(200);
    const after = await claimsOf(contractId);
    // One outage of 84 h: three days, ¥10,000, owed once.
    expect(after.find((c) => c.id === a)).toMatchObject({
      status: 'pending-approval',
      resolution: null,
      outage: { creditAmount: 10000 },
    });
    expect(after.find((c) => c.id === b)).toMatchObject({ status: 'rejected' });
    expect(after.find((c) => c.id === b)!.resolution).toContain(a);
    expect(after.filter((c) => c.status !== 'rejected')).toHaveLength(1);
  });

  it('a claim stays with its outage when a correction moves its start, so the outage cannot be claimed twice', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t);
    const id = (
      await t
        .as('support')
        .post(
          '/incidents',
          named(contractId, '2026-01-10T10:30:00+09:00', [
            {
              start: '2026-01-10T10:00:00+09:00',
              end: '2026-01-12T15:00:00+09:00',
            },
          ]),
        )
        .expect(201)
    ).body.id;
    const claim = (
      await t
        .as('support')
        .post('/claims', {
          contractId,
          outageStart: '2026-01-10T01:00:00.000Z',
        })
        .expect(201)
    ).body.id;
    await t
      .as('support')
      .patch(`/incidents/${id}`, {
        intervals: [
          {
            start: '2026-01-10T12:00:00+09:00',
            end: '2026-01-12T15:00:00+09:00',
          },
        ],
        awareAt: '2026-01-10T12:00:00+09:00',
        reason: 'started later',
      })
      .expect(200);
    // A separate one-hour blip where the outage used to start.
    await t
      .as('support')
      .post(
        '/incidents',
        named(contractId, '2026-01-10T10:00:00+09:00', [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-10T11:00:00+09:00',
          },
        ]),
      )
      .expect(201);

    const [stored] = await claimsOf(contractId);
    expect(stored).toMatchObject({
      id: claim,
      status: 'pending-approval',
      outageStart: '2026-01-10T03:00:00.000Z',
    });
    const outages = (
      await t.as('support').get(`/contracts/${contractId}/outages`).expect(200)
    ).body.outages;
    expect(
      outages.map((o: { start: string; claimStatus: string }) => [
        o.start,
        o.claimStatus,
      ]),
    ).toEqual([
      ['2026-01-10T01:00:00.000Z', 'not-qualifying'],
      ['2026-01-10T03:00:00.000Z', 'claimed'],
    ]);
    await t
      .as('support')
      .post('/claims', { contractId, outageStart: '2026-01-10T03:00:00.000Z' })
      .expect(409);
  });

  it('rejects a claim whose outage a correction shrinks below 24 h, and reinstates it when another makes it qualify again', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t);
    const id = (
      await t
        .as('support')
        .post(
          '/incidents',
          named(contractId, '2026-01-10T10:30:00+09:00', [
            {
              start: '2026-01-10T10:00:00+09:00',
              end: '2026-01-12T15:00:00+09:00',
            },
          ]),
        )
        .expect(201)
    ).body.id;
    const claim = (
      await t
        .as('support')
        .post('/claims', {
          contractId,
          outageStart: '2026-01-10T01:00:00.000Z',
        })
        .expect(201)
    ).body.id;

    const shortened = {
      intervals: [
        {
          start: '2026-01-10T10:00:00+09:00',
          end: '2026-01-10T15:00:00+09:00',
        },
      ],
      reason: 'it was only five hours',
    };
    const preview = await t
      .as('support')
      .post(`/incidents/${id}/preview`, shortened)
      .expect(200);
    expect(preview.body.contracts[0].claimChanges).toEqual([
      {
        claimId: claim,
        from: 'pending-approval',
        to: 'rejected',
        resolution:
          'after a correction the outage no longer qualifies: its unavailable time is 4 h 30 min',
      },
    ]);
    expect((await claimsOf(contractId))[0]!.status).toBe('pending-approval');
    await t.as('support').patch(`/incidents/${id}`, shortened).expect(200);
    let [stored] = await claimsOf(contractId);
    expect(stored).toMatchObject({
      id: claim,
      status: 'rejected',
      outage: { qualifies: false, creditAmount: 0 },
    });
    expect(stored!.resolution).toMatch(/no longer qualifies/);

    const restored = {
      intervals: [
        {
          start: '2026-01-10T10:00:00+09:00',
          end: '2026-01-12T15:00:00+09:00',
        },
      ],
      reason: 'the first correction was wrong',
    };
    const restoring = await t
      .as('support')
      .post(`/incidents/${id}/preview`, restored)
      .expect(200);
    expect(restoring.body.contracts[0].outages[0].claimStatus).toBe('claimed');
    expect(restoring.body.contracts[0].claimChanges).toEqual([
      {
        claimId: claim,
        from: 'rejected',
        to: 'pending-approval',
        resolution: null,
      },
    ]);
    await t.as('support').patch(`/incidents/${id}`, restored).expect(200);
    [stored] = await claimsOf(contractId);
    expect(stored).toMatchObject({
      id: claim,
      status: 'pending-approval',
      resolution: null,
      outage: { creditAmount: 6666 },
    });
  });

  it('a back-dated fee change updates the open claim’s amount', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t);
    await t
      .as('support')
      .post(
        '/incidents',
        named(contractId, '2026-01-10T10:30:00+09:00', [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-12T15:00:00+09:00',
          },
        ]),
      )
      .expect(201);
    await t
      .as('support')
      .post('/claims', { contractId, outageStart: '2026-01-10T01:00:00.000Z' })
      .expect(201);
    await t
      .as('admin')
      .post(`/contracts/${contractId}/fee-changes`, {
        effectiveDate: '2026-01-01',
        monthlyFee: 300000,
      })
      .expect(201);
    // 2 days × ¥300,000 / 30 = ¥20,000.
    expect((await claimsOf(contractId))[0]).toMatchObject({
      status: 'pending-approval',
      outage: { creditAmount: 20000 },
    });
  });

  it('a cancellation effective before the outage removes it, and the claim is rejected for that reason', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t, {
      billingStartDate: '2025-11-01',
    });
    await t
      .as('support')
      .post(
        '/incidents',
        named(contractId, '2026-01-10T10:30:00+09:00', [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-12T15:00:00+09:00',
          },
        ]),
      )
      .expect(201);
    await t
      .as('support')
      .post('/claims', { contractId, outageStart: '2026-01-10T01:00:00.000Z' })
      .expect(201);
    // Notice received 2025-12-01 (recorded late): effective 2025-12-31, before the outage.
    await t
      .as('support')
      .post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2025-12-01',
      })
      .expect(201);
    const [stored] = await claimsOf(contractId);
    expect(stored).toMatchObject({
      status: 'rejected',
      resolution: 'a correction removed its outage',
    });
  });
});

describe('query strings', () => {
  it('reads an unencoded + in asOf as the offset it was, and names an unknown query parameter', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t);
    const plain = await t
      .as('support')
      .get(`/contracts/${contractId}/outages?asOf=2026-01-15T00:00:00+09:00`)
      .expect(200);
    expect(plain.body.asOf).toBe('2026-01-14T15:00:00.000Z');
    const typo = await t
      .as('support')
      .get(`/contracts/${contractId}/outages?asof=2026-01-15T00:00:00Z`)
      .expect(422);
    expect(typo.body.errors).toEqual([
      { path: 'query.asof', message: 'is not a known field' },
    ]);
  });
});

describe('claims awaiting the end of an outage', () => {
  it('move on when the contract’s active period ends the outage, with no write in between', async () => {
    t = makeTestApp({ now: '2026-01-20T00:00:00+09:00' });
    const { contractId } = await seedContract(t, {
      billingStartDate: '2025-04-01',
    });
    await t
      .as('support')
      .post(
        '/incidents',
        named(contractId, '2026-01-10T10:00:00+09:00', [
          { start: '2026-01-10T10:00:00+09:00' },
        ]),
      )
      .expect(201);
    // Notice 2025-12-22 → the contract ends with 2026-01-21 (JST); the outage is still going on.
    await t
      .as('support')
      .post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2025-12-22',
      })
      .expect(201);
    const claimId = (
      await t
        .as('support')
        .post('/claims', {
          contractId,
          outageStart: '2026-01-10T01:00:00.000Z',
        })
        .expect(201)
    ).body.id;
    expect((await claimsOf(contractId))[0]!.status).toBe('awaiting-resolution');

    t.setNow('2026-01-22T00:00:00.001+09:00');
    const system = {
      store: t.store,
      clock: t.now,
      config: { policy: DEFAULT_POLICY, regions: ['jp-east', 'jp-west'] },
      actor: { userId: 'system', role: 'admin' as const, customerId: null },
    };
    refreshAwaitingClaims(system);
    // 10:00 JST 01-10 to 00:00 JST 01-22: 11 days 14 h → 11 credit days, ¥36,666; claimable from 01-22.
    const [claim] = await claimsOf(contractId);
    expect(claim).toMatchObject({
      id: claimId,
      status: 'pending-approval',
      outage: {
        ongoing: false,
        end: '2026-01-21T15:00:00.000Z',
        creditDays: 11,
        creditAmount: 36666,
        claimableFrom: '2026-01-22',
      },
    });
  });
});

describe('claims on outages still going on', () => {
  const system = () => ({
    store: t.store,
    clock: t.now,
    config: { policy: DEFAULT_POLICY, regions: ['jp-east', 'jp-west'] },
    actor: { userId: 'system', role: 'admin' as const, customerId: null },
  });

  it('a claim a correction rejected comes back when the ongoing outage grows past 24 h again, and blocks a second claim', async () => {
    t = makeTestApp({ now: '2026-01-11T06:00:00+09:00' });
    const { contractId } = await seedContract(t);
    const id = (
      await t
        .as('support')
        .post(
          '/incidents',
          named(contractId, '2026-01-10T00:00:00+09:00', [
            { start: '2026-01-10T00:00:00+09:00' },
          ]),
        )
        .expect(201)
    ).body.id;
    const claim = (
      await t
        .as('support')
        .post('/claims', {
          contractId,
          outageStart: '2026-01-09T15:00:00.000Z',
        })
        .expect(201)
    ).body.id;
    // Known only from 10:00: 20 h so far, under 24 h.
    await t
      .as('support')
      .patch(`/incidents/${id}`, {
        awareAt: '2026-01-10T10:00:00+09:00',
        reason: 'we learnt of it at 10:00',
      })
      .expect(200);
    expect((await claimsOf(contractId))[0]).toMatchObject({
      id: claim,
      status: 'rejected',
    });

    t.setNow('2026-01-12T00:00:00+09:00');
    refreshAwaitingClaims(system());
    expect((await claimsOf(contractId))[0]).toMatchObject({
      id: claim,
      status: 'awaiting-resolution',
      resolution: null,
    });
    const second = await t
      .as('support')
      .post('/claims', { contractId, outageStart: '2026-01-09T15:00:00.000Z' })
      .expect(409);
    expect(second.body.claimId).toBe(claim);
  });

  it('a claim stays with the outage it was filed for when a correction splits an ongoing outage', async () => {
    t = makeTestApp({ now: '2026-01-11T06:00:00+09:00' });
    const { contractId } = await seedContract(t);
    const id = (
      await t
        .as('support')
        .post(
          '/incidents',
          named(contractId, '2026-01-10T00:00:00+09:00', [
            { start: '2026-01-10T00:00:00+09:00' },
          ]),
        )
        .expect(201)
    ).body.id;
    const claim = (
      await t
        .as('support')
        .post('/claims', {
          contractId,
          outageStart: '2026-01-09T15:00:00.000Z',
        })
        .expect(201)
    ).body.id;
    t.setNow('2026-01-15T00:00:00+09:00');
    await t
      .as('support')
      .patch(`/incidents/${id}`, {
        intervals: [
          {
            start: '2026-01-10T00:00:00+09:00',
            end: '2026-01-11T06:00:00+09:00',
          },
          {
            start: '2026-01-11T12:00:00+09:00',
            end: '2026-01-14T12:00:00+09:00',
          },
        ],
        reason: 'service came back at 06:00 and failed again at 12:00',
      })
      .expect(200);
    // The first outage: 30 h, one day, ¥3,333.
    expect((await claimsOf(contractId))[0]).toMatchObject({
      id: claim,
      status: 'pending-approval',
      outageStart: '2026-01-09T15:00:00.000Z',
      outage: { creditAmount: 3333 },
    });
  });

  it('looking again at an awaiting claim whose outage only grew writes nothing', async () => {
    t = makeTestApp({ now: '2026-01-11T06:00:00+09:00' });
    const { contractId } = await seedContract(t);
    await t
      .as('support')
      .post(
        '/incidents',
        named(contractId, '2026-01-10T00:00:00+09:00', [
          { start: '2026-01-10T00:00:00+09:00' },
        ]),
      )
      .expect(201);
    const claim = (
      await t
        .as('support')
        .post('/claims', {
          contractId,
          outageStart: '2026-01-09T15:00:00.000Z',
        })
        .expect(201)
    ).body.id;
    const entries = async () =>
      (
        await t
          .as('admin')
          .get(`/audit?entityType=claim&entityId=${claim}`)
          .expect(200)
      ).body.length;
    const before = await entries();
    for (const hour of ['07', '08', '09']) {
      t.setNow(`2026-01-11T${hour}:00:00+09:00`);
      refreshAwaitingClaims(system());
    }
    expect(await entries()).toBe(before);
  });
});
