/** Sets of time as sorted, disjoint half-open spans. Inputs are never mutated. */
import type { Span } from './contract';

/** The union of spans, sorted; overlapping and touching spans are joined. */
export function unionOf(spans: readonly Span[]): Span[] {
  const sorted = spans
    .filter((span) => span.start < span.end)
    .sort((a, b) => a.start - b.start);
  const result: Span[] = [];
  for (const span of sorted) {
    const last = result[result.length - 1];
    if (last !== undefined && span.start <= last.end) {
      if (span.end > last.end) last.end = span.end;
    } else {
      result.push({ start: span.start, end: span.end });
    }
  }
  return result;
}

/** The intersection of two sorted disjoint span lists. */
export function intersectionOf(a: readonly Span[], b: readonly Span[]): Span[] {
  const result: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (start < end) result.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return result;
}
