/**
 * Claims on an ongoing outage as the clock runs: the minute re-check writes nothing while only the running
 * figures (unavailable time, credit days, amount) grow, and exactly one audited change at each transition
 * that matters: the outage growing back over 24 h, and the outage ending.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { parseInstant } from '../../src/domain/time';
import { refreshAwaitingClaims } from '../../src/services/claims';
import { makeTestApp, seedContract, type TestApp } from '../support/app';

let t: TestApp;
afterEach(() => t?.close());

const MINUTE = 60_000;

const system = () => ({
  store: t.store,
  clock: t.now,
  config: { policy: DEFAULT_POLICY, regions: ['jp-east', 'jp-west'] },
  actor: { userId: 'system', role: 'admin' as const, customerId: null },
});

/** What the database holds of a claim's history: its audit rows and the instant it last changed. */
function footprint(claimId: string) {
  const { rows } = t.store.sqlite
    .prepare('select count(*) as rows from audit_log where entity_id = ?')
    .get(claimId) as { rows: number };
  const { updatedAt } = t.store.sqlite
    .prepare('select updated_at as updatedAt from claims where id = ?')
    .get(claimId) as { updatedAt: number };
  return { rows, updatedAt };
}

function lastAudit(claimId: string) {
  const row = t.store.sqlite
    .prepare(
      'select action, reason, "after" from audit_log where entity_id = ? order by id desc limit 1',
    )
    .get(claimId) as { action: string; reason: string; after: string };
  return { ...row, after: JSON.parse(row.after) };
}

/** Runs the minute re-check `steps` times, one minute of the clock apart. */
function recheckEveryMinute(steps: number) {
  for (let step = 0; step < steps; step++) {
    t.setNow(t.now() + MINUTE);
    refreshAwaitingClaims(system());
  }
}

async function claimOf(id: string) {
  return (await t.as('support').get(`/claims/${id}`).expect(200)).body;
}

/** An incident down since 00:00 JST 2026-01-10, still going on, and a claim filed for it at 06:00 the next day. */
async function ongoingClaim() {
  t = makeTestApp({ now: '2026-01-11T06:00:00+09:00' });
  const { contractId } = await seedContract(t);
  const incidentId = (
    await t
      .as('support')
      .post('/incidents', {
        title: 'Gateway down',
        cause: 'provider',
        severity: 'total',
        scope: { contractIds: [contractId] },
        awareAt: '2026-01-10T00:00:00+09:00',
        intervals: [{ start: '2026-01-10T00:00:00+09:00' }],
      })
      .expect(201)
  ).body.id;
  const claimId = (
    await t
      .as('support')
      .post('/claims', { contractId, outageStart: '2026-01-09T15:00:00.000Z' })
      .expect(201)
  ).body.id;
  return { contractId, incidentId, claimId };
}

describe('the minute re-check of claims on an ongoing outage', () => {
  it('writes nothing for an awaiting claim over 200 minutes while only its running figures grow', async () => {
    const { claimId } = await ongoingClaim();
    const before = footprint(claimId);
    const claim = await claimOf(claimId);

    recheckEveryMinute(200);

    expect(footprint(claimId)).toEqual(before);
    expect(await claimOf(claimId)).toEqual(claim);
    // The outage did grow meanwhile: 30 h at filing, 33 h 20 min now.
    const outages = (
      await t
        .as('support')
        .get(`/contracts/${claim.contractId}/outages`)
        .expect(200)
    ).body.outages;
    expect(outages[0]).toMatchObject({
      ongoing: true,
      unavailableMs: (33 * 60 + 20) * MINUTE,
      claimStatus: 'claimed',
    });
  });

  it('writes nothing for a claim a correction rejected while the outage stays under 24 h, reinstates it once when it grows past, and sends it to finance once when it ends', async () => {
    const { incidentId, claimId } = await ongoingClaim();
    // Known only from 10:00: 20 h so far, under 24 h.
    await t
      .as('support')
      .patch(`/incidents/${incidentId}`, {
        awareAt: '2026-01-10T10:00:00+09:00',
        reason: 'we learnt of it at 10:00',
      })
      .expect(200);
    const rejected = await claimOf(claimId);
    expect(rejected).toMatchObject({
      status: 'rejected',
      outage: { qualifies: false, unavailableMs: 20 * 60 * MINUTE },
      resolution:
        'after a correction the outage no longer qualifies: its unavailable time was 20 h 0 min at 2026-01-10T21:00:00.000Z, and it goes on',
    });
    const cut = footprint(claimId);

    // 06:00 → 09:20: 23 h 20 min, still under 24 h.
    recheckEveryMinute(200);
    expect(footprint(claimId)).toEqual(cut);
    expect(await claimOf(claimId)).toEqual(rejected);

    // 10:00: 24 h exactly, it qualifies again.
    t.setNow('2026-01-11T10:00:00+09:00');
    refreshAwaitingClaims(system());
    expect(footprint(claimId)).toEqual({
      rows: cut.rows + 1,
      updatedAt: parseInstant('2026-01-11T10:00:00+09:00'),
    });
    expect(lastAudit(claimId)).toMatchObject({
      action: 'claim.recomputed',
      reason: 'after a correction its outage qualifies again',
      after: { status: 'awaiting-resolution', reason: 'reinstated' },
    });
    const reinstated = await claimOf(claimId);
    expect(reinstated).toMatchObject({
      status: 'awaiting-resolution',
      resolution: null,
      outage: { qualifies: true, creditDays: 1 },
    });

    const back = footprint(claimId);
    recheckEveryMinute(200);
    expect(footprint(claimId)).toEqual(back);
    expect(await claimOf(claimId)).toEqual(reinstated);

    // The service comes back at 00:00 on the 12th: 38 h known, one day, final.
    t.setNow('2026-01-12T00:00:00+09:00');
    await t
      .as('support')
      .patch(`/incidents/${incidentId}`, {
        intervals: [
          {
            start: '2026-01-10T00:00:00+09:00',
            end: '2026-01-12T00:00:00+09:00',
          },
        ],
        reason: 'restored at midnight',
      })
      .expect(200);
    expect(footprint(claimId).rows).toBe(back.rows + 1);
    expect(lastAudit(claimId)).toMatchObject({
      reason: 'its outage ended',
      after: { status: 'pending-approval', reason: 'outage-ended' },
    });
    expect(await claimOf(claimId)).toMatchObject({
      status: 'pending-approval',
      outage: {
        ongoing: false,
        unavailableMs: 38 * 60 * MINUTE,
        creditDays: 1,
      },
    });

    const ended = footprint(claimId);
    recheckEveryMinute(200);
    expect(footprint(claimId)).toEqual(ended);
  });
});
