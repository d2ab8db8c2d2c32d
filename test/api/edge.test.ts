/**
 * The edge (issue 13, item 2): who is asking comes before what is sent; every schema a client writes to
 * is strict at every depth and bounded; a wrong method is 405; messages say what was wrong.
 */
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { endpoints } from '../../src/http/routes';
import { SCENARIO_LIMITS, Scenario } from '../../src/schemas/scenario';
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

const rawPost = (path: string, token?: string) => {
  const test = request(t.app).post(`/api/v1${path}`);
  return token ? test.set('Authorization', `Bearer ${token}`) : test;
};

const SCENARIO = () => ({
  asOf: '2026-02-01T00:00:00+09:00',
  contract: {
    billingStartDate: '2025-04-01',
    monthlyFee: 100000,
    region: 'jp-east',
    feeChanges: [{ effectiveDate: '2026-01-11', monthlyFee: 120000 }],
    options: [
      {
        kind: 'multi-region',
        regions: ['jp-west'],
        monthlyFee: 20000,
      },
    ],
  },
  incidents: [
    {
      id: 'INC-1',
      cause: 'provider',
      severity: 'total',
      awareAt: '2026-01-10T10:30:00+09:00',
      intervals: [
        {
          start: '2026-01-10T10:00:00+09:00',
          end: '2026-01-12T15:00:00+09:00',
        },
      ],
      scope: { regions: ['jp-east'] },
    },
  ],
  policy: {},
});

describe('authentication and role before the body', () => {
  it('answers an anonymous client 401 whatever its body: broken JSON, too large, or the wrong type', async () => {
    for (const path of ['/customers', '/incidents', '/calculate']) {
      expectProblem(
        await rawPost(path)
          .set('Content-Type', 'application/json')
          .send('{"name": "Broken'),
        401,
        'unauthenticated',
      );
      expectProblem(
        await rawPost(path)
          .set('Content-Type', 'application/json')
          .send(`{"name": "${'x'.repeat(1_100_000)}"}`),
        401,
        'unauthenticated',
      );
      expectProblem(
        await rawPost(path).type('form').send('name=x'),
        401,
        'unauthenticated',
      );
    }
  });

  it('answers a role the endpoint does not serve 403 before reading broken JSON', async () => {
    const { customerId } = await seedContract(t);
    const res = await rawPost('/incidents', t.customerToken(customerId))
      .set('Content-Type', 'application/json')
      .send('{"title": ');
    expectProblem(res, 403, 'forbidden');
  });
});

