/**
 * Authentication (bearer tokens, the password exchange, what the database keeps of secrets) and the
 * admin-only user management of API.md.
 */
import { createHash, scryptSync, timingSafeEqual } from 'node:crypto';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectProblem, makeTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
});
afterEach(() => t.close());

const count = (table: string) =>
  (
    t.store.sqlite.prepare(`select count(*) as n from ${table}`).get() as {
      n: number;
    }
  ).n;
const PASSWORD = 'correct horse battery staple';

async function createCustomer(name = 'Example K.K.'): Promise<string> {
  return (await t.as('admin').post('/customers', { name }).expect(201)).body.id;
}

describe('bearer authentication', () => {
  it('answers 401 unauthenticated with a WWW-Authenticate header when no Authorization header is sent', async () => {
    const res = await request(t.app).get('/api/v1/contracts');
    expectProblem(res, 401, 'unauthenticated');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('answers 401 for an unknown token and for a non-Bearer scheme', async () => {
    const unknown = await t
      .as({ token: 'gk_not_a_real_token' })
      .get('/contracts');
    expectProblem(unknown, 401, 'unauthenticated');
    expect(unknown.headers['www-authenticate']).toMatch(/^Bearer/);
    const basic = await request(t.app)
      .get('/api/v1/contracts')
      .set(
        'Authorization',
        `Basic ${Buffer.from('admin:x').toString('base64')}`,
      );
    expectProblem(basic, 401, 'unauthenticated');
  });

  it('checks the token before reading the body: no token and a bad body is still 401', async () => {
    const res = await request(t.app).post('/api/v1/customers').send({});
    expectProblem(res, 401, 'unauthenticated');
    expect(count('customers')).toBe(0);
  });

  it('the token returned by POST /users works, and the database keeps only its hash', async () => {
    const created = await t
      .as('admin')
      .post('/users', {
        name: 'Sato',
        email: 'sato@example.jp',
        role: 'finance',
      })
      .expect(201);
    const token: string = created.body.token;
    expect(token).toEqual(expect.any(String));
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(created.body).toMatchObject({
      name: 'Sato',
      email: 'sato@example.jp',
      role: 'finance',
      customerId: null,
    });

    // finance may read the audit log, support may not: the token really carries the finance role.
    await t.as({ token }).get('/audit').expect(200);
    expectProblem(
      await t.as({ token }).post('/contracts', {}),
      403,
      'forbidden',
    );

    // The token is shown once: listing users does not show it.
    const listed = await t.as('admin').get('/users').expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const rows = t.store.sqlite
      .prepare('select * from api_tokens where user_id = ?')
      .all(created.body.id) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    for (const row of rows)
      for (const value of Object.values(row))
        expect(String(value)).not.toContain(token);
    expect(rows[0]!.token_hash).toBe(
      createHash('sha256').update(token).digest('hex'),
    );
    // Nor does any other table (the audit entry of the new user, for one) hold it.
    const dump = JSON.stringify(
      ['users', 'audit_log'].map((table) =>
        t.store.sqlite.prepare(`select * from ${table}`).all(),
      ),
    );
    expect(dump).not.toContain(token);
  });
});

describe('POST /auth/tokens', () => {
  it('exchanges the email and password of a user created with a password for a working token', async () => {
    const created = await t
      .as('admin')
      .post('/users', {
        name: 'Suzuki',
        email: 'Suzuki@Example.jp',
        role: 'support',
        password: PASSWORD,
      })
      .expect(201);
    const res = await request(t.app)
      .post('/api/v1/auth/tokens')
      .send({ email: 'suzuki@example.jp', password: PASSWORD })
      .expect(201);
    expect(res.body.user).toMatchObject({
      id: created.body.id,
      role: 'support',
    });
    expect(res.body.token).not.toBe(created.body.token);
    // A support token: incidents yes, audit no.
    await t.as({ token: res.body.token }).get('/incidents').expect(200);
    expectProblem(
      await t.as({ token: res.body.token }).get('/audit'),
      403,
      'forbidden',
    );
  });

  it('refuses a wrong password, an unknown email and a user without a password with 401, issuing no token', async () => {
    await t
      .as('admin')
      .post('/users', {
        name: 'Suzuki',
        email: 'suzuki@example.jp',
        role: 'support',
        password: PASSWORD,
      })
      .expect(201);
    await t
      .as('admin')
      .post('/users', {
        name: 'No Password',
        email: 'nopw@example.jp',
        role: 'support',
      })
      .expect(201);
    const before = count('api_tokens');
    for (const body of [
      { email: 'suzuki@example.jp', password: `${PASSWORD}!` },
      { email: 'nobody@example.jp', password: PASSWORD },
      { email: 'nopw@example.jp', password: PASSWORD },
    ]) {
      const res = await request(t.app).post('/api/v1/auth/tokens').send(body);
      expectProblem(res, 401, 'unauthenticated');
      expect(res.body.token).toBeUndefined();
    }
    expect(count('api_tokens')).toBe(before);
  });

  it('stores passwords as salted scrypt hashes, never as plain text', async () => {
    const a = await t
      .as('admin')
      .post('/users', {
        name: 'A',
        email: 'a@example.jp',
        role: 'support',
        password: PASSWORD,
      })
      .expect(201);
    const b = await t
      .as('admin')
      .post('/users', {
        name: 'B',
        email: 'b@example.jp',
        role: 'support',
        password: PASSWORD,
      })
      .expect(201);
    const hashOf = (id: string) =>
      (
        t.store.sqlite
          .prepare('select password_hash from users where id = ?')
          .get(id) as { password_hash: string }
      ).password_hash;
    const stored = hashOf(a.body.id);
    expect(stored).not.toContain(PASSWORD);
    // Salted: the same password gives two different hashes.
    expect(hashOf(b.body.id)).not.toBe(stored);
    // It is really scrypt of this password: recompute it from the stored parameters and salt.
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    expect(scheme).toBe('scrypt');
    const expected = Buffer.from(hash!, 'base64url');
    expect(expected.length).toBeGreaterThanOrEqual(16);
    const actual = scryptSync(
      PASSWORD,
      Buffer.from(salt!, 'base64url'),
      expected.length,
      { N: Number(n), r: Number(r), p: Number(p) },
    );
    expect(timingSafeEqual(actual, expected)).toBe(true);
    const dump = JSON.stringify(
      t.store.sqlite.prepare('select * from audit_log').all(),
    );
    expect(dump).not.toContain(PASSWORD);
  });

  it('refuses a password shorter than 12 characters with 422 naming password', async () => {
    const res = await t.as('admin').post('/users', {
      name: 'Short',
      email: 'short@example.jp',
      role: 'support',
      password: 'short',
    });
    expectProblem(res, 422, 'validation-failed');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'password' })]),
    );
  });
});

