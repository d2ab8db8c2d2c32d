/**
 * The problem+json error contract (bad input is never a 500), usage observations (Annex 1), the
 * append-only audit log, the OpenAPI document and the health check.
 */
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expectProblem,
  makeTestApp,
  seedContract,
  type TestApp,
} from '../support/app';

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
const auth = () => `Bearer ${t.tokens.admin}`;
const userId = async (email: string) =>
  (
    (await t.as('admin').get('/users').expect(200)).body as {
      id: string;
      email: string;
    }[]
  ).find((user) => user.email === email)!.id;

describe('errors are RFC 9457 problem documents', () => {
  it('names each bad field in errors, with exactly the members of API.md', async () => {
    const res = await t
      .as('admin')
      .post('/customers', { name: '', email: 'not-an-email' });
    expectProblem(res, 422, 'validation-failed');
    expect(Object.keys(res.body).sort()).toEqual([
      'code',
      'detail',
      'errors',
      'status',
      'title',
      'type',
    ]);
    expect(res.body.errors).toHaveLength(2);
    expect(
      res.body.errors.map((error: { path: string }) => error.path).sort(),
    ).toEqual(['email', 'name']);
    for (const error of res.body.errors)
      expect(Object.keys(error).sort()).toEqual(['message', 'path']);
    expect(count('customers')).toBe(0);
  });

  it('names a bad query parameter under query', async () => {
    const { contractId } = await seedContract(t);
    // An instant without an offset is refused, never guessed (SPEC.md).
    const res = await t
      .as('admin')
      .get(`/contracts/${contractId}/outages?asOf=2026-01-10T10:00:00`);
    expectProblem(res, 422, 'validation-failed');
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: 'query.asOf' }),
    ]);
    expectProblem(
      await t.as('admin').get('/audit?limit=0'),
      422,
      'validation-failed',
    );
  });

  it('answers a malformed JSON body with 400 bad-request and changes nothing', async () => {
    const before = count('customers') + count('audit_log');
    const res = await request(t.app)
      .post('/api/v1/customers')
      .set('Authorization', auth())
      .set('Content-Type', 'application/json')
      .send('{"name": "Broken K.K."');
    expectProblem(res, 400, 'bad-request');
    expect(res.body.errors).toBeUndefined();
    // Readable JSON of the wrong shape is invalid input, said as it is.
    const scalar = await request(t.app)
      .post('/api/v1/customers')
      .set('Authorization', auth())
      .set('Content-Type', 'application/json')
      .send('"just a string"');
    expectProblem(scalar, 422, 'validation-failed');
    expect(scalar.body.errors).toEqual([
      { path: '(body)', message: 'must be a JSON object, not a string' },
    ]);
    expect(count('customers') + count('audit_log')).toBe(before);
  });

  it('answers an undecodable body or path with a 4xx problem, never 500', async () => {
    const gzip = await request(t.app)
      .post('/api/v1/customers')
      .set('Authorization', auth())
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send('this is not gzip');
    expectProblem(gzip, 400, 'bad-request');
    const path = await request(t.app)
      .get('/api/v1/contracts/%E0%A4%A')
      .set('Authorization', auth());
    expectProblem(path, 400, 'bad-request');
    const encoding = await request(t.app)
      .post('/api/v1/customers')
      .set('Authorization', auth())
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'compress')
      .send('{}');
    expectProblem(encoding, 415, 'unsupported-media-type');
  });

  it('answers a body above 1 MB with 413', async () => {
    const res = await t
      .as('admin')
      .post('/customers', { name: 'Big', address: 'x'.repeat(1_100_000) });
    expectProblem(res, 413, 'payload-too-large');
    expect(count('customers')).toBe(0);
  });

  it('answers unknown routes with a 404 problem', async () => {
    expectProblem(await t.as('admin').get('/no-such-thing'), 404, 'not-found');
    expectProblem(await request(t.app).get('/nothing-here'), 404, 'not-found');
  });

  it('never answers 500 to junk bodies on any endpoint that takes one', async () => {
    const { contractId } = await seedContract(t);
    const targets = [
      '/users',
      '/customers',
      '/contracts',
      `/contracts/${contractId}/fee-changes`,
      `/contracts/${contractId}/cancellation`,
      `/contracts/${contractId}/usage`,
      '/incidents',
      '/incidents/preview',
      '/claims',
      '/calculate',
      '/auth/tokens',
    ];
    const junk: unknown[] = [
      [],
      {},
      { a: 1 },
      [1, 2],
      { name: null, email: 7, role: [], customerId: {} },
      // biome-ignore lint/correctness/noPrecisionLoss: a number JSON can carry but a double cannot
      { contractNumber: { $gt: '' }, licenses: '500', monthlyFee: 1e400 },
      {
        noticeReceivedDate: 20260110,
        effectiveDate: null,
        month: {},
        peakConcurrentDevices: -1,
      },
      {
        title: 'x',
        cause: 'provider',
        severity: 'total',
        scope: { contractIds: 'all' },
        awareAt: 'yesterday',
        intervals: [{}],
      },
      { asOf: '2026-02-01T00:00:00+09:00', contract: null, incidents: 'none' },
      { contractId, outageStart: 'not a time', email: 'a@b.c', password: 12 },
    ];
    const before = count('audit_log');
    for (const path of targets) {
      for (const body of junk) {
        const res = await request(t.app)
          .post(`/api/v1${path}`)
          .set('Authorization', auth())
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(body));
        expect(
          res.status,
          `${path} ${JSON.stringify(body)} → ${JSON.stringify(res.body)}`,
        ).toBeGreaterThanOrEqual(400);
        expect(
          res.status,
          `${path} ${JSON.stringify(body)} → ${JSON.stringify(res.body)}`,
        ).toBeLessThan(500);
        expect(res.headers['content-type']).toMatch(
          /^application\/problem\+json/,
        );
      }
    }
    expect(count('audit_log')).toBe(before);
  });
});

