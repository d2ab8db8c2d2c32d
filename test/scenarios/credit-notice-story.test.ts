/**
 * A whole story, travelling in time explicitly: an incident makes an outage; the customer claims it; its
 * credit notice is prepared; finance approves it (CN-2026-000001); a later correction shows the approved
 * notice's discrepancy without changing it; finance voids it; a correcting notice is prepared, approved
 * (CN-2026-000002) and names the one it corrects; the month's report has both; the customer sees both.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestApp, seedContract } from '../support/app';

const t = makeTestApp({ now: '2026-01-10T09:00:00+09:00' });
afterAll(() => t.close());

describe('the credit notice story', () => {
  it('runs from an incident to a corrected, approved credit notice', async () => {
    const { customerId, contractId } = await seedContract(t, {
      contractNumber: 'FM-2025-0101',
      monthlyFee: 150_000,
    });
    const customer = { token: t.customerToken(customerId) };

    // 10 Jan 10:00 JST: the gateway goes down; support logs it half an hour later.
    t.setNow('2026-01-10T10:30:00+09:00');
    const incident = await t
      .as('support')
      .post('/incidents', {
        title: 'Gateway cluster failure',
        cause: 'provider',
        severity: 'total',
        scope: { contractIds: [contractId] },
        awareAt: '2026-01-10T10:30:00+09:00',
        intervals: [{ start: '2026-01-10T10:00:00+09:00' }],
      })
      .expect(201);

    // 12 Jan 15:00 JST: it is back; support closes the interval.
    t.setNow('2026-01-12T15:05:00+09:00');
    await t
      .as('support')
      .patch(`/incidents/${incident.body.id}`, {
        reason: 'service restored',
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-12T15:00:00+09:00',
          },
        ],
      })
      .expect(200);
    const outages = await t
      .as(customer)
      .get(`/contracts/${contractId}/outages`)
      .expect(200);
    expect(outages.body.outages).toMatchObject([
      {
        unavailableMs: 52.5 * 3_600_000,
        creditDays: 2,
        creditAmount: 10_000,
        claimStatus: 'claimable',
      },
    ]);

    // 14 Jan: the customer claims; the notice is prepared at once.
    t.setNow('2026-01-14T09:00:00+09:00');
    const claim = await t
      .as(customer)
      .post('/claims', {
        contractId,
        outageStart: outages.body.outages[0].start,
      })
      .expect(201);
    expect(claim.body.status).toBe('pending-approval');
    const noticeId = claim.body.creditNoticeId;
    const draft = await t
      .as('finance')
      .get(`/credit-notices/${noticeId}`)
      .expect(200);
    expect(draft.body).toMatchObject({
      status: 'pending-approval',
      amount: 10_000,
      taxAmount: 1_000,
      totalAmount: 11_000,
      billingMonth: '2026-01',
    });
    // Not issued yet: the customer does not see it.
    expect((await t.as(customer).get('/credit-notices')).body).toEqual([]);

    // 20 Jan: finance approves.
    t.setNow('2026-01-20T11:00:00+09:00');
    const approved = await t
      .as('finance')
      .post(`/credit-notices/${noticeId}/approve`)
      .expect(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      number: 'CN-2026-000001',
    });
    const issued = await t
      .as(customer)
      .get(`/credit-notices/${noticeId}/document?lang=ja`)
      .expect(200);
    expect(issued.text).toContain('2026年1月20日');
    expect(issued.text).toContain('¥11,000');

    // 2 Feb: the monitoring logs show the outage ended at 15:00 on the 13th, a day later.
    t.setNow('2026-02-02T10:00:00+09:00');
    await t
      .as('support')
      .patch(`/incidents/${incident.body.id}`, {
        reason: 'monitoring logs: service restored on the 13th',
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-13T15:00:00+09:00',
          },
        ],
      })
      .expect(200);
    const withDiscrepancy = await t
      .as('finance')
      .get(`/credit-notices/${noticeId}`)
      .expect(200);
    expect(withDiscrepancy.body).toMatchObject({
      status: 'approved',
      amount: 10_000,
      discrepancy: {
        before: { creditDays: 2, amount: 10_000 },
        after: { creditDays: 3, amount: 15_000 },
      },
    });
    const unchanged = await t
      .as(customer)
      .get(`/credit-notices/${noticeId}/document?lang=ja`)
      .expect(200);
    expect(unchanged.text).toBe(issued.text);
    expect(
      (await t.as(customer).get(`/claims/${claim.body.id}`)).body.discrepancy,
    ).toEqual(withDiscrepancy.body.discrepancy);

    // 3 Feb: finance voids it; the correcting notice is prepared for the outage as now computed.
    t.setNow('2026-02-03T09:30:00+09:00');
    const voided = await t
      .as('finance')
      .post(`/credit-notices/${noticeId}/void`, {
        reason: 'the outage lasted until the 13th: 3 days, not 2',
      })
      .expect(200);
    expect(voided.body.status).toBe('void');
    const correctingId = voided.body.correctedByNoticeId;
    expect(
      (await t.as('finance').get(`/credit-notices/${correctingId}`)).body,
    ).toMatchObject({
      status: 'pending-approval',
      correctsNoticeId: noticeId,
      creditDays: 3,
      amount: 15_000,
      totalAmount: 16_500,
    });

    // 4 Feb: finance approves the correcting notice.
    t.setNow('2026-02-04T14:00:00+09:00');
    const corrected = await t
      .as('finance')
      .post(`/credit-notices/${correctingId}/approve`)
      .expect(200);
    expect(corrected.body.number).toBe('CN-2026-000002');
    const correctingDocument = await t
      .as(customer)
      .get(`/credit-notices/${correctingId}/document?lang=en`)
      .expect(200);
    expect(correctingDocument.text).toContain('CN-2026-000001');
    expect(
      (await t.as(customer).get(`/claims/${claim.body.id}`)).body,
    ).toMatchObject({
      status: 'approved',
      creditNoticeId: correctingId,
      discrepancy: null,
    });
    expect(
      (await t.as(customer).get('/credit-notices')).body.map(
        (notice: { number: string; status: string }) => [
          notice.number,
          notice.status,
        ],
      ),
    ).toEqual([
      ['CN-2026-000001', 'void'],
      ['CN-2026-000002', 'approved'],
    ]);

    const january = await t
      .as('finance')
      .get('/reports/credits?month=2026-01')
      .expect(200);
    expect(january.body.totals).toMatchObject({ count: 0, voidCount: 1 });
    const february = await t
      .as('finance')
      .get('/reports/credits?month=2026-02')
      .expect(200);
    expect(february.body.notices).toMatchObject([
      { number: 'CN-2026-000002', correctsNumber: 'CN-2026-000001' },
    ]);
    expect(february.body.totals).toMatchObject({
      count: 1,
      totalAmount: 16_500,
    });
  });
});
