import { pino } from 'pino';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/db/client';
import { seedDemo } from '../src/demo-data';
import { createNoticeRenderer } from '../src/documents/notice-renderer';
import { createPdfRenderer } from '../src/documents/pdf';
import { DEFAULT_POLICY } from '../src/domain/policy';
import { parseInstant } from '../src/domain/time';
import { createApp } from '../src/http/app';
import { createNoticePrinting } from '../src/services/notice-printing';
import { NO_CHROMIUM, TEST_ISSUER } from './support/app';

let store: Store;
afterEach(() => store?.close());

describe('the demo database', () => {
  it('holds a month of incidents in both regions, claims in both states, and a working login per role', async () => {
    store = openStore(':memory:');
    const now = parseInstant('2026-11-25T12:00:00+09:00');
    const config = {
      policy: DEFAULT_POLICY,
      regions: ['jp-east', 'jp-west'],
      issuer: TEST_ISSUER,
    };
    const html = createNoticeRenderer();
    const logins = await seedDemo(store, config, now, html);
    expect(logins.map((login) => login.role).sort()).toEqual([
      'admin',
      'customer',
      'finance',
      'finance',
      'support',
    ]);
    const app = createApp({
      store,
      clock: () => now,
      config,
      logger: pino({ level: 'silent' }),
      printing: createNoticePrinting({
        html,
        pdf: createPdfRenderer({ executablePath: NO_CHROMIUM }),
        onError: () => {},
      }),
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
    ).toEqual([
      'approved',
      'awaiting-resolution',
      'pending-approval',
      'pending-approval',
      'pending-approval',
      'pending-approval',
      'rejected',
    ]);

    // Credit notices in every state, and finance has work to do.
    const notices = await request(app)
      .get('/api/v1/credit-notices')
      .set('Authorization', token('finance'))
      .expect(200);
    const states = notices.body.map(
      (notice: {
        status: string;
        approvals: unknown[];
        approvalsRequired: number;
      }) =>
        `${notice.status} ${notice.approvals.length}/${notice.approvalsRequired}`,
    );
    expect(states.sort()).toEqual([
      'approved 1/1',
      'pending-approval 0/1',
      'pending-approval 0/1',
      'pending-approval 0/2',
      'pending-approval 1/2',
      'rejected 0/1',
      'void 1/1',
    ]);
    const voided = notices.body.find(
      (notice: { status: string }) => notice.status === 'void',
    );
    const correcting = notices.body.find(
      (notice: { id: string }) => notice.id === voided.correctedByNoticeId,
    );
    expect(correcting).toMatchObject({
      status: 'pending-approval',
      correctsNoticeId: voided.id,
      creditDays: voided.creditDays + 1,
    });

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

    // The multi-region contract is down only while both regions are (the expired certificate), not in the
    // jp-west VPN failure; its own gateway failure names it.
    const dual = all.body.find(
      (contract: { options: unknown[] }) => contract.options.length > 0,
    );
    const outages = await request(app)
      .get(`/api/v1/contracts/${dual.id}/outages`)
      .set('Authorization', token('finance'))
      .expect(200);
    expect(
      outages.body.outages
        .filter((outage: { qualifies: boolean }) => outage.qualifies)
        .map((outage: { incidentIds: string[] }) => outage.incidentIds.length),
    ).toEqual([1, 1]);
    const byId = new Map(
      incidents.body.map((incident: { id: string; title: string }) => [
        incident.id,
        incident.title,
      ]),
    );
    expect(
      outages.body.outages
        .filter((outage: { qualifies: boolean }) => outage.qualifies)
        .map((outage: { incidentIds: string[] }) =>
          byId.get(outage.incidentIds[0]!),
        ),
    ).toEqual([
      'Both regions down: shared certificate expired',
      'Kitakaze dedicated gateway failure',
    ]);

    for (const login of logins.filter((login) => login.password !== '')) {
      await request(app)
        .post('/api/v1/auth/tokens')
        .send({ email: login.email, password: login.password })
        .expect(201);
    }
  });
});
