/** Admin's pages for access and webhooks: revoking a user's tokens and sessions at once; webhooks and their deliveries. */
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/client';
import { enqueueWebhookEvent } from '../../src/services/webhooks';
import { makeTestApp, type TestApp } from '../support/app';
import { browser, csrfOf, logIn, PASSWORD, userWithPassword } from './support';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp({ now: '2026-02-01T12:00:00+09:00' });
});
afterEach(() => t.close());

const count = (table: string) =>
  (
    t.store.sqlite.prepare(`select count(*) as n from ${table}`).get() as {
      n: number;
    }
  ).n;

const userIdOf = (email: string) =>
  (
    t.store.sqlite
      .prepare('select id from users where email = ?')
      .get(email) as {
      id: string;
    }
  ).id;

async function adminAgent() {
  const agent = browser(t);
  await logIn(agent, (await userWithPassword(t, 'admin')).email);
  return agent;
}

describe('revoking a user’s access', () => {
  it('ends every API token and every signed-in session of the user at once; the password still works', async () => {
    const { email } = await userWithPassword(t, 'support');
    const token = await request(t.app)
      .post('/api/v1/auth/tokens')
      .send({ email, password: PASSWORD })
      .expect(201);
    const session = browser(t);
    await logIn(session, email);
    await session.get('/support/incidents').expect(200);
    const userId = userIdOf(email);

    const admin = await adminAgent();
    const page = await admin.get('/admin/users').expect(200);
    const res = await admin
      .post(`/admin/users/${userId}/revoke`)
      .type('form')
      .send({ _csrf: csrfOf(page.text) })
      .expect(200);
    // Its token from the user list (made with the user) and the one from signing in; one browser session.
    expect(res.text).toContain(
      'support person の API トークン 2件とログイン中のセッション 1件を失効させました。',
    );

    await t.as({ token: token.body.token }).get('/claims').expect(401);
    const after = await session.get('/support/incidents').expect(303);
    expect(after.headers.location).toBe(
      '/login?next=%2Fsupport%2Fincidents&ended=1',
    );
    const audit = await t.as('admin').get('/audit?entityType=user').expect(200);
    expect(audit.body[0]).toMatchObject({
      action: 'user.access-revoked',
      entityId: userId,
      after: { revokedTokens: 2, endedSessions: 1 },
    });
    // Signing in again works: revoking access is not a lock-out.
    await logIn(browser(t), email);
  });

  it('needs the form’s CSRF token and the admin role; an unknown user is a 404 page', async () => {
    const { email } = await userWithPassword(t, 'support');
    const userId = userIdOf(email);
    const admin = await adminAgent();
    const page = await admin.get('/admin/users').expect(200);
    const finance = browser(t);
    await logIn(finance, (await userWithPassword(t, 'finance')).email);
    const financePage = await finance.get('/finance');
    const tokensBefore = count('api_tokens where revoked_at is null');
    await admin
      .post(`/admin/users/${userId}/revoke`)
      .set('Accept', 'text/html')
      .type('form')
      .send({})
      .expect(403);
    await finance
      .post(`/admin/users/${userId}/revoke`)
      .set('Accept', 'text/html')
      .type('form')
      .send({ _csrf: csrfOf(financePage.text) })
      .expect(403);
    expect(count('api_tokens where revoked_at is null')).toBe(tokensBefore);
    await admin
      .post('/admin/users/no-such-user/revoke')
      .set('Accept', 'text/html')
      .type('form')
      .send({ _csrf: csrfOf(page.text) })
      .expect(404);
  });
});

describe('webhooks', () => {
  it('registers a webhook and shows its secret once; a secret left empty is made', async () => {
    const admin = await adminAgent();
    const page = await admin.get('/admin/webhooks').expect(200);
    const res = await admin
      .post('/admin/webhooks')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        url: 'https://hooks.example.jp/gengaku',
        events: ['credit-notice.approved'],
        secret: '',
      })
      .expect(201);
    const secret = /<code class="secret">([^<]+)<\/code>/.exec(res.text)![1]!;
    expect(secret.length).toBeGreaterThanOrEqual(16);
    const stored = t.store.sqlite
      .prepare('select url, events, secret from webhooks')
      .all();
    expect(stored).toEqual([
      {
        url: 'https://hooks.example.jp/gengaku',
        events: '["credit-notice.approved"]',
        secret,
      },
    ]);
    const list = await admin.get('/admin/webhooks').expect(200);
    expect(list.text).toContain('https://hooks.example.jp/gengaku');
    expect(list.text).toContain(`…${secret.slice(-4)}`);
    expect(list.text).not.toContain(secret);
  });

  it('refuses a bad URL, no event and a short secret beside their fields, and saves nothing; without its token, nothing either', async () => {
    const admin = await adminAgent();
    const page = await admin.get('/admin/webhooks').expect(200);
    const res = await admin
      .post('/admin/webhooks')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        url: 'ftp://hooks.example.jp',
        secret: 'short',
      })
      .expect(422);
    expect(res.text).toContain(
      '<p class="field-error" id="url-error">http または https の URL を入力してください。</p>',
    );
    expect(res.text).toContain(
      '<p class="field-error" id="events-error">イベントを1つ以上選んでください。</p>',
    );
    expect(res.text).toContain(
      '<p class="field-error" id="secret-error">16文字以上にしてください。</p>',
    );
    await admin
      .post('/admin/webhooks')
      .set('Accept', 'text/html')
      .type('form')
      .send({
        url: 'https://hooks.example.jp/gengaku',
        events: 'credit-notice.approved',
      })
      .expect(403);
    expect(count('webhooks')).toBe(0);
  });

  it('lists a webhook’s deliveries newest first, each with every attempt', async () => {
    const created = await t
      .as('admin')
      .post('/webhooks', {
        url: 'https://hooks.example.jp/gengaku',
        events: ['credit-notice.approved'],
        secret: 'whsec_0123456789abcdef',
      })
      .expect(201);
    const events: string[] = [];
    for (let i = 0; i < 2; i++) {
      t.setNow(t.now() + 60_000);
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
    // The older delivery was tried twice: a 500, then a network error.
    const older = t.store.sqlite
      .prepare('select id from webhook_deliveries where event_id = ?')
      .get(events[0]) as { id: string };
    const attempt = t.store.sqlite.prepare(
      'insert into webhook_attempts (delivery_id, number, started_at, duration_ms, response_status, error, response_snippet) values (?, ?, ?, ?, ?, ?, ?)',
    );
    attempt.run(older.id, 1, t.now(), 41, 500, null, 'upstream busy');
    attempt.run(
      older.id,
      2,
      t.now(),
      10_000,
      null,
      'timed out after 10 s',
      null,
    );

    const admin = await adminAgent();
    const page = await admin
      .get(`/admin/webhooks/${created.body.id}`)
      .expect(200);
    const shownEvents = [
      ...page.text.matchAll(/<dd><code>([^<]+)<\/code><\/dd>/g),
    ].map((m) => m[1]);
    expect(shownEvents).toEqual([events[1], events[0]]);
    expect(page.text).toContain('HTTP 500');
    expect(page.text).toContain('upstream busy');
    expect(page.text).toContain('timed out after 10 s');
    expect(page.text).toContain('まだ試行していません。');
    await admin
      .get('/admin/webhooks/no-such-webhook')
      .set('Accept', 'text/html')
      .expect(404);
  });
});
