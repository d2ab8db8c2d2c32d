/**
 * Nothing acknowledged is ever lost: kill the server with SIGKILL in the middle of a stream of claim
 * writes, restart it on the same database, and find every acknowledged claim there, intact.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  callApi,
  expectIntactWithAudit,
  startServerProcess,
} from '../support/server-process';

const TOKEN = 'gk_crash_test_admin';
const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'gengaku-crash-'));
const databasePath = join(dir, 'crash.db');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const startServer = () => startServerProcess(databasePath, TOKEN, children);

const call = (url: string, method: string, path: string, body?: unknown) =>
  callApi(url, TOKEN, method, path, body);

describe('SIGKILL during a stream of claim writes', () => {
  it('keeps every acknowledged claim and an intact database', async () => {
    const first = await startServer();
    // Ten contracts, each with twenty separate qualifying outages of exactly 24 h in the last weeks.
    const customer = await call(first.url, 'POST', '/customers', {
      name: 'Crash Test K.K.',
    });
    const day = Math.floor(Date.now() / HOUR) * HOUR - 30 * 24 * HOUR;
    const targets: { contractId: string; outageStart: string }[] = [];
    for (let c = 0; c < 10; c++) {
      const contract = await call(first.url, 'POST', '/contracts', {
        customerId: customer.body.id,
        contractNumber: `CRASH-${c}`,
        licenses: 100,
        concurrentDevices: 2000,
        servers: 1,
        region: 'jp-east',
        redundancy: false,
        billingStartDate: '2025-01-01',
        monthlyFee: 30000,
      });
      expect(contract.status).toBe(201);
      const intervals = Array.from({ length: 20 }, (_, i) => ({
        start: new Date(day + i * 25 * HOUR).toISOString(),
        end: new Date(day + i * 25 * HOUR + 24 * HOUR).toISOString(),
      }));
      const incident = await call(first.url, 'POST', '/incidents', {
        title: `crash ${c}`,
        cause: 'provider',
        severity: 'total',
        scope: { contractIds: [contract.body.id] },
        awareAt: intervals[0]!.start,
        intervals,
      });
      expect(incident.status).toBe(201);
      for (const interval of intervals)
        targets.push({
          contractId: contract.body.id,
          outageStart: interval.start,
        });
    }

    const acknowledged: string[] = [];
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (!killed && next < targets.length) {
        const target = targets[next++]!;
        try {
          const reply = await call(first.url, 'POST', '/claims', target);
          if (reply.status === 201) acknowledged.push(reply.body.id);
          else
            throw new Error(
              `unexpected ${reply.status}: ${JSON.stringify(reply.body)}`,
            );
          if (acknowledged.length === 60 && !killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        } catch (error) {
          if (!killed) throw error;
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(killed).toBe(true);
    await new Promise((resolve) =>
      first.child.exitCode !== null || first.child.signalCode !== null
        ? resolve(null)
        : first.child.once('exit', resolve),
    );

    const second = await startServer();
    const claims = await call(second.url, 'GET', '/claims');
    const stored = new Set(
      (claims.body as { id: string }[]).map((claim) => claim.id),
    );
    expect(acknowledged.length).toBeGreaterThanOrEqual(60);
    for (const id of acknowledged)
      expect(stored.has(id), `acknowledged claim ${id} survived`).toBe(true);
    // SIGTERM shuts down gracefully: the server closes the database and exits 0.
    expect(await second.stop()).toBe(0);

    // Intact, and each stored claim came with its audit entry in the same transaction: none half-written.
    expectIntactWithAudit(databasePath, 'claims', 'claim.created');
  }, 90_000);
});