describe('usage observations (Annex 1)', () => {
  it('flags a peak above the contracted number with its overage, and filters on flagged', async () => {
    const over = await seedContract(t, { contractNumber: 'U-1' });
    const exact = await seedContract(t, { contractNumber: 'U-2' });
    const under = await seedContract(t, { contractNumber: 'U-3' });
    // seedContract contracts 2,000 concurrent devices.
    const res = await t
      .as('support')
      .post(`/contracts/${over.contractId}/usage`, {
        month: '2026-01',
        peakConcurrentDevices: 2350,
      })
      .expect(201);
    expect(res.body).toMatchObject({
      contractId: over.contractId,
      month: '2026-01',
      peakConcurrentDevices: 2350,
      contractedConcurrentDevices: 2000,
      overage: 350,
      flagged: true,
    });
    const atLimit = await t
      .as('admin')
      .post(`/contracts/${exact.contractId}/usage`, {
        month: '2026-01',
        peakConcurrentDevices: 2000,
      })
      .expect(201);
    expect(atLimit.body).toMatchObject({ overage: 0, flagged: false });
    const below = await t
      .as('admin')
      .post(`/contracts/${under.contractId}/usage`, {
        month: '2026-01',
        peakConcurrentDevices: 1800,
      })
      .expect(201);
    expect(below.body).toMatchObject({ overage: 0, flagged: false });
    await t
      .as('admin')
      .post(`/contracts/${over.contractId}/usage`, {
        month: '2025-12',
        peakConcurrentDevices: 1000,
      })
      .expect(201);

    const flagged = await t
      .as('finance')
      .get('/usage?flagged=true')
      .expect(200);
    expect(
      flagged.body.map((u: { contractId: string; month: string }) => [
        u.contractId,
        u.month,
      ]),
    ).toEqual([[over.contractId, '2026-01']]);
    const notFlagged = await t
      .as('finance')
      .get('/usage?flagged=false')
      .expect(200);
    expect(notFlagged.body.every((u: { flagged: boolean }) => !u.flagged)).toBe(
      true,
    );
    expect(notFlagged.body).toHaveLength(3);
    expect(
      await t
        .as('finance')
        .get('/usage')
        .expect(200)
        .then((r) => r.body.length),
    ).toBe(4);
    const january = await t
      .as('finance')
      .get('/usage?month=2026-01')
      .expect(200);
    expect(january.body).toHaveLength(3);

    const own = await t
      .as({ token: t.customerToken(over.customerId) })
      .get(`/contracts/${over.contractId}/usage`)
      .expect(200);
    expect(own.body.map((u: { month: string }) => u.month)).toEqual([
      '2025-12',
      '2026-01',
    ]);
  });

  it('refuses a second peak for the same month with 409, and bad months or peaks with 422', async () => {
    const { contractId } = await seedContract(t);
    await t
      .as('support')
      .post(`/contracts/${contractId}/usage`, {
        month: '2026-01',
        peakConcurrentDevices: 2100,
      })
      .expect(201);
    expectProblem(
      await t.as('support').post(`/contracts/${contractId}/usage`, {
        month: '2026-01',
        peakConcurrentDevices: 2200,
      }),
      409,
      'conflict',
    );
    for (const month of ['2026-13', '2026-00', '2026-1', '202601']) {
      const res = await t.as('support').post(`/contracts/${contractId}/usage`, {
        month,
        peakConcurrentDevices: 100,
      });
      expectProblem(res, 422, 'validation-failed');
      expect(res.body.errors).toEqual([
        expect.objectContaining({ path: 'month' }),
      ]);
    }
    const negative = await t
      .as('support')
      .post(`/contracts/${contractId}/usage`, {
        month: '2026-02',
        peakConcurrentDevices: -1,
      });
    expect(negative.body.errors).toEqual([
      expect.objectContaining({ path: 'peakConcurrentDevices' }),
    ]);
    expectProblem(
      await t.as('finance').get('/usage?month=2026-13'),
      422,
      'validation-failed',
    );
    expect(count('usage_observations')).toBe(1);
    expectProblem(
      await t.as('support').post('/contracts/no-such-contract/usage', {
        month: '2026-02',
        peakConcurrentDevices: 1,
      }),
      404,
      'not-found',
    );
  });
});

