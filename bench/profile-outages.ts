/**
 * `npx tsx bench/profile-outages.ts [seconds] [incidents|cold]`: where an outage read spends its time.
 * Seeds the HTTP benchmark's database (`bench/seed.ts`), then calls the use case behind
 * `GET /contracts/:id/outages`, rotating over the contracts (with `incidents`: the one behind the first
 * page of `GET /incidents`; with `cold`: outage reads with the read model's cache off, so every read loads
 * its sources), under the V8 CPU profiler for a few seconds (5 by default), and prints the functions with
 * the most time of their own and the time spent inside the parts of the read. Evidence for tuning, not a
 * benchmark: it compares with nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/db/client';
import { DEFAULT_POLICY } from '../src/domain/policy';
import { DEFAULT_REGIONS } from '../src/domain/terms';
import { systemClock } from '../src/services/context';
import { listIncidents } from '../src/services/incidents';
import { contractOutages } from '../src/services/outages';
import { adminContext, seedHttpDatabase } from './seed';

const SECONDS = Number(process.argv[2] ?? 5);
const work = mkdtempSync(join(tmpdir(), 'gengaku-profile-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const path = join(work, 'profile.db');
const seeded = seedHttpDatabase(path);
const store = openStore(path);
const now = systemClock();
const ctx = adminContext(store, () => now, {
  policy: DEFAULT_POLICY,
  regions: DEFAULT_REGIONS,
  ...(process.argv[3] === 'cold' ? { outageCacheContracts: 0 } : {}),
});
const read =
  process.argv[3] === 'incidents'
    ? () => listIncidents(ctx, { limit: 100 })
    : (i: number) =>
        contractOutages(
          ctx,
          seeded.contractIds[i % seeded.contractIds.length]!,
          undefined,
        );
for (let i = 0; i < 2000; i++) read(i); // warm up

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const t0 = performance.now();
let reads = 0;
while (performance.now() - t0 < SECONDS * 1000) read(reads++);
const elapsed = performance.now() - t0;
const { profile } = (await session.post('Profiler.stop')) as {
  profile: Profile;
};
session.disconnect();
store.close();
if (process.env.PROFILE_OUT)
  writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const where = (node: ProfileNode) => {
  const file = node.callFrame.url.split('/').slice(-2).join('/');
  return `${node.callFrame.functionName || '(anonymous)'} ${file}${file ? `:${node.callFrame.lineNumber + 1}` : ''}`;
};
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const percent = (us: number) => `${((100 * us) / total).toFixed(1)}%`;

console.log(
  `\n${reads.toLocaleString('en')} reads in ${(elapsed / 1000).toFixed(1)} s: ${(elapsed / reads).toFixed(2)} ms each, ` +
    `over ${seeded.contractIds.length.toLocaleString('en')} contracts (${seeded.regionalIncidents} regional incidents of 1,000)`,
);
console.log('\nTime of their own (top 20):');
const self = new Map<string, number>();
for (const [id, us] of selfUs) {
  const key = where(byId.get(id)!);
  self.set(key, (self.get(key) ?? 0) + us);
}
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20))
  console.log(`  ${percent(us).padStart(6)}  ${key}`);

/** Time inside each named function (its own and its callees'), each sample counted once per function. */
const parents = new Map<number, number>();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parents.set(child, node.id);
const inside = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (
    let at: number | undefined = id;
    at !== undefined;
    at = parents.get(at)
  ) {
    const name = byId.get(at)!.callFrame.functionName;
    if (name && !seen.has(name)) {
      seen.add(name);
      inside.set(name, (inside.get(name) ?? 0) + us);
    }
  }
}
console.log('\nTime inside the parts of a read:');
for (const name of [
  'contractOutages',
  'sourcesOf',
  'incidentFactsBearingOn',
  'findContractRecord',
  'outagesAsOf',
  'deriveOutages',
  'claimRowsInTheRunning',
  'outageJsonsOf',
  'catchUp',
  'listIncidents',
  'incidentSummariesOf',
  'findIncidents',
  'affectedContractCounts',
  'incidentOf',
  'prepare',
  'all',
  'get',
  'iterate',
])
  console.log(`  ${percent(inside.get(name) ?? 0).padStart(6)}  ${name}`);
