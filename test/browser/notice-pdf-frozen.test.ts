/**
 * An approved notice's PDFs in the real Chromium (`npm run test:browser`): printed right after the
 * approval commits from the frozen HTML and stored once, then served byte for byte (ETag: the SHA-256 of
 * what is stored); printed on the first request when they were not stored then.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM_PATH } from '../../src/config';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { DEFAULT_REGIONS } from '../../src/domain/terms';
import { approveCreditNotice } from '../../src/services/credit-notices';
import { makeTestApp, seedContract, TEST_ISSUER } from '../support/app';

const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
const t = makeTestApp({
  chromiumPath: process.env.SLA_CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH,
});
afterAll(() => t.close());

const START = '2026-01-10T10:00:00+09:00';

async function pendingNotice(): Promise<string> {
  const { contractId } = await seedContract(t);
  await t
    .as('support')
    .post('/incidents', {
      title: 'Gateway down',
      cause: 'provider',
      severity: 'total',
      scope: { contractIds: [contractId] },
      awareAt: START,
      intervals: [{ start: START, end: '2026-01-12T10:00:00+09:00' }],
    })
    .expect(201);
  const claim = await t
    .as('support')
    .post('/claims', { contractId, outageStart: '2026-01-10T01:00:00.000Z' })
    .expect(201);
  return claim.body.creditNoticeId;
}

const binary = (test: request.Test) =>
  test.buffer(true).parse((response, done) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => done(null, Buffer.concat(chunks)));
  });

function storedPdf(noticeId: string, lang: string) {
  return t.store.sqlite
    .prepare(
      "select bytes, sha256 from credit_notice_documents where notice_id = ? and lang = ? and format = 'pdf'",
    )
    .get(noticeId, lang) as { bytes: Buffer; sha256: string } | undefined;
}

describe('the frozen PDF of an approved notice', () => {
  it('is printed after the approval and served byte for byte, every time', async () => {
    const noticeId = await pendingNotice();
    const approved = await t
      .as('finance')
      .post(`/credit-notices/${noticeId}/approve`)
      .expect(200);
    await t.printing.settled();
    const stored = storedPdf(noticeId, 'ja');
    expect(stored).toBeDefined();
    expect(storedPdf(noticeId, 'en')).toBeDefined();
    expect(stored!.sha256).toBe(
      createHash('sha256').update(stored!.bytes).digest('hex'),
    );
    const first = await binary(
      t.as('finance').get(`/credit-notices/${noticeId}/document?format=pdf`),
    ).expect(200);
    expect(first.headers['content-type']).toBe('application/pdf');
    expect(first.headers['content-disposition']).toBe(
      `attachment; filename="${approved.body.number}.ja.pdf"`,
    );
    expect(first.headers.etag).toBe(`"${stored!.sha256}"`);
    expect(first.body).toEqual(stored!.bytes);
    const again = await binary(
      t.as('finance').get(`/credit-notices/${noticeId}/document?format=pdf`),
    ).expect(200);
    expect(again.body).toEqual(first.body);

    mkdirSync(RESULTS, { recursive: true });
    const path = join(RESULTS, 'credit-notice.frozen.ja.pdf');
    writeFileSync(path, first.body);
    const text = execFileSync('pdftotext', ['-layout', path, '-'], {
      encoding: 'utf8',
    });
    expect(text).toContain(approved.body.number);
    expect(text).toContain('返還インボイス');
  });

  it('is printed from the frozen HTML on the first request when it was not stored at approval, then kept', async () => {
    const noticeId = await pendingNotice();
    // Approved without the printing that follows the HTTP approval: as if Chromium had been absent then.
    const finance = t.staffUser('finance');
    approveCreditNotice(
      {
        store: t.store,
        clock: t.now,
        config: {
          policy: DEFAULT_POLICY,
          regions: [...DEFAULT_REGIONS],
          issuer: TEST_ISSUER,
        },
        actor: { userId: finance.id, role: 'finance', customerId: null },
      },
      noticeId,
      t.printing.html,
    );
    expect(storedPdf(noticeId, 'en')).toBeUndefined();
    const first = await binary(
      t
        .as('finance')
        .get(`/credit-notices/${noticeId}/document?lang=en&format=pdf`),
    ).expect(200);
    const stored = storedPdf(noticeId, 'en');
    expect(first.body).toEqual(stored!.bytes);
    const again = await binary(
      t
        .as('finance')
        .get(`/credit-notices/${noticeId}/document?lang=en&format=pdf`),
    ).expect(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.etag).toBe(`"${stored!.sha256}"`);
  });
});