describe('messages true to the input', () => {
  it('says a JSON null body must be an object, not that it is not JSON', async () => {
    const res = await rawPost('/customers', t.tokens.admin)
      .set('Content-Type', 'application/json')
      .send('null');
    expectProblem(res, 422, 'validation-failed');
    expect(res.body.errors).toEqual([
      { path: '(body)', message: 'must be a JSON object, not null' },
    ]);
    expect(res.body.detail).not.toMatch(/not valid JSON/);
    const array = await rawPost('/customers', t.tokens.admin)
      .set('Content-Type', 'application/json')
      .send('[]');
    expect(array.body.errors).toEqual([
      { path: '(body)', message: 'must be a JSON object, not an array' },
    ]);
  });

  it('says an empty body is empty, with or without a JSON content type', async () => {
    for (const send of [
      () =>
        rawPost('/customers', t.tokens.admin)
          .set('Content-Type', 'application/json')
          .set('Content-Length', '0'),
      () =>
        rawPost('/customers', t.tokens.admin).set(
          'Content-Type',
          'application/json',
        ),
      () =>
        rawPost('/customers', t.tokens.admin)
          .set('Content-Type', 'application/json')
          .send('  \n'),
      () => rawPost('/customers', t.tokens.admin),
    ]) {
      const res = await send();
      expectProblem(res, 400, 'bad-request');
      expect(res.body.detail).toMatch(/^the body is empty/);
    }
    expect(count('customers')).toBe(0);
  });

  it('still says broken JSON is not valid JSON, and asks for JSON when a form is sent', async () => {
    const broken = await rawPost('/customers', t.tokens.admin)
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expectProblem(broken, 400, 'bad-request');
    expect(broken.body.detail).toMatch(/^the body is not valid JSON/);
    const form = await rawPost('/customers', t.tokens.admin)
      .type('form')
      .send('name=x');
    expectProblem(form, 415, 'unsupported-media-type');
  });

  it('gives a huge fee one message for its one field', async () => {
    const { customerId } = await seedContract(t);
    for (const fee of ['1e400', '1e20', '-1e20']) {
      const res = await rawPost('/contracts', t.tokens.admin)
        .set('Content-Type', 'application/json')
        .send(
          `{"customerId":"${customerId}","contractNumber":"HUGE","licenses":100,"concurrentDevices":2000,"servers":1,"region":"jp-east","redundancy":false,"billingStartDate":"2026-01-01","monthlyFee":${fee}}`,
        );
      expectProblem(res, 422, 'validation-failed');
      expect(res.body.errors, fee).toHaveLength(1);
      expect(res.body.errors[0].path).toBe('monthlyFee');
    }
  });

  it('quotes a long id in a not-found message only in part', async () => {
    const long = `c${'x'.repeat(5000)}`;
    for (const path of [
      `/contracts/${long}`,
      `/incidents/${long}`,
      `/claims/${long}`,
      `/customers/${long}`,
      `/contracts/${long}/usage/2026-01`,
      `/no-such-endpoint/${long}`,
    ]) {
      const res =
        path.endsWith('2026-01') === true
          ? await t.as('admin').patch(path, {
              peakConcurrentDevices: 1,
              reason: 'x',
            })
          : await t.as('admin').get(path);
      expectProblem(res, 404, 'not-found');
      expect(res.body.detail.length, path).toBeLessThan(200);
      expect(res.body.detail).toContain('…');
    }
    // A short id is quoted whole.
    const short = await t.as('admin').get('/contracts/no-such-contract');
    expect(short.body.detail).toContain('no-such-contract does not exist');
  });
});

