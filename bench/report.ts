/**
 * What every benchmark reports: rows of "a figure beside its baseline, measured in the same run", as a
 * ratio against a target. Each bench file calls `recordBench` once; its section of `bench/results.json`
 * is replaced, the others kept, so benches can run alone or all together (`npm run bench`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BenchRow {
  /** What was measured, e.g. "GET /contracts/:id/outages, 50 connections". */
  figure: string;
  value: number;
  /** e.g. "ms", "req/s". */
  unit: string;
  baseline: string;
  baselineValue: number;
  /** value / baselineValue or the inverse, as the target is stated. */
  ratio: number;
  /** e.g. ">= 0.5" or "<= 2"; the target the ratio is held against. */
  target: string;
  met: boolean;
}

const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));

/** `ratio` compared with a target written as ">= x" or "<= x". */
export function meets(ratio: number, target: string): boolean {
  const match = /^(>=|<=)\s*([\d.]+)$/.exec(target.trim());
  if (!match) throw new Error(`a target is ">= x" or "<= x", got ${target}`);
  const bound = Number(match[2]);
  return match[1] === '>=' ? ratio >= bound : ratio <= bound;
}

export function printRows(rows: readonly BenchRow[]): void {
  const fmt = (x: number) =>
    x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(3);
  console.log(
    `\n  ${'figure'.padEnd(52)}${'value'.padStart(12)}  ${'baseline'.padEnd(34)}${'ratio'.padStart(9)}  target    met`,
  );
  for (const row of rows) {
    console.log(
      `  ${row.figure.padEnd(52)}${`${fmt(row.value)} ${row.unit}`.padStart(12)}  ${`${row.baseline} ${fmt(row.baselineValue)}`.padEnd(34)}${`${fmt(row.ratio)}×`.padStart(9)}  ${row.target.padEnd(8)}  ${row.met ? 'yes' : 'NO'}`,
    );
  }
  console.log('');
}

/** Prints the rows and writes them, with any details, as this bench's section of bench/results.json. */
export function recordBench(
  name: string,
  rows: readonly BenchRow[],
  details: Record<string, unknown> = {},
): void {
  printRows(rows);
  const all: Record<string, unknown> = existsSync(RESULTS)
    ? JSON.parse(readFileSync(RESULTS, 'utf8'))
    : {};
  all[name] = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    rows,
    details,
  };
  writeFileSync(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
}
