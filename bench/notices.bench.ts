/**
 * `npm run bench notices`: credit notices rendered to HTML per second by `renderNoticeHtml`, beside a bare
 * Handlebars render of the same template in the same run. A benchmark, not a test: it prints numbers.
 *
 *   gengaku renderNoticeHtml          target >= 10,000 notices/s
 *   bare / gengaku (time per notice)  target <= 2
 *
 * What is timed:
 * - gengaku: `createNoticeRenderer().renderNoticeHtml(doc, lang)` made once, called for each of DOCS
 *   different documents in turn: everything a request pays (the view of the document, the compiled
 *   template with its strict-mode checks, the helpers, the escaping).
 * - bare: `Handlebars.compile(sameTemplate)` once, in a Handlebars of its own with the same helpers and
 *   partials registered (the template calls them) and default compile options, then called with the same
 *   contexts (the views of the same documents, built before timing).
 * Each language separately, the two renderers alternating run by run; RUNS runs after a warm-up, the
 * median reported. Before every run the heap is collected, so that no run pays for another's garbage.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type {
  CreditNoticeDocument,
  NoticeLanguage,
} from '../src/documents/credit-notice-document';
import {
  createNoticeRenderer,
  NOTICE_LANGUAGES,
  noticeHandlebars,
  noticeView,
  readNoticeTemplates,
} from '../src/documents/notice-renderer';
import { yen } from '../src/domain/money';
import { instantOf, parseBusinessDate } from '../src/domain/time';
import { type BenchRow, meets, recordBench } from './report';

const DOCS = 1_000;
const RENDERS_PER_RUN = 20_000;
const RUNS = 7;
const TARGET_PER_SECOND = 10_000;
const HOUR = 3_600_000;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** DOCS different notices, in every state, so that no render is a repeat of the one before. */
function makeDocs(): CreditNoticeDocument[] {
  const docs: CreditNoticeDocument[] = [];
  const base = Date.parse('2026-01-10T10:00:00+09:00');
  const statuses = [
    'approved',
    'pending-approval',
    'void',
    'rejected',
  ] as const;
  for (let i = 0; i < DOCS; i++) {
    const status = statuses[i % statuses.length]!;
    const start = base + i * 7 * HOUR;
    const unavailableMs = 24 * HOUR + ((i * 37) % 200) * HOUR + i * 1000;
    const creditDays = Math.floor(unavailableMs / (24 * HOUR));
    const monthlyFeeBase = 50_000 + (i % 40) * 10_000;
    const amount = Math.floor((creditDays * monthlyFeeBase) / 30);
    const taxAmount = Math.floor((amount * 10) / 100);
    const approved = status === 'approved' || status === 'void';
    docs.push({
      issuer:
        i % 50 === 0
          ? null
          : {
              name: '株式会社ゲンガク通信',
              registrationNumber: 'T1234567890123',
            },
      number: approved ? `CN-2026-${String(i + 1).padStart(6, '0')}` : null,
      status,
      noticeDate: approved ? parseBusinessDate('2026-02-03') : null,
      billingMonth: '2026-01',
      customer: {
        name:
          i % 3 === 0
            ? `Aozora Logistics K.K. #${i}`
            : `株式会社北風製作所 ${i}`,
        address: i % 5 === 0 ? null : '東京都港区芝浦1-2-3 <Bldg. "A" & B>',
      },
      contractNumber: `FM-2025-${String(i).padStart(4, '0')}`,
      outage: {
        start: instantOf(start),
        end: instantOf(start + unavailableMs + 30 * 60_000),
        clockStart: instantOf(start + 30 * 60_000),
        unavailableMs,
      },
      creditDays,
      monthlyFeeBase: yen(monthlyFeeBase),
      amount: yen(amount),
      taxRatePercent: 10,
      taxAmount: yen(taxAmount),
      totalAmount: yen(amount + taxAmount),
      rounding: 'floor',
      corrects:
        i % 7 === 0
          ? {
              number: `CN-2026-${String(i).padStart(6, '0')}`,
              noticeDate: parseBusinessDate('2026-01-20'),
            }
          : null,
      voidReason: status === 'void' ? 'インシデントの訂正により' : null,
    });
  }
  return docs;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Renders RENDERS_PER_RUN notices, cycling through the inputs; returns ms and the characters written. */
function timeRenders<T>(
  inputs: readonly T[],
  render: (input: T) => string,
): { ms: number; chars: number } {
  let chars = 0;
  const t0 = performance.now();
  for (let i = 0; i < RENDERS_PER_RUN; i++)
    chars += render(inputs[i % inputs.length]!).length;
  return { ms: performance.now() - t0, chars };
}

const docs = makeDocs();
const views = docs.map(noticeView);
const renderer = createNoticeRenderer();
const { templates, partials } = readNoticeTemplates();
const bareHandlebars = noticeHandlebars(partials);

console.log(
  `Gengaku notice benchmark: ${DOCS.toLocaleString('en')} different notices, ${RENDERS_PER_RUN.toLocaleString('en')} renders a run, median of ${RUNS} runs after 1 warm-up, node ${process.version}\n`,
);

const rows: BenchRow[] = [];
const details: Record<string, unknown> = {
  docs: DOCS,
  rendersPerRun: RENDERS_PER_RUN,
  runs: RUNS,
};
const round = (x: number) => Math.round(x * 100) / 100;

for (const lang of NOTICE_LANGUAGES) {
  const bare = bareHandlebars.compile(templates[lang]);
  const ours = (doc: CreditNoticeDocument) =>
    renderer.renderNoticeHtml(doc, lang as NoticeLanguage);
  // The two must write the same documents, or the comparison means nothing.
  for (let i = 0; i < DOCS; i++) {
    if (ours(docs[i]!) !== bare(views[i]!))
      throw new Error(`${lang}: the renders of document ${i} differ`);
  }
  timeRenders(docs, ours);
  timeRenders(views, bare);
  const oursMs: number[] = [];
  const bareMs: number[] = [];
  let chars = 0;
  for (let run = 0; run < RUNS; run++) {
    const pair = [
      () => oursMs.push(timeRenders(docs, ours).ms),
      () => bareMs.push(timeRenders(views, bare).ms),
    ];
    if (run % 2 === 1) pair.reverse();
    for (const measure of pair) {
      collectGarbage();
      measure();
    }
  }
  chars = timeRenders(docs, ours).chars / RENDERS_PER_RUN;
  const oursPerSecond = (RENDERS_PER_RUN / median(oursMs)) * 1000;
  const barePerSecond = (RENDERS_PER_RUN / median(bareMs)) * 1000;
  const slowdown = barePerSecond / oursPerSecond;
  console.log(
    `  ${lang}: gengaku ${oursPerSecond.toFixed(0)} notices/s (runs ms ${oursMs.map((x) => x.toFixed(0)).join(' ')}), ` +
      `bare ${barePerSecond.toFixed(0)} notices/s (runs ms ${bareMs.map((x) => x.toFixed(0)).join(' ')}), ${chars.toFixed(0)} characters a notice`,
  );
  rows.push(
    {
      figure: `renderNoticeHtml (${lang}), notices/s`,
      value: round(oursPerSecond),
      unit: '/s',
      baseline: 'target notices/s',
      baselineValue: TARGET_PER_SECOND,
      ratio: round(oursPerSecond / TARGET_PER_SECOND),
      target: '>= 1',
      met: meets(oursPerSecond / TARGET_PER_SECOND, '>= 1'),
    },
    {
      figure: `bare Handlebars over renderNoticeHtml (${lang})`,
      value: round(oursPerSecond),
      unit: '/s',
      baseline: 'bare Handlebars.compile, /s',
      baselineValue: round(barePerSecond),
      ratio: round(slowdown),
      target: '<= 2',
      met: meets(slowdown, '<= 2'),
    },
  );
  details[`${lang}CharactersPerNotice`] = Math.round(chars);
  details[`${lang}GengakuRunsMs`] = oursMs.map(round);
  details[`${lang}BareRunsMs`] = bareMs.map(round);
}

recordBench('notices', rows, details);
