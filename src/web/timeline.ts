/**
 * The geometry of an incident's SVG timeline: its intervals, the awareness mark, and per affected
 * contract the merged outage with its counted part and the 24-hour threshold. Positions only; the
 * figures themselves come from the use cases.
 */
import { THRESHOLD_MS } from '../domain/outages';
import {
  type Instant,
  JST_OFFSET_MS,
  MS_PER_DAY,
  MS_PER_HOUR,
} from '../domain/time';
import type { OutageJson } from '../schemas/outage';

const WIDTH = 960;
const LABEL_WIDTH = 150;
const RIGHT_PAD = 16;
const ROW_HEIGHT = 34;
const TOP = 28;
const BAR_HEIGHT = 14;

export interface TimelineInput {
  intervals: { start: string; end: string | null }[];
  awareAt: string;
  rows: { label: string; outages: OutageJson[] }[];
  now: Instant;
  /** The label under a tick (Japan time, a place on the axis in epoch ms), e.g. 1/10 or 12:00. */
  tickLabel(tick: number, startOfDay: boolean): string;
}

interface Bar {
  x: number;
  width: number;
  className: string;
  title: string;
  start: string;
  end: string | null;
}

interface Mark {
  x: number;
  className: string;
  kind: 'aware' | 'threshold' | 'now';
  at: string;
  reached: boolean;
}

export interface TimelineRow {
  y: number;
  bottom: number;
  labelY: number;
  barY: number;
  label: string;
  bars: Bar[];
  marks: Mark[];
}

export interface Timeline {
  width: number;
  height: number;
  plotLeft: number;
  plotRight: number;
  axisY: number;
  ticks: { x: number; label: string; major: boolean }[];
  rows: TimelineRow[];
  marks: Mark[];
}

const STEPS = [
  MS_PER_HOUR,
  3 * MS_PER_HOUR,
  6 * MS_PER_HOUR,
  12 * MS_PER_HOUR,
  MS_PER_DAY,
  2 * MS_PER_DAY,
  7 * MS_PER_DAY,
  14 * MS_PER_DAY,
  30 * MS_PER_DAY,
];

export function timelineOf(input: TimelineInput): Timeline {
  const endOr = (end: string | null) =>
    end === null ? input.now : Date.parse(end);
  const instants = [
    Date.parse(input.awareAt),
    ...input.intervals.flatMap((interval) => [
      Date.parse(interval.start),
      endOr(interval.end),
    ]),
    ...input.rows.flatMap((row) =>
      row.outages.flatMap((outage) => [
        Date.parse(outage.start),
        endOr(outage.end),
        ...(outage.clockStart === null
          ? []
          : [Date.parse(outage.clockStart) + THRESHOLD_MS]),
      ]),
    ),
  ];
  const first = Math.min(...instants);
  const last = Math.max(...instants, first + MS_PER_HOUR);
  const pad = (last - first) * 0.03;
  const from = first - pad;
  const to = last + pad;
  const plotLeft = LABEL_WIDTH;
  const plotRight = WIDTH - RIGHT_PAD;
  const x = (instant: number) =>
    Math.round(
      (plotLeft + ((instant - from) / (to - from)) * (plotRight - plotLeft)) *
        10,
    ) / 10;
  const barOf = (
    start: string,
    end: string | null,
    className: string,
    title: string,
  ): Bar => {
    const left = x(Date.parse(start));
    return {
      x: left,
      width: Math.max(2, x(endOr(end)) - left),
      className,
      title,
      start,
      end,
    };
  };

  const rows: TimelineRow[] = [];
  const rowAt = (index: number) => {
    const y = TOP + index * ROW_HEIGHT;
    return {
      y: y + 3,
      bottom: y + ROW_HEIGHT - 3,
      labelY: y + ROW_HEIGHT / 2 + 4,
      barY: y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
    };
  };
  rows.push({
    ...rowAt(0),
    label: 'intervals',
    bars: input.intervals.map((interval) =>
      barOf(
        interval.start,
        interval.end,
        interval.end === null ? 'interval open' : 'interval',
        'interval',
      ),
    ),
    marks: [],
  });
  input.rows.forEach((row, index) => {
    const bars: Bar[] = [];
    const marks: Mark[] = [];
    for (const outage of row.outages) {
      bars.push(
        barOf(
          outage.start,
          outage.end,
          outage.qualifies ? 'outage' : 'outage not-qualifying',
          'outage',
        ),
      );
      if (outage.clockStart !== null) {
        bars.push(barOf(outage.clockStart, outage.end, 'counted', 'counted'));
        const threshold = Date.parse(outage.clockStart) + THRESHOLD_MS;
        marks.push({
          x: x(threshold),
          className: 'threshold',
          kind: 'threshold',
          at: new Date(threshold).toISOString(),
          reached: outage.thresholdAt !== null,
        });
      }
    }
    rows.push({ ...rowAt(index + 1), label: row.label, bars, marks });
  });

  const axisY = TOP + rows.length * ROW_HEIGHT + 6;
  const span = to - from;
  const step =
    STEPS.find((candidate) => span / candidate <= 8) ?? STEPS.at(-1)!;
  // Ticks fall on whole hours and days of Japan time.
  const firstTick =
    Math.ceil((from + JST_OFFSET_MS) / step) * step - JST_OFFSET_MS;
  const ticks = [];
  for (let at = firstTick; at <= to; at += step) {
    const major = (at + JST_OFFSET_MS) % MS_PER_DAY === 0;
    ticks.push({ x: x(at), label: input.tickLabel(at, major), major });
  }
  const marks: Mark[] = [
    {
      x: x(Date.parse(input.awareAt)),
      className: 'aware',
      kind: 'aware',
      at: input.awareAt,
      reached: true,
    },
  ];
  if (input.now <= to)
    marks.push({
      x: x(input.now),
      className: 'now',
      kind: 'now',
      at: new Date(input.now).toISOString(),
      reached: true,
    });
  return {
    width: WIDTH,
    height: axisY + 34,
    plotLeft,
    plotRight,
    axisY,
    ticks,
    rows,
    marks,
  };
}
