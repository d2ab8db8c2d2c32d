/**
 * Credit notices on the pages: finance's queue and review (approve, reject, void), the month's report,
 * and the customer's downloads. Each action is the API's use case; these tests hold the pages' own rules:
 * who may open what, CSRF on every form, reasons required, the states of an approval.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  asBytes,
  makeTestApp,
  seedContract,
  seedOutage,
  type TestApp,
} from '../support/app';
import {
  type Browser,
  browser,
  csrfOf,
  logIn,
  userWithPassword,
} from './support';

let t: TestApp;
afterEach(() => t.close());

const NOTICE_NUMBER = /CN-2026-\d{6}/;

/** A page's text as a reader sees it: the entities Handlebars escapes with, read back. */
const shown = (html: string) =>
  html
    .replace(/&#x3D;/g, '=')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const statusOf = (noticeId: string) =>
  (
    t.store.sqlite
      .prepare('select status from credit_notices where id = ?')
      .get(noticeId) as { status: string }
  ).status;

const count = (table: string) =>
  (
    t.store.sqlite.prepare(`select count(*) as n from ${table}`).get() as {
      n: number;
    }
  ).n;

/**
 * A claimed outage of a ¥30,000 contract, `hours` long (from 00:00 JST on 2026-01-10): its notice is
 * prepared at once, pending approval. One credit day is ¥1,000, ¥1,100 with tax.
 */
async function pendingNotice(hours = 50, contractNumber = 'EAST-1') {
  const { contractId, customerId } = await seedContract(t, {
    contractNumber,
    monthlyFee: 30_000,
  });
  const outageStart = await seedOutage(t, contractId, '2026-01-10', hours);
  const claim = await t
    .as('support')
    .post('/claims', { contractId, outageStart })
    .expect(201);
  return {
    contractId,
    customerId,
    claimId: claim.body.id as string,
    noticeId: claim.body.creditNoticeId as string,
  };
}

async function signedIn(
  role: 'support' | 'finance' | 'admin' | 'customer',
  customerId?: string,
): Promise<Browser> {
  const agent = browser(t);
  await logIn(agent, (await userWithPassword(t, role, customerId)).email);
  return agent;
}

/** Posts a form of `page` (the page the form is on, for its CSRF token). */
async function post(
  agent: Browser,
  page: string,
  action: string,
  fields: Record<string, string> = {},
) {
  const form = await agent.get(page).set('Accept', 'text/html');
  return agent
    .post(action)
    .set('Accept', 'text/html')
    .type('form')
    .send({ _csrf: csrfOf(form.text), ...fields });
}

describe('the approval queue', () => {
  it('lists the notices pending approval oldest first, with what they come to in all, and links each review', async () => {
    t = makeTestApp({ now: '2026-02-01T12:00:00+09:00' });
    const first = await pendingNotice(50, 'A-1');
    t.setNow(t.now() + 1000);
    const second = await pendingNotice(30, 'B-1');
    const finance = await signedIn('finance');
    const queue = await finance.get('/finance').expect(200);
    const stats = [...queue.text.matchAll(/<span class="value">([^<]+)</g)].map(
      (m) => m[1],
    );
    // Two notices: ¥2,200 and ¥1,100 with tax; none waits for a second approver.
    expect(stats.slice(0, 3)).toEqual(['2', '￥3,300', '0']);
    const rows = [...queue.text.matchAll(/href="\/finance\/notices\/([^"]+)"/g)]
      .map((m) => m[1])
      .filter((id) => id === first.noticeId || id === second.noticeId);
    expect(rows[0]).toBe(first.noticeId);
    expect(rows.at(-1)).toBe(second.noticeId);
    expect(queue.text).toContain('最も古い通知書から確認する');
  });

  it('says clearly when no issuer is configured, and approving then refuses beside the button, numbering nothing', async () => {
    t = makeTestApp({ now: '2026-02-01T12:00:00+09:00', issuer: null });
    const { noticeId } = await pendingNotice();
    const finance = await signedIn('finance');
    const queue = await finance.get('/finance').expect(200);
    expect(queue.text).toContain('発行者が設定されていません。');
    const review = `/finance/notices/${noticeId}`;
    const res = await post(finance, review, `${review}/approve`);
    expect(res.status).toBe(409);
    expect(res.text).toContain(
      'SLA_ISSUER_NAME と SLA_ISSUER_REGISTRATION を設定してサーバーを再起動してください',
    );
    // Beside the approve form, not on an error page.
    expect(res.text).toMatch(
      /id="errors"[^>]*><h3>発行者が設定されていないため承認できません/,
    );
    expect(statusOf(noticeId)).toBe('pending-approval');
    expect(count('credit_notice_approvals')).toBe(0);
  });
});

describe('reviewing a notice', () => {
  it('frames the document from our origin under its own CSP, beside the computation', async () => {
    t = makeTestApp({ now: '2026-02-01T12:00:00+09:00' });
    const { noticeId } = await pendingNotice(50);
    const finance = await signedIn('finance');
    const review = await finance
      .get(`/finance/notices/${noticeId}`)
      .expect(200);
    expect(review.text).toContain(
      `<iframe class="notice-frame" src="/finance/notices/${noticeId}/document?lang=ja"`,
    );
    // 50 h from awareness: 2 days × ¥30,000 ÷ 30 = ¥2,000, tax ¥200.
    expect(review.text).toContain('50時間0分 ÷ 24時間 → 2日 (端数切り捨て)');
    expect(shown(review.text)).toContain(
      '2日 × 月額費用 ￥30,000 ÷ 30 = ￥2,000',
    );
    expect(shown(review.text)).toContain('￥2,000 × 10% → ￥200');
    expect(shown(review.text)).toContain('￥2,000 + ￥200 = ￥2,200');
    expect(review.text).toContain('down 2026-01-10');
    expect(review.text).toContain(
      '<code>rounding</code></dt><dd><code>floor</code>',
    );

    const document = await finance
      .get(`/finance/notices/${noticeId}/document?lang=ja`)
      .expect(200);
    expect(document.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(document.headers['content-disposition']).toMatch(/^inline;/);
    const csp = document.headers['content-security-policy'] as string;
    const style = /<style>([\s\S]*?)<\/style>/.exec(document.text)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(csp).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`,
    );
    expect(document.text).not.toMatch(/<script/);
  });

  it('approves with one approval below dualApprovalFromYen: numbered, the document frozen with it', async () => {
    t = makeTestApp({ now: '2026-02-01T12:00:00+09:00' });
    const { noticeId } = await pendingNotice();
    const finance = await signedIn('finance');
    const review = `/finance/notices/${noticeId}`;
    const res = await post(finance, review, `${review}/approve`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${review}?notice=noticeApproved`);
    expect(statusOf(noticeId)).toBe('approved');
    const page = await finance.get(res.headers.location!).expect(200);
    expect(page.text).toContain(
      '承認しました。通知書に番号を付け、発行しました。',
    );
    const number = NOTICE_NUMBER.exec(page.text)![0];
    expect(page.text).toContain(`<h1>${number} `);
    const document = await finance.get(`${review}/document?lang=en`);
    expect(document.text).toContain(number);
    // Approved: no approve or reject form; the void form instead.
    expect(page.text).not.toContain(`action="${review}/approve"`);
    expect(page.text).not.toContain(`action="${review}/reject"`);
    expect(page.text).toContain(`action="${review}/void"`);
  });

  it('from dualApprovalFromYen: the first approval waits for a second, different finance user, who issues it', async () => {
    t = makeTestApp({
      now: '2026-02-01T12:00:00+09:00',
      policy: { dualApprovalFromYen: 2_000 },
    });
    const { noticeId } = await pendingNotice(50);
    const review = `/finance/notices/${noticeId}`;
    const first = await signedIn('finance');
    const before = await first.get(review).expect(200);
    expect(before.text).toContain(
      '合計 ￥2,200 (税込) が ￥2,000 以上のため、異なる経理担当者2名の承認が必要です。',
    );
    expect(before.text).toContain('1人目として承認する');

    const res = await post(first, review, `${review}/approve`);
    expect(res.headers.location).toBe(`${review}?notice=approvalRecorded`);
    expect(statusOf(noticeId)).toBe('pending-approval');
    const waiting = await first.get(res.headers.location!).expect(200);
    expect(waiting.text).toContain('1 / 2 名');
    expect(waiting.text).toContain('finance person (あなた)');
    expect(waiting.text).toContain(
      'あなたは承認済みです。別の経理担当者の承認を待っています。',
    );
    expect(waiting.text).not.toContain(`action="${review}/approve"`);
    expect(waiting.text).not.toMatch(NOTICE_NUMBER);

    // The same user again (an old tab): refused beside the form, nothing recorded.
    const again = await first
      .post(`${review}/approve`)
      .type('form')
      .send({ _csrf: csrfOf(before.text) });
    expect(again.status).toBe(409);
    expect(again.text).toMatch(
      /id="errors"[^>]*><h3>現在の状態と矛盾しています \(you already approved/,
    );
    expect(count('credit_notice_approvals')).toBe(1);

    const second = await signedIn('finance');
    const shown = await second.get(review).expect(200);
    expect(shown.text).toContain('承認して発行する');
    const issued = await post(second, review, `${review}/approve`);
    expect(issued.headers.location).toBe(`${review}?notice=noticeApproved`);
    expect(statusOf(noticeId)).toBe('approved');
    const page = await second.get(issued.headers.location!);
    expect(page.text).toContain('2 / 2 名');
    expect(page.text).toMatch(NOTICE_NUMBER);
  });

  it('rejects only with a reason: without one the field says so and nothing changes', async () => {
    t = makeTestApp({ now: '2026-02-01T12:00:00+09:00' });
    const { noticeId, claimId } = await pendingNotice();
    const finance = await signedIn('finance');
    const review = `/finance/notices/${noticeId}`;
    const refused = await post(finance, review, `${review}/reject`, {
      reason: '   ',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(
      /<p class="field-error" id="reject-reason-error">入力してください。<\/p>/,
    );
    expect(statusOf(noticeId)).toBe('pending-approval');

    const done = await post(finance, review, `${review}/reject`, {
      reason: 'settled separately',
    });
    expect(done.headers.location).toBe(`${review}?notice=noticeRejected`);
    expect(statusOf(noticeId)).toBe('rejected');
    const claim = await t.as('support').get(`/claims/${claimId}`).expect(200);
    expect(claim.body).toMatchObject({
      status: 'rejected',
      resolution: 'settled separately',
    });
    const page = await finance.get(review);
    expect(page.text).toContain('却下されました。');
    expect(page.text).toContain('settled separately');

    // Again, from a page opened before (another tab): the form is gone, the refusal is said at the top.
    const again = await finance
      .post(`${review}/reject`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), reason: 'twice' });
    expect(again.status).toBe(409);
    expect(again.text).toMatch(
      /id="errors"[^>]*><h3>現在の状態と矛盾しています \(credit notice [^)]* is not pending approval/,
    );
    expect(again.text).not.toContain(`action="${review}/reject"`);
  });

  it('voids only with a reason, and shows the correcting notice it prepared', async () => {
    t = makeTestApp({ now: '2026-02-01T12:00:00+09:00' });
    const { noticeId, contractId } = await pendingNotice(50);
    const finance = await signedIn('finance');
    const review = `/finance/notices/${noticeId}`;
    await post(finance, review, `${review}/approve`);
    // The outage is corrected: 75 h, not 50 h. The approved notice keeps its figures and shows the difference.
    const incidents = await t.as('support').get('/incidents').expect(200);
    await t
      .as('support')
      .patch(`/incidents/${incidents.body[0].id}`, {
        reason: 'the logs show it came back later',
        intervals: [
          {
            start: '2026-01-10T00:00:00+09:00',
            end: '2026-01-13T03:00:00+09:00',
          },
        ],
      })
      .expect(200);
    const discrepant = await finance.get(review).expect(200);
    expect(discrepant.text).toContain('発行後に障害が訂正されました。');

    const refused = await post(finance, review, `${review}/void`, {
      reason: '',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('id="void-reason-error"');
    expect(refused.text).toMatch(/<details class="card void-form" open>/);
    expect(statusOf(noticeId)).toBe('approved');

    const done = await post(finance, review, `${review}/void`, {
      reason: 'the outage lasted 75 h',
    });
    expect(done.headers.location).toBe(`${review}?notice=noticeVoided`);
    expect(statusOf(noticeId)).toBe('void');
    const page = await finance.get(done.headers.location!);
    const correcting = t.store.sqlite
      .prepare(
        'select id from credit_notices where corrects_notice_id = ? and contract_id = ?',
      )
      .get(noticeId, contractId) as { id: string };
    expect(page.text).toContain('訂正のための通知書');
    expect(page.text).toContain(`href="/finance/notices/${correcting.id}"`);
    // 75 h: 3 days of ¥1,000.
    expect(page.text).toMatch(/3日分 · ￥3,000/);
  });
});

describe('who may do what', () => {
  it('support cannot open finance pages; admin sees them but only finance decides', async () => {
    t = makeTestApp({ now: '2026-02-01T12:00:00+09:00' });
    const { noticeId } = await pendingNotice();
    const support = await signedIn('support');
    for (const path of [
      '/finance',
      '/finance/notices',
      `/finance/notices/${noticeId}`,
      `/finance/notices/${noticeId}/document`,
      '/finance/report',
      '/finance/report.csv?month=2026-02',
    ]) {
      const res = await support.get(path).set('Accept', 'text/html');
      expect(res.status, path).toBe(403);
    }
    const admin = await signedIn('admin');
    const review = await admin.get(`/finance/notices/${noticeId}`).expect(200);
    expect(review.text).toContain(
      '承認・却下・無効化は経理担当者だけが行えます。',
    );
    expect(review.text).not.toContain('/approve"');
    const refused = await admin
      .post(`/finance/notices/${noticeId}/approve`)
      .set('Accept', 'text/html')
      .type('form')
      .send({ _csrf: csrfOf(review.text) });
    expect(refused.status).toBe(403);
    expect(statusOf(noticeId)).toBe('pending-approval');
  });

  it('every new form refuses a post without its CSRF token, and changes nothing', async () => {
    t = makeTestApp({ now: '2026-02-01T12:00:00+09:00' });
    const pending = await pendingNotice(50, 'A-1');
    const approved = await pendingNotice(50, 'B-1');
    await t
      .as({ token: t.staffUser('finance').token })
      .post(`/credit-notices/${approved.noticeId}/approve`)
      .expect(200);
    const finance = await signedIn('finance');
    await finance.get('/finance').expect(200);
    for (const [action, fields] of [
      [`/finance/notices/${pending.noticeId}/approve`, {}],
      [`/finance/notices/${pending.noticeId}/reject`, { reason: 'no' }],
      [`/finance/notices/${approved.noticeId}/void`, { reason: 'wrong' }],
    ] as const) {
      const res = await finance
        .post(action)
        .set('Accept', 'text/html')
        .type('form')
        .send(fields);
      expect(res.status, action).toBe(403);
      expect(res.text).toContain('フォームの有効期限が切れました');
    }
    expect(statusOf(pending.noticeId)).toBe('pending-approval');
    expect(statusOf(approved.noticeId)).toBe('approved');
    expect(count('credit_notice_approvals')).toBe(1);
  });
});

describe('the month’s report', () => {
  it('totals the notices approved in the month, and its CSV is the API’s, byte for byte', async () => {
    t = makeTestApp({ now: '2026-02-01T12:00:00+09:00' });
    const { noticeId } = await pendingNotice(50);
    await t
      .as({ token: t.staffUser('finance').token })
      .post(`/credit-notices/${noticeId}/approve`)
      .expect(200);
    const finance = await signedIn('finance');
    const report = await finance.get('/finance/report').expect(200);
    // The JST month of today, by default.
    expect(report.text).toContain('value="2026-02"');
    expect(report.text).toMatch(NOTICE_NUMBER);
    expect(report.text).toContain('href="/finance/report.csv?month=2026-02"');
    const page = await finance
      .get('/finance/report.csv?month=2026-02')
      .buffer(true)
      .parse(asBytes)
      .expect(200);
    const api = await t
      .as('admin')
      .get('/reports/credits?month=2026-02')
      .set('Accept', 'text/csv')
      .buffer(true)
      .parse(asBytes)
      .expect(200);
    expect(page.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(page.headers['content-disposition']).toBe(
      'attachment; filename="credits-2026-02.csv"',
    );
    expect((page.body as Buffer).equals(api.body as Buffer)).toBe(true);
    expect((page.body as Buffer).subarray(0, 3)).toEqual(
      Buffer.from([0xef, 0xbb, 0xbf]),
    );
  });

  it('a month it cannot read is said beside the field', async () => {
    t = makeTestApp({ now: '2026-02-01T12:00:00+09:00' });
    const finance = await signedIn('finance');
    const res = await finance.get('/finance/report?month=2026-13');
    expect(res.status).toBe(422);
    expect(res.text).toContain(
      '<p class="field-error" id="month-error">年月を選んでください。</p>',
    );
  });
});

describe('the customer’s notices', () => {
  it('lists my issued notices to download; another customer’s, or one not issued, is 404', async () => {
    t = makeTestApp({ now: '2026-02-01T12:00:00+09:00' });
    const mine = await pendingNotice(50, 'MINE-1');
    const theirs = await pendingNotice(50, 'THEIRS-1');
    const unissued = await pendingNotice(30, 'MINE-2');
    const finance = { token: t.staffUser('finance').token };
    for (const { noticeId } of [mine, theirs])
      await t
        .as(finance)
        .post(`/credit-notices/${noticeId}/approve`)
        .expect(200);
    const customer = await signedIn('customer', mine.customerId);
    const list = await customer.get('/portal/notices').expect(200);
    const number = NOTICE_NUMBER.exec(list.text)![0];
    expect(list.text).toContain('MINE-1');
    expect(list.text).not.toContain('THEIRS-1');

    const html = await customer
      .get(`/portal/notices/${mine.noticeId}/document?lang=en&format=html`)
      .expect(200);
    expect(html.headers['content-disposition']).toBe(
      `attachment; filename="${number}.en.html"`,
    );
    expect(html.text).toContain(number);

    for (const other of [theirs.noticeId, unissued.noticeId]) {
      const res = await customer
        .get(`/portal/notices/${other}/document?lang=ja&format=html`)
        .set('Accept', 'text/html');
      expect(res.status).toBe(404);
      expect(res.text).toContain('ページが見つかりません');
    }
    // The claim shows its notice's number.
    const claims = await customer.get('/portal/claims').expect(200);
    expect(claims.text).toContain(`減額通知書 ${number}`);
  });

  it('a PDF without Chromium answers a page that says so, and the HTML still downloads', async () => {
    t = makeTestApp({ now: '2026-02-01T12:00:00+09:00' });
    const { noticeId, customerId } = await pendingNotice();
    await t
      .as({ token: t.staffUser('finance').token })
      .post(`/credit-notices/${noticeId}/approve`)
      .expect(200);
    const customer = await signedIn('customer', customerId);
    const pdf = await customer
      .get(`/portal/notices/${noticeId}/document?lang=ja&format=pdf`)
      .set('Accept', 'text/html');
    expect(pdf.status).toBe(503);
    expect(pdf.headers['content-type']).toMatch(/^text\/html/);
    expect(pdf.text).toContain('PDF を作成できません');
    expect(pdf.text).toContain('HTML 版はダウンロードでき');
    await customer
      .get(`/portal/notices/${noticeId}/document?lang=ja&format=html`)
      .expect(200);
  });
});
