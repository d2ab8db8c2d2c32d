/**
 * `npm run bench`: derive the outages of 10,000 contracts from 1,000,000 intervals and compare, in the
 * same run and on the same intervals, with Luxon's `Interval.merge` and with a bare native sort of the
 * start times. A benchmark, not a test: it prints numbers and always exits 0.
 *
 *   luxon / gengaku     target >= 20
 *   gengaku / bare sort target <= 3
 *
 * What is timed (also printed):
 * - gengaku: the real `deriveOutages` with DEFAULT_POLICY, contract by contract, on prebuilt ContractTerms
 *   and IncidentFacts (what the calculator hands it after parsing): everything it does, every Outage
 *   object with its fee base, claim window and status. Each contract's outages are counted and dropped,
 *   as Luxon's merged intervals are. Two more rows, not in the ratios: the same keeping all outages of
 *   all contracts alive (the garbage collector then has to move them all to the old generation), and the
 *   same with each contract's incidents in random order (the data are otherwise logged in order). And
 *   a floor: a loop that only reads every incident's and interval's fields once.
 * - luxon: `Interval.merge` per contract of already-built Luxon Intervals, all 100 intervals of the
 *   contract (qualifying or not; open-ended ones end at asOf), DateTimes in zone UTC (`merge` only
 *   compares epoch millis, and a UTC DateTime is far cheaper to build than an Asia/Tokyo one). `merge`
 *   sorts its argument in place, so every run gets fresh copies of the arrays, made outside the timed
 *   section. Building the Intervals is timed once, separately, and is not in the ratio.
 * - bare sort: `Float64Array.prototype.sort()` of all 1,000,000 start times in data order, on a fresh
 *   copy per run made outside the timed section.
 * Each is warmed up once, then run RUNS times; the median is reported. Before every run the heap is
 * collected and left to settle, so that no run pays for another's garbage.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DateTime, Interval } from 'luxon';
import type { ContractTerms } from '../src/domain/contract';
import type { IncidentFacts } from '../src/domain/incident';
import { deriveOutages, type Outage } from '../src/domain/outages';
import { DEFAULT_POLICY } from '../src/domain/policy';
import {
  ASOF,
  INTERVALS_PER_CONTRACT,
  makeContract,
  makeIncidents,
  random,
  SEED,
} from './portfolio';
import { meets, recordBench } from './report';

const CONTRACTS = 10_000;
const RUNS = 5;

// ---------------------------------------------------------------------------------------------------
// Timing

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * A full garbage collection, so that each timed run starts from the same clean heap and heapUsed counts
 * live data only. `npm run bench` passes no node flags, hence the flag is set at run time (`gc` then
 * exists in new contexts). After collecting a heap of a few GB, V8 goes on sweeping and releasing memory
 * on background threads for a while, which slowed a run started at once by up to 2× on a two-core
 * machine; hence the pause.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const SETTLE_MS = 300;

async function settle(): Promise<void> {
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/** Warm up once, then RUNS timed runs; `prepare` (untimed) makes the input of each run. */
async function measure<P, R>(
  prepare: () => P,
  run: (input: P) => R,
): Promise<{ ms: number[]; last: R }> {
  let last = run(prepare());
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const input = prepare();
    await settle();
    const t0 = performance.now();
    last = run(input);
    ms.push(performance.now() - t0);
  }
  return { ms, last };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const fmt = (ms: number) => ms.toFixed(1).padStart(9);

// ---------------------------------------------------------------------------------------------------

const tGen = performance.now();
const contracts: ContractTerms[] = [];
const incidentsByContract: IncidentFacts[][] = [];
for (let c = 0; c < CONTRACTS; c++) {
  const contract = makeContract(c);
  contracts.push(contract);
  incidentsByContract.push(makeIncidents(contract, c));
}
const starts = new Float64Array(CONTRACTS * INTERVALS_PER_CONTRACT);
let n = 0;
let openEnded = 0;
let qualifyingIncidents = 0;
let incidentCount = 0;
for (const incidents of incidentsByContract) {
  for (const incident of incidents) {
    incidentCount++;
    if (incident.cause === 'provider' && incident.severity !== 'partial')
      qualifyingIncidents++;
    for (const interval of incident.intervals) {
      starts[n++] = interval.start;
      if (interval.end === null) openEnded++;
    }
  }
}
if (n !== starts.length)
  throw new Error(`generated ${n} intervals, expected ${starts.length}`);
const genMs = performance.now() - tGen;

