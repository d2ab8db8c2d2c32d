/**
 * Credit notices over the API: prepared with their claims, approved (once, or by two finance users from
 * dualApprovalFromYen), numbered, frozen, rejected, voided with a correcting notice; what customers see.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../src/domain/policy';
import { DEFAULT_REGIONS } from '../../src/domain/terms';
import {
  expectProblem,
  makeTestApp,
  seedContract,
  TEST_ISSUER,
  type TestApp,
} from '../support/app';

const START = '2026-01-10T10:00:00+09:00';
const START_UTC = '2026-01-10T01:00:00.000Z';
const END = '2026-01-12T10:00:00+09:00'; // 48 h: 2 days × ¥100,000 / 30 = ¥6,666, tax ¥666

let t: TestApp;
afterEach(() => t?.close());

const sha256 = (bytes: Buffer | string) =>
  createHash('sha256').update(bytes).digest('hex');

/** A contract with one outage from START to `end`, claimed by support; returns the claim and its notice id. */
async function claimedOutage(
  app: TestApp,
  options: { end?: string; monthlyFee?: number; contractNumber?: string } = {},
) {
  const { customerId, contractId } = await seedContract(app, {
    monthlyFee: options.monthlyFee ?? 100_000,
    contractNumber: options.contractNumber,
  });
  const incident = await app
    .as('support')
    .post('/incidents', {
      title: 'Gateway down',
      cause: 'provider',
      severity: 'total',
      scope: { contractIds: [contractId] },
      awareAt: START,
      intervals: [{ start: START, end: options.end ?? END }],
    })
    .expect(201);
  const claim = await app
    .as('support')
    .post('/claims', { contractId, outageStart: START_UTC })
    .expect(201);
  return {
    customerId,
    contractId,
    incidentId: incident.body.id as string,
    claimId: claim.body.id as string,
    noticeId: claim.body.creditNoticeId as string,
  };
}

const correct = (app: TestApp, incidentId: string, end: string | null) =>
  app
    .as('support')
    .patch(`/incidents/${incidentId}`, {
      reason: 'the monitoring logs show another end',
      intervals: [{ start: START, end }],
    })
    .expect(200);

