import { pino } from 'pino';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/db/client';
import { seedDemo } from '../src/demo-data';
import { DEFAULT_POLICY } from '../src/domain/policy';
import { parseInstant } from '../src/domain/time';
import { createApp } from '../src/http/app';

let store: Store;
afterEach(() => store?.close());

describe('the demo database', () => {
  it('holds a month of incidents in both regions, claims in both states, and a working login per role', async () => {
    store = openStore(':memory:');
    const now = parseInstant('2026-11-25T12:00:00+09:00');
    const config = { policy: DEFAULT_POLICY, regions: ['jp-east', 'jp-west'] };
    const logins = await seedDemo(store, config, now);
    expect(logins.map((login) => login.role).sort()).toEqual([
      'admin',
      'customer',
      'finance',
      'support',
    ]);
    const app = createApp({
      store,
      clock: () => now,
      config,
      logger: pino({ level: 'silent' }),
    });
    const token = (role: string) =>
      `Bearer ${logins.find((login) => login.role === role)!.token}`;

    const incidents = await request(app)
      .get('/api/v1/incidents')
      .set('Authorization', token('support'))
      .expect(200);
    const regions = new Set(
      incidents.body.flatMap(
        (incident: { scope: { regions: string[] } }) => incident.scope.regions,
      ),
    );
    expect(regions).toEqual(new Set(['jp-east', 'jp-west']));
    expect(
      new Set(
        incidents.body.map((incident: { cause: string }) => incident.cause),
      ).size,
    ).toBeGreaterThanOrEqual(3);

    const claims = await request(app)
      .get('/api/v1/claims')
      .set('Authorization', token('admin'))
      .expect(200);
    expect(
      claims.body.map((claim: { status: string }) => claim.status).sort(),
    ).toEqual(['awaiting-resolution', 'pending-approval']);

    const own = await request(app)
      .get('/api/v1/contracts')
      .set('Authorization', token('customer'))
      .expect(200);
    const all = await request(app)
      .get('/api/v1/contracts')
      .set('Authorization', token('finance'))
      .expect(200);
    expect(own.body.length).toBeGreaterThan(0);
    expect(own.body.length).toBeLessThan(all.body.length);

    // The multi-region contract is down only while both regions are (the expired certificate).
    const dual = all.body.find(
      (contract: { options: unknown[] }) => contract.options.length > 0,
    );
    const outages = await request(app)
      .get(`/api/v1/contracts/${dual.id}/outages`)
      .set('Authorization', token('finance'))
      .expect(200);
    expect(
      outages.body.outages.filter(
        (outage: { qualifies: boolean }) => outage.qualifies,
      ),
    ).toHaveLength(1);

    for (const login of logins.filter((login) => login.password !== '')) {
      await request(app)
        .post('/api/v1/auth/tokens')
        .send({ email: login.email, password: login.password })
        .expect(201);
    }
  });
});
