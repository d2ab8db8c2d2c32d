/**
 * The browser tests' world: the real server (`startServer`) on a fresh temporary database seeded
 * through the use cases, and Debian's Chromium driven by playwright-core, headless, with no network
 * beyond that server. Every page visited is checked by axe-core and photographed into test-results/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEFAULT_CHROMIUM_PATH, settingsFromEnv } from '../../src/config';
import { openStore } from '../../src/db/client';
import { DEMO_ISSUER, type DemoLogin, seedDemo } from '../../src/demo-data';
import { createNoticeRenderer } from '../../src/documents/notice-renderer';
import { CHROMIUM_ARGS } from '../../src/documents/pdf';
import { instantOf } from '../../src/domain/time';
import { type RunningServer, startServer } from '../../src/server';

export const RESULTS = join(process.cwd(), 'test-results');

export interface World {
  server: RunningServer;
  logins: DemoLogin[];
  /** The instant the demo data was seeded at (its incidents lie before it). */
  seededAt: number;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'gengaku-browser-'));
  const settings = settingsFromEnv({
    ...DEMO_ISSUER,
    DATABASE_PATH: join(dir, 'gengaku.db'),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  });
  const store = openStore(settings.databasePath);
  const seededAt = instantOf(Math.floor(Date.now() / 60_000) * 60_000);
  const logins = await seedDemo(
    store,
    settings.app,
    seededAt,
    createNoticeRenderer(),
  );
  store.close();
  const server = await startServer(settings);
  return {
    server,
    logins,
    seededAt,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Decoration axe cannot tell from text: the watermark of a framed credit notice (下書き, 無効) is faint on
 * purpose and said again in words by the notice's banner (WCAG 1.4.3 exempts incidental text).
 */
const DECORATION = ['iframe.notice-frame', '.watermark'];

export interface Browsing {
  context: BrowserContext;
  page: Page;
  /** Runs axe-core on the page and fails on serious or critical violations; then saves a screenshot. */
  check(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A fresh Chromium profile (its own user-data-dir), allowed to reach only the server under test. */
export async function browse(
  origin: string,
  options: {
    viewport?: { width: number; height: number };
    /** The browser's own language (its date pickers); the pages' language is the site's switch. */
    lang?: 'ja' | 'en';
  } = {},
): Promise<Browsing> {
  const profile = mkdtempSync(join(tmpdir(), 'gengaku-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: DEFAULT_CHROMIUM_PATH,
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      `--lang=${options.lang === 'en' ? 'en-GB' : 'ja-JP'}`,
    ],
    viewport: options.viewport ?? { width: 1280, height: 900 },
    locale: options.lang === 'en' ? 'en-GB' : 'ja-JP',
    timezoneId: 'Asia/Tokyo',
  });
  await context.route('**/*', (route) =>
    route.request().url().startsWith(origin) ? route.continue() : route.abort(),
  );
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  mkdirSync(RESULTS, { recursive: true });
  return {
    context,
    page,
    async check(name) {
      const results = await new AxeBuilder({ page })
        .exclude(DECORATION)
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
        .analyze();
      const serious = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
          (v) =>
            `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
        );
      await page.screenshot({
        path: join(RESULTS, `${name}.png`),
        fullPage: true,
      });
      expect(serious, `axe on ${name} (${page.url()})`).toEqual([]);
      // A page that breaks its own CSP or throws shows it here.
      expect(problems, `console errors on ${name}`).toEqual([]);
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function loginOf(world: World, role: DemoLogin['role']): DemoLogin {
  return world.logins.find((login) => login.role === role)!;
}

export async function logIn(page: Page, origin: string, login: DemoLogin) {
  await page.goto(`${origin}/login`);
  await page.fill('#email', login.email);
  await page.fill('#password', login.password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/login')),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
}
