/**
 * The production build: `npm run build` bundles to dist/, and plain `node` (no tsx) serves from it: it finds
 * migrations/ from dist/, applies them on start, answers /healthz and /readyz, and the compiled CLI works.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { serverLockPath } from '../../src/db/server-lock';

const dir = mkdtempSync(join(tmpdir(), 'gengaku-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the production build', () => {
  it('builds, starts with plain node, migrates, serves /healthz and /readyz, and runs the CLI', async () => {
    const build = spawnSync('npm', ['run', '--silent', 'build'], {
      encoding: 'utf8',
    });
    expect(build.status, build.stderr).toBe(0);
    expect(existsSync('dist/start.js')).toBe(true);
    expect(existsSync('dist/cli.js')).toBe(true);

    const databasePath = join(dir, 'prod.db');
    const server = spawn(
      process.execPath,
      [join(process.cwd(), 'dist/start.js')],
      {
        // Run from elsewhere, as a service manager may: assets are found from the code, not the working directory.
        cwd: dir,
        env: {
          ...process.env,
          PORT: '0',
          DATABASE_PATH: databasePath,
          SLA_BOOTSTRAP_TOKEN: 'gk_build_test',
          SLA_METRICS_TOKEN: 'metrics-token',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        server.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /"url":"(http:[^"]+)"/.exec(output);
          if (match) resolve(match[1]!);
        });
        server.stderr.on(
          'data',
          (chunk: Buffer) => (output += chunk.toString()),
        );
        server.once('exit', (code) =>
          reject(new Error(`the server exited with ${code}:\n${output}`)),
        );
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as any).checks.migrations.ok).toBe(true);
      const metrics = await fetch(`${url}/metrics`, {
        headers: { authorization: 'Bearer metrics-token' },
      });
      expect(await metrics.text()).toContain(
        'gengaku_claims{status="pending-approval"} 0',
      );
      expect(existsSync(serverLockPath(databasePath))).toBe(true);

      const backupPath = join(dir, 'prod-backup.db');
      const backup = spawnSync(
        process.execPath,
        [
          join(process.cwd(), 'dist/cli.js'),
          'backup',
          backupPath,
          '--database',
          databasePath,
        ],
        { cwd: dir, encoding: 'utf8' },
      );
      expect(backup.status, backup.stderr).toBe(0);
      const copy = new Database(backupPath, { readonly: true });
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      copy.close();
    } finally {
      if (server.exitCode === null) {
        const exited = new Promise<number | null>((resolve) =>
          server.once('exit', (code) => resolve(code)),
        );
        server.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
    }
    // A graceful stop releases the database.
    expect(existsSync(serverLockPath(databasePath))).toBe(false);
  }, 60_000);
});
