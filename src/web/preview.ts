/** How a preview reads: which outages an incident or correction would create, extend, shorten or remove. */
import type { OutageJson } from '../schemas/outage';

export type OutageChangeKind =
  | 'new'
  | 'extended'
  | 'shortened'
  | 'removed'
  | 'unchanged';

export interface OutageChange {
  kind: OutageChangeKind;
  before: OutageJson | null;
  after: OutageJson | null;
}

const endOf = (outage: OutageJson) =>
  outage.end === null ? Number.POSITIVE_INFINITY : Date.parse(outage.end);

const overlapping = (a: OutageJson, b: OutageJson) =>
  Date.parse(a.start) < endOf(b) && Date.parse(b.start) < endOf(a);

const same = (a: OutageJson, b: OutageJson) =>
  a.start === b.start &&
  a.end === b.end &&
  a.unavailableMs === b.unavailableMs &&
  a.creditAmount === b.creditAmount &&
  a.qualifies === b.qualifies;

/**
 * Pairs each outage after the change with the one it grew from (the longest it overlaps), so the page can
 * say "new", "extended 5 h → 29 h", or "removed". Both lists come from the use case; nothing is recomputed.
 */
export function outageChanges(
  before: readonly OutageJson[],
  after: readonly OutageJson[],
): OutageChange[] {
  const matched = new Set<OutageJson>();
  const changes: OutageChange[] = after.map((next) => {
    const previous = before
      .filter((outage) => overlapping(outage, next))
      .sort((a, b) => b.unavailableMs - a.unavailableMs);
    for (const outage of previous) matched.add(outage);
    const from = previous[0] ?? null;
    if (from === null) return { kind: 'new', before: null, after: next };
    if (previous.length === 1 && same(from, next))
      return { kind: 'unchanged', before: from, after: next };
    return {
      kind: next.unavailableMs >= from.unavailableMs ? 'extended' : 'shortened',
      before: from,
      after: next,
    };
  });
  for (const outage of before)
    if (!matched.has(outage))
      changes.push({ kind: 'removed', before: outage, after: null });
  return changes.sort(
    (a, b) =>
      Date.parse((a.after ?? a.before)!.start) -
      Date.parse((b.after ?? b.before)!.start),
  );
}
