/**
 * Each role's main story, end to end in Chromium against the real server: support logs an incident
 * after previewing its effect, the customer sees the outage and claims it, finance reviews the notice
 * beside its computation and approves it, and the customer downloads it as HTML and PDF (in Japanese,
 * and once in English); two finance users give a large notice its two approvals; finance and admin
 * walk their other pages. axe-core checks every page visited.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoLogin } from '../../src/demo-data';
import { type Receiver, startReceiver } from '../support/receiver';
import { browse, logIn, loginOf, startWorld, type World } from './harness';

/** A datetime-local value in Japan time, `hoursAgo` before `from`. */
const jstInput = (from: number, hoursAgo: number) =>
  DateTime.fromMillis(from - hoursAgo * 3_600_000, {
    zone: 'Asia/Tokyo',
  }).toFormat("yyyy-MM-dd'T'HH:mm");

const WORDS = {
  ja: {
    preview: '影響をプレビュー',
    save: 'この内容で登録する',
    created: '障害を登録しました。',
    newKind: '新規',
    claim: '減額を請求する',
    filed: '減額請求を受け付けました。',
    pending: '承認待ち',
    langButton: 'English',
    review: '確認する',
    approveIssue: '承認して発行する',
    approveFirst: '1人目として承認する',
    approved: '承認しました。',
    approvalRecorded: '1人目の承認を記録しました。',
    waitingForSecond: 'あなたは承認済みです。',
    documentTitle: '返還インボイス',
  },
  en: {
    preview: 'Preview the effect',
    save: 'Save this incident',
    created: 'The incident was logged.',
    newKind: 'New',
    claim: 'Claim the credit',
    filed: 'Your claim was received.',
    pending: 'Pending approval',
    langButton: '日本語',
    review: 'Review',
    approveIssue: 'Approve and issue',
    approveFirst: 'Approve as the first approver',
    approved: 'Approved: the notice was numbered and issued.',
    approvalRecorded: 'Your approval was recorded as the first.',
    waitingForSecond: 'You have approved it.',
    documentTitle: 'Credit Note',
  },
} as const;

const NOTICE_NUMBER = /CN-\d{4}-\d{6}/;

/** Logs in, in `lang` (the switch on the login page sticks). */
async function logInAs(
  page: Page,
  origin: string,
  login: DemoLogin,
  lang: 'ja' | 'en',
) {
  await page.goto(`${origin}/login`);
  if (lang === 'en')
    await page.click(`button:has-text("${WORDS.ja.langButton}")`);
  await logIn(page, origin, login);
}

/** Clicks what starts a download and gives the downloaded bytes and the file's suggested name. */
async function download(page: Page, click: () => Promise<void>) {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return {
    name: file.suggestedFilename(),
    bytes: readFileSync((await file.path())!),
  };
}

/** The text of a PDF, as poppler reads it. */
const pdfText = (bytes: Buffer) =>
  execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], {
    input: bytes,
    encoding: 'utf8',
  });

