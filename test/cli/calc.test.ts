/**
 * The calculator (API.md "Running" and "Scenario (calculator input)"): `calculateText` in-process for most
 * cases, and a few real `npm run --silent cli -- calc FILE` processes, started together in `beforeAll`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculateText, InputError } from '../../src/cli/calc';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** API.md's scenario example, verbatim. */
function apiScenario(): any {
  return {
    asOf: '2026-02-01T00:00:00+09:00',
    contract: {
      billingStartDate: '2025-04-01',
      terminationEffectiveDate: null,
      monthlyFee: 100000,
      options: [],
    },
    incidents: [
      {
        id: 'INC-1',
        cause: 'provider',
        severity: 'total',
        awareAt: '2026-01-10T10:30:00+09:00',
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-10T20:30:00+09:00',
          },
        ],
      },
      {
        id: 'INC-2',
        cause: 'provider',
        severity: 'equivalent',
        awareAt: '2026-01-10T21:00:00+09:00',
        intervals: [
          {
            start: '2026-01-10T20:00:00+09:00',
            end: '2026-01-12T15:00:00+09:00',
          },
        ],
      },
    ],
    policy: {},
  };
}

/** API.md's Outage, verbatim, with incidentIds ["INC-1", "INC-2"]. */
const API_OUTAGE = {
  start: '2026-01-10T01:00:00.000Z',
  end: '2026-01-12T06:00:00.000Z',
  ongoing: false,
  clockStart: '2026-01-10T01:30:00.000Z',
  unavailableMs: 189000000,
  qualifies: true,
  creditDays: 2,
  monthlyFeeBase: 100000,
  creditAmount: 6666,
  thresholdAt: '2026-01-11T01:30:00.000Z',
  claimableFrom: '2026-01-12',
  claimDeadline: '2026-04-12',
  incidentIds: ['INC-1', 'INC-2'],
  claimStatus: 'claimable',
};

/** With API.md's multi-region option of 20,000 active: base 120,000, floor(2 × 120000 / 30) = 8000. */
function withOption(): any {
  const scenario = apiScenario();
  scenario.contract.options = [
    {
      kind: 'multi-region',
      monthlyFee: 20000,
      regions: ['jp-west'],
      billingStartDate: '2026-01-01',
      endDate: null,
    },
  ];
  return scenario;
}
const OPTION_OUTAGE = {
  ...API_OUTAGE,
  monthlyFeeBase: 120000,
  creditAmount: 8000,
};

/** Evaluated at 00:00 JST of the day after the 2026-04-12 deadline: expired. */
function afterDeadline(): any {
  return { ...apiScenario(), asOf: '2026-04-13T00:00:00+09:00' };
}

/** Each required kind of bad input, as a change to the example, with the field path it must be reported at. */
const BAD_INPUTS: [string, (scenario: any) => void, string, RegExp][] = [
  [
    'an interval ending at its start',
    (s) =>
      (s.incidents[0].intervals[0].end = s.incidents[0].intervals[0].start),
    'incidents[0].intervals[0].end',
    /after start/,
  ],
  [
    'an interval ending before its start',
    (s) => (s.incidents[0].intervals[0].end = '2026-01-10T09:00:00+09:00'),
    'incidents[0].intervals[0].end',
    /after start/,
  ],
  [
    "awareAt before the incident's first start",
    (s) => (s.incidents[1].awareAt = '2026-01-10T19:59:59.999+09:00'),
    'incidents[1].awareAt',
    /before/,
  ],
  [
    'an unknown cause',
    (s) => (s.incidents[0].cause = 'act_of_god'),
    'incidents[0].cause',
    /./,
  ],
  [
    'an unknown severity',
    (s) => (s.incidents[1].severity = 'degraded'),
    'incidents[1].severity',
    /./,
  ],
  [
    'an impossible business date 2026-02-30',
    (s) => (s.contract.billingStartDate = '2026-02-30'),
    'contract.billingStartDate',
    /date/,
  ],
  [
    'an impossible date 2026-02-30 in an instant',
    (s) => (s.incidents[0].awareAt = '2026-02-30T10:30:00+09:00'),
    'incidents[0].awareAt',
    /./,
  ],
  [
    'an instant without offset',
    (s) => (s.incidents[0].intervals[0].start = '2026-01-10T10:00:00'),
    'incidents[0].intervals[0].start',
    /offset/,
  ],
  [
    'an asOf past the years the product accepts',
    (s) => (s.asOf = '2200-01-01T00:00:00+09:00'),
    'asOf',
    /1970 to 2199/,
  ],
  [
    'an impossible offset',
    (s) => (s.asOf = '2026-02-01T00:00:00+99:99'),
    'asOf',
    /offset/,
  ],
  [
    'a misspelt scope key',
    (s) => (s.incidents[0].scope = { region: ['jp-east'] }),
    'incidents[0].scope.region',
    /known field/,
  ],
  [
    'more multi-region options than a contract has',
    (s) =>
      (s.contract.options = Array.from({ length: 11 }, () => ({
        kind: 'multi-region',
        monthlyFee: 1,
        regions: ['jp-west'],
      }))),
    'contract.options',
    /./,
  ],
  [
    'an asOf without offset',
    (s) => (s.asOf = '2026-02-01T00:00:00'),
    'asOf',
    /offset/,
  ],
  [
    'an unknown policy',
    (s) => (s.policy = { graceDays: 3 }),
    'policy.graceDays',
    /known field/,
  ],
  [
    'a negative mergeGapMs',
    (s) => (s.policy = { mergeGapMs: -1 }),
    'policy.mergeGapMs',
    /./,
  ],
  [
    'a regional incident without contract.region',
    (s) => (s.incidents[0].scope = { regions: ['jp-east'] }),
    'contract.region',
    /required/,
  ],
];

