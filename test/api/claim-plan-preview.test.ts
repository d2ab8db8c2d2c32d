/** The previews show the claim plan that the save then applies: the same updates, with their reason codes. */
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, seedContract, type TestApp } from '../support/app';

let t: TestApp;
afterEach(() => t?.close());

const named = (contractId: string, start: string, end: string) => ({
  title: 'Gateway down',
  cause: 'provider',
  severity: 'total',
  scope: { contractIds: [contractId] },
  awareAt: start,
  intervals: [{ start, end }],
});

describe('the claim plan in a preview', () => {
  it('lists every update with its reason, and the save writes exactly those', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t);
    // 36 h each, a day apart.
    const first = (
      await t
        .as('support')
        .post(
          '/incidents',
          named(
            contractId,
            '2026-01-05T00:00:00+09:00',
            '2026-01-06T12:00:00+09:00',
          ),
        )
        .expect(201)
    ).body.id;
    await t
      .as('support')
      .post(
        '/incidents',
        named(
          contractId,
          '2026-01-07T00:00:00+09:00',
          '2026-01-08T12:00:00+09:00',
        ),
      )
      .expect(201);
    const file = async (outageStart: string) =>
      (
        await t
          .as('support')
          .post('/claims', { contractId, outageStart })
          .expect(201)
      ).body.id;
    const a = await file('2026-01-04T15:00:00.000Z');
    const b = await file('2026-01-06T15:00:00.000Z');

    const correction = {
      intervals: [
        {
          start: '2026-01-05T00:00:00+09:00',
          end: '2026-01-07T00:00:00+09:00',
        },
      ],
      reason: 'it lasted until the second began',
    };
    const preview = (
      await t
        .as('support')
        .post(`/incidents/${first}/preview`, correction)
        .expect(200)
    ).body.contracts[0];
    const mergedText = `a correction merged its outage into the outage of claim ${a}`;
    expect(preview.claimUpdates).toEqual([
      {
        claimId: a,
        reason: 'follows',
        from: 'pending-approval',
        to: 'pending-approval',
        resolution: null,
        outageStart: '2026-01-04T15:00:00.000Z',
      },
      {
        claimId: b,
        reason: 'merged',
        from: 'pending-approval',
        to: 'rejected',
        resolution: mergedText,
        outageStart: '2026-01-06T15:00:00.000Z',
      },
    ]);
    // A claim only following its outage's new facts changes no status.
    expect(preview.claimChanges).toEqual([
      {
        claimId: b,
        from: 'pending-approval',
        to: 'rejected',
        resolution: mergedText,
      },
    ]);

    await t.as('support').patch(`/incidents/${first}`, correction).expect(200);
    const audit = t.store.sqlite
      .prepare(
        `select entity_id as claimId, reason, "after" from audit_log
         where action = 'claim.recomputed' order by id`,
      )
      .all() as { claimId: string; reason: string; after: string }[];
    expect(
      audit.map(({ claimId, reason, after }) => ({
        claimId,
        reason,
        code: JSON.parse(after).reason,
        status: JSON.parse(after).status,
      })),
    ).toEqual([
      {
        claimId: a,
        reason: 'its outage was recomputed after a change',
        code: 'follows',
        status: 'pending-approval',
      },
      { claimId: b, reason: mergedText, code: 'merged', status: 'rejected' },
    ]);
    // Planned again after the save: nothing left to do.
    const again = (
      await t
        .as('support')
        .post(`/incidents/${first}/preview`, correction)
        .expect(200)
    ).body.contracts[0];
    expect(again.claimUpdates).toEqual([]);
    expect(again.outages[0]).toMatchObject({
      claimStatus: 'claimed',
      creditDays: 3,
    });
  });
});
