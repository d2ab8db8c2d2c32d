/**
 * A4 PDFs of print-ready HTML, printed by Debian's Chromium through playwright-core. The browser starts
 * on the first PDF and is kept for the next ones; `close()` stops it at shutdown. Each PDF gets a fresh
 * browser context with JavaScript off and every network request refused: a notice is self-contained, and
 * nothing in one (escaped as it is) may reach out. Japanese text needs Debian's `fonts-noto-cjk`.
 * Without Chromium, `renderPdf` throws `pdf-unavailable` (503); HTML needs none of this.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { ServiceError } from '../errors';

/** Chromium's switches for a headless server: no sandbox (it runs as a service user or root in CI), no GPU, no calls home. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const INSTALL_HINT =
  "install Debian's chromium and fonts-noto-cjk (apt-get install chromium fonts-noto-cjk), or point SLA_CHROMIUM_PATH at a Chromium";

export interface PdfRenderer {
  /** The A4 PDF of a self-contained HTML page; `pdf-unavailable` when Chromium cannot be started. */
  renderPdf(html: string): Promise<Buffer>;
  /** Stops the browser, if one was started; a later `renderPdf` starts a new one. */
  close(): Promise<void>;
}

export function createPdfRenderer({
  executablePath,
}: {
  executablePath: string;
}): PdfRenderer {
  let browser: Promise<Browser> | null = null;

  async function launch(): Promise<Browser> {
    if (!existsSync(executablePath))
      throw new ServiceError(
        'pdf-unavailable',
        `PDF rendering needs Chromium, which is not at ${executablePath}: ${INSTALL_HINT}`,
      );
    try {
      // Loaded on the first PDF: playwright-core takes about a third of a second to load, which every
      // start would otherwise pay before /healthz answers.
      const { chromium } = await import('playwright-core');
      return await chromium.launch({
        executablePath,
        args: [...CHROMIUM_ARGS],
      });
    } catch (error) {
      throw new ServiceError(
        'pdf-unavailable',
        `Chromium at ${executablePath} could not be started (${firstLine(error)}): ${INSTALL_HINT}`,
      );
    }
  }

  function running(): Promise<Browser> {
    if (browser !== null) return browser;
    const launching = launch();
    browser = launching;
    const forget = () => {
      if (browser === launching) browser = null;
    };
    // A failed start is not kept (Chromium may be installed by the next PDF), nor is a browser that
    // crashed or was killed: the next PDF starts another.
    launching.then((started) => started.on('disconnected', forget), forget);
    return launching;
  }

  return {
    async renderPdf(html) {
      const context = await (await running()).newContext({
        javaScriptEnabled: false,
        offline: true,
      });
      try {
        await context.route('**/*', (route) => route.abort());
        const page = await context.newPage();
        await page.setContent(html, { waitUntil: 'load' });
        return await page.pdf({
          format: 'A4',
          preferCSSPageSize: true,
          printBackground: true,
        });
      } finally {
        await context.close();
      }
    },
    async close() {
      const current = browser;
      browser = null;
      if (current === null) return;
      const started = await current.catch(() => null);
      await started?.close();
    },
  };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
