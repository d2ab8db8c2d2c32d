/**
 * The credit notice templates: what a notice says in each language and state, that it is print-ready and
 * self-contained, and that no value reaching a template is printed as markup.
 */

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { CreditNoticeDocument } from '../../src/documents/credit-notice-document';
import {
  createNoticeRenderer,
  NOTICE_LANGUAGES,
} from '../../src/documents/notice-renderer';
import type { NoticeStatus } from '../../src/domain/credit-notices';
import { type Yen, yen } from '../../src/domain/money';
import { type BusinessDate, parseBusinessDate } from '../../src/domain/time';
import { NOTICE_TEMPLATES_DIR } from '../../src/paths';
import { APPROVED_NOTICE, DRAFT_NOTICE, jst } from './fixtures';

const renderer = createNoticeRenderer();

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#x27;': "'",
  '&#x60;': '`',
  '&#x3D;': '=',
};
const decode = (html: string) =>
  html.replace(/&(amp|lt|gt|quot|#x27|#x60|#x3D);/g, (e) => ENTITIES[e]!);

/** What a reader sees: the body without tags, entities decoded, white space collapsed. */
function textOf(html: string): string {
  const body = html.slice(html.indexOf('<body>'));
  return decode(body.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

describe('a fixed approved notice', () => {
  it.each(NOTICE_LANGUAGES)(
    'renders the same HTML in %s (snapshot)',
    async (lang) => {
      await expect(
        renderer.renderNoticeHtml(APPROVED_NOTICE, lang),
      ).toMatchFileSnapshot(
        `./__snapshots__/credit-notice.approved.${lang}.html`,
      );
    },
  );

  it.each(NOTICE_LANGUAGES)(
    'renders the draft the same way in %s (snapshot)',
    async (lang) => {
      await expect(
        renderer.renderNoticeHtml(DRAFT_NOTICE, lang),
      ).toMatchFileSnapshot(`./__snapshots__/credit-notice.draft.${lang}.html`);
    },
  );

  it('carries what a 適格返還請求書 needs, in Japanese', () => {
    const text = textOf(renderer.renderNoticeHtml(APPROVED_NOTICE, 'ja'));
    for (const needed of [
      '返還インボイス',
      '適格返還請求書',
      '株式会社ゲンガク通信',
      '登録番号 T1234567890123',
      '返還インボイス番号 CN-2026-000001',
      '発行日（減額日） 2026年1月20日',
      '対象月 2026年1月分',
      'Aozora Logistics K.K. 御中',
      '東京都港区芝浦1-2-3',
      'IIJ フレックスモビリティサービス 月額費用の減額',
      '10%対象 減額（税抜） ¥6,666',
      '消費税（10%） ¥666',
      '減額合計（税込） ¥7,332',
      '契約番号 FM-2025-0101',
      '利用不能の期間（日本時間） 2026年1月10日 10:00 〜 2026年1月12日 15:00',
      '起算時刻（日本時間） 2026年1月10日 10:30',
      '利用不能時間 52時間30分',
      '第11条（料金の減額）、別紙3',
      '本書は、消費税法第57条の4第3項に定める適格返還請求書（返還インボイス）です。',
    ])
      expect(text).toContain(needed);
    expect(text).not.toContain('未承認');
    expect(text).not.toContain('無効');
  });

  it('says the same in English', () => {
    const text = textOf(renderer.renderNoticeHtml(APPROVED_NOTICE, 'en'));
    for (const needed of [
      'Credit Note',
      'Qualified return invoice',
      '株式会社ゲンガク通信',
      'Registration number T1234567890123',
      'Credit note no. CN-2026-000001',
      '20 Jan 2026',
      'Billing month January 2026',
      'Aozora Logistics K.K.',
      'IIJ Flex Mobility Service: reduction of the monthly fee',
      'Reduction at 10% (excl. tax) ¥6,666',
      'Consumption tax (10%) ¥666',
      'Total reduction (incl. tax) ¥7,332',
      'Contract number FM-2025-0101',
      'Outage (Japan time) 10 Jan 2026 10:00 JST – 12 Jan 2026 15:00 JST',
      'Clock start (Japan time) 10 Jan 2026 10:30 JST',
      'Unavailable time 52 h 30 min',
      'Art. 11 (Reduction of charges) and Annex 3',
      'qualified return invoice under Article 57-4(3) of the Consumption Tax Act',
    ])
      expect(text).toContain(needed);
    expect(text).not.toContain('DRAFT');
    expect(text).not.toContain('VOID');
  });

  it('writes the formula with its numbers: 52 h 30 min → 2 days × ¥100,000 ÷ 30 = ¥6,666', () => {
    expect(textOf(renderer.renderNoticeHtml(APPROVED_NOTICE, 'ja'))).toContain(
      '計算式 52時間30分 → 2日 × 月額費用 ¥100,000 ÷ 30 = ¥6,666 利用不能時間を24時間で除した日数（小数点以下切り捨て）× 月額費用の30分の1（1円未満切り捨て）',
    );
    expect(textOf(renderer.renderNoticeHtml(APPROVED_NOTICE, 'en'))).toContain(
      'Formula 52 h 30 min → 2 days × monthly fee ¥100,000 ÷ 30 = ¥6,666',
    );
  });

  it('writes another formula from its own figures, with the rounding rule it used', () => {
    const oneDay: CreditNoticeDocument = {
      ...APPROVED_NOTICE,
      outage: {
        start: jst('2026-03-01T08:00:00'),
        end: jst('2026-03-02T09:15:00'),
        clockStart: jst('2026-03-01T08:05:00'),
        unavailableMs: (25 * 60 + 10) * 60_000,
      },
      billingMonth: '2026-03',
      creditDays: 1,
      monthlyFeeBase: yen(130_000),
      amount: yen(4_334),
      taxAmount: yen(433),
      totalAmount: yen(4_767),
      rounding: 'ceil',
    };
    const ja = textOf(renderer.renderNoticeHtml(oneDay, 'ja'));
    expect(ja).toContain('25時間10分 → 1日 × 月額費用 ¥130,000 ÷ 30 = ¥4,334');
    expect(ja).toContain('（1円未満切り上げ）');
    expect(ja).toContain('対象月 2026年3月分');
    expect(ja).toContain('減額合計（税込） ¥4,767');
    const en = textOf(renderer.renderNoticeHtml(oneDay, 'en'));
    expect(en).toContain(
      '25 h 10 min → 1 day × monthly fee ¥130,000 ÷ 30 = ¥4,334',
    );
    expect(en).toContain('(rounded up to the yen)');
  });
});

describe('print-ready and self-contained', () => {
  it.each(NOTICE_LANGUAGES)('%s: A4, inline CSS, nothing fetched', (lang) => {
    const html = renderer.renderNoticeHtml(APPROVED_NOTICE, lang);
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="(ja|en)">/);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toMatch(/@page \{ size: A4; margin: [^}]+\}/);
    expect(html).toContain('@media print');
    expect(html).toMatch(/font-family: "Noto Sans CJK JP"/);
    expect(html).toMatch(/font-family: "Noto Serif CJK JP"/);
    expect(html).not.toMatch(
      /<script|<link|<img|<iframe|@import|url\(|@font-face/i,
    );
    expect(html).not.toMatch(/\b(https?:)?\/\//);
  });
});

describe('the states of a notice', () => {
  const voided: CreditNoticeDocument = {
    ...APPROVED_NOTICE,
    status: 'void',
    voidReason: 'インシデントの訂正で利用不能時間が変わったため',
  };
  const correcting: CreditNoticeDocument = {
    ...DRAFT_NOTICE,
    corrects: {
      number: 'CN-2026-000001',
      noticeDate: parseBusinessDate('2026-01-20'),
    },
  };
  const rejected: CreditNoticeDocument = {
    ...DRAFT_NOTICE,
    status: 'rejected',
  };
  const unconfigured: CreditNoticeDocument = { ...DRAFT_NOTICE, issuer: null };
  const text = (doc: CreditNoticeDocument, lang: 'ja' | 'en') =>
    textOf(renderer.renderNoticeHtml(doc, lang));

  it('marks a draft (not approved, no number) as such, and does not call it a 適格返還請求書', () => {
    const ja = text(DRAFT_NOTICE, 'ja');
    expect(ja).toContain('未承認（下書き）');
    expect(ja).toContain('返還インボイス番号 未採番（承認時に付与）');
    expect(ja).toContain('発行日（減額日） 承認日');
    expect(ja).toContain('下書き');
    expect(ja).not.toContain('CN-');
    expect(ja).not.toContain('第57条の4第3項');
    const en = text(DRAFT_NOTICE, 'en');
    expect(en).toContain('DRAFT (not approved)');
    expect(en).toContain('none yet (given at approval)');
    expect(en).not.toContain('Article 57-4(3)');
    expect(renderer.renderNoticeHtml(DRAFT_NOTICE, 'ja')).toContain(
      '<title>返還インボイス （未承認）</title>',
    );
  });

  it('marks a void notice as void, with its reason', () => {
    expect(text(voided, 'ja')).toContain(
      '無効 この返還インボイスは無効とされました。理由：インシデントの訂正で利用不能時間が変わったため',
    );
    expect(text(voided, 'en')).toContain(
      'VOID This credit note has been voided. Reason: インシデントの訂正で利用不能時間が変わったため',
    );
    expect(text(voided, 'ja')).not.toContain('未承認');
  });

  it('marks a rejected notice as not issued', () => {
    expect(text(rejected, 'ja')).toContain(
      '却下 この書類は承認されず、発行されていません。',
    );
    expect(text(rejected, 'en')).toContain(
      'REJECTED This document was not approved and has not been issued.',
    );
    expect(text(rejected, 'ja')).not.toContain('未承認');
  });

  it('names the notice a correcting notice corrects', () => {
    expect(text(correcting, 'ja')).toContain(
      '訂正 本書は、返還インボイス CN-2026-000001（2026年1月20日発行）を訂正するものです。',
    );
    expect(text(correcting, 'en')).toContain(
      'CORRECTION This credit note corrects credit note CN-2026-000001 issued on 20 Jan 2026.',
    );
    expect(text(APPROVED_NOTICE, 'ja')).not.toContain('訂正');
  });

  it('says when the issuer is not configured', () => {
    const ja = text(unconfigured, 'ja');
    expect(ja).toContain('発行者が設定されていません');
    expect(ja).not.toContain('登録番号');
    const en = text(unconfigured, 'en');
    expect(en).toContain('The issuer is not configured');
    expect(en).not.toContain('Registration number');
    // An approved notice without an issuer (approval refuses it, but a document cannot tell) is no invoice.
    expect(text({ ...APPROVED_NOTICE, issuer: null }, 'ja')).not.toContain(
      '第57条の4第3項',
    );
  });

  it('refuses to print a figure of the wrong kind rather than print it wrong', () => {
    // Values that never went through their checks: only a cast makes them (test/domain/brands.test.ts).
    expect(() =>
      renderer.renderNoticeHtml(
        { ...APPROVED_NOTICE, amount: 6666.5 as Yen },
        'ja',
      ),
    ).toThrow(RangeError);
    expect(() =>
      renderer.renderNoticeHtml(
        { ...APPROVED_NOTICE, noticeDate: '2026-02-30' as BusinessDate },
        'en',
      ),
    ).toThrow(RangeError);
    // The date fields are formatted, never printed as given: markup there is refused, not printed.
    expect(() =>
      renderer.renderNoticeHtml(
        { ...APPROVED_NOTICE, billingMonth: '<script>' },
        'ja',
      ),
    ).toThrow(RangeError);
    expect(() =>
      renderer.renderNoticeHtml(
        {
          ...APPROVED_NOTICE,
          corrects: {
            number: 'CN-2026-000001',
            noticeDate: '"><b>' as BusinessDate,
          },
        },
        'en',
      ),
    ).toThrow(RangeError);
  });

  it('knows only its languages', () => {
    expect(() =>
      renderer.renderNoticeHtml(APPROVED_NOTICE, 'fr' as 'ja'),
    ).toThrow(RangeError);
  });
});

describe('markup in any value is printed as text', () => {
  const FRAGMENTS = [
    '<script>alert(1)</script>',
    '<SCRIPT src=x>',
    '"',
    "'",
    '&',
    '&amp;',
    '{{',
    '}}',
    '{{number}}',
    '{{{issuer.name}}}',
    '<',
    '>',
    '`',
    '=',
    '</style>',
    '<!--',
    'a',
    '日本',
    ' ',
  ];
  const payload = fc
    .array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 8 })
    .map((parts) => parts.join(''));

  /** Every free-text field of the document; the dates and numbers are formatted, not printed as given. */
  const FIELDS = [
    'issuer.name',
    'issuer.registrationNumber',
    'number',
    'customer.name',
    'customer.address',
    'contractNumber',
    'corrects.number',
    'voidReason',
  ] as const;

  it('escapes every string field, in every state and language', () => {
    fc.assert(
      fc.property(
        fc.array(payload, {
          minLength: FIELDS.length,
          maxLength: FIELDS.length,
        }),
        fc.constantFrom<NoticeStatus>(
          'pending-approval',
          'approved',
          'rejected',
          'void',
        ),
        fc.constantFrom(...NOTICE_LANGUAGES),
        (payloads, status, lang) => {
          // Each value between markers of its own, so its printed form can be found and checked.
          const value = (i: number) => `⟦${i}⟧${payloads[i]}⟦/${i}⟧`;
          const doc: CreditNoticeDocument = {
            ...APPROVED_NOTICE,
            status,
            issuer: { name: value(0), registrationNumber: value(1) },
            number: value(2),
            customer: { name: value(3), address: value(4) },
            contractNumber: value(5),
            corrects: {
              number: value(6),
              noticeDate: parseBusinessDate('2026-01-20'),
            },
            voidReason: value(7),
          };
          const html = renderer.renderNoticeHtml(doc, lang);
          expect(html).not.toMatch(/<script/i);
          FIELDS.forEach((field, i) => {
            const printed = [
              ...html.matchAll(new RegExp(`⟦${i}⟧([^]*?)⟦/${i}⟧`, 'g')),
            ].map((match) => match[1]!);
            const shown = field !== 'voidReason' || status === 'void';
            expect(printed.length > 0, `${field} printed`).toBe(shown);
            for (const text of printed) {
              expect(text, field).not.toMatch(/[<>"'`]/);
              expect(
                text.replace(/&(amp|lt|gt|quot|#x27|#x60|#x3D);/g, ''),
                field,
              ).not.toContain('&');
              // Nothing lost, nothing evaluated: `{{number}}` is printed as those characters.
              expect(decode(text), field).toBe(payloads[i]);
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('templates are compiled at start', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses, when it is created, a template that calls an unknown helper', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gengaku-templates-'));
    dirs.push(dir);
    cpSync(NOTICE_TEMPLATES_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'credit-notice.en.hbs'), '<p>{{yenn amount}}</p>');
    expect(() => createNoticeRenderer({ templatesDir: dir })).toThrow(/yenn/);
  });

  it('renders from the templates directory it is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gengaku-templates-'));
    dirs.push(dir);
    cpSync(NOTICE_TEMPLATES_DIR, dir, { recursive: true });
    writeFileSync(
      join(dir, 'credit-notice.en.hbs'),
      '<p>{{customer.name}}: {{yen totalAmount}}</p>',
    );
    expect(
      createNoticeRenderer({ templatesDir: dir }).renderNoticeHtml(
        { ...APPROVED_NOTICE, customer: { name: 'A & B', address: null } },
        'en',
      ),
    ).toBe('<p>A &amp; B: ¥7,332</p>');
  });
});
