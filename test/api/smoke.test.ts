import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, seedContract, type TestApp } from '../support/app';

let t: TestApp;
afterEach(() => t?.close());

describe('incident to claim', () => {
  it('derives the outage of API.md and accepts a claim for it', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
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
    const outages = await t
      .as('support')
      .get(`/contracts/${contractId}/outages`)
      .expect(200);
    expect(outages.body.outages).toHaveLength(1);
    expect(outages.body.outages[0]).toMatchObject({
      unavailableMs: 189000000,
      creditDays: 2,
      creditAmount: 6666,
      claimDeadline: '2026-04-12',
      claimStatus: 'claimable',
    });
    const claim = await t
      .as('support')
      .post('/claims', { contractId, outageStart: '2026-01-10T01:00:00.000Z' })
      .expect(201);
    expect(claim.body.status).toBe('pending-approval');
    const after = await t
      .as('support')
      .get(`/contracts/${contractId}/outages`)
      .expect(200);
    expect(after.body.outages[0].claimStatus).toBe('claimed');
  });
});