describe('audit log', () => {
  it('records who created a customer, with the state after', async () => {
    const adminId = await userId('admin@gengaku.local');
    const customer = await t
      .as('admin')
      .post('/customers', { name: 'Audited K.K.' })
      .expect(201);
    const res = await t
      .as('finance')
      .get(`/audit?entityType=customer&entityId=${customer.body.id}`)
      .expect(200);
    expect(res.body).toEqual([
      expect.objectContaining({
        actorId: adminId,
        action: 'customer.created',
        entityType: 'customer',
        entityId: customer.body.id,
        before: null,
        after: expect.objectContaining({ name: 'Audited K.K.' }),
        at: '2026-01-31T15:00:00.000Z',
      }),
    ]);
  });

  it("records a contract's creation, fee change and cancellation with before and after, newest first", async () => {
    const supportId = await userId('support@test.local');
    const adminId = await userId('admin@gengaku.local');
    const { contractId } = await seedContract(t, {
      billingStartDate: '2025-04-01',
      monthlyFee: 100000,
    });
    await t
      .as('admin')
      .post(`/contracts/${contractId}/fee-changes`, {
        effectiveDate: '2026-01-15',
        monthlyFee: 150000,
      })
      .expect(201);
    t.setNow('2026-02-02T09:00:00+09:00');
    await t
      .as('support')
      .post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2026-01-10',
      })
      .expect(201);

    const res = await t
      .as('admin')
      .get(`/audit?entityType=contract&entityId=${contractId}`)
      .expect(200);
    expect(res.body.map((entry: { action: string }) => entry.action)).toEqual([
      'contract.cancelled',
      'contract.fee-changed',
      'contract.created',
    ]);
    const [cancelled, feeChanged, created] = res.body;
    expect(created).toMatchObject({
      actorId: adminId,
      before: null,
      after: { id: contractId, monthlyFee: 100000 },
    });
    expect(feeChanged).toMatchObject({
      actorId: adminId,
      before: { feeChanges: [] },
      after: {
        feeChanges: [{ effectiveDate: '2026-01-15', monthlyFee: 150000 }],
      },
    });
    expect(cancelled).toMatchObject({
      actorId: supportId,
      at: '2026-02-02T00:00:00.000Z',
      before: { terminationEffectiveDate: null, cancellation: null },
      after: {
        terminationEffectiveDate: '2026-02-09',
        cancellation: {
          noticeReceivedDate: '2026-01-10',
          effectiveDate: '2026-02-09',
        },
      },
    });
    // The filter is a filter: another contract's entries do not appear.
    const other = await seedContract(t);
    const again = await t
      .as('admin')
      .get(`/audit?entityType=contract&entityId=${contractId}`)
      .expect(200);
    expect(again.body).toHaveLength(3);
    const all = await t
      .as('admin')
      .get('/audit?entityType=contract')
      .expect(200);
    expect(
      all.body.map((entry: { entityId: string }) => entry.entityId),
    ).toContain(other.contractId);
  });

  it('refuses UPDATE and DELETE on audit_log at the SQL level', async () => {
    await t
      .as('admin')
      .post('/customers', { name: 'Audited K.K.' })
      .expect(201);
    const before = t.store.sqlite
      .prepare('select * from audit_log order by id')
      .all();
    expect(before.length).toBeGreaterThan(0);
    expect(() =>
      t.store.sqlite.prepare("update audit_log set action = 'tampered'").run(),
    ).toThrow(/append-only/);
    expect(() =>
      t.store.sqlite
        .prepare(
          'update audit_log set actor_id = null where id = (select min(id) from audit_log)',
        )
        .run(),
    ).toThrow(/append-only/);
    expect(() => t.store.sqlite.prepare('delete from audit_log').run()).toThrow(
      /append-only/,
    );
    expect(
      t.store.sqlite.prepare('select * from audit_log order by id').all(),
    ).toEqual(before);
    // Appending still works.
    await t.as('admin').post('/customers', { name: 'Second K.K.' }).expect(201);
    expect(count('audit_log')).toBe(before.length + 1);
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document describing every endpoint of API.md with its methods', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info).toMatchObject({
      title: expect.any(String),
      version: expect.any(String),
    });
    const expected: Record<string, string[]> = {
      '/auth/tokens': ['post'],
      '/auth/tokens/current': ['delete'],
      '/users': ['post'],
      '/users/{id}/tokens': ['delete'],
      '/customers': ['post', 'get'],
      '/customers/{id}': ['get'],
      '/contracts': ['post', 'get'],
      '/contracts/{id}': ['get'],
      '/contracts/{id}/fee-changes': ['post'],
      '/contracts/{id}/cancellation': ['post'],
      '/contracts/{id}/outages': ['get'],
      '/incidents': ['post', 'get'],
      '/incidents/preview': ['post'],
      '/incidents/{id}': ['get', 'patch'],
      '/claims': ['post', 'get'],
      '/claims/{id}': ['get'],
      '/calculate': ['post'],
      '/audit': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      expect(doc.paths, path).toHaveProperty([path]);
      for (const method of methods)
        expect(doc.paths[path], `${method} ${path}`).toHaveProperty([method]);
    }
    // Bodies are described from the same schemas, and a path parameter is declared.
    expect(
      doc.paths['/contracts'].post.requestBody.content['application/json']
        .schema,
    ).toBeDefined();
    expect(doc.paths['/contracts/{id}'].get.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'id', in: 'path' }),
      ]),
    );
    expect(doc.components.securitySchemes).toHaveProperty('bearer');
  });
});