describe('preparing a notice', () => {
  it('gives a claim for an ended outage its notice at once, pending approval, with integer tax', async () => {
    t = makeTestApp();
    const { claimId, noticeId, contractId, customerId } =
      await claimedOutage(t);
    const notice = await t
      .as('finance')
      .get(`/credit-notices/${noticeId}`)
      .expect(200);
    expect(notice.body).toMatchObject({
      id: noticeId,
      claimId,
      contractId,
      customerId,
      status: 'pending-approval',
      number: null,
      creditDays: 2,
      monthlyFeeBase: 100_000,
      amount: 6666,
      taxRate: 0.1,
      taxAmount: 666,
      totalAmount: 7332,
      billingMonth: '2026-01',
      approvals: [],
      approvalsRequired: 1,
      approvedAt: null,
      correctsNoticeId: null,
      voidReason: null,
      discrepancy: null,
      outage: {
        start: START_UTC,
        end: '2026-01-12T01:00:00.000Z',
        clockStart: START_UTC,
        unavailableMs: 48 * 3_600_000,
      },
    });
    expect(notice.body.computation.policy.taxRate).toBe(0.1);
    expect(notice.body.computation.outage.creditAmount).toBe(6666);
  });

  it('gives a waiting claim its notice when its outage ends by a correction', async () => {
    t = makeTestApp();
    const { contractId } = await seedContract(t);
    const incident = await t
      .as('support')
      .post('/incidents', {
        title: 'Still down',
        cause: 'provider',
        severity: 'total',
        scope: { contractIds: [contractId] },
        awareAt: START,
        intervals: [{ start: START }],
      })
      .expect(201);
    const claim = await t
      .as('support')
      .post('/claims', { contractId, outageStart: START_UTC })
      .expect(201);
    expect(claim.body).toMatchObject({
      status: 'awaiting-resolution',
      creditNoticeId: null,
    });
    await correct(t, incident.body.id, END);
    const after = await t.as('support').get(`/claims/${claim.body.id}`);
    expect(after.body.status).toBe('pending-approval');
    const notice = await t
      .as('finance')
      .get(`/credit-notices/${after.body.creditNoticeId}`)
      .expect(200);
    expect(notice.body).toMatchObject({
      status: 'pending-approval',
      amount: 6666,
    });
  });

  it('takes the billing month from the clock start in Japan time', async () => {
    t = makeTestApp({ now: '2026-03-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t);
    // 1 February 00:30 JST is still 31 January in UTC.
    await t
      .as('support')
      .post('/incidents', {
        title: 'Down over the month end',
        cause: 'provider',
        severity: 'total',
        scope: { contractIds: [contractId] },
        awareAt: '2026-02-01T00:30:00+09:00',
        intervals: [
          {
            start: '2026-02-01T00:30:00+09:00',
            end: '2026-02-02T01:00:00+09:00',
          },
        ],
      })
      .expect(201);
    const claim = await t
      .as('support')
      .post('/claims', {
        contractId,
        outageStart: '2026-01-31T15:30:00.000Z',
      })
      .expect(201);
    const notice = await t
      .as('finance')
      .get(`/credit-notices/${claim.body.creditNoticeId}`);
    expect(notice.body.billingMonth).toBe('2026-02');
  });
});

describe('approval', () => {
  it('numbers the notice, freezes its documents, approves the claim and announces it', async () => {
    t = makeTestApp();
    await t
      .as('admin')
      .post('/webhooks', {
        url: 'https://hooks.example.jp/notices',
        events: ['credit-notice.approved'],
        secret: 'whsec_0123456789abcdef',
      })
      .expect(201);
    const { claimId, noticeId } = await claimedOutage(t);
    t.setNow('2026-02-03T10:00:00+09:00');
    const approved = await t
      .as('finance')
      .post(`/credit-notices/${noticeId}/approve`)
      .expect(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      number: 'CN-2026-000001',
      approvedAt: '2026-02-03T01:00:00.000Z',
      approvals: [{ at: '2026-02-03T01:00:00.000Z' }],
    });
    const claim = await t.as('support').get(`/claims/${claimId}`);
    expect(claim.body.status).toBe('approved');

    const html = await t
      .as('finance')
      .get(`/credit-notices/${noticeId}/document?lang=ja`)
      .expect(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['content-disposition']).toBe(
      'inline; filename="CN-2026-000001.ja.html"',
    );
    expect(html.headers.etag).toBe(`"${sha256(html.text)}"`);
    expect(html.text).toContain('CN-2026-000001');
    expect(html.text).toContain('T1234567890123');
    expect(html.text).toContain('2026年2月3日');
    expect(html.text).not.toContain('下書き');
    const stored = t.store.sqlite
      .prepare(
        "select lang, bytes, sha256 from credit_notice_documents where notice_id = ? and format = 'html' order by lang",
      )
      .all(noticeId) as { lang: string; bytes: Buffer; sha256: string }[];
    expect(stored.map((row) => row.lang)).toEqual(['en', 'ja']);
    for (const row of stored) expect(row.sha256).toBe(sha256(row.bytes));
    expect(Buffer.from(html.text, 'utf8')).toEqual(stored[1]!.bytes);

    const events = t.store.sqlite
      .prepare('select event_type, payload from webhook_deliveries')
      .all() as { event_type: string; payload: string }[];
    expect(events.map((event) => event.event_type)).toEqual([
      'credit-notice.approved',
    ]);
    expect(JSON.parse(events[0]!.payload).data).toMatchObject({
      id: noticeId,
      number: 'CN-2026-000001',
    });
  });

  it('gives consecutive numbers per JST year, the year of the approval date in Japan', async () => {
    t = makeTestApp();
    const notices = [];
    for (let i = 0; i < 3; i++) notices.push((await claimedOutage(t)).noticeId);
    t.setNow('2026-12-31T23:59:00+09:00');
    const first = await t
      .as('finance')
      .post(`/credit-notices/${notices[0]}/approve`)
      .expect(200);
    // 1 January 00:00 JST is still 31 December in UTC: it is the first of 2027.
    t.setNow('2027-01-01T00:00:00+09:00');
    const second = await t
      .as('finance')
      .post(`/credit-notices/${notices[1]}/approve`)
      .expect(200);
    const third = await t
      .as('finance')
      .post(`/credit-notices/${notices[2]}/approve`)
      .expect(200);
    expect([first, second, third].map((res) => res.body.number)).toEqual([
      'CN-2026-000001',
      'CN-2027-000001',
      'CN-2027-000002',
    ]);
  });

  it('answers 409 issuer-not-configured until the issuer is set, and still prepares and previews', async () => {
    t = makeTestApp({ issuer: null });
    const { noticeId } = await claimedOutage(t);
    expectProblem(
      await t.as('finance').post(`/credit-notices/${noticeId}/approve`),
      409,
      'issuer-not-configured',
    );
    const draft = await t
      .as('finance')
      .get(`/credit-notices/${noticeId}/document?lang=ja`)
      .expect(200);
    expect(draft.text).toContain('発行者が設定されていません');
    expect(draft.headers['cache-control']).toBe('no-store');
    expect(draft.headers.etag ?? '').not.toMatch(/^"[0-9a-f]{64}"$/);
    const notice = await t.as('finance').get(`/credit-notices/${noticeId}`);
    expect(notice.body).toMatchObject({
      status: 'pending-approval',
      approvals: [],
    });
  });

  it('needs two different finance users from dualApprovalFromYen, compared with the total including tax', async () => {
    // ¥909,090 + tax ¥90,909 = ¥999,999: one approval. ¥909,091 + ¥90,909 = ¥1,000,000: two.
    t = makeTestApp();
    const below = await claimedOutage(t, { monthlyFee: 13_636_350 });
    const at = await claimedOutage(t, { monthlyFee: 13_636_365 });
    const notices = await t.as('finance').get('/credit-notices').expect(200);
    const byId = new Map(
      notices.body.map((n: { id: string; totalAmount: number }) => [n.id, n]),
    );
    expect(byId.get(below.noticeId)).toMatchObject({
      amount: 909_090,
      totalAmount: 999_999,
      approvalsRequired: 1,
    });
    expect(byId.get(at.noticeId)).toMatchObject({
      amount: 909_091,
      totalAmount: 1_000_000,
      approvalsRequired: 2,
    });

    await t
      .as('finance')
      .post(`/credit-notices/${below.noticeId}/approve`)
      .expect(200);
    const first = await t
      .as('finance')
      .post(`/credit-notices/${at.noticeId}/approve`)
      .expect(200);
    expect(first.body).toMatchObject({
      status: 'pending-approval',
      number: null,
      approvals: [{ userId: expect.any(String) }],
    });
    expectProblem(
      await t.as('finance').post(`/credit-notices/${at.noticeId}/approve`),
      409,
      'conflict',
    );
    const second = t.staffUser('finance');
    const final = await t
      .as({ token: second.token })
      .post(`/credit-notices/${at.noticeId}/approve`)
      .expect(200);
    expect(final.body).toMatchObject({
      status: 'approved',
      number: 'CN-2026-000002',
    });
    expect(
      final.body.approvals.map((a: { userId: string }) => a.userId),
    ).toEqual([first.body.approvals[0].userId, second.id]);
  });

  it('withdraws a first approval when a correction changes the figures, and audits it', async () => {
    t = makeTestApp({ policy: { dualApprovalFromYen: 0 } });
    const { noticeId, incidentId } = await claimedOutage(t);
    await t
      .as('finance')
      .post(`/credit-notices/${noticeId}/approve`)
      .expect(200);
    await correct(t, incidentId, '2026-01-13T10:00:00+09:00');
    const notice = await t.as('finance').get(`/credit-notices/${noticeId}`);
    expect(notice.body).toMatchObject({
      status: 'pending-approval',
      creditDays: 3,
      amount: 10_000,
      taxAmount: 1_000,
      totalAmount: 11_000,
      approvals: [],
    });
    const audit = await t
      .as('finance')
      .get(`/audit?entityType=credit-notice&entityId=${noticeId}`)
      .expect(200);
    const withdrawn = audit.body.find(
      (entry: { action: string }) =>
        entry.action === 'credit-notice.approvals-withdrawn',
    );
    expect(withdrawn.reason).toMatch(/other figures/);
    expect(withdrawn.before).toHaveLength(1);
    // The same finance user may approve the new figures.
    const again = await t
      .as('finance')
      .post(`/credit-notices/${noticeId}/approve`)
      .expect(200);
    expect(again.body.approvals).toHaveLength(1);
  });

  it('refuses to approve a notice a correction withdrew, keeping the correction saved', async () => {
    t = makeTestApp();
    const { noticeId, incidentId, claimId } = await claimedOutage(t);
    await correct(t, incidentId, '2026-01-10T20:00:00+09:00'); // 10 h: no longer qualifies
    const notice = await t.as('finance').get(`/credit-notices/${noticeId}`);
    expect(notice.body).toMatchObject({
      status: 'rejected',
      resolution: 'after a correction its outage no longer qualifies',
      rejectedBy: null,
    });
    expectProblem(
      await t.as('finance').post(`/credit-notices/${noticeId}/approve`),
      409,
      'conflict',
    );
    // A later correction restores it: the notice comes back with the current figures.
    await correct(t, incidentId, '2026-01-13T10:00:00+09:00');
    const back = await t.as('finance').get(`/credit-notices/${noticeId}`);
    expect(back.body).toMatchObject({
      status: 'pending-approval',
      resolution: null,
      creditDays: 3,
    });
    const claim = await t.as('support').get(`/claims/${claimId}`);
    expect(claim.body).toMatchObject({
      status: 'pending-approval',
      creditNoticeId: noticeId,
    });
  });

  it('withdraws the notice while a correction makes its outage go on again, and prepares it again when it ends', async () => {
    t = makeTestApp();
    const { noticeId, incidentId, claimId } = await claimedOutage(t);
    await correct(t, incidentId, null);
    const withdrawn = await t.as('finance').get(`/credit-notices/${noticeId}`);
    expect(withdrawn.body.status).toBe('rejected');
    expect(withdrawn.body.resolution).toMatch(/goes on/);
    const claim = await t.as('support').get(`/claims/${claimId}`);
    expect(claim.body.status).toBe('awaiting-resolution');
    await correct(t, incidentId, '2026-01-14T10:00:00+09:00');
    const back = await t.as('finance').get(`/credit-notices/${noticeId}`);
    expect(back.body).toMatchObject({
      status: 'pending-approval',
      creditDays: 4,
    });
  });
});

describe('rejection', () => {
  it('rejects the notice and its claim, by a person, for good; the reason is required', async () => {
    t = makeTestApp();
    const { noticeId, claimId, incidentId } = await claimedOutage(t);
    const missing = await t
      .as('finance')
      .post(`/credit-notices/${noticeId}/reject`, {});
    expectProblem(missing, 422, 'validation-failed');
    expect(missing.body.errors).toEqual([
      { path: 'reason', message: 'is required' },
    ]);
    const rejected = await t
      .as('finance')
      .post(`/credit-notices/${noticeId}/reject`, {
        reason: 'credited on the February invoice already',
      })
      .expect(200);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      resolution: 'credited on the February invoice already',
      rejectedBy: expect.any(String),
    });
    const claim = await t.as('support').get(`/claims/${claimId}`);
    expect(claim.body).toMatchObject({
      status: 'rejected',
      resolution: 'credited on the February invoice already',
    });
    // A person's rejection is final: a correction does not bring it back.
    await correct(t, incidentId, '2026-01-13T10:00:00+09:00');
    expect(
      (await t.as('finance').get(`/credit-notices/${noticeId}`)).body.status,
    ).toBe('rejected');
    expectProblem(
      await t.as('finance').post(`/credit-notices/${noticeId}/approve`),
      409,
      'conflict',
    );
  });
});