describe('POST /users', () => {
  it('creates a customer user bound to its customer, who then sees only that customer', async () => {
    const customerId = await createCustomer();
    const res = await t
      .as('admin')
      .post('/users', {
        name: 'Tanaka',
        email: 'tanaka@example.jp',
        role: 'customer',
        customerId,
      })
      .expect(201);
    expect(res.body).toMatchObject({ role: 'customer', customerId });
    expectProblem(
      await t.as({ token: res.body.token }).get(`/customers/${customerId}`),
      403,
      'forbidden',
    );
    await t.as({ token: res.body.token }).get('/contracts').expect(200);
  });

  it('refuses a customer user without customerId with 422 naming customerId', async () => {
    const before = count('users');
    const res = await t.as('admin').post('/users', {
      name: 'Tanaka',
      email: 'tanaka@example.jp',
      role: 'customer',
    });
    expectProblem(res, 422, 'validation-failed');
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: 'customerId' }),
    ]);
    expect(count('users')).toBe(before);
  });

  it('refuses a staff user with a customerId', async () => {
    const customerId = await createCustomer();
    const before = count('users');
    for (const role of ['admin', 'support', 'finance']) {
      const res = await t.as('admin').post('/users', {
        name: 'Staff',
        email: `${role}-x@example.jp`,
        role,
        customerId,
      });
      expectProblem(res, 422, 'validation-failed');
      expect(res.body.errors).toEqual([
        expect.objectContaining({ path: 'customerId' }),
      ]);
    }
    expect(count('users')).toBe(before);
  });

  it('refuses an unknown customerId with 422', async () => {
    const res = await t.as('admin').post('/users', {
      name: 'Tanaka',
      email: 'tanaka@example.jp',
      role: 'customer',
      customerId: 'no-such-customer',
    });
    expectProblem(res, 422, 'validation-failed');
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: 'customerId' }),
    ]);
  });

  it('refuses a duplicate email with 409 conflict, whatever its case', async () => {
    await t
      .as('admin')
      .post('/users', { name: 'Ito', email: 'ito@example.jp', role: 'support' })
      .expect(201);
    const before = count('users');
    for (const email of ['ito@example.jp', 'ITO@example.jp']) {
      const res = await t
        .as('admin')
        .post('/users', { name: 'Ito 2', email, role: 'finance' });
      expectProblem(res, 409, 'conflict');
    }
    expect(count('users')).toBe(before);
  });

  it('refuses an unknown role and a malformed email with 422', async () => {
    const role = await t
      .as('admin')
      .post('/users', { name: 'X', email: 'x@example.jp', role: 'superuser' });
    expectProblem(role, 422, 'validation-failed');
    expect(role.body.errors).toEqual([
      expect.objectContaining({ path: 'role' }),
    ]);
    const email = await t
      .as('admin')
      .post('/users', { name: 'X', email: 'not-an-email', role: 'support' });
    expectProblem(email, 422, 'validation-failed');
    expect(email.body.errors).toEqual([
      expect.objectContaining({ path: 'email' }),
    ]);
  });
});
