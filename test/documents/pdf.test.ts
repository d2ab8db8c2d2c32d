/**
 * Without a usable Chromium the PDF renderer answers `pdf-unavailable` (503) and says what to install;
 * the HTML needs no browser. (The PDF itself, in the real Chromium: test/browser/notice-pdf.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM_PATH, settingsFromEnv } from '../../src/config';
import { createNoticeRenderer } from '../../src/documents/notice-renderer';
import { createPdfRenderer } from '../../src/documents/pdf';
import { ServiceError } from '../../src/errors';
import { problemOf } from '../../src/http/problem';
import { APPROVED_NOTICE } from './fixtures';

async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe('PDF without Chromium', () => {
  const html = createNoticeRenderer().renderNoticeHtml(APPROVED_NOTICE, 'ja');

  it('answers pdf-unavailable (503) when there is no Chromium at the path', async () => {
    const pdf = createPdfRenderer({
      executablePath: '/nonexistent/gengaku/chromium',
    });
    const error = await refusal(pdf.renderPdf(html));
    expect(error.code).toBe('pdf-unavailable');
    expect(error.status).toBe(503);
    expect(error.message).toContain('/nonexistent/gengaku/chromium');
    expect(error.message).toContain('chromium and fonts-noto-cjk');
    const problem = problemOf(error);
    expect(problem.status).toBe(503);
    expect(problem.title).toMatch(/chromium and fonts-noto-cjk/);
    // It keeps answering so, and closing a renderer that never started a browser is fine.
    expect((await refusal(pdf.renderPdf(html))).code).toBe('pdf-unavailable');
    await pdf.close();
  });

  it('answers pdf-unavailable when the file there cannot be started as a browser', async () => {
    const pdf = createPdfRenderer({ executablePath: '/etc/hostname' });
    const error = await refusal(pdf.renderPdf(html));
    expect(error.code).toBe('pdf-unavailable');
    expect(error.message).toContain('could not be started');
    await pdf.close();
  });
});

describe('the Chromium setting', () => {
  it("defaults to Debian's /usr/bin/chromium and follows SLA_CHROMIUM_PATH", () => {
    expect(DEFAULT_CHROMIUM_PATH).toBe('/usr/bin/chromium');
    expect(settingsFromEnv({}).chromiumPath).toBe('/usr/bin/chromium');
    expect(
      settingsFromEnv({ SLA_CHROMIUM_PATH: '/opt/chromium/chrome' })
        .chromiumPath,
    ).toBe('/opt/chromium/chrome');
  });
});
