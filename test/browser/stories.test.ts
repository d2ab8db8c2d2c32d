/**
 * Each role's main story, end to end in Chromium against the real server: support logs an incident
 * after previewing its effect, the customer sees the outage and claims it (in Japanese, and once in
 * English); finance and admin walk their pages. axe-core checks every page visited.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  },
} as const;

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
          await b.check('ja-10-customer-phone');
        } finally {
          await b.close();
        }
      });
    }
  });
}

describe('finance and admin walk their pages (ja)', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('finance: pending claims, unclaimed deadlines soonest first, the audit log', async () => {
    const origin = world.server.url;
    const b = await browse(origin);
    try {
      const { page } = b;
      await logIn(page, origin, loginOf(world, 'finance'));
      expect(new URL(page.url()).pathname).toBe('/finance');
      await b.check('ja-11-finance');
      await page.click('.site-nav a[href="/finance/deadlines"]');
      const deadlines = await page
        .locator('tbody tr .deadline > span:first-child')
        .allTextContents();
      expect(deadlines.length).toBeGreaterThan(0);
      await b.check('ja-12-finance-deadlines');
      await page.goto(`${origin}/finance/audit`);
      await b.check('ja-13-finance-audit');
    } finally {
      await b.close();
    }
  });

  it('admin: adds a customer, a contract for it, and a user', async () => {
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
      await b.check('ja-14-admin-customers');

      await page.goto(`${origin}/admin/contracts/new`);
      await page.selectOption('#customerId', { label: '浜風運輸株式会社' });
      await page.fill('#contractNumber', 'FM-2026-0500');
      await page.fill('#billingStartDate', '2026-04-01');
      await page.fill('#monthlyFee', '150,000');
      await b.check('ja-15-admin-new-contract');
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
      await b.check('ja-16-admin-users');
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
      await b.check('ja-17-api-docs');
    } finally {
      await b.close();
    }
  });
});
