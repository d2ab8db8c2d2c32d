/**
 * A backup taken under write load restores and serves: clients keep writing through HTTP while
 * `cli backup` runs; the backup is restored (not over the live database: that is refused) and a server
 * started on it finds it intact, migrated, and holding every write acknowledged before the backup began.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  callApi,
  expectIntactWithAudit,
  startServerProcess,
} from '../support/server-process';

const TOKEN = 'gk_backup_test_admin';
const dir = mkdtempSync(join(tmpdir(), 'gengaku-restore-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function cli(
  ...args: string[]
): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) =>
    child.once('exit', (code) => resolve({ code, output })),
  );
}

describe('a backup taken while clients write', () => {
  it('restores to a database a server serves, with every write acknowledged before it began', async () => {
    const livePath = join(dir, 'live.db');
    const live = await startServerProcess(livePath, TOKEN, children);

    const acknowledged: { id: string; at: number }[] = [];
    let writing = true;
    let written = 0;
    const writer = async (client: number) => {
      while (writing) {
        const reply = await callApi(live.url, TOKEN, 'POST', '/customers', {
          name: `Load ${client}-${written++} K.K.`,
        });
        expect(reply.status).toBe(201);
        acknowledged.push({ id: reply.body.id, at: performance.now() });
      }
    };
    const writers = [1, 2, 3, 4].map(writer);
    while (acknowledged.length < 40)
      await new Promise((r) => setTimeout(r, 20));

    const backupStarted = performance.now();
    const backups = join(dir, 'backups');
    const backup = await cli(
      'backup',
      backups,
      '--keep',
      '3',
      '--database',
      livePath,
    );
    const afterBackup = acknowledged.length;
    // Let the clients write on a little after it, then stop them.
    while (acknowledged.length < afterBackup + 20)
      await new Promise((r) => setTimeout(r, 20));
    writing = false;
    await Promise.all(writers);
    expect(backup.code, backup.output).toBe(0);
    const [file] = readdirSync(backups);
    const backupPath = join(backups, file!);

    // The live database is held by its server: restoring over it is refused, and says why.
    const overLive = await cli('restore', backupPath, '--database', livePath);
    expect(overLive.code).toBe(2);
    expect(overLive.output).toContain('a Gengaku server holds it');
    expect(overLive.output).toContain(`pid ${live.child.pid}`);
    expect(await live.stop()).toBe(0);

    const restoredPath = join(dir, 'restored', 'gengaku.db');
    const restore = await cli(
      'restore',
      backupPath,
      '--database',
      restoredPath,
    );
    expect(restore.code, restore.output).toBe(0);
    expect(restore.output).toContain('integrity_check ok; all');

    const restored = await startServerProcess(restoredPath, TOKEN, children);
    const ready = await fetch(`${restored.url}/readyz`);
    expect(ready.status).toBe(200);
    const before = acknowledged.filter((write) => write.at < backupStarted);
    expect(before.length).toBeGreaterThanOrEqual(40);
    // The premise: clients were still being answered while the backup ran.
    expect(afterBackup).toBeGreaterThan(before.length);
    for (const { id } of before) {
      const customer = await callApi(
        restored.url,
        TOKEN,
        'GET',
        `/customers/${id}`,
      );
      expect(
        customer.status,
        `customer ${id} acknowledged before the backup`,
      ).toBe(200);
    }
    expect(await restored.stop()).toBe(0);
    // Intact, and nothing half-written: every customer came with its audit entry.
    expectIntactWithAudit(restoredPath, 'customers', 'customer.created');
  }, 120_000);
});
