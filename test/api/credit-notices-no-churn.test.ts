/**
 * No churn for notices: a pass in which nothing a notice shows changed writes nothing, over many minute
 * re-checks and repeated corrections, while a pending notice, an approved notice whose outage a correction
 * made ongoing again (its discrepancy's running figures grow every minute) and a claim waiting on an
 * ongoing outage share one contract.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { refreshAwaitingClaims } from '../../src/services/claims';
import { makeTestApp, seedContract, type TestApp } from '../support/app';

let t: TestApp;
afterEach(() => t?.close());

const MINUTE = 60_000;

/** Every notice row, and how many audit rows and approvals there are. */
function footprint() {
  return {
    notices: t.store.sqlite
      .prepare('select * from credit_notices order by id')
      .all(),
    audit: t.store.sqlite.prepare('select count(*) as n from audit_log').get(),
    approvals: t.store.sqlite
      .prepare('select * from credit_notice_approvals order by id')
      .all(),
  };
}

describe('credit notices as time passes and corrections repeat', () => {
  it('write nothing when nothing they show changed', async () => {
    t = makeTestApp({
      now: '2026-02-01T00:00:00+09:00',
      policy: { dualApprovalFromYen: 0 },
    });
    const { contractId } = await seedContract(t);
    const incident = async (start: string, end: string | null) =>
      (
        await t
          .as('support')
          .post('/incidents', {
            title: `Down from ${start}`,
            cause: 'provider',
            severity: 'total',
            scope: { contractIds: [contractId] },
            awareAt: start,
            intervals: [{ start, ...(end === null ? {} : { end }) }],
          })
          .expect(201)
      ).body.id as string;
    const claim = async (outageStart: string) =>
      (
        await t
          .as('support')
          .post('/claims', { contractId, outageStart })
          .expect(201)
      ).body;
    await incident('2026-01-10T10:00:00+09:00', '2026-01-12T10:00:00+09:00');
    const reopened = await incident(
      '2026-01-15T10:00:00+09:00',
      '2026-01-17T10:00:00+09:00',
    );
    await incident('2026-01-25T10:00:00+09:00', null);
    const pending = await claim('2026-01-10T01:00:00.000Z');
    const approved = await claim('2026-01-15T01:00:00.000Z');
    const waiting = await claim('2026-01-25T01:00:00.000Z');
    expect(waiting.status).toBe('awaiting-resolution');
    // A first of two approvals on the pending one, which a pass must not withdraw.
    await t
      .as('finance')
      .post(`/credit-notices/${pending.creditNoticeId}/approve`)
      .expect(200);
    const second = t.staffUser('finance');
    await t
      .as({ token: second.token })
      .post(`/credit-notices/${approved.creditNoticeId}/approve`)
      .expect(200);
    await t
      .as('finance')
      .post(`/credit-notices/${approved.creditNoticeId}/approve`)
      .expect(200);
    // The approved notice's outage goes on again: a discrepancy whose "after" keeps growing.
    await t
      .as('support')
      .patch(`/incidents/${reopened}`, {
        reason: 'it never came back',
        intervals: [{ start: '2026-01-15T10:00:00+09:00' }],
      })
      .expect(200);
    const notice = await t
      .as('finance')
      .get(`/credit-notices/${approved.creditNoticeId}`);
    expect(notice.body.discrepancy.after.end).toBeNull();

    const before = footprint();
    const system = {
      store: t.store,
      clock: t.now,
      config: { policy: { ...notice.body.computation.policy }, regions: [] },
      actor: { userId: 'system', role: 'admin' as const, customerId: null },
    };
    for (let minute = 0; minute < 200; minute++) {
      t.setNow(t.now() + MINUTE);
      refreshAwaitingClaims(system);
    }
    // A correction that changes nothing refreshes the claims too.
    await t
      .as('support')
      .patch(`/incidents/${reopened}`, { reason: 'checked again' })
      .expect(200);
    expect(footprint()).toEqual(before);

    // Something a notice shows does change: exactly that notice is written, once.
    await t
      .as('support')
      .patch(`/incidents/${reopened}`, {
        reason: 'it came back after all',
        intervals: [
          {
            start: '2026-01-15T10:00:00+09:00',
            end: '2026-01-17T10:00:00+09:00',
          },
        ],
      })
      .expect(200);
    const after = footprint();
    const changed = after.notices.filter(
      (row, i) => JSON.stringify(row) !== JSON.stringify(before.notices[i]),
    ) as { id: string; discrepancy: string | null }[];
    expect(changed.map((row) => [row.id, row.discrepancy])).toEqual([
      [approved.creditNoticeId, null],
    ]);
    expect(after.approvals).toEqual(before.approvals);
  });
});
