/**
 * Signing in (issue 13, item 1): the one-time password works once, tokens expire and can be revoked,
 * wrong passwords are throttled by account and by address, and hashing never holds the event loop.
 */
import { pino } from 'pino';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_TTL_DAYS, settingsFromEnv } from '../../src/config';
import { openStore } from '../../src/db/client';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { MS_PER_DAY, parseInstant } from '../../src/domain/time';
import { createApp } from '../../src/http/app';
import { hashPassword, verifyPassword } from '../../src/services/passwords';
import {
  authenticatePassword,
  SIGN_IN_LIMITS,
} from '../../src/services/sign-in';
import { ensureFirstAdmin } from '../../src/services/users';
import { expectProblem, makeTestApp, type TestApp } from '../support/app';

const PASSWORD = 'correct horse battery staple';
const NOW = '2026-02-01T00:00:00+09:00';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp({ now: NOW });
});
afterEach(() => t.close());

const signIn = (email: string, password: string) =>
  request(t.app).post('/api/v1/auth/tokens').send({ email, password });

async function userWithPassword(email = 'suzuki@example.jp') {
  const res = await t
    .as('admin')
    .post('/users', {
      name: 'Suzuki',
      email,
      role: 'support',
      password: PASSWORD,
    })
    .expect(201);
  return res.body as { id: string; token: string };
}

describe('the one-time admin password', () => {
  it('is exchanged once over HTTP; a second exchange is 401', async () => {
    const store = openStore(':memory:');
    const now = parseInstant(NOW);
    const first = await ensureFirstAdmin(store, now, undefined);
    if (first.kind !== 'password') throw new Error(first.kind);
    const app = createApp({
      store,
      clock: () => now,
      config: { policy: DEFAULT_POLICY, regions: ['jp-east', 'jp-west'] },
      logger: pino({ level: 'silent' }),
      checkResponses: true,
    });
    const body = { email: 'admin@gengaku.local', password: first.password };
    const exchanged = await request(app)
      .post('/api/v1/auth/tokens')
      .send(body)
      .expect(201);
    await request(app)
      .get('/api/v1/users')
      .set('Authorization', `Bearer ${exchanged.body.token}`)
      .expect(200);
    expectProblem(
      await request(app).post('/api/v1/auth/tokens').send(body),
      401,
      'unauthenticated',
    );
    store.close();
  });
});

describe('token lifetime', () => {
  it('gives a token from POST /auth/tokens an expiresAt 30 days on, and refuses it from that instant, saying it expired', async () => {
    await userWithPassword();
    const res = await signIn('suzuki@example.jp', PASSWORD).expect(201);
    const issuedAt = t.now();
    expect(res.body.expiresAt).toBe(
      new Date(issuedAt + DEFAULT_TOKEN_TTL_DAYS * MS_PER_DAY).toISOString(),
    );
    const token = res.body.token as string;
    t.setNow(issuedAt + DEFAULT_TOKEN_TTL_DAYS * MS_PER_DAY - 1);
    await t.as({ token }).get('/incidents').expect(200);
    t.setNow(issuedAt + DEFAULT_TOKEN_TTL_DAYS * MS_PER_DAY);
    const expired = await t.as({ token }).get('/incidents');
    expectProblem(expired, 401, 'unauthenticated');
    expect(expired.body.detail).toMatch(/expired/);
    // The token made with the user (POST /users) does not expire.
    await t.as('support').get('/incidents').expect(200);
  });

  it('takes the lifetime from SLA_TOKEN_TTL_DAYS', async () => {
    expect(settingsFromEnv({}).app.tokenTtlDays).toBe(30);
    expect(settingsFromEnv({ SLA_TOKEN_TTL_DAYS: '7' }).app.tokenTtlDays).toBe(
      7,
    );
    for (const bad of ['0', '-1', '1.5', 'thirty', '100000'])
      expect(() => settingsFromEnv({ SLA_TOKEN_TTL_DAYS: bad }), bad).toThrow(
        /SLA_TOKEN_TTL_DAYS/,
      );
    const store = openStore(':memory:');
    const now = parseInstant(NOW);
    ensureFirstAdmin(store, now, 'gk_admin');
    const app = createApp({
      store,
      clock: () => now,
      config: { ...settingsFromEnv({ SLA_TOKEN_TTL_DAYS: '7' }).app },
      logger: pino({ level: 'silent' }),
    });
    await request(app)
      .post('/api/v1/users')
      .set('Authorization', 'Bearer gk_admin')
      .send({
        name: 'A',
        email: 'a@example.jp',
        role: 'finance',
        password: PASSWORD,
      })
      .expect(201);
    const res = await request(app)
      .post('/api/v1/auth/tokens')
      .send({ email: 'a@example.jp', password: PASSWORD })
      .expect(201);
    expect(res.body.expiresAt).toBe(
      new Date(now + 7 * MS_PER_DAY).toISOString(),
    );
    store.close();
  });
});