describe('immutability and void', () => {
  it('keeps an approved notice and its documents through a correction, showing the discrepancy on it and its claim', async () => {
    t = makeTestApp();
    const { noticeId, claimId, incidentId } = await claimedOutage(t);
    await t
      .as('finance')
      .post(`/credit-notices/${noticeId}/approve`)
      .expect(200);
    const before = await t
      .as('finance')
      .get(`/credit-notices/${noticeId}/document?lang=en`)
      .expect(200);
    const approved = await t.as('finance').get(`/credit-notices/${noticeId}`);

    t.setNow('2026-02-05T09:00:00+09:00');
    await correct(t, incidentId, '2026-01-13T10:00:00+09:00');
    const after = await t.as('finance').get(`/credit-notices/${noticeId}`);
    const discrepancy = {
      before: {
        start: START_UTC,
        end: '2026-01-12T01:00:00.000Z',
        creditDays: 2,
        monthlyFeeBase: 100_000,
        amount: 6666,
      },
      after: {
        start: START_UTC,
        end: '2026-01-13T01:00:00.000Z',
        creditDays: 3,
        monthlyFeeBase: 100_000,
        amount: 10_000,
      },
    };
    expect(after.body).toEqual({
      ...approved.body,
      discrepancy,
      updatedAt: after.body.updatedAt,
    });
    const claim = await t.as('support').get(`/claims/${claimId}`);
    expect(claim.body).toMatchObject({ status: 'approved', discrepancy });

    const document = await t
      .as('finance')
      .get(`/credit-notices/${noticeId}/document?lang=en`)
      .expect(200);
    expect(document.text).toBe(before.text);
    expect(document.headers.etag).toBe(before.headers.etag);

    // A later correction that restores the outage clears it.
    await correct(t, incidentId, END);
    expect(
      (await t.as('finance').get(`/credit-notices/${noticeId}`)).body
        .discrepancy,
    ).toBeNull();
    expect(
      (await t.as('support').get(`/claims/${claimId}`)).body.discrepancy,
    ).toBeNull();
  });

  it('refuses in the database itself any change to an approved notice, its approvals, documents and numbers', async () => {
    t = makeTestApp();
    const { noticeId } = await claimedOutage(t);
    await t
      .as('finance')
      .post(`/credit-notices/${noticeId}/approve`)
      .expect(200);
    const run = (statement: string) => () =>
      t.store.sqlite.prepare(statement).run(noticeId);
    expect(
      run('update credit_notices set amount = amount + 1 where id = ?'),
    ).toThrow(/never changes/);
    expect(
      run("update credit_notices set number = 'CN-2026-000009' where id = ?"),
    ).toThrow(/never changes/);
    expect(
      run("update credit_notices set status = 'pending-approval' where id = ?"),
    ).toThrow(/never changes/);
    expect(
      run("update credit_notices set status = 'void' where id = ?"),
    ).toThrow(/never changes/); // without its reason
    expect(run('delete from credit_notices where id = ?')).toThrow(
      /never deleted/,
    );
    expect(
      run(
        "update credit_notice_documents set bytes = x'00' where notice_id = ?",
      ),
    ).toThrow(/never changes/);
    expect(
      run('delete from credit_notice_documents where notice_id = ?'),
    ).toThrow(/never deleted/);
    expect(
      run('delete from credit_notice_approvals where notice_id = ?'),
    ).toThrow(/never deleted/);
    expect(() =>
      t.store.sqlite
        .prepare('update credit_notice_number_sequences set last_number = 5')
        .run(),
    ).toThrow(/no gap/);
    expect(() =>
      t.store.sqlite
        .prepare('delete from credit_notice_number_sequences')
        .run(),
    ).toThrow(/never given back/);
    // What the application does to an approved notice still works: its discrepancy, and a void.
    t.store.sqlite
      .prepare(`update credit_notices set discrepancy = '{"x":1}' where id = ?`)
      .run(noticeId);
    t.store.sqlite
      .prepare(
        "update credit_notices set status = 'void', void_reason = 'wrong', voided_at = 1, voided_by = (select id from users limit 1) where id = ?",
      )
      .run(noticeId);
    expect(
      run(`update credit_notices set discrepancy = null where id = ?`),
    ).toThrow(/never changes/);
  });

  it('voids an approved notice with its reason and prepares a correcting notice that names it', async () => {
    t = makeTestApp();
    await t
      .as('admin')
      .post('/webhooks', {
        url: 'https://hooks.example.jp/notices',
        events: ['credit-notice.voided'],
        secret: 'whsec_0123456789abcdef',
      })
      .expect(201);
    const { noticeId, claimId, incidentId } = await claimedOutage(t);
    expectProblem(
      await t
        .as('finance')
        .post(`/credit-notices/${noticeId}/void`, { reason: 'not yet' }),
      409,
      'conflict',
    );
    await t
      .as('finance')
      .post(`/credit-notices/${noticeId}/approve`)
      .expect(200);
    await correct(t, incidentId, '2026-01-13T10:00:00+09:00');
    expectProblem(
      await t
        .as('finance')
        .post(`/credit-notices/${noticeId}/void`, { reason: ' ' }),
      422,
      'validation-failed',
    );
    const voided = await t
      .as('finance')
      .post(`/credit-notices/${noticeId}/void`, {
        reason: 'the outage lasted a day longer',
      })
      .expect(200);
    expect(voided.body).toMatchObject({
      status: 'void',
      number: 'CN-2026-000001',
      voidReason: 'the outage lasted a day longer',
      correctedByNoticeId: expect.any(String),
    });
    const correcting = await t
      .as('finance')
      .get(`/credit-notices/${voided.body.correctedByNoticeId}`)
      .expect(200);
    expect(correcting.body).toMatchObject({
      status: 'pending-approval',
      correctsNoticeId: noticeId,
      claimId,
      creditDays: 3,
      amount: 10_000,
      number: null,
    });
    const claim = await t.as('support').get(`/claims/${claimId}`);
    expect(claim.body).toMatchObject({
      status: 'pending-approval',
      creditNoticeId: correcting.body.id,
      discrepancy: null,
    });
    expectProblem(
      await t
        .as('finance')
        .post(`/credit-notices/${noticeId}/void`, { reason: 'again' }),
      409,
      'conflict',
    );
    const events = t.store.sqlite
      .prepare('select event_type, payload from webhook_deliveries')
      .all() as { event_type: string; payload: string }[];
    expect(events.map((event) => event.event_type)).toEqual([
      'credit-notice.voided',
    ]);
    expect(JSON.parse(events[0]!.payload).data).toMatchObject({
      id: noticeId,
      status: 'void',
    });

    const approved = await t
      .as('finance')
      .post(`/credit-notices/${correcting.body.id}/approve`)
      .expect(200);
    expect(approved.body.number).toBe('CN-2026-000002');
    const document = await t
      .as('finance')
      .get(`/credit-notices/${correcting.body.id}/document?lang=ja`)
      .expect(200);
    expect(document.text).toContain(
      '返還インボイス CN-2026-000001（2026年2月1日発行）を訂正するもの',
    );
  });

  it('rejects the claim with the reason, and prepares no correcting notice, when its outage no longer qualifies', async () => {
    t = makeTestApp();
    const { noticeId, claimId, incidentId } = await claimedOutage(t);
    await t
      .as('finance')
      .post(`/credit-notices/${noticeId}/approve`)
      .expect(200);
    await correct(t, incidentId, '2026-01-10T22:00:00+09:00'); // 12 h
    const voided = await t
      .as('finance')
      .post(`/credit-notices/${noticeId}/void`, {
        reason: 'the outage was 12 h',
      })
      .expect(200);
    expect(voided.body.correctedByNoticeId).toBeNull();
    const claim = await t.as('support').get(`/claims/${claimId}`);
    expect(claim.body).toMatchObject({
      status: 'rejected',
      creditNoticeId: noticeId,
      resolution:
        'after a correction the outage no longer qualifies: its unavailable time is 12 h 0 min',
    });
  });
});