describe('strict at every depth', () => {
  it('names an unknown field inside intervals[], options[], scope, feeChanges[] and the scenario', async () => {
    const { customerId, contractId } = await seedContract(t);
    const incident = {
      title: 'Down',
      cause: 'provider',
      severity: 'total',
      scope: { contractIds: [contractId] },
      awareAt: '2026-01-10T10:00:00+09:00',
      intervals: [
        {
          start: '2026-01-10T10:00:00+09:00',
          end: '2026-01-12T10:00:00+09:00',
        },
      ],
    };
    const refusedAt = async (
      path: string,
      body: object,
      fieldPath: string,
      as: 'admin' | 'support' = 'admin',
    ) => {
      const res = await t.as(as).post(path, body);
      expectProblem(res, 422, 'validation-failed');
      expect(res.body.errors).toContainEqual({
        path: fieldPath,
        message: 'is not a known field',
      });
    };
    const before = count('incidents') + count('contracts') + count('audit_log');
    await refusedAt(
      '/incidents',
      {
        ...incident,
        intervals: [{ ...incident.intervals[0], note: 'x' }],
      },
      'intervals[0].note',
    );
    await refusedAt(
      '/incidents',
      { ...incident, scope: { ...incident.scope, everything: true } },
      'scope.everything',
    );
    await refusedAt(
      '/incidents/preview',
      { ...incident, intervals: [{ ...incident.intervals[0], __proto__x: 1 }] },
      'intervals[0].__proto__x',
    );
    await refusedAt(
      '/contracts',
      {
        customerId,
        contractNumber: 'STRICT-1',
        licenses: 100,
        concurrentDevices: 2000,
        servers: 1,
        region: 'jp-east',
        redundancy: false,
        billingStartDate: '2026-01-01',
        monthlyFee: 1000,
        options: [
          {
            kind: 'multi-region',
            regions: ['jp-west'],
            monthlyFee: 100,
            billingStartDate: '2026-01-01',
            discount: 5,
          },
        ],
      },
      'options[0].discount',
    );
    expect(count('incidents') + count('contracts') + count('audit_log')).toBe(
      before,
    );

    const scenario = SCENARIO();
    for (const [change, fieldPath] of [
      [(s: any) => (s.extra = 1), 'extra'],
      [(s: any) => (s.contract.extra = 1), 'contract.extra'],
      [
        (s: any) => (s.contract.feeChanges[0].extra = 1),
        'contract.feeChanges[0].extra',
      ],
      [
        (s: any) => (s.contract.options[0].extra = 1),
        'contract.options[0].extra',
      ],
      [(s: any) => (s.incidents[0].extra = 1), 'incidents[0].extra'],
      [
        (s: any) => (s.incidents[0].intervals[0].extra = 1),
        'incidents[0].intervals[0].extra',
      ],
      [
        (s: any) => (s.incidents[0].scope.extra = 1),
        'incidents[0].scope.extra',
      ],
    ] as const) {
      const body = SCENARIO();
      change(body);
      await refusedAt('/calculate', body, fieldPath);
    }
    // And the scenario as it is is accepted.
    await t.as('admin').post('/calculate', scenario).expect(200);
  });

  it('has no object that lets unknown fields through, and no array or string without a bound, in any body, query or scenario', () => {
    const problems: string[] = [];
    const walk = (schema: z.ZodType, path: string, seen: Set<unknown>) => {
      if (seen.has(schema)) return;
      seen.add(schema);
      const def = schema._zod.def as any;
      const maximum = (def.checks ?? []).find(
        (check: z.ZodType) =>
          (check._zod.def as { check?: string }).check === 'max_length',
      );
      if (def.type === 'object') {
        if (def.catchall?._zod.def.type !== 'never')
          problems.push(`${path}: unknown fields pass`);
        for (const [key, value] of Object.entries(def.shape))
          walk(value as z.ZodType, `${path}.${key}`, seen);
      } else if (def.type === 'array') {
        if (!maximum) problems.push(`${path}: array without a maximum`);
        walk(def.element, `${path}[]`, seen);
      } else if (def.type === 'string') {
        if (!maximum) problems.push(`${path}: string without a maximum`);
      } else if (def.type === 'pipe') {
        walk(def.in, path, seen);
      } else if (def.type === 'union') {
        for (const option of def.options) walk(option, path, seen);
      } else if (def.innerType) {
        walk(def.innerType, path, seen);
      } else if (
        !['enum', 'literal', 'number', 'boolean', 'transform'].includes(
          def.type,
        )
      ) {
        problems.push(`${path}: a ${def.type} the walk does not know`);
      }
    };
    for (const endpoint of endpoints) {
      const name = `${endpoint.method.toUpperCase()} ${endpoint.path}`;
      if (endpoint.body) walk(endpoint.body, `${name} body`, new Set());
      if (endpoint.query) walk(endpoint.query, `${name} query`, new Set());
    }
    walk(Scenario, 'Scenario', new Set());
    expect(problems).toEqual([]);
  });
});