describe('revoking tokens', () => {
  it('DELETE /auth/tokens/current ends the token used (204), and only that one, audited', async () => {
    const user = await userWithPassword();
    const token = (await signIn('suzuki@example.jp', PASSWORD).expect(201)).body
      .token;
    const res = await t.as({ token }).delete('/auth/tokens/current');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const after = await t.as({ token }).get('/incidents');
    expectProblem(after, 401, 'unauthenticated');
    expect(after.body.detail).toMatch(/revoked/);
    await t.as({ token: user.token }).get('/incidents').expect(200);
    const audit = await t
      .as('admin')
      .get(`/audit?entityType=user&entityId=${user.id}`)
      .expect(200);
    expect(audit.body[0]).toMatchObject({ action: 'token.revoked' });
    expectProblem(
      await request(t.app).delete('/api/v1/auth/tokens/current'),
      401,
      'unauthenticated',
    );
  });

  it('DELETE /users/:id/tokens lets an admin end every token of a user, who can still sign in', async () => {
    const user = await userWithPassword();
    const signedIn = (await signIn('suzuki@example.jp', PASSWORD).expect(201))
      .body.token;
    expectProblem(
      await t.as('support').delete(`/users/${user.id}/tokens`),
      403,
      'forbidden',
    );
    await t.as({ token: signedIn }).get('/incidents').expect(200);
    const res = await t
      .as('admin')
      .delete(`/users/${user.id}/tokens`)
      .expect(200);
    expect(res.body).toEqual({ userId: user.id, revokedTokens: 2 });
    for (const token of [user.token, signedIn]) {
      const refused = await t.as({ token }).get('/incidents');
      expectProblem(refused, 401, 'unauthenticated');
      expect(refused.body.detail).toMatch(/revoked/);
    }
    const fresh = (await signIn('suzuki@example.jp', PASSWORD).expect(201)).body
      .token;
    await t.as({ token: fresh }).get('/incidents').expect(200);
    expectProblem(
      await t.as('admin').delete('/users/no-such-user/tokens'),
      404,
      'not-found',
    );
    const audit = await t
      .as('admin')
      .get(`/audit?entityType=user&entityId=${user.id}`)
      .expect(200);
    expect(audit.body[0]).toMatchObject({
      action: 'user.tokens-revoked',
      after: { revokedTokens: 2 },
    });
  });
});

describe('throttling wrong passwords', () => {
  const { attempts } = SIGN_IN_LIMITS.perAccount;

  it(`answers 429 with Retry-After after ${attempts} wrong passwords for one account, even to the right one`, async () => {
    await userWithPassword();
    for (let i = 0; i < attempts; i++)
      expectProblem(
        await signIn('suzuki@example.jp', 'wrong password!'),
        401,
        'unauthenticated',
      );
    const refused = await signIn('SUZUKI@example.jp', PASSWORD);
    expectProblem(refused, 429, 'too-many-requests');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(
      SIGN_IN_LIMITS.perAccount.windowSeconds,
    );
    // Another account from the same address is not held back by this one.
    await userWithPassword('ito@example.jp');
    await signIn('ito@example.jp', PASSWORD).expect(201);
  });

  it('starts the count again after a successful sign-in', async () => {
    await userWithPassword();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < attempts - 1; i++)
        expectProblem(
          await signIn('suzuki@example.jp', 'wrong password!'),
          401,
          'unauthenticated',
        );
      await signIn('suzuki@example.jp', PASSWORD).expect(201);
    }
  });

  it('counts wrong passwords per address too, whichever accounts they try', async () => {
    await userWithPassword();
    const perAddress = SIGN_IN_LIMITS.perAddress.attempts;
    for (let i = 0; i < perAddress; i++)
      expectProblem(
        await signIn(`guess${i}@example.jp`, 'wrong password!'),
        401,
        'unauthenticated',
      );
    const refused = await signIn('suzuki@example.jp', PASSWORD);
    expectProblem(refused, 429, 'too-many-requests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not held back: the same check, called as the web login would.
    await expect(
      authenticatePassword(t.store, t.now, {
        email: 'suzuki@example.jp',
        password: PASSWORD,
        clientKey: '192.0.2.7',
      }),
    ).resolves.toMatchObject({ email: 'suzuki@example.jp' });
  });
});

describe('hashing off the event loop', () => {
  it('lets other work run while a password is hashed or checked', async () => {
    const order: string[] = [];
    const hashing = hashPassword(PASSWORD).then((hash) => {
      order.push('hashed');
      return hash;
    });
    setImmediate(() => order.push('other work'));
    const hash = await hashing;
    expect(order).toEqual(['other work', 'hashed']);

    order.length = 0;
    const checking = verifyPassword(PASSWORD, hash).then((valid) => {
      order.push('checked');
      return valid;
    });
    setImmediate(() => order.push('other work'));
    expect(await checking).toBe(true);
    expect(order).toEqual(['other work', 'checked']);
  });

  it('does not hold the event loop during a sign-in', async () => {
    await userWithPassword();
    const order: string[] = [];
    const signingIn = authenticatePassword(t.store, t.now, {
      email: 'suzuki@example.jp',
      password: PASSWORD,
      clientKey: 'test',
    }).then(() => order.push('signed in'));
    setImmediate(() => order.push('other work'));
    await signingIn;
    expect(order).toEqual(['other work', 'signed in']);
  });
});
