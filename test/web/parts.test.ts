/** The pieces under the pages: catalogues, formats, paging, the preview's reading, the timeline, the templates. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instantOf } from '../../src/domain/time';
import { TEMPLATES_DIR } from '../../src/paths';
import type { OutageJson } from '../../src/schemas/outage';
import {
  formatDate,
  formatDateTime,
  formatDuration,
  formatYen,
  fromLocalInput,
  toLocalInput,
} from '../../src/web/format';
import { CATALOGUES, translate } from '../../src/web/i18n';
import { outageChanges } from '../../src/web/preview';
import { timelineOf } from '../../src/web/timeline';
import { createViews } from '../../src/web/views';

const templateFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? templateFiles(join(dir, entry.name))
      : entry.name.endsWith('.hbs')
        ? [join(dir, entry.name)]
        : [],
  );

describe('message catalogues', () => {
  const base = (key: string) => key.replace(/_(one|other)$/, '');

  it('Japanese and English have the same messages (English may add plural forms)', () => {
    const ja = [...CATALOGUES.ja.keys()].sort();
    const en = [...new Set([...CATALOGUES.en.keys()].map(base))].sort();
    expect(en).toEqual(ja);
  });

  it('every key a template names exists in both', () => {
    const keys = templateFiles(TEMPLATES_DIR).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\{\{t "([^"]+)"/g)].map(
        (m) => m[1]!,
      ),
    );
    expect(keys.length).toBeGreaterThan(100);
    for (const key of keys) {
      expect(CATALOGUES.ja.has(key), `ja: ${key}`).toBe(true);
      expect(CATALOGUES.en.has(key), `en: ${key}`).toBe(true);
    }
  });

  it('no page text is written into a template: text between tags is a key, a value or punctuation', () => {
    for (const file of templateFiles(join(TEMPLATES_DIR, 'pages'))) {
      const text = readFileSync(file, 'utf8')
        .replace(/\{\{[^}]*\}\}/g, '')
        .replace(/<[^>]*>/g, '\n');
      const words = text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => /[A-Za-z\u3040-\u30ff\u4e00-\u9fff]{2,}/.test(line));
      // The brand and the status line are the same in every language.
      expect(
        words.filter((word) => !['HTTP', '減額'].includes(word)),
        file,
      ).toEqual([]);
    }
  });

  it('fills placeholders and picks English singular forms', () => {
    expect(translate('en', 'outage.daysLeft', { count: 1 })).toBe('1 day left');
    expect(translate('en', 'outage.daysLeft', { count: 3 })).toBe(
      '3 days left',
    );
    expect(translate('ja', 'outage.daysLeft', { count: 1 })).toBe('あと1日');
    expect(translate('ja', 'no.such.key')).toBe('no.such.key');
  });
});

describe('formats', () => {
  it('writes instants in Japan time and dates as business dates', () => {
    expect(formatDateTime('ja', '2026-01-10T15:30:00.000Z')).toBe(
      '2026/01/11 00:30',
    );
    expect(formatDateTime('en', '2026-01-10T15:30:00.000Z')).toBe(
      '11 Jan 2026, 00:30',
    );
    expect(formatDate('ja', '2026-04-12')).toBe('2026年4月12日(日)');
    expect(formatDate('en', '2026-04-12')).toBe('Sun, 12 Apr 2026');
  });

  it('writes integer yen and durations in whole hours and minutes', () => {
    expect(formatYen('ja', 6666)).toBe('￥6,666');
    expect(formatYen('en', 1_000_000)).toBe('¥1,000,000');
    expect(formatDuration('ja', 189_000_000)).toBe('52時間30分');
    expect(formatDuration('en', 86_399_999)).toBe('23 h 59 min');
  });

  it('a datetime-local value is Japan time, and reads back to the minute it shows', () => {
    expect(fromLocalInput('2026-01-10T10:30')).toBe(
      '2026-01-10T10:30:00+09:00',
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_102_444_800_000 / 60_000 }),
        (minutes) => {
          const instant = minutes * 60_000;
          expect(
            Date.parse(fromLocalInput(toLocalInput(instantOf(instant)))),
          ).toBe(instant);
        },
      ),
    );
  });
});

const outage = (
  start: string,
  end: string | null,
  unavailableMs: number,
  extra: Partial<OutageJson> = {},
): OutageJson => ({
  start,
  end,
  ongoing: end === null,
  clockStart: start,
  unavailableMs,
  qualifies: unavailableMs >= 86_400_000,
  creditDays: Math.floor(unavailableMs / 86_400_000),
  monthlyFeeBase: 30_000,
  creditAmount: Math.floor(unavailableMs / 86_400_000) * 1000,
  thresholdAt: null,
  claimableFrom: null,
  claimDeadline: null,
  incidentIds: [],
  claimStatus: 'claimable',
  ...extra,
});

describe('how a preview reads', () => {
  it('new, extended, shortened, removed and unchanged outages', () => {
    const a = outage(
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T10:00:00.000Z',
      36_000_000,
    );
    const b = outage(
      '2026-01-05T00:00:00.000Z',
      '2026-01-06T00:00:00.000Z',
      86_400_000,
    );
    const c = outage(
      '2026-01-09T00:00:00.000Z',
      '2026-01-10T12:00:00.000Z',
      129_600_000,
    );
    const aLonger = outage(
      '2026-01-01T00:00:00.000Z',
      '2026-01-02T10:00:00.000Z',
      122_400_000,
    );
    const cShorter = outage(
      '2026-01-09T00:00:00.000Z',
      '2026-01-09T12:00:00.000Z',
      43_200_000,
    );
    const d = outage('2026-01-20T00:00:00.000Z', null, 3_600_000);
    const changes = outageChanges([a, b, c], [aLonger, cShorter, d]);
    expect(changes.map((change) => change.kind)).toEqual([
      'extended',
      'removed',
      'shortened',
      'new',
    ]);
    expect(outageChanges([a, b], [a, b]).map((change) => change.kind)).toEqual([
      'unchanged',
      'unchanged',
    ]);
  });

  it('two outages merged into one read as one extension of the longer, the other gone with it', () => {
    const a = outage(
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T10:00:00.000Z',
      36_000_000,
    );
    const b = outage(
      '2026-01-01T12:00:00.000Z',
      '2026-01-02T00:00:00.000Z',
      43_200_000,
    );
    const merged = outage(
      '2026-01-01T00:00:00.000Z',
      '2026-01-02T00:00:00.000Z',
      86_400_000,
    );
    const [change] = outageChanges([a, b], [merged]);
    expect(outageChanges([a, b], [merged])).toHaveLength(1);
    expect(change).toMatchObject({
      kind: 'extended',
      before: b,
      after: merged,
    });
  });
});

describe('the timeline', () => {
  it('places bars in time order inside the plot, the awareness mark and the 24-hour threshold where they belong', () => {
    const now = instantOf(Date.parse('2026-01-12T00:00:00.000Z'));
    const timeline = timelineOf({
      intervals: [{ start: '2026-01-10T00:00:00.000Z', end: null }],
      awareAt: '2026-01-10T06:00:00.000Z',
      rows: [
        {
          label: 'C-1',
          outages: [
            outage('2026-01-10T00:00:00.000Z', null, 151_200_000, {
              clockStart: '2026-01-10T06:00:00.000Z',
              thresholdAt: '2026-01-11T06:00:00.000Z',
            }),
          ],
        },
      ],
      now,
      tickLabel: (at) => new Date(at).toISOString(),
    });
    const [intervals, contract] = timeline.rows;
    const bar = intervals!.bars[0]!;
    expect(bar.className).toBe('interval open');
    expect(bar.x).toBeGreaterThanOrEqual(timeline.plotLeft);
    expect(bar.x + bar.width).toBeLessThanOrEqual(timeline.plotRight);
    const aware = timeline.marks.find((mark) => mark.kind === 'aware')!;
    const threshold = contract!.marks[0]!;
    // Aware at 6 h of a 48 h span; the threshold 24 h after that.
    const scale = bar.width / 48;
    expect(aware.x - bar.x).toBeCloseTo(6 * scale, 0);
    expect(threshold.x - aware.x).toBeCloseTo(24 * scale, 0);
    expect(threshold.reached).toBe(true);
    expect(timeline.ticks.length).toBeGreaterThan(2);
  });
});

describe('templates', () => {
  it('every page renders in both languages without a missing partial', () => {
    const views = createViews();
    const pages = templateFiles(join(TEMPLATES_DIR, 'pages')).map((file) =>
      file.slice(join(TEMPLATES_DIR, 'pages').length + 1).replace(/\.hbs$/, ''),
    );
    expect(pages.length).toBeGreaterThanOrEqual(14);
    for (const lang of ['ja', 'en'])
      for (const page of pages)
        expect(
          () => views.render(page, { lang, title: page, nav: [] }),
          page,
        ).not.toThrow();
  });
});