function badScenario(change: (scenario: any) => void): any {
  const scenario = apiScenario();
  change(scenario);
  return scenario;
}

/** The InputError message of `calculateText`, or a failure if it did not throw one. */
function inputErrorOf(text: string): string {
  try {
    calculateText(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('calculateText (in-process)', () => {
  it("API.md's example gives exactly the Outage API.md shows, and the default policy", () => {
    const result = calculateText(JSON.stringify(apiScenario()));
    expect(Array.isArray(result)).toBe(false);
    expect(result).toMatchObject({ outages: [API_OUTAGE] });
    expect((result as { outages: unknown[] }).outages).toEqual([API_OUTAGE]);
    expect(result).toMatchObject({
      policy: {
        claimableFrom: 'outageEnded',
        multiRegionFailover: true,
        extendOverHolidays: false,
        mergeGapMs: 0,
        rounding: 'floor',
        activeThroughTerminationDay: true,
      },
    });
  });

  it('the same instants written with another offset give the same result', () => {
    const scenario = apiScenario();
    scenario.asOf = '2026-01-31T15:00:00Z';
    scenario.incidents[0].awareAt = '2026-01-10T01:30:00.000Z';
    scenario.incidents[0].intervals[0] = {
      start: '2026-01-09T20:00:00-05:00',
      end: '2026-01-10T11:30:00Z',
    };
    expect(calculateText(JSON.stringify(scenario))).toEqual(
      calculateText(JSON.stringify(apiScenario())),
    );
  });

  it('policy left out altogether takes the defaults; a policy given is echoed', () => {
    const { policy: _policy, ...withoutPolicy } = apiScenario();
    expect(calculateText(JSON.stringify(withoutPolicy))).toEqual(
      calculateText(JSON.stringify(apiScenario())),
    );
    const thresholdReached = {
      ...apiScenario(),
      policy: { claimableFrom: 'thresholdReached' },
    };
    const result = calculateText(JSON.stringify(thresholdReached)) as {
      outages: (typeof API_OUTAGE)[];
      policy: { claimableFrom: string };
    };
    expect(result.policy.claimableFrom).toBe('thresholdReached');
    // threshold 2026-01-11 10:30 JST → claimable 2026-01-11 → deadline 2026-04-11
    expect(result.outages[0]).toMatchObject({
      claimableFrom: '2026-01-11',
      claimDeadline: '2026-04-11',
    });
  });

  it('optional contract fields: feeChanges, options with regions, regional scope', () => {
    const scenario = apiScenario();
    scenario.contract.feeChanges = [
      { effectiveDate: '2026-01-10', monthlyFee: 90000 },
    ];
    expect(
      (calculateText(JSON.stringify(scenario)) as any).outages[0],
    ).toMatchObject({ monthlyFeeBase: 90000, creditAmount: 6000 });

    const regional = withOption();
    regional.contract.region = 'jp-east';
    regional.incidents[0].scope = { regions: ['jp-east'] };
    regional.incidents[1].scope = { regions: ['jp-east'] };
    // jp-west is still up: the multi-region contract is not unusable
    expect((calculateText(JSON.stringify(regional)) as any).outages).toEqual(
      [],
    );
    regional.incidents[1].scope = { regions: ['jp-east', 'jp-west'] };
    // both regions down only during INC-2 (20:00 → 01-12 15:00, known from 21:00): 42 h, 1 day of 120,000
    expect((calculateText(JSON.stringify(regional)) as any).outages).toEqual([
      {
        ...OPTION_OUTAGE,
        start: '2026-01-10T11:00:00.000Z',
        clockStart: '2026-01-10T12:00:00.000Z',
        unavailableMs: 42 * 3_600_000,
        creditDays: 1,
        creditAmount: 4000,
        thresholdAt: '2026-01-11T12:00:00.000Z',
        incidentIds: ['INC-1', 'INC-2'],
      },
    ]);
  });

  it('incidentIds with multiRegionFailover off: an incident only in the option’s region is not listed (API.md, Outage)', () => {
    const scenario = withOption();
    scenario.contract.region = 'jp-east';
    scenario.incidents[0].scope = { regions: ['jp-east'] };
    scenario.incidents[1].scope = { regions: ['jp-west'] };
    scenario.policy = { multiRegionFailover: false };
    // jp-east alone counts: down 10:00 → 20:30 JST through INC-1. INC-2 had jp-west down from 20:00, inside
    // that outage, but jp-west did not count, so INC-2 did not make the contract unusable.
    const off = (calculateText(JSON.stringify(scenario)) as any).outages;
    expect(off).toEqual([
      expect.objectContaining({
        start: '2026-01-10T01:00:00.000Z',
        end: '2026-01-10T11:30:00.000Z',
        qualifies: false,
        incidentIds: ['INC-1'],
      }),
    ]);
    // With failover on, both regions count: unusable only while both were down (20:00 → 20:30), by both.
    scenario.policy = { multiRegionFailover: true };
    const on = (calculateText(JSON.stringify(scenario)) as any).outages;
    expect(on).toEqual([
      expect.objectContaining({
        start: '2026-01-10T11:00:00.000Z',
        end: '2026-01-10T11:30:00.000Z',
        incidentIds: ['INC-1', 'INC-2'],
      }),
    ]);
  });

  it('an interval without end runs to asOf', () => {
    const scenario = apiScenario();
    scenario.asOf = '2026-01-12T10:30:00+09:00';
    delete scenario.incidents[1].intervals[0].end;
    // 10:30 on 01-10 to 10:30 on 01-12: 48 h
    expect((calculateText(JSON.stringify(scenario)) as any).outages).toEqual([
      {
        ...API_OUTAGE,
        end: null,
        ongoing: true,
        unavailableMs: 2 * 86_400_000,
        claimableFrom: null,
        claimDeadline: null,
      },
    ]);
    scenario.incidents[1].intervals[0].end = null;
    expect(
      (calculateText(JSON.stringify(scenario)) as any).outages[0],
    ).toMatchObject({ end: null, ongoing: true });
  });

  it('an array of scenarios gives an array of results, in order', () => {
    const results = calculateText(
      JSON.stringify([apiScenario(), withOption(), afterDeadline()]),
    );
    expect(Array.isArray(results)).toBe(true);
    expect((results as any[]).map((result) => result.outages)).toEqual([
      [API_OUTAGE],
      [OPTION_OUTAGE],
      [{ ...API_OUTAGE, claimStatus: 'expired' }],
    ]);
    expect(calculateText('[]')).toEqual([]);
    expect(calculateText(JSON.stringify([apiScenario()]))).toEqual([
      calculateText(JSON.stringify(apiScenario())),
    ]);
  });

  it("awareAt is checked against the incident's earliest interval, not its first-listed one", () => {
    const scenario = apiScenario();
    scenario.incidents[0].intervals = [
      { start: '2026-01-10T10:00:00+09:00', end: '2026-01-10T20:30:00+09:00' },
      { start: '2026-01-10T08:00:00+09:00', end: '2026-01-10T09:00:00+09:00' },
    ];
    scenario.incidents[0].awareAt = '2026-01-10T08:30:00+09:00';
    expect(() => calculateText(JSON.stringify(scenario))).not.toThrow();
    scenario.incidents[0].awareAt = '2026-01-10T07:59:00+09:00';
    expect(inputErrorOf(JSON.stringify(scenario))).toMatch(
      /^scenario 0: incidents\[0\]\.awareAt: /m,
    );
    // awareAt equal to the first start is fine
    scenario.incidents[0].awareAt = '2026-01-10T08:00:00+09:00';
    expect(() => calculateText(JSON.stringify(scenario))).not.toThrow();
  });

  it.each(BAD_INPUTS)(
    'rejects %s, naming scenario 0 and the field',
    (_label, change, path, message) => {
      const text = inputErrorOf(JSON.stringify(badScenario(change)));
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`scenario 0: ${path}: `));
      expect(line, text).toBeDefined();
      expect(line).toMatch(message);
    },
  );

  it.each(BAD_INPUTS)(
    "in an array, rejects %s naming the bad scenario's index only",
    (_label, change, path) => {
      const text = inputErrorOf(
        JSON.stringify([apiScenario(), badScenario(change), apiScenario()]),
      );
      expect(text).toContain(`scenario 1: ${path}: `);
      expect(text).not.toMatch(/scenario [02]:/);
    },
  );

  it('rejects text that is not JSON, and a scenario that is not an object', () => {
    expect(inputErrorOf('{ "asOf": ')).toMatch(/JSON/);
    expect(inputErrorOf('[1]')).toMatch(/^scenario 0: /);
  });
});

describe('extreme input the schema accepts', () => {
  it('computes the credit of the largest fee over the longest outage exactly', () => {
    // The fee at the schema's cap (¥10,000,000,000), down since 2026-01-10 00:00 JST and still down at
    // 2199-12-31 00:00 JST, the last day of the last year the product accepts. Whole days between the
    // two JST midnights:
    const creditDays =
      (Date.UTC(2199, 11, 31) - Date.UTC(2026, 0, 10)) / 86_400_000;
    // The amount itself is a safe integer; only an intermediate product might not be.
    const creditAmount = Number((BigInt(creditDays) * 10_000_000_000n) / 30n);
    expect(Number.isSafeInteger(creditAmount)).toBe(true);
    const scenario = apiScenario();
    scenario.asOf = '2199-12-31T00:00:00+09:00';
    scenario.contract.monthlyFee = 10_000_000_000;
    scenario.incidents = [
      {
        id: 'A',
        cause: 'provider',
        severity: 'total',
        awareAt: '2026-01-10T00:00:00+09:00',
        intervals: [{ start: '2026-01-10T00:00:00+09:00' }],
      },
    ];
    const result = calculateText(JSON.stringify(scenario)) as any;
    expect(result.outages).toHaveLength(1);
    expect(result.outages[0]).toMatchObject({
      ongoing: true,
      creditDays,
      monthlyFeeBase: 10_000_000_000,
      creditAmount,
    });
  });
});

// ---- the real process ----

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], stdin?: string): Promise<Run> {
  return run('npm', ['run', '--silent', 'cli', '--', ...args], stdin);
}