for (const lang of ['ja', 'en'] as const) {
  describe(`support logs an incident, the customer claims its outage (${lang})`, () => {
    let world: World;
    beforeAll(async () => {
      world = await startWorld();
    });
    afterAll(async () => {
      await world?.close();
    });
    const words = WORDS[lang];
    const title =
      lang === 'ja'
        ? 'jp-east 認証基盤の停止'
        : 'jp-east authentication outage';

    it('support previews the affected contracts, then saves', async () => {
      const origin = world.server.url;
      const b = await browse(origin, { lang });
      try {
        const { page } = b;
        await page.goto(`${origin}/login`);
        if (lang === 'en') {
          await page.click(`button:has-text("${WORDS.ja.langButton}")`);
          await expect
            .poll(() => page.locator('html').getAttribute('lang'))
            .toBe('en');
        }
        await b.check(`${lang}-01-login`);
        await logIn(page, origin, loginOf(world, 'support'));
        expect(new URL(page.url()).pathname).toBe('/support/incidents');
        await b.check(`${lang}-02-support-incidents`);

        await page.click('a[href="/support/incidents/new"]');
        await b.check(`${lang}-03-support-new-incident`);
        const now = Date.now();
        await page.fill('#title', title);
        await page.selectOption('#cause', 'provider');
        await page.selectOption('#severity', 'total');
        await page.check('input[name="regions"][value="jp-east"]');
        await page.fill('#awareAt', jstInput(now, 30));
        await page.fill('#start-0', jstInput(now, 31));
        await page.fill('#end-0', jstInput(now, 2));
        await page.click(`button:has-text("${words.preview}")`);
        const preview = page.locator('#preview');
        await preview.waitFor();
        // The jp-east contract without the multi-region option is affected and gets a new outage.
        const east = preview.locator('.preview-contract', {
          hasText: 'FM-2025-0101',
        });
        await expect.poll(() => east.count()).toBe(1);
        await expect
          .poll(() =>
            east.locator('.badge', { hasText: words.newKind }).count(),
          )
          .toBe(1);
        // With the multi-region option (jp-west), one region down leaves it usable: no outage to preview.
        await expect
          .poll(() =>
            preview
              .locator('.preview-contract', { hasText: 'FM-2025-0330' })
              .count(),
          )
          .toBe(0);
        await b.check(`${lang}-04-support-preview`);

        await page.click(`button:has-text("${words.save}")`);
        await page.waitForURL(
          /\/support\/incidents\/[0-9a-f-]+\?notice=incidentCreated/,
        );
        await expect
          .poll(() => page.locator('.notice').textContent())
          .toContain(words.created);
        await expect
          .poll(() => page.locator('svg.timeline rect.outage').count())
          .toBeGreaterThan(0);
        await b.check(`${lang}-05-support-incident`);
      } finally {
        await b.close();
      }
    });

    it('the customer sees the outage with its credit and deadline, and claims it', async () => {
      const origin = world.server.url;
      const b = await browse(origin, { lang });
      try {
        const { page } = b;
        await page.goto(`${origin}/login`);
        if (lang === 'en')
          await page.click(`button:has-text("${WORDS.ja.langButton}")`);
        await logIn(page, origin, loginOf(world, 'customer'));
        expect(new URL(page.url()).pathname).toBe('/portal');
        // The demo's older outage on FM-2025-0101 closes within 14 days: the banner says so.
        await expect
          .poll(() => page.locator('.banner').textContent())
          .toContain(lang === 'ja' ? '14日以内' : 'within 14 days');
        await b.check(`${lang}-06-customer-portal`);

        await page.click('a:has-text("FM-2025-0101")');
        await b.check(`${lang}-07-customer-contract`);
        // The newest outage is the one support just logged: 28 h from awareness, one credit day.
        const row = page.locator('tbody tr').first();
        await expect
          .poll(() => row.textContent())
          .toContain(lang === 'ja' ? '28時間' : '28 h');
        await row.locator(`button:has-text("${words.claim}")`).click();
        await page.waitForURL(/notice=claimFiled/);
        await expect
          .poll(() => page.locator('.notice').textContent())
          .toContain(words.filed);
        await b.check(`${lang}-08-customer-claimed`);

        await page.click('a[href="/portal/claims"]');
        await expect
          .poll(() => page.locator('main').textContent())
          .toContain(words.pending);
        await b.check(`${lang}-09-customer-claims`);
      } finally {
        await b.close();
      }
    });

    it('finance reviews the notice beside its computation and approves it; the customer downloads it', async () => {
      const origin = world.server.url;
      const finance = await browse(origin, { lang });
      let number: string;
      try {
        const { page } = finance;
        await logInAs(page, origin, loginOf(world, 'finance'), lang);
        expect(new URL(page.url()).pathname).toBe('/finance');
        await finance.check(`${lang}-10-finance-queue`);

        // The notice the customer's claim just got: the newest of FM-2025-0101, the last of the queue.
        const row = page.locator('table.queue tbody tr', {
          hasText: 'FM-2025-0101',
        });
        await expect.poll(() => row.count()).toBe(1);
        await row.locator(`a:has-text("${words.review}")`).click();
        await page.waitForURL(/\/finance\/notices\/[0-9a-f-]+$/);
        // The document as it will be issued, framed from our origin, beside its computation.
        const document = page.frameLocator('iframe.notice-frame');
        await expect
          .poll(() => document.locator('h1').textContent())
          .toBe(words.documentTitle);
        await expect
          .poll(() => page.locator('dl.computation').textContent())
          .toContain(lang === 'ja' ? '28時間' : '28 h');
        await expect
          .poll(() => page.locator('dl.computation').textContent())
          .toMatch(
            lang === 'ja'
              ? /1日 × 月額費用 ￥[\d,]+ ÷ 30 = ￥[\d,]+/
              : /1 day × monthly fee ¥[\d,]+ ÷ 30 = ¥[\d,]+/,
          );
        await finance.check(`${lang}-11-finance-review`);

        await page.click(`button:has-text("${words.approveIssue}")`);
        await page.waitForURL(/notice=noticeApproved/);
        await expect
          .poll(() => page.locator('.notice').textContent())
          .toContain(words.approved);
        number = NOTICE_NUMBER.exec(
          (await page.locator('h1').textContent()) ?? '',
        )![0];
        // The frozen document now carries the number.
        await expect
          .poll(() => document.locator('body').textContent())
          .toContain(number);
        await finance.check(`${lang}-12-finance-approved`);
      } finally {
        await finance.close();
      }

      const customer = await browse(origin, { lang });
      try {
        const { page } = customer;
        await logInAs(page, origin, loginOf(world, 'customer'), lang);
        await page.click('.site-nav a[href="/portal/notices"]');
        const row = page.locator('tbody tr', { hasText: number });
        await expect.poll(() => row.count()).toBe(1);
        await customer.check(`${lang}-13-customer-notices`);

        const links = row.locator('.downloads li').nth(lang === 'ja' ? 0 : 1);
        const html = await download(page, () =>
          links.locator('a', { hasText: 'HTML' }).click(),
        );
        expect(html.name).toBe(`${number}.${lang}.html`);
        expect(html.bytes.toString('utf8')).toContain(number);
        const pdf = await download(page, () =>
          links.locator('a', { hasText: 'PDF' }).click(),
        );
        expect(pdf.name).toBe(`${number}.${lang}.pdf`);
        expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        expect(pdfText(pdf.bytes)).toContain(number);

        // The claim shows its notice's number.
        await page.click('.site-nav a[href="/portal/claims"]');
        await expect
          .poll(() => page.locator('main').textContent())
          .toContain(number);
        await customer.check(`${lang}-14-customer-claims-notice`);
      } finally {
        await customer.close();
      }
    });

    if (lang === 'ja') {
      it('the customer portal reads on a phone', async () => {
        const origin = world.server.url;
        const b = await browse(origin, {
          viewport: { width: 390, height: 844 },
        });
        try {
          await logIn(b.page, origin, loginOf(world, 'customer'));
          await b.page.click('a:has-text("FM-2026-0012")');
          const width = await b.page.evaluate(
            'document.documentElement.scrollWidth',
          );
          expect(width).toBeLessThanOrEqual(390);
          await b.check('ja-15-customer-phone');
        } finally {
          await b.close();
        }
      });
    }
  });
}

