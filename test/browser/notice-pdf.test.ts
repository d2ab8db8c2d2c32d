/**
 * The credit notice as a PDF, printed by the real Chromium (`npm run test:browser`; needs Debian's
 * chromium, fonts-noto-cjk and poppler-utils). The first page of each PDF is also saved as a PNG in
 * test-results/ for a person to look at.
 *
 * About fonts: Chromium's PDF writer (Skia) cannot embed OpenType fonts with CFF outlines, which is what
 * Debian's Noto CJK fonts are, as fonts of their own: it embeds their glyphs as Type 3 fonts, which
 * `pdffonts` lists without a name ("[none]"). The font each came from is named in its FontDescriptor
 * (`/FontName /AAAAAA+NotoSansCJKjp-Regular`), which is what is checked here besides `pdffonts`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM_PATH } from '../../src/config';
import type { NoticeLanguage } from '../../src/documents/credit-notice-document';
import { createNoticeRenderer } from '../../src/documents/notice-renderer';
import { createPdfRenderer } from '../../src/documents/pdf';
import { APPROVED_NOTICE, DRAFT_NOTICE } from '../documents/fixtures';

const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
const chromiumPath = process.env.SLA_CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;

const notices = createNoticeRenderer();
const pdf = createPdfRenderer({ executablePath: chromiumPath });

afterAll(() => pdf.close());

const run = (command: string, args: string[]) =>
  execFileSync(command, args, { encoding: 'utf8' });

/** Prints the notice, saves the PDF and its first page as a PNG (80 dpi), and returns their paths. */
async function printed(name: string, html: string) {
  mkdirSync(RESULTS, { recursive: true });
  const pdfPath = join(RESULTS, `${name}.pdf`);
  writeFileSync(pdfPath, await pdf.renderPdf(html));
  const pngPrefix = join(RESULTS, name);
  run('pdftoppm', [
    '-png',
    '-r',
    '80',
    '-f',
    '1',
    '-l',
    '1',
    '-singlefile',
    pdfPath,
    pngPrefix,
  ]);
  return { pdfPath, pngPath: `${pngPrefix}.png` };
}

interface PdfFontRow {
  name: string;
  type: string;
  embedded: boolean;
  unicode: boolean;
}

function pdfFonts(pdfPath: string): PdfFontRow[] {
  return run('pdffonts', [pdfPath])
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      // name, type (may contain spaces), encoding, emb, sub, uni, object ID (two numbers)
      const match =
        /^(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$/.exec(
          line.trim(),
        );
      if (!match) throw new Error(`unexpected pdffonts line: ${line}`);
      return {
        name: match[1]!,
        type: match[2]!,
        embedded: match[4] === 'yes',
        unicode: match[6] === 'yes',
      };
    });
}

/** The share of pixels of the image that are dark (luma below 128). */
function darkShare(pngPath: string): {
  width: number;
  height: number;
  dark: number;
} {
  const png = PNG.sync.read(readFileSync(pngPath));
  let dark = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const luma =
      0.299 * png.data[i]! +
      0.587 * png.data[i + 1]! +
      0.114 * png.data[i + 2]!;
    if (luma < 128) dark++;
  }
  return {
    width: png.width,
    height: png.height,
    dark: dark / (png.width * png.height),
  };
}

const FORMULA: Record<NoticeLanguage, string> = {
  ja: '52時間30分 → 2日 × 月額費用 ¥100,000 ÷ 30 = ¥6,666',
  en: '52 h 30 min → 2 days × monthly fee ¥100,000 ÷ 30 = ¥6,666',
};

describe.each(['ja', 'en'] as const)(
  'the approved notice as a PDF (%s)',
  (lang) => {
    let paths: { pdfPath: string; pngPath: string };

    beforeAll(async () => {
      paths = await printed(
        `credit-notice.approved.${lang}`,
        notices.renderNoticeHtml(APPROVED_NOTICE, lang),
      );
    });

    it('is one A4 page', () => {
      const info = run('pdfinfo', [paths.pdfPath]);
      expect(info).toMatch(/^Pages:\s+1$/m);
      expect(info).toMatch(/^Page size:\s+[\d.]+ x [\d.]+ pts \(A4\)$/m);
    });

    it('has the formula and the registration number as text', () => {
      const text = run('pdftotext', ['-enc', 'UTF-8', paths.pdfPath, '-']);
      expect(text).toContain(FORMULA[lang]);
      expect(text).toContain('T1234567890123');
      expect(text).toContain('CN-2026-000001');
      expect(text).toContain('¥7,332');
    });

    it('embeds the Noto CJK glyphs it uses, with their Unicode text', () => {
      const fonts = pdfFonts(paths.pdfPath);
      expect(fonts.length).toBeGreaterThan(0);
      for (const font of fonts) {
        expect(font.embedded, font.name).toBe(true);
        expect(font.unicode, font.name).toBe(true);
      }
      const names = [
        ...readFileSync(paths.pdfPath, 'latin1').matchAll(
          /\/FontName\s*\/[A-Z]{6}\+([\w-]+)/g,
        ),
      ].map((match) => match[1]);
      expect(names).toContain('NotoSansCJKjp-Regular');
      expect(names).toContain('NotoSansCJKjp-Bold');
      expect(names.some((name) => name?.startsWith('NotoSerifCJKjp-'))).toBe(
        true,
      );
      // Every font the page uses is a Noto CJK one: no fallback font stood in for a missing glyph.
      expect(names.every((name) => name?.startsWith('Noto'))).toBe(true);
    });

    it('renders a first page that is not blank (PNG in test-results/)', () => {
      const { width, height, dark } = darkShare(paths.pngPath);
      // A4 at 80 dpi: 8.27 in × 11.69 in.
      expect(Math.abs(width - 662)).toBeLessThanOrEqual(2);
      expect(Math.abs(height - 936)).toBeLessThanOrEqual(2);
      expect(dark).toBeGreaterThan(0.01);
      expect(dark).toBeLessThan(0.5);
    });
  },
);

describe('the PDF renderer', () => {
  let server: Server;
  let hits = 0;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      hits++;
      response.end('x');
    });
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches nothing a page asks for', async () => {
    const { port } = server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const html = `<!DOCTYPE html><html><head>
      <link rel="stylesheet" href="${base}/style.css">
      <style>@import url("${base}/import.css");
        @font-face { font-family: X; src: url("${base}/font.woff2"); }
        body { font-family: X; background: url("${base}/bg.png"); }</style>
      </head><body><p>text</p><img src="${base}/image.png">
      <iframe src="${base}/frame"></iframe><script src="${base}/script.js"></script></body></html>`;
    const bytes = await pdf.renderPdf(html);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(hits).toBe(0);
  });

  it('prints a draft too, and starts a new browser after close()', async () => {
    await pdf.close();
    const { pdfPath, pngPath } = await printed(
      'credit-notice.draft.ja',
      notices.renderNoticeHtml(DRAFT_NOTICE, 'ja'),
    );
    expect(run('pdftotext', ['-enc', 'UTF-8', pdfPath, '-'])).toContain(
      '未承認（下書き）',
    );
    expect(darkShare(pngPath).dark).toBeGreaterThan(0.01);
  });
});