describe('documents', () => {
  it('renders a notice not approved yet as a draft, now, and answers 503 for its PDF without Chromium', async () => {
    t = makeTestApp();
    const { noticeId } = await claimedOutage(t);
    const draft = await t
      .as('finance')
      .get(`/credit-notices/${noticeId}/document?lang=en`)
      .expect(200);
    expect(draft.headers['content-disposition']).toBe(
      `inline; filename="credit-notice-draft-${noticeId}.en.html"`,
    );
    expect(draft.text).toContain('DRAFT');
    expect(draft.text).toContain('¥6,666');
    expectProblem(
      await t
        .as('finance')
        .get(`/credit-notices/${noticeId}/document?format=pdf`),
      503,
      'pdf-unavailable',
    );
    expectProblem(
      await t.as('finance').get(`/credit-notices/${noticeId}/document?lang=fr`),
      422,
      'validation-failed',
    );
  });

  it("answers an approved notice's PDF 503 without Chromium, and its HTML still", async () => {
    t = makeTestApp();
    const { noticeId } = await claimedOutage(t);
    await t
      .as('finance')
      .post(`/credit-notices/${noticeId}/approve`)
      .expect(200);
    await t.printing.settled();
    expectProblem(
      await t
        .as('finance')
        .get(`/credit-notices/${noticeId}/document?format=pdf`),
      503,
      'pdf-unavailable',
    );
    await t
      .as('finance')
      .get(`/credit-notices/${noticeId}/document`)
      .expect(200);
    const pdfs = t.store.sqlite
      .prepare(
        "select count(*) as n from credit_notice_documents where format = 'pdf'",
      )
      .get() as { n: number };
    expect(pdfs.n).toBe(0);
  });
});

