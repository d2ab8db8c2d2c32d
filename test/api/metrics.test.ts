/**
 * GET /metrics after a scripted story: each gauge with the value the story leaves, request durations
 * labelled by route template and status, derivation time; its own token; and GET /readyz.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { pino } from 'pino';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/client';
import * as schema from '../../src/db/schema';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { DEFAULT_REGIONS } from '../../src/domain/terms';
import { createApp } from '../../src/http/app';
import { systemClock } from '../../src/services/context';
import { startWebhookWorker } from '../../src/services/webhook-delivery';
import { enqueueWebhookEvent } from '../../src/services/webhooks';
import { makeTestApp, seedContract, type TestApp } from '../support/app';

const METRICS_TOKEN = 'metrics-secret-for-tests';
let t: TestApp;
afterEach(() => t?.close());

/** The value of one sample of Prometheus's text format, or undefined when it is absent. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value))
      return Number(match[3]);
  }
  return undefined;
}

async function scrape(app: TestApp['app']): Promise<string> {
  const res = await request(app)
    .get('/metrics')
    .set('Authorization', `Bearer ${METRICS_TOKEN}`)
    .expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text;
}

/** One incident taking a contract down for 30 hours from `start`; aware at once. */
async function outage(contractId: string, start: string, hours = 30) {
  const startMs = Date.parse(start);
  const incident = await t
    .as('support')
    .post('/incidents', {
      title: `down from ${start}`,
      cause: 'provider',
      severity: 'total',
      scope: { contractIds: [contractId] },
      awareAt: start,
      intervals: [
        {
          start,
          end: new Date(startMs + hours * 3_600_000).toISOString(),
        },
      ],
    })
    .expect(201);
  return incident.body as { id: string; version: number };
}