describe('finance and admin walk their pages (ja)', () => {
  let world: World;
  let receiver: Receiver;
  beforeAll(async () => {
    world = await startWorld();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await world?.close();
    await receiver?.close();
  });

  it('admin registers a webhook; its secret is shown once', async () => {
    const origin = world.server.url;
    const b = await browse(origin);
    try {
      const { page } = b;
      await logIn(page, origin, loginOf(world, 'admin'));
      await page.click('.site-nav a[href="/admin/webhooks"]');
      await page.fill('#url', receiver.url);
      await page.click('button:has-text("登録する")');
      // Left empty, the secret was made for us: shown now, and never again.
      const secret = (await page.locator('code.secret').textContent())!;
      expect(secret.length).toBeGreaterThanOrEqual(16);
      await b.check('ja-19-admin-webhooks');
      await page.goto(`${origin}/admin/webhooks`);
      expect(await page.locator('main').textContent()).not.toContain(secret);
    } finally {
      await b.close();
    }
  });

  it('two finance users give a large notice its two approvals', async () => {
    const origin = world.server.url;
    const [ito, tanaka] = world.logins.filter(
      (login) => login.role === 'finance',
    );
    let reviewPath: string;
    const first = await browse(origin);
    try {
      const { page } = first;
      await logIn(page, origin, tanaka!);
      // The demo's fibre-ring notice for FM-2024-0999: ¥1,408,000 with tax, no approval yet of the two it needs.
      const row = page.locator('table.queue tbody tr', { hasText: '0 / 2' });
      await expect.poll(() => row.count()).toBe(1);
      await row.locator(`a:has-text("${WORDS.ja.review}")`).click();
      await page.waitForURL(/\/finance\/notices\/[0-9a-f-]+$/);
      reviewPath = new URL(page.url()).pathname;
      await expect
        .poll(() => page.locator('.decision').textContent())
        .toContain('異なる経理担当者2名の承認が必要です');
      await page.click(`button:has-text("${WORDS.ja.approveFirst}")`);
      await page.waitForURL(/notice=approvalRecorded/);
      await expect
        .poll(() => page.locator('.decision').textContent())
        .toContain(WORDS.ja.waitingForSecond);
      // Still unnumbered, and no second approval from the same person.
      expect(await page.locator('h1').textContent()).not.toMatch(NOTICE_NUMBER);
      expect(await page.locator('form[action$="/approve"]').count()).toBe(0);
      await first.check('ja-20a-finance-first-approval');
      // Back in the queue, the notice says it waits for someone else.
      await page.click('.back a');
      await expect
        .poll(() =>
          page
            .locator('table.queue tbody tr', { hasText: '1 / 2' })
            .filter({ hasText: '1,408,000' })
            .textContent(),
        )
        .toContain('あなたは承認済み');
      await first.check('ja-20b-finance-queue-waiting');
    } finally {
      await first.close();
    }

    const second = await browse(origin);
    try {
      const { page } = second;
      await logIn(page, origin, ito!);
      await page.goto(`${origin}${reviewPath}`);
      await expect
        .poll(() => page.locator('.decision').textContent())
        .toContain('Tanaka Yui');
      await second.check('ja-21-finance-second-approver');
      await page.click(`button:has-text("${WORDS.ja.approveIssue}")`);
      await page.waitForURL(/notice=noticeApproved/);
      expect(await page.locator('h1').textContent()).toMatch(NOTICE_NUMBER);
      await expect
        .poll(() => page.locator('.decision dd').allTextContents())
        .toEqual(
          expect.arrayContaining([
            expect.stringContaining('Tanaka Yui'),
            expect.stringContaining('Ito Kenji'),
          ]),
        );
      await second.check('ja-22-finance-issued');
    } finally {
      await second.close();
    }
  });

  it('finance: notices by status, the month’s report and its CSV, unclaimed deadlines, the audit log', async () => {
    const origin = world.server.url;
    const b = await browse(origin);
    try {
      const { page } = b;
      await logIn(page, origin, loginOf(world, 'finance'));
      await page.click('.site-nav a[href="/finance/notices"]');
      await expect
        .poll(() => page.locator('tbody tr').first().textContent())
        .toMatch(NOTICE_NUMBER);
      await b.check('ja-23-finance-notices');
      await page.click('.tabs a[href="/finance/notices?status=void"]');
      await expect
        .poll(() => page.locator('main').textContent())
        .toContain('無効');
      await b.check('ja-24-finance-void-notices');

      await page.click('.site-nav a[href="/finance/report"]');
      await expect
        .poll(() => page.locator('tbody tr').count())
        .toBeGreaterThan(0);
      await b.check('ja-25-finance-report');
      const csv = await download(page, () =>
        page.click('a[href^="/finance/report.csv"]'),
      );
      // UTF-8 with a BOM, as Excel in Japan opens it.
      expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(csv.bytes.toString('utf8')).toMatch(NOTICE_NUMBER);

      await page.click('.site-nav a[href="/finance/deadlines"]');
      const deadlines = await page
        .locator('tbody tr .deadline > span:first-child')
        .allTextContents();
      expect(deadlines.length).toBeGreaterThan(0);
      await b.check('ja-26-finance-deadlines');
      await page.goto(`${origin}/finance/audit`);
      await b.check('ja-27-finance-audit');
    } finally {
      await b.close();
    }
  });

  it('admin: adds a customer, a contract for it and a user, revokes a user’s access, sees the webhook’s deliveries', async () => {
    const origin = world.server.url;
    const b = await browse(origin);
    try {
      const { page } = b;
      await logIn(page, origin, loginOf(world, 'admin'));
      await page.goto(`${origin}/admin/customers`);
      await page.fill('#name', '浜風運輸株式会社');
      await page.fill('#email', 'it@hamakaze.example');
      await page.click('button:has-text("追加する")');
      await page.waitForURL(/notice=customerCreated/);
      await b.check('ja-30-admin-customers');

      await page.goto(`${origin}/admin/contracts/new`);
      await page.selectOption('#customerId', { label: '浜風運輸株式会社' });
      await page.fill('#contractNumber', 'FM-2026-0500');
      await page.fill('#billingStartDate', '2026-04-01');
      await page.fill('#monthlyFee', '150,000');
      await b.check('ja-31-admin-new-contract');
      await page.click('button:has-text("登録する")');
      await page.waitForURL(/notice=contractCreated/);
      await expect
        .poll(() => page.locator('h1').textContent())
        .toBe('FM-2026-0500');

      await page.goto(`${origin}/admin/users`);
      await page.fill('#name', '浜風 IT');
      await page.fill('#email', 'desk@hamakaze.example');
      await page.selectOption('#role', 'customer');
      await page.selectOption('#customerId', { label: '浜風運輸株式会社' });
      await page.fill('#password', 'a-long-enough-password');
      await page.click('button:has-text("追加する")');
      await expect.poll(() => page.locator('code.secret').count()).toBe(1);
      await b.check('ja-32-admin-users');

      // Support's demo user: every API token and signed-in session ends at once.
      await page
        .locator('tbody tr', { hasText: 'support@gengaku.local' })
        .locator('button')
        .click();
      await expect
        .poll(() => page.locator('.notice').textContent())
        .toContain('Sato Haruka (support)');
      await b.check('ja-33-admin-revoked');

      // The approval earlier in this story was announced to the webhook: delivered, every attempt listed.
      await page.goto(`${origin}/admin/webhooks`);
      await page.click(`a:has-text("${receiver.url}")`);
      await expect
        .poll(
          async () => {
            await page.reload();
            return page.locator('.delivery').first().textContent();
          },
          { timeout: 30_000 },
        )
        .toContain('配信済み');
      expect(receiver.received.length).toBeGreaterThan(0);
      await b.check('ja-34-admin-webhook-deliveries');
    } finally {
      await b.close();
    }
  });

  it('the API reference renders from the OpenAPI document, offline', async () => {
    const origin = world.server.url;
    const b = await browse(origin);
    try {
      await b.page.goto(`${origin}/api/docs`);
      await expect
        .poll(() => b.page.locator('body').textContent(), { timeout: 30_000 })
        .toContain('Gengaku API');
      await b.check('ja-35-api-docs');
    } finally {
      await b.close();
    }
  });
});