describe('GET /healthz', () => {
  it('answers 200 without authentication while the database answers', async () => {
    const res = await request(t.app).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers 503 when the database does not', async () => {
    t.store.close();
    await request(t.app).get('/healthz').expect(503);
  });
});

describe('requests a person gets wrong', () => {
  it('says a field is required, and asks for JSON when the body is sent as something else', async () => {
    const missing = await t
      .as('support')
      .post('/incidents', { title: 'x' })
      .expect(422);
    expect(missing.body.errors).toContainEqual({
      path: 'cause',
      message: 'is required',
    });
    const form = await t
      .as('admin')
      .post('/customers')
      .type('form')
      .send('name=Example')
      .expect(415);
    expect(form.body.code).toBe('unsupported-media-type');
    expect(count('customers')).toBe(0);
  });
});

describe('correcting a usage peak', () => {
  it('replaces a mistyped peak, re-flags it, and audits the reason', async () => {
    const { contractId } = await seedContract(t);
    await t
      .as('support')
      .post(`/contracts/${contractId}/usage`, {
        month: '2026-01',
        peakConcurrentDevices: 23500,
      })
      .expect(201);
    const fixed = await t
      .as('support')
      .patch(`/contracts/${contractId}/usage/2026-01`, {
        peakConcurrentDevices: 2350,
        reason: 'one zero too many',
      })
      .expect(200);
    expect(fixed.body).toMatchObject({
      month: '2026-01',
      peakConcurrentDevices: 2350,
      overage: 350,
      flagged: true,
    });
    const audit = await t
      .as('admin')
      .get(`/audit?entityType=contract&entityId=${contractId}`)
      .expect(200);
    expect(audit.body[0]).toMatchObject({
      action: 'usage.corrected',
      reason: 'one zero too many',
    });
    await t
      .as('support')
      .patch(`/contracts/${contractId}/usage/2026-02`, {
        peakConcurrentDevices: 1,
        reason: 'x',
      })
      .expect(404);
    await t
      .as('support')
      .patch(`/contracts/${contractId}/usage/2026-01`, {
        peakConcurrentDevices: 1,
      })
      .expect(422);
    await t
      .as('finance')
      .patch(`/contracts/${contractId}/usage/2026-01`, {
        peakConcurrentDevices: 1,
        reason: 'x',
      })
      .expect(403);
  });
});
