/**
 * Nothing acknowledged is ever lost: kill the server with SIGKILL in the middle of a stream of claim
 * writes, restart it on the same database, and find every acknowledged claim there, intact.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { HOUR, scratch } from '../support/server';

const space = scratch('crash');
const databasePath = space.path('crash.db');
afterAll(() => space.cleanUp());

describe('SIGKILL during a stream of claim writes', () => {
  it('keeps every acknowledged claim and an intact database', async () => {
    const first = await space.start(databasePath);
    // Ten contracts, each with twenty separate qualifying outages of exactly 24 h in the last weeks.
    const customer = await first.call('POST', '/customers', {
      name: 'Crash Test K.K.',
    });
    const day = Math.floor(Date.now() / HOUR) * HOUR - 30 * 24 * HOUR;
    const targets: { contractId: string; outageStart: string }[] = [];
    for (let c = 0; c < 10; c++) {
      const contract = await first.call('POST', '/contracts', {
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
      const incident = await first.call('POST', '/incidents', {
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
          const reply = await first.call('POST', '/claims', target);
          if (reply.status === 201) acknowledged.push(reply.body.id);
          else
            throw new Error(
              `unexpected ${reply.status}: ${JSON.stringify(reply.body)}`,
            );
          if (acknowledged.length === 60 && !killed) {
            killed = true;
            await first.kill();
          }
        } catch (error) {
          if (!killed) throw error;
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(killed).toBe(true);

    const second = await space.start(databasePath);
    const claims = await second.call('GET', '/claims');
    const stored = new Set(
      (claims.body as { id: string }[]).map((claim) => claim.id),
    );
    expect(acknowledged.length).toBeGreaterThanOrEqual(60);
    for (const id of acknowledged)
      expect(stored.has(id), `acknowledged claim ${id} survived`).toBe(true);
    // SIGTERM shuts down gracefully: the server closes the database and exits 0.
    expect(await second.stop()).toBe(0);

    const db = new Database(databasePath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // Each stored claim came with its audit entry in the same transaction: none half-written.
    const orphans = db
      .prepare(
        `select count(*) n from claims where id not in (select entity_id from audit_log where action = 'claim.created')`,
      )
      .get() as { n: number };
    expect(orphans.n).toBe(0);
    db.close();
  }, 90_000);
});