describe('what a customer sees', () => {
  it('lists and reads only its own issued notices; others are 404 as if they did not exist', async () => {
    t = makeTestApp();
    const own = await claimedOutage(t);
    const otherPending = await claimedOutage(t);
    const other = await claimedOutage(t);
    // Each seedContract is another customer's: give this customer a second notice, left pending.
    const ownPending = await t
      .as('admin')
      .post('/contracts', {
        customerId: own.customerId,
        contractNumber: 'OWN-2',
        licenses: 100,
        concurrentDevices: 2000,
        servers: 1,
        region: 'jp-west',
        redundancy: false,
        billingStartDate: '2025-04-01',
        monthlyFee: 100_000,
      })
      .expect(201);
    await t
      .as('support')
      .post('/incidents', {
        title: 'West gateway',
        cause: 'provider',
        severity: 'total',
        scope: { contractIds: [ownPending.body.id] },
        awareAt: START,
        intervals: [{ start: START, end: END }],
      })
      .expect(201);
    const ownPendingClaim = await t
      .as('support')
      .post('/claims', {
        contractId: ownPending.body.id,
        outageStart: START_UTC,
      })
      .expect(201);
    for (const notice of [own, other])
      await t
        .as('finance')
        .post(`/credit-notices/${notice.noticeId}/approve`)
        .expect(200);
    const customer = { token: t.customerToken(own.customerId) };

    const listed = await t.as(customer).get('/credit-notices').expect(200);
    expect(listed.body.map((n: { id: string }) => n.id)).toEqual([
      own.noticeId,
    ]);
    const filtered = await t
      .as(customer)
      .get('/credit-notices?status=pending-approval')
      .expect(200);
    expect(filtered.body).toEqual([]);
    await t.as(customer).get(`/credit-notices/${own.noticeId}`).expect(200);
    await t
      .as(customer)
      .get(`/credit-notices/${own.noticeId}/document?lang=en`)
      .expect(200);
    for (const id of [
      other.noticeId,
      otherPending.noticeId,
      ownPendingClaim.body.creditNoticeId,
      'no-such-notice',
    ]) {
      expectProblem(
        await t.as(customer).get(`/credit-notices/${id}`),
        404,
        'not-found',
      );
      expectProblem(
        await t.as(customer).get(`/credit-notices/${id}/document`),
        404,
        'not-found',
      );
    }
  });
});

