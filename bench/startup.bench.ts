/**
 * `npm run bench startup`: how long from starting the server process to the first 200 on /healthz, for
 * the production build (`node dist/start.js`, built first with `npm run build`) against running the
 * TypeScript through tsx (`node --import tsx src/start.ts`), in turns, RUNS times each after a warm-up of
 * each, on the same already-migrated database. The median of each is reported and their ratio.
 *
 *   build / tsx   target <= 0.75
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { meets, recordBench } from './report';

const RUNS = 7;
const PROJECT = fileURLToPath(new URL('..', import.meta.url));
const COMMANDS = {
  build: ['--enable-source-maps', 'dist/start.js'],
  tsx: ['--import', 'tsx', 'src/start.ts'],
} as const;

const dir = mkdtempSync(join(tmpdir(), 'gengaku-startup-'));
const databasePath = join(dir, 'startup.db');

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** Milliseconds from spawning the server to its first 200 on /healthz. */
async function timeToHealthy(args: readonly string[]): Promise<number> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: PROJECT,
    env: {
      ...process.env,
      PORT: '0',
      DATABASE_PATH: databasePath,
      SLA_BOOTSTRAP_TOKEN: 'startup-bench',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  let url: string | undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    url ??= /"url":"(http:[^"]+)"/.exec(output)?.[1];
  });
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`the server exited:\n${output}`);
      if (url !== undefined) {
        const healthy = await fetch(`${url}/healthz`).then(
          (response) => response.status === 200,
          () => false,
        );
        if (healthy) return performance.now() - started;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

const build = spawnSync('npm', ['run', '--silent', 'build'], {
  cwd: PROJECT,
  stdio: 'inherit',
});
if (build.status !== 0) throw new Error('npm run build failed');

const times: Record<keyof typeof COMMANDS, number[]> = { build: [], tsx: [] };
try {
  // Warm-up: the first start migrates the database; tsx fills its transform cache.
  for (const args of Object.values(COMMANDS)) await timeToHealthy(args);
  for (let run = 0; run < RUNS; run++)
    for (const [name, args] of Object.entries(COMMANDS))
      times[name as keyof typeof COMMANDS].push(await timeToHealthy(args));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const value = median(times.build);
const baselineValue = median(times.tsx);
const ratio = value / baselineValue;
const target = '<= 0.75';
recordBench(
  'startup',
  [
    {
      figure: 'start to first 200 on /healthz, node dist/start.js',
      value,
      unit: 'ms',
      baseline: 'tsx src/start.ts',
      baselineValue,
      ratio,
      target,
      met: meets(ratio, target),
    },
  ],
  { runs: RUNS, times },
);