describe('POST /calculate has a size limit', () => {
  const intervalsOf = (n: number, from: number) =>
    Array.from({ length: n }, (_, i) => ({
      start: new Date(from + i * 7_200_000).toISOString(),
      end: new Date(from + i * 7_200_000 + 3_600_000).toISOString(),
    }));
  const incidentOf = (intervals: { start: string }[]) => ({
    cause: 'provider',
    severity: 'total',
    awareAt: intervals[0]!.start,
    intervals,
    scope: { regions: ['jp-east'] },
  });
  const from = Date.UTC(2025, 0, 1);

  it('refuses more intervals in all than the limit, naming incidents, and accepts the limit itself', async () => {
    const half = SCENARIO_LIMITS.intervals / 2;
    const scenario = {
      ...SCENARIO(),
      incidents: [
        incidentOf(intervalsOf(half, from)),
        incidentOf(intervalsOf(half, from + half * 7_200_000)),
      ],
    };
    await t.as('admin').post('/calculate', scenario).expect(200);
    scenario.incidents.push(incidentOf(intervalsOf(1, Date.UTC(2025, 11, 1))));
    const res = await t.as('admin').post('/calculate', scenario);
    expectProblem(res, 422, 'validation-failed');
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: 'incidents' }),
    ]);
  });

  it('refuses too many intervals in one incident and too many incidents', async () => {
    const one = await t.as('admin').post('/calculate', {
      ...SCENARIO(),
      incidents: [
        incidentOf(intervalsOf(SCENARIO_LIMITS.intervalsPerIncident + 1, from)),
      ],
    });
    expectProblem(one, 422, 'validation-failed');
    expect(one.body.errors).toContainEqual(
      expect.objectContaining({ path: 'incidents[0].intervals' }),
    );
    const many = await t.as('admin').post('/calculate', {
      ...SCENARIO(),
      incidents: Array.from({ length: SCENARIO_LIMITS.incidents + 1 }, () =>
        incidentOf(intervalsOf(1, from)),
      ),
    });
    expectProblem(many, 422, 'validation-failed');
    expect(many.body.errors).toContainEqual(
      expect.objectContaining({ path: 'incidents' }),
    );
  });
});

describe('405 for a known path with a method it does not have', () => {
  const servedElsewhere = (method: string, concrete: string) =>
    endpoints.some(
      (endpoint) =>
        endpoint.method === method &&
        new RegExp(`^${endpoint.path.replace(/:\w+/g, '[^/]+')}$`).test(
          concrete,
        ),
    );

  it('answers every path of the endpoint table, for a method it lacks, with 405 and exactly its methods in Allow', async () => {
    const byPath = new Map<string, Set<string>>();
    for (const endpoint of endpoints) {
      const methods = byPath.get(endpoint.path) ?? new Set<string>();
      methods.add(endpoint.method.toUpperCase());
      byPath.set(endpoint.path, methods);
    }
    for (const [path, methods] of byPath) {
      const concrete = path.replace(/:\w+/g, 'x1');
      const expected = new Set(methods);
      if (expected.has('GET')) expected.add('HEAD');
      for (const method of ['put', 'delete', 'patch', 'post', 'get'] as const) {
        if (methods.has(method.toUpperCase())) continue;
        // `/incidents/preview` is also `/incidents/:id`, which has GET and PATCH.
        if (servedElsewhere(method, concrete)) continue;
        const res = await request(t.app)
          [method](`/api/v1${concrete}`)
          .set('Authorization', `Bearer ${t.tokens.admin}`);
        expectProblem(res, 405, 'method-not-allowed');
        expect(
          new Set(String(res.headers.allow).split(', ')),
          `${method} ${path}`,
        ).toEqual(expected);
      }
    }
  });

  it('answers 405 before authentication, and OPTIONS with 204 and Allow', async () => {
    const res = await request(t.app).delete('/api/v1/customers');
    expectProblem(res, 405, 'method-not-allowed');
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    const options = await request(t.app)
      .options('/api/v1/contracts/x')
      .expect(204);
    expect(options.headers.allow).toBe('GET, HEAD');
  });
});

describe('the OpenAPI document states the terms of Art. 3', () => {
  it('gives licences as a multiple of 100 within bounds, devices and regions as enums, servers 1 to 10', async () => {
    const doc = (await request(t.app).get('/api/v1/openapi.json').expect(200))
      .body;
    const contract = doc.components.schemas.ContractInput.properties;
    expect(contract.licenses).toMatchObject({
      multipleOf: 100,
      minimum: 100,
      maximum: 65000,
    });
    expect(contract.concurrentDevices.enum).toEqual([2000, 5000, 15000]);
    expect(contract.servers).toMatchObject({ minimum: 1, maximum: 10 });
    expect(contract.region).toEqual({ $ref: '#/components/schemas/Region' });
    expect(doc.components.schemas.Region.enum).toEqual(['jp-east', 'jp-west']);
  });
});