describe('the list', () => {
  it('pages by limit and cursor, keeping the status filter in the next link', async () => {
    t = makeTestApp();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await claimedOutage(t)).noticeId);
    await t.as('finance').post(`/credit-notices/${ids[2]}/approve`).expect(200);
    const seen: string[] = [];
    let next: string | undefined =
      '/credit-notices?status=pending-approval&limit=2';
    while (next !== undefined) {
      const page = await t.as('finance').get(next).expect(200);
      seen.push(...page.body.map((n: { id: string }) => n.id));
      const link = page.headers.link as string | undefined;
      const url = link
        ? new URL(/^<([^>]+)>; rel="next"$/.exec(link)![1]!)
        : null;
      next = url
        ? `${url.pathname.slice('/api/v1'.length)}${url.search}`
        : undefined;
      if (next !== undefined) expect(next).toContain('status=pending-approval');
    }
    // Prepared at the same instant, they are listed by id.
    expect(seen).toEqual([ids[0], ids[1], ids[3], ids[4]].sort());
  });
});

describe('the metrics queries', () => {
  it('count the notices pending approval and those waiting for a second approver', async () => {
    const { countNoticesAwaitingSecondApprover, countNoticesPendingApproval } =
      await import('../../src/services/credit-notices');
    t = makeTestApp({
      policy: { dualApprovalFromYen: 7_000 },
      metricsToken: 'metrics-token-0123456789',
    });
    const gauges = async () => {
      const res = await request(t.app)
        .get('/metrics')
        .set('Authorization', 'Bearer metrics-token-0123456789')
        .expect(200);
      const value = (name: string) =>
        Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(res.text)?.[1]);
      return [
        value('gengaku_credit_notices_pending_approval'),
        value('gengaku_credit_notices_awaiting_second_approver'),
      ];
    };
    const big = await claimedOutage(t); // ¥7,332 with tax: two approvals
    await claimedOutage(t);
    expect(countNoticesPendingApproval(t.store)).toBe(2);
    expect(countNoticesAwaitingSecondApprover(t.store)).toBe(0);
    expect(await gauges()).toEqual([2, 0]);
    await t
      .as('finance')
      .post(`/credit-notices/${big.noticeId}/approve`)
      .expect(200);
    expect(countNoticesPendingApproval(t.store)).toBe(2);
    expect(countNoticesAwaitingSecondApprover(t.store)).toBe(1);
    expect(await gauges()).toEqual([2, 1]);
  });
});