describe('GET /metrics after a scripted story', () => {
  it('shows each gauge with the value the story leaves', async () => {
    t = makeTestApp({
      now: '2026-04-02T09:00:00+09:00',
      metricsToken: METRICS_TOKEN,
    });
    const a = await seedContract(t);
    const b = await seedContract(t);
    const c = await seedContract(t);
    await seedContract(t); // quiet: no incident at all
    const longAgo = await seedContract(t);
    // Outages of contract A ending on these JST dates, so their claims can be made from then until 3 months on.
    await outage(longAgo.contractId, '2025-06-01T10:00:00+09:00');
    await outage(a.contractId, '2025-12-29T20:00:00+09:00'); // ends 12-31: deadline 03-31, expired on 04-01
    await outage(a.contractId, '2025-12-31T20:00:00+09:00'); // ends 01-02: deadline 04-02, today
    await outage(a.contractId, '2026-01-03T20:00:00+09:00'); // ends 01-05: deadline 04-05
    await outage(a.contractId, '2026-01-06T20:00:00+09:00', 10); // 10 h: does not qualify
    await outage(a.contractId, '2026-01-08T20:00:00+09:00'); // ends 01-10: deadline 04-10, claimed below
    await outage(a.contractId, '2026-01-13T20:00:00+09:00'); // ends 01-15: deadline 04-15, the 14th day
    await outage(a.contractId, '2026-01-15T03:00:00+09:00'); // ends 01-16: deadline 04-16, the 15th day
    const shortened = await outage(c.contractId, '2026-01-20T10:00:00+09:00');
    // Contract B is down since yesterday and still is: its claim waits for the end of the outage.
    await t
      .as('support')
      .post('/incidents', {
        title: 'still down',
        cause: 'provider',
        severity: 'total',
        scope: { contractIds: [b.contractId] },
        awareAt: '2026-03-31T09:00:00+09:00',
        intervals: [{ start: '2026-03-31T09:00:00+09:00', end: null }],
      })
      .expect(201);

    const outagesOfA = (
      await t
        .as('support')
        .get(`/contracts/${a.contractId}/outages`)
        .expect(200)
    ).body.outages as {
      start: string;
      qualifies: boolean;
      claimDeadline: string | null;
    }[];
    expect(outagesOfA.map((o) => [o.qualifies, o.claimDeadline])).toEqual([
      [true, '2026-03-31'],
      [true, '2026-04-02'],
      [true, '2026-04-05'],
      [false, null],
      [true, '2026-04-10'],
      [true, '2026-04-15'],
      [true, '2026-04-16'],
    ]);
    const claim = async (contractId: string, outageStart: string) =>
      (
        await t
          .as('support')
          .post('/claims', { contractId, outageStart })
          .expect(201)
      ).body as { status: string };
    expect((await claim(a.contractId, outagesOfA[4]!.start)).status).toBe(
      'pending-approval',
    );
    const outageOfB = (
      await t
        .as('support')
        .get(`/contracts/${b.contractId}/outages`)
        .expect(200)
    ).body.outages[0];
    expect((await claim(b.contractId, outageOfB.start)).status).toBe(
      'awaiting-resolution',
    );
    const outageOfC = (
      await t
        .as('support')
        .get(`/contracts/${c.contractId}/outages`)
        .expect(200)
    ).body.outages[0];
    await claim(c.contractId, outageOfC.start);
    // A correction takes C's outage under 24 h: its claim is rejected.
    await t
      .as('support')
      .patch(`/incidents/${shortened.id}`, {
        intervals: [
          {
            start: '2026-01-20T10:00:00+09:00',
            end: '2026-01-20T20:00:00+09:00',
          },
        ],
        reason: 'it was ten hours',
      })
      .expect(200);

    const before = await scrape(t.app);
    const derivedBefore = sample(
      before,
      'gengaku_outage_derivation_seconds_count',
    )!;
    const text = await scrape(t.app);
    expect(
      sample(text, 'gengaku_claims', { status: 'awaiting-resolution' }),
    ).toBe(1);
    expect(sample(text, 'gengaku_claims', { status: 'pending-approval' })).toBe(
      1,
    );
    expect(sample(text, 'gengaku_claims', { status: 'rejected' })).toBe(1);
    expect(sample(text, 'gengaku_claims', { status: 'approved' })).toBe(0);
    // Deadlines today (04-02), 04-05 and 04-15 (the 14th JST day, today included), none claimed.
    expect(sample(text, 'gengaku_unclaimed_outages_window_closing')).toBe(3);
    // The gauge derives only the contracts a recent incident touches: A, B and C, not the quiet one,
    // nor the one whose only outage ended ten months ago.
    expect(
      sample(text, 'gengaku_outage_derivation_seconds_count')! - derivedBefore,
    ).toBe(3);

    // Filing the claim for the outage closing today takes it off the gauge.
    await claim(a.contractId, outagesOfA[1]!.start);
    expect(
      sample(await scrape(t.app), 'gengaku_unclaimed_outages_window_closing'),
    ).toBe(2);
  });

  it('counts webhook deliveries failing now, and forgets one once it is delivered', async () => {
    t = makeTestApp({ metricsToken: METRICS_TOKEN });
    await t
      .as('admin')
      .post('/webhooks', {
        url: 'https://receiver.example.jp/hook',
        events: ['credit-notice.approved'],
        secret: 'a-webhook-secret-of-some-length',
      })
      .expect(201);
    inTransaction(t.store, () =>
      enqueueWebhookEvent(
        { store: t.store, clock: t.now },
        'credit-notice.approved',
        {
          id: 'notice-1',
        },
      ),
    );
    let answer = 500;
    const worker = startWebhookWorker({
      store: t.store,
      clock: t.now,
      fetch: async () => new Response(null, { status: answer }),
      random: () => 0.5,
      pollMs: 3_600_000,
    });
    try {
      expect(
        sample(await scrape(t.app), 'gengaku_webhook_deliveries_failing'),
      ).toBe(0);
      expect(await worker.deliverDue()).toBe(1);
      expect(
        sample(await scrape(t.app), 'gengaku_webhook_deliveries_failing'),
      ).toBe(1);
      // The retry is due an hour later; the receiver is back.
      t.setNow(t.now() + 3_600_000);
      answer = 204;
      expect(await worker.deliverDue()).toBe(1);
      expect(
        sample(await scrape(t.app), 'gengaku_webhook_deliveries_failing'),
      ).toBe(0);
    } finally {
      await worker.stop();
    }
  });

  it('times requests by route template and status, never by the raw URL, and times derivations', async () => {
    t = makeTestApp({ metricsToken: METRICS_TOKEN });
    const { contractId } = await seedContract(t);
    const derived = (text: string) =>
      sample(text, 'gengaku_outage_derivation_seconds_count') ?? 0;
    const before = derived(await scrape(t.app));
    await t.as('support').get(`/contracts/${contractId}/outages`).expect(200);
    await t.as('support').get('/contracts/no-such-contract').expect(404);
    await request(t.app).get('/no/such/page').expect(404);
    await request(t.app).get('/healthz').expect(200);
    const text = await scrape(t.app);

    expect(derived(text) - before).toBe(1);
    const count = (route: string, status: string, method = 'GET') =>
      sample(text, 'gengaku_http_request_duration_seconds_count', {
        method,
        route,
        status,
      });
    expect(count('/api/v1/contracts/:id/outages', '200')).toBe(1);
    // A refusal raised in the endpoint keeps its route's label.
    expect(count('/api/v1/contracts/:id', '404')).toBe(1);
    expect(count('/api/v1/contracts', '201', 'POST')).toBe(1);
    expect(count('unmatched', '404')).toBe(1);
    expect(count('/healthz', '200')).toBe(1);
    expect(text).not.toContain(contractId);
    expect(text).not.toContain('no-such-contract');
    expect(text).not.toContain('/no/such/page');
    // Node's own process metrics come along.
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('answers only the metrics token: 401 without it or with an API token, 404 when no token is set', async () => {
    t = makeTestApp({ metricsToken: METRICS_TOKEN });
    const missing = await request(t.app).get('/metrics').expect(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    await request(t.app)
      .get('/metrics')
      .set('Authorization', `Bearer ${t.tokens.admin}`)
      .expect(401);
    await request(t.app)
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}x`)
      .expect(401);
    t.close();

    t = makeTestApp();
    const off = await request(t.app)
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}`)
      .expect(404);
    expect(off.body.detail).toContain('SLA_METRICS_TOKEN');
  });

  it('still serves what it can when a gauge fails, and counts the failure', async () => {
    t = makeTestApp({ metricsToken: METRICS_TOKEN });
    t.store.close();
    const text = await scrape(t.app);
    expect(
      sample(text, 'gengaku_gauge_errors_total', { gauge: 'gengaku_claims' }),
    ).toBe(1);
    expect(
      sample(text, 'gengaku_claims', { status: 'pending-approval' }),
    ).toBeUndefined();
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

describe('GET /readyz', () => {
  it('is ready when every migration is applied and the database takes writes', async () => {
    t = makeTestApp();
    const res = await request(t.app).get('/readyz').expect(200);
    expect(res.body).toMatchObject({
      ready: true,
      checks: { migrations: { ok: true }, writable: { ok: true } },
    });
    // The probe's write was rolled back: the migration record is as it was.
    expect(t.store.sqlite.inTransaction).toBe(false);
  });

  it('is not ready while a migration of this code is not applied, or after a newer version migrated the database', async () => {
    t = makeTestApp();
    const migrations = t.store.sqlite;
    const latest = migrations
      .prepare(
        'select rowid as id, hash, created_at from __drizzle_migrations order by created_at desc limit 1',
      )
      .get() as { id: number; hash: string; created_at: number };
    migrations
      .prepare('delete from __drizzle_migrations where rowid = ?')
      .run(latest.id);
    const behind = await request(t.app).get('/readyz').expect(503);
    expect(behind.body.checks.migrations).toEqual({
      ok: false,
      detail: expect.stringMatching(
        /^\d+ of \d+ migrations applied; the next start applies the other 1$/,
      ),
    });
    expect(behind.body.checks.writable.ok).toBe(true);

    migrations
      .prepare(
        'insert into __drizzle_migrations (hash, created_at) values (?, ?)',
      )
      .run(latest.hash, latest.created_at);
    await request(t.app).get('/readyz').expect(200);
    migrations
      .prepare(
        'insert into __drizzle_migrations (hash, created_at) values (?, ?)',
      )
      .run('from-a-newer-version', Number(latest.created_at) + 1);
    const ahead = await request(t.app).get('/readyz').expect(503);
    expect(ahead.body.checks.migrations.detail).toBe(
      'migrated by a newer version: 1 migrations this version does not know',
    );
  });

  it('is not ready when the database cannot be written, while /healthz still answers', async () => {
    t = makeTestApp();
    const dir = mkdtempSync(join(tmpdir(), 'gengaku-readyz-'));
    const path = join(dir, 'ro.db');
    t.store.sqlite.exec(`vacuum into '${path}'`);
    const sqlite = new Database(path, { readonly: true });
    const app = createApp({
      store: {
        sqlite,
        db: drizzle(sqlite, { schema }),
        close: () => sqlite.close(),
      },
      clock: systemClock,
      config: { policy: DEFAULT_POLICY, regions: [...DEFAULT_REGIONS] },
      logger: pino({ level: 'silent' }),
    });
    const res = await request(app).get('/readyz').expect(503);
    expect(res.body.checks).toMatchObject({
      migrations: { ok: true },
      writable: { ok: false, detail: expect.stringContaining('readonly') },
    });
    await request(app).get('/healthz').expect(200);
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