/** README's calculator command, exactly as written there, run by a shell in the repository. */
function readmeCommand(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const line = readme
    .split('\n')
    .find((text) =>
      /^npm run --silent cli -- calc examples\/\S+\.json$/.test(text.trim()),
    );
  if (!line) throw new Error('README has no calculator command on an example');
  return line.trim();
}

function run(command: string, args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout
      .setEncoding('utf8')
      .on('data', (chunk: string) => (stdout += chunk));
    child.stderr
      .setEncoding('utf8')
      .on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

describe('npm run --silent cli -- calc FILE (real processes)', () => {
  let dir: string;
  const runs: Record<string, Run> = {};
  const BAD_ONES = BAD_INPUTS.slice(0, 8); // the kinds the issue names: each at its own index

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gengaku-calc-'));
    const file = (name: string, content: unknown) => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(content, null, 2));
      return path;
    };
    const jobs: Record<string, Promise<Run>> = {
      single: runCli(['calc', file('example.json', apiScenario())]),
      array: runCli([
        'calc',
        file('array.json', [apiScenario(), withOption(), afterDeadline()]),
      ]),
      stdin: runCli(['calc', '-'], JSON.stringify(apiScenario())),
      readme: run('sh', ['-c', readmeCommand()]),
      // a valid scenario first, then each kind of bad input the issue names, each at its own index (1, 2, ...)
      bad: runCli([
        'calc',
        file('bad.json', [
          apiScenario(),
          ...BAD_ONES.map(([, change]) => badScenario(change)),
        ]),
      ]),
    };
    for (const [name, job] of Object.entries(jobs)) runs[name] = await job;
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("prints API.md's outage for API.md's example", () => {
    const run = runs.single!;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).outages).toEqual([API_OUTAGE]);
  });

  it('prints an array of results, in order, for an array of scenarios', () => {
    const run = runs.array!;
    expect(run.code).toBe(0);
    const results = JSON.parse(run.stdout);
    expect(Array.isArray(results)).toBe(true);
    expect(
      results.map((result: { outages: unknown }) => result.outages),
    ).toEqual([
      [API_OUTAGE],
      [OPTION_OUTAGE],
      [{ ...API_OUTAGE, claimStatus: 'expired' }],
    ]);
  });

  it("runs README's calculator command as it stands, on the example file, giving API.md's outage", () => {
    const run = runs.readme!;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).outages).toEqual([API_OUTAGE]);
  });

  it('reads standard input for "-"', () => {
    const run = runs.stdin!;
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(runs.single!.stdout));
  });

  it("exits 2 naming each bad scenario's index and field, and prints nothing on stdout", () => {
    const run = runs.bad!;
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    BAD_ONES.forEach(([label, , path], index) => {
      expect(run.stderr, label).toContain(`scenario ${index + 1}: ${path}`);
    });
    expect(run.stderr).not.toContain('scenario 0');
  });
});
