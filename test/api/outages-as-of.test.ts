/** GET /contracts/:id/outages?asOf=<past>: a read of the past never sees a claim received or recorded later. */
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, seedContract, type TestApp } from '../support/app';

let t: TestApp;
afterEach(() => t?.close());

const OUTAGE_START = '2026-01-10T01:00:00.000Z';

async function statusAsOf(contractId: string, asOf?: string) {
  const query = asOf === undefined ? '' : `?asOf=${encodeURIComponent(asOf)}`;
  const body = (
    await t
      .as('support')
      .get(`/contracts/${contractId}/outages${query}`)
      .expect(200)
  ).body;
  return body.outages.map((o: { claimStatus: string }) => o.claimStatus);
}

/** 10:00 JST 10 Jan to 15:00 JST 12 Jan, known from 10:30: 52 h 30 min, claimable from the 12th. */
async function endedOutage() {
  const { contractId } = await seedContract(t);
  await t
    .as('support')
    .post('/incidents', {
      title: 'Gateway down',
      cause: 'provider',
      severity: 'total',
      scope: { contractIds: [contractId] },
      awareAt: '2026-01-10T10:30:00+09:00',
      intervals: [
        {
          start: '2026-01-10T10:00:00+09:00',
          end: '2026-01-12T15:00:00+09:00',
        },
      ],
    })
    .expect(201);
  return contractId;
}

describe('outages as of an instant in the past', () => {
  it('show an outage claimed only from the instant its claim was received', async () => {
    t = makeTestApp({ now: '2026-01-20T12:00:00+09:00' });
    const contractId = await endedOutage();
    await t
      .as('support')
      .post('/claims', { contractId, outageStart: OUTAGE_START })
      .expect(201);

    expect(await statusAsOf(contractId, '2026-01-15T00:00:00+09:00')).toEqual([
      'claimable',
    ]);
    expect(
      await statusAsOf(contractId, '2026-01-20T11:59:59.999+09:00'),
    ).toEqual(['claimable']);
    expect(await statusAsOf(contractId, '2026-01-20T12:00:00+09:00')).toEqual([
      'claimed',
    ]);
    expect(await statusAsOf(contractId)).toEqual(['claimed']);
  });

  it('count a claim that came by mail from when it was both received and recorded', async () => {
    t = makeTestApp({ now: '2026-01-20T12:00:00+09:00' });
    const contractId = await endedOutage();
    // Received by mail on the 14th, recorded by support on the 20th.
    await t
      .as('support')
      .post('/claims', {
        contractId,
        outageStart: OUTAGE_START,
        receivedAt: '2026-01-14T09:00:00+09:00',
      })
      .expect(201);

    expect(await statusAsOf(contractId, '2026-01-13T00:00:00+09:00')).toEqual([
      'claimable',
    ]);
    // Received by then, but nobody here knew of it yet.
    expect(await statusAsOf(contractId, '2026-01-16T00:00:00+09:00')).toEqual([
      'claimable',
    ]);
    expect(await statusAsOf(contractId, '2026-01-20T12:00:00+09:00')).toEqual([
      'claimed',
    ]);
  });
});