console.log(
  `Gengaku outage benchmark: ${CONTRACTS.toLocaleString('en')} contracts × ${INTERVALS_PER_CONTRACT} intervals = ${n.toLocaleString('en')} intervals`,
);
console.log(
  `  ${incidentCount.toLocaleString('en')} incidents (${qualifyingIncidents.toLocaleString('en')} qualifying), ${openEnded} open-ended intervals, ` +
    `asOf ${new Date(ASOF).toISOString()}, seed 0x${SEED.toString(16)}, generated in ${genMs.toFixed(0)} ms`,
);
console.log(
  `  node ${process.version}, median of ${RUNS} runs after 1 warm-up each\n`,
);

// (1) gengaku
const policy = DEFAULT_POLICY;

interface Tally {
  outages: number;
  qualifying: number;
  ongoing: number;
  creditYen: number;
}

function tally(tally: Tally, outages: readonly Outage[]): void {
  tally.outages += outages.length;
  for (const outage of outages) {
    if (outage.qualifies) tally.qualifying++;
    if (outage.ongoing) tally.ongoing++;
    tally.creditYen += outage.creditAmount;
  }
}

/** Derive every contract's outages; each contract's are tallied and dropped. */
function deriveAll(incidentLists: readonly IncidentFacts[][]): Tally {
  const result: Tally = { outages: 0, qualifying: 0, ongoing: 0, creditYen: 0 };
  for (let c = 0; c < CONTRACTS; c++) {
    tally(
      result,
      deriveOutages({
        contract: contracts[c]!,
        incidents: incidentLists[c]!,
        asOf: ASOF,
        policy,
      }),
    );
  }
  return result;
}

const gengaku = await measure(() => incidentsByContract, deriveAll);
const memoryAfterGengaku = process.memoryUsage();

const kept = await measure(
  () => undefined,
  () => {
    const all: Outage[][] = new Array(CONTRACTS);
    for (let c = 0; c < CONTRACTS; c++)
      all[c] = deriveOutages({
        contract: contracts[c]!,
        incidents: incidentsByContract[c]!,
        asOf: ASOF,
        policy,
      });
    return all;
  },
);
const memoryKeptRaw = process.memoryUsage(); // right after the last run, its garbage not yet collected
collectGarbage();
const memoryKept = process.memoryUsage(); // live: the inputs and all outages of the last run
const keptTally: Tally = {
  outages: 0,
  qualifying: 0,
  ongoing: 0,
  creditYen: 0,
};
for (const outages of kept.last) tally(keptTally, outages);
kept.last.length = 0;

/** The same incidents, each contract's in a random (seeded) order. */
const shuffledIncidents = incidentsByContract.map((incidents) => {
  const copy = incidents.slice();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
});
const shuffled = await measure(() => shuffledIncidents, deriveAll);
for (const other of [keptTally, shuffled.last]) {
  if (JSON.stringify(other) !== JSON.stringify(gengaku.last))
    throw new Error(
      `outages differ between runs: ${JSON.stringify([gengaku.last, other])}`,
    );
}

/** A floor, not in the ratios: what any derivation pays to read each incident and interval once. */
const scan = await measure(
  () => undefined,
  () => {
    let sum = 0;
    for (const incidents of incidentsByContract) {
      for (const incident of incidents) {
        if (incident.cause === 'provider') sum += incident.awareAt;
        for (const interval of incident.intervals)
          sum += interval.start + (interval.end ?? 0);
      }
    }
    return sum;
  },
);

// (2) Luxon: build the Intervals once (timed separately), merge copies of them.
const tBuild = performance.now();
const luxonIntervals: Interval[][] = incidentsByContract.map((incidents) =>
  incidents.flatMap((incident) =>
    incident.intervals.map((interval) =>
      Interval.fromDateTimes(
        DateTime.fromMillis(interval.start, { zone: 'utc' }),
        DateTime.fromMillis(interval.end ?? ASOF, { zone: 'utc' }),
      ),
    ),
  ),
);
const luxonBuildMs = performance.now() - tBuild;
const invalid = luxonIntervals.reduce(
  (sum, list) => sum + list.filter((i) => !i.isValid).length,
  0,
);
if (invalid > 0) throw new Error(`${invalid} invalid Luxon intervals`);
const luxon = await measure(
  () => luxonIntervals.map((list) => list.slice()),
  (copies) => {
    let merged = 0;
    for (const list of copies) merged += Interval.merge(list).length;
    return merged;
  },
);

// (3) bare sort of all start times.
const bare = await measure(
  () => starts.slice(),
  (copy) => copy.sort(),
);
for (let i = 1; i < bare.last.length; i++)
  if (bare.last[i - 1]! > bare.last[i]!) throw new Error('not sorted');

