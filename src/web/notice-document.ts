/**
 * A credit notice's document on the pages: the same use case as the API's `GET /credit-notices/:id/document`
 * (the frozen bytes of an issued notice, or a draft rendered now), sent from our own origin. Finance's
 * review frames the HTML beside the computation; customers download it.
 */
import { createHash } from 'node:crypto';
import { ServiceError } from '../errors';
import { fieldErrorsOf } from '../schemas/common';
import { NoticeDocumentQuery } from '../schemas/credit-notices';
import { creditNoticeDocument } from '../services/credit-notices';
import type { PageContext } from './page';

/**
 * The notice's own policy, tighter than the pages': nothing may load, run or be submitted, only its
 * `<style>` blocks apply (allowed by their hashes, so no other style can be slipped in), and only our pages
 * may frame it.
 */
function noticeDocumentPolicy(html: string): string {
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(
    (match) =>
      `'sha256-${createHash('sha256').update(match[1]!, 'utf8').digest('base64')}'`,
  );
  return [
    "default-src 'none'",
    `style-src ${styles.length > 0 ? styles.join(' ') : "'none'"}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/**
 * Sends notice `id` in the language and format of the page's query (`lang`, `format`), to be shown in place
 * (`inline`, the review's frame) or saved (`attachment`, a download). A missing Chromium is the use case's
 * `pdf-unavailable`, shown as a page that says so.
 */
export async function sendNoticeDocument(
  p: PageContext,
  id: string,
  disposition: 'inline' | 'attachment',
): Promise<void> {
  const parsed = NoticeDocumentQuery.safeParse({
    lang: p.query('lang'),
    format: p.query('format'),
  });
  if (!parsed.success)
    throw new ServiceError(
      'validation-failed',
      'lang must be ja or en, format html or pdf',
      fieldErrorsOf(parsed.error),
    );
  const file = await creditNoticeDocument(
    p.ctx,
    id,
    parsed.data,
    p.deps.printing,
  );
  const { res } = p;
  res.status(200);
  res.setHeader('Content-Type', file.contentType);
  res.setHeader(
    'Content-Disposition',
    `${disposition}; filename="${file.fileName}"`,
  );
  if (parsed.data.format === 'html')
    res.setHeader(
      'Content-Security-Policy',
      noticeDocumentPolicy(file.body.toString()),
    );
  if (file.sha256 !== null) res.setHeader('ETag', `"${file.sha256}"`);
  res.end(file.body);
}