describe('the preview of a correction', () => {
  it('shows what saving it would do to the notices, and saving does exactly that', async () => {
    t = makeTestApp({ policy: { dualApprovalFromYen: 0 } });
    const pending = await claimedOutage(t);
    await t
      .as('finance')
      .post(`/credit-notices/${pending.noticeId}/approve`)
      .expect(200);
    const body = {
      reason: 'a day longer',
      intervals: [{ start: START, end: '2026-01-13T10:00:00+09:00' }],
    };
    const preview = await t
      .as('support')
      .post(`/incidents/${pending.incidentId}/preview`, body)
      .expect(200);
    expect(preview.body.contracts[0].noticeUpdates).toEqual([
      {
        claimId: pending.claimId,
        noticeId: pending.noticeId,
        reason: 'follows',
        from: 'pending-approval',
        to: 'pending-approval',
        totalAmount: 11_000,
        withdrawsApprovals: true,
        discrepancy: null,
      },
    ]);
    // Nothing was saved by the preview.
    expect(
      (await t.as('finance').get(`/credit-notices/${pending.noticeId}`)).body,
    ).toMatchObject({ totalAmount: 7332, approvals: [{}] });
    await t
      .as('support')
      .patch(`/incidents/${pending.incidentId}`, body)
      .expect(200);
    expect(
      (await t.as('finance').get(`/credit-notices/${pending.noticeId}`)).body,
    ).toMatchObject({ totalAmount: 11_000, approvals: [] });
  });
});

describe('approving current figures', () => {
  it('brings the claims up to date first: a tax rate changed since the notice was prepared applies', async () => {
    const { approveCreditNotice } = await import(
      '../../src/services/credit-notices'
    );
    t = makeTestApp();
    const { noticeId } = await claimedOutage(t);
    const finance = t.staffUser('finance');
    // The server restarted with SLA_POLICY {"taxRate": 0.08}: no write has refreshed the notice since.
    const approved = approveCreditNotice(
      {
        store: t.store,
        clock: t.now,
        config: {
          policy: resolvePolicy({ taxRate: 0.08 }),
          regions: [...DEFAULT_REGIONS],
          issuer: TEST_ISSUER,
        },
        actor: { userId: finance.id, role: 'finance', customerId: null },
      },
      noticeId,
      t.printing.html,
    );
    expect(approved).toMatchObject({
      status: 'approved',
      amount: 6666,
      taxRate: 0.08,
      taxAmount: 533,
      totalAmount: 7199,
    });
    const html = await t
      .as('finance')
      .get(`/credit-notices/${noticeId}/document?lang=ja`)
      .expect(200);
    expect(html.text).toContain('¥533');
  });
});