const g = median(gengaku.ms);
const gKept = median(kept.ms);
const gShuffled = median(shuffled.ms);
const l = median(luxon.ms);
const s = median(bare.ms);
const luxonRatio = l / g;
const sortRatio = g / s;
const runs = (ms: number[]) => ms.map((x) => x.toFixed(0)).join(' ');
const row = (what: string, ms: number, all: number[] | string) =>
  console.log(
    `  ${what.padEnd(44)}${fmt(ms)}    ${typeof all === 'string' ? all : runs(all)}`,
  );
const t = gengaku.last;

console.log(`  ${'what'.padEnd(44)}${'median ms'.padStart(9)}    runs (ms)`);
row('gengaku deriveOutages, all contracts', g, gengaku.ms);
row('  (same, keeping all outages alive)', gKept, kept.ms);
row('  (same, incidents in random order)', gShuffled, shuffled.ms);
row('  (floor: only reading every interval once)', median(scan.ms), scan.ms);
row('luxon Interval.merge (Intervals prebuilt)', l, luxon.ms);
row('bare Float64Array sort of all starts', s, bare.ms);
row(
  '  (luxon: building the Intervals, once)',
  luxonBuildMs,
  'not in any ratio',
);
console.log('');
console.log(
  `  gengaku: ${t.outages.toLocaleString('en')} outages, ${t.qualifying.toLocaleString('en')} qualifying, ${t.ongoing} ongoing, credit ¥${t.creditYen.toLocaleString('en')}`,
);
console.log(
  `  luxon:   ${luxon.last.toLocaleString('en')} merged intervals (all causes, not clipped to the active period)`,
);
console.log(
  `  memory after gengaku: heapUsed ${mb(memoryAfterGengaku.heapUsed)}, rss ${mb(memoryAfterGengaku.rss)} (inputs alive, outages dropped); ` +
    `keeping all outages: heapUsed ${mb(memoryKeptRaw.heapUsed)} (${mb(memoryKept.heapUsed)} live), rss ${mb(memoryKeptRaw.rss)}`,
);
console.log('');
console.log(
  `  luxon / gengaku   = ${luxonRatio.toFixed(1).padStart(6)}×   (target >= 20)  ${luxonRatio >= 20 ? 'target met' : 'target NOT met'}`,
);
// Starting from the same epoch milliseconds, a Luxon pipeline must also build its Intervals once.
const luxonFromNumbersRatio = (l + luxonBuildMs) / g;
console.log(
  `  (luxon build + merge) / gengaku = ${luxonFromNumbersRatio.toFixed(1)}×  (the same target, counting the Intervals Luxon needs built from the same numbers: ${luxonFromNumbersRatio >= 20 ? 'met' : 'NOT met'})`,
);
console.log(
  `  gengaku / sort    = ${sortRatio.toFixed(2).padStart(6)}×   (target <= 3)   ${sortRatio <= 3 ? 'target met' : 'target NOT met'}`,
);
console.log('');
const round = (x: number) => Math.round(x * 100) / 100;
recordBench(
  'outages',
  [
    {
      figure: `deriveOutages, ${CONTRACTS.toLocaleString('en')} contracts`,
      value: round(g),
      unit: 'ms',
      baseline: 'bare sort of all starts, ms',
      baselineValue: round(s),
      ratio: round(sortRatio),
      target: '<= 3',
      met: meets(sortRatio, '<= 3'),
    },
    {
      figure: 'Luxon Interval.merge over deriveOutages',
      value: round(l),
      unit: 'ms',
      baseline: 'deriveOutages, ms',
      baselineValue: round(g),
      ratio: round(luxonRatio),
      target: '>= 20',
      met: meets(luxonRatio, '>= 20'),
    },
  ],
  {
    contracts: CONTRACTS,
    intervals: n,
    runs: RUNS,
    gengakuKeepingAllMs: round(gKept),
    gengakuShuffledMs: round(gShuffled),
    readIntervalsOnlyMs: round(median(scan.ms)),
    luxonBuildMs: round(luxonBuildMs),
    luxonBuildAndMergeOverGengaku: round(luxonFromNumbersRatio),
    outages: t.outages,
    qualifyingOutages: t.qualifying,
    heapUsedBytes: memoryAfterGengaku.heapUsed,
    rssBytes: memoryAfterGengaku.rss,
    keepingAllHeapUsedLiveBytes: memoryKept.heapUsed,
    keepingAllRssBytes: memoryKeptRaw.rss,
  },
);
