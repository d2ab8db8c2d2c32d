/**
 * `npm run lint:openapi`: lints the OpenAPI document the server serves with Redocly's `recommended` rules
 * and fails on any problem, warnings included. The document is fetched from a real app on an empty
 * in-memory database, written to a temporary file, and handed to `redocly lint`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openStore } from '../src/db/client';
import { DEFAULT_POLICY } from '../src/domain/policy';
import { DEFAULT_REGIONS } from '../src/domain/terms';
import { createApp } from '../src/http/app';
import { systemClock } from '../src/services/context';

async function servedDocument(): Promise<unknown> {
  const store = openStore(':memory:');
  const app = createApp({
    store,
    clock: systemClock,
    config: { policy: DEFAULT_POLICY, regions: [...DEFAULT_REGIONS] },
    logger: pino({ level: 'silent' }),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(
      `http://127.0.0.1:${port}/api/v1/openapi.json`,
    );
    if (response.status !== 200)
      throw new Error(`GET /api/v1/openapi.json answered ${response.status}`);
    return await response.json();
  } finally {
    server.close();
    store.close();
  }
}

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: {
    ruleId: string;
    severity: string;
    message: string;
    location: { pointer?: string }[];
  }[];
}

function parseReport(output: string): LintReport | undefined {
  try {
    const report = JSON.parse(output) as Partial<LintReport>;
    return report.totals && report.problems
      ? (report as LintReport)
      : undefined;
  } catch {
    return undefined;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'gengaku-openapi-'));
try {
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(await servedDocument(), null, 2));
  const lint = spawnSync(
    'npx',
    [
      '--no',
      'redocly',
      'lint',
      file,
      '--extends=recommended',
      '--format=json',
      '--max-problems=1000',
    ],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
      },
    },
  );
  const report = parseReport(lint.stdout);
  if (report === undefined) {
    process.stderr.write(
      `redocly lint did not report:\n${lint.stdout}${lint.stderr}\n`,
    );
    process.exitCode = 1;
  } else {
    for (const problem of report.problems)
      process.stdout.write(
        `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer ?? '#'}: ${problem.message}\n`,
      );
    const { errors, warnings } = report.totals;
    // Redocly exits 0 on warnings; here a warning fails as an error does.
    if (errors + warnings > 0 || lint.status !== 0) process.exitCode = 1;
    process.stdout.write(
      `redocly lint (recommended): ${errors} errors, ${warnings} warnings in the served OpenAPI document\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
