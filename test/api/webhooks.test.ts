import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/client';
import { enqueueWebhookEvent } from '../../src/services/webhooks';
import { expectProblem, makeTestApp, type TestApp } from '../support/app';

const SECRET = 'whsec_0123456789abcdWXYZ';
const valid = () => ({
  url: 'https://hooks.example.jp/gengaku',
  events: ['credit-notice.approved', 'credit-notice.voided'],
  secret: SECRET,
});

let t: TestApp;
beforeEach(() => {
  t = makeTestApp();
});
afterEach(() => t.close());

const count = (table: string) =>
  (
    t.store.sqlite.prepare(`select count(*) as n from ${table}`).get() as {
      n: number;
    }
  ).n;

describe('POST /webhooks', () => {
  it('registers a webhook and never answers its secret, only its last 4 characters', async () => {
    const res = await t.as('admin').post('/webhooks', valid()).expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      url: 'https://hooks.example.jp/gengaku',
      events: ['credit-notice.approved', 'credit-notice.voided'],
      secretLast4: 'WXYZ',
      active: true,
      createdBy: expect.any(String),
      createdAt: '2026-01-31T15:00:00.000Z',
    });
    const listed = await t.as('admin').get('/webhooks').expect(200);
    expect(listed.body).toEqual([res.body]);
    expect(JSON.stringify(listed.body)).not.toContain(SECRET);

    // The audit log (which finance reads too) records it without the secret.
    const audit = await t
      .as('finance')
      .get(`/audit?entityType=webhook&entityId=${res.body.id}`)
      .expect(200);
    expect(audit.body).toHaveLength(1);
    expect(audit.body[0].action).toBe('webhook.created');
    expect(JSON.stringify(audit.body)).not.toContain(SECRET);
  });

  it('accepts http URLs and a subset of the events', async () => {
    const res = await t
      .as('admin')
      .post('/webhooks', {
        ...valid(),
        url: 'http://127.0.0.1:8080/in',
        events: ['credit-notice.voided'],
      })
      .expect(201);
    expect(res.body.events).toEqual(['credit-notice.voided']);
  });

  const BAD: [string, object, string][] = [
    ['url', { url: 'ftp://hooks.example.jp/x' }, 'http or https'],
    ['url', { url: 'not a url' }, 'http or https'],
    ['url', { url: 'https://user:pass@hooks.example.jp/' }, 'user name'],
    ['url', { url: `https://example.jp/${'a'.repeat(2000)}` }, ''],
    ['url', { url: undefined }, 'is required'],
    ['events', { events: [] }, 'at least one'],
    ['events[0]', { events: ['credit-notice.created'] }, ''],
    [
      'events',
      { events: ['credit-notice.voided', 'credit-notice.voided'] },
      'twice',
    ],
    ['events', { events: 'credit-notice.voided' }, ''],
    ['secret', { secret: '123456789012345' }, 'at least 16'],
    ['secret', { secret: 's'.repeat(201) }, 'at most 200'],
    ['secret', { secret: 1234567890123456 }, ''],
    ['active', { active: false }, 'not a known field'],
  ];
  for (const [path, change, message] of BAD) {
    it(`refuses ${JSON.stringify(change).slice(0, 60)}, naming ${path}, writing nothing`, async () => {
      const before = [count('webhooks'), count('audit_log')];
      const res = await t
        .as('admin')
        .post('/webhooks', { ...valid(), ...change });
      expectProblem(res, 422, 'validation-failed');
      expect(res.body.errors).toContainEqual({
        path,
        message: expect.stringContaining(message),
      });
      expect([count('webhooks'), count('audit_log')]).toEqual(before);
    });
  }
});

describe('GET /webhooks and /webhooks/:id/deliveries', () => {
  it('lists deliveries newest first, paged', async () => {
    const webhookId = (
      await t.as('admin').post('/webhooks', valid()).expect(201)
    ).body.id;
    const events: string[] = [];
    for (let i = 0; i < 3; i++) {
      t.setNow(t.now() + 1000);
      events.push(
        inTransaction(t.store, () =>
          enqueueWebhookEvent(
            { store: t.store, clock: t.now },
            'credit-notice.approved',
            { id: `notice-${i}` },
          ),
        ).id,
      );
    }
    const first = await t
      .as('admin')
      .get(`/webhooks/${webhookId}/deliveries?limit=2`)
      .expect(200);
    expect(first.body.map((d: { eventId: string }) => d.eventId)).toEqual([
      events[2],
      events[1],
    ]);
    expect(first.body[0]).toMatchObject({
      status: 'pending',
      attemptCount: 0,
      attempts: [],
      event: {
        id: events[2],
        type: 'credit-notice.approved',
        data: { id: 'notice-2' },
      },
    });
    const next = new URL(
      /^<([^>]+)>; rel="next"$/.exec(first.headers.link as string)![1]!,
    );
    const second = await t
      .as('admin')
      .get(`${next.pathname.slice('/api/v1'.length)}${next.search}`)
      .expect(200);
    expect(second.body.map((d: { eventId: string }) => d.eventId)).toEqual([
      events[0],
    ]);
    expect(second.headers.link).toBeUndefined();
  });

  it('answers 404 for the deliveries of an unknown webhook', async () => {
    expectProblem(
      await t.as('admin').get('/webhooks/no-such-webhook/deliveries'),
      404,
      'not-found',
    );
  });

  it('names its operations in the OpenAPI document', async () => {
    const document = (await t.as('admin').get('/openapi.json').expect(200))
      .body;
    expect(document.paths['/webhooks'].post.operationId).toBe('createWebhook');
    expect(document.paths['/webhooks'].get.operationId).toBe('listWebhooks');
    expect(document.paths['/webhooks/{id}/deliveries'].get.operationId).toBe(
      'listWebhookDeliveries',
    );
  });
});
