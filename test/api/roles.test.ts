import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectProblem,
  makeTestApp,
  seedContract,
  type TestApp,
} from '../support/app';

type Role = 'admin' | 'support' | 'finance' | 'customer';
const ROLES: Role[] = ['admin', 'support', 'finance', 'customer'];
const STAFF: Role[] = ['admin', 'support', 'finance'];

// An outage of 48 h from 10:00 JST on 10 January, known at its start: qualifies, claimable until 12 April.
const OUTAGE = {
  start: '2026-01-10T10:00:00+09:00',
  end: '2026-01-12T10:00:00+09:00',
  startUtc: '2026-01-10T01:00:00.000Z',
};
const incidentBody = (contractId: string, title = 'Gateway down') => ({
  title,
  cause: 'provider',
  severity: 'total',
  scope: { contractIds: [contractId] },
  awareAt: OUTAGE.start,
  intervals: [{ start: OUTAGE.start, end: OUTAGE.end }],
});
const SCENARIO = {
  asOf: '2026-02-01T00:00:00+09:00',
  contract: {
    billingStartDate: '2025-04-01',
    terminationEffectiveDate: null,
    monthlyFee: 100000,
    options: [],
  },
  incidents: [
    {
      id: 'INC-1',
      cause: 'provider',
      severity: 'total',
      awareAt: OUTAGE.start,
      intervals: [{ start: OUTAGE.start, end: OUTAGE.end }],
    },
  ],
  policy: {},
};

interface Fixture {
  customerId: string;
  contractId: string;
  incidentId: string;
  claimId: string;
  customerToken: string;
  webhookId: string;
  /** The fixture claim's notice, approved (so its customer sees it). */
  noticeId: string;
}

let t: TestApp;
let fx: Fixture;
let serial = 0;

const call = (
  role: Role,
  method: 'get' | 'post' | 'patch',
  path: string,
  body?: object,
) => {
  const client = t.as(role === 'customer' ? { token: fx.customerToken } : role);
  return method === 'get' ? client.get(path) : client[method](path, body);
};

/** A new contract of the fixture customer (so the customer user owns it). */
async function newContract(): Promise<string> {
  const res = await t
    .as('admin')
    .post('/contracts', {
      customerId: fx.customerId,
      contractNumber: `R-${++serial}`,
      licenses: 100,
      concurrentDevices: 2000,
      servers: 1,
      region: 'jp-east',
      redundancy: false,
      billingStartDate: '2025-04-01',
      monthlyFee: 100000,
    })
    .expect(201);
  return res.body.id;
}

/** A new contract of the fixture customer with a claimed outage: its credit notice, approved if asked. */
async function newNotice(approved = false): Promise<string> {
  const contractId = await newContract();
  await t
    .as('support')
    .post('/incidents', incidentBody(contractId))
    .expect(201);
  const claim = await t
    .as('support')
    .post('/claims', { contractId, outageStart: OUTAGE.startUtc })
    .expect(201);
  const id = claim.body.creditNoticeId as string;
  if (approved)
    await t.as('finance').post(`/credit-notices/${id}/approve`).expect(200);
  return id;
}

/** Row counts of every table: a refused request must leave all of them as they were. */
function fingerprint(): Record<string, number> {
  const tables = t.store.sqlite
    .prepare(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'",
    )
    .all() as { name: string }[];
  const counts: Record<string, number> = {};
  for (const { name } of tables)
    counts[name] = (
      t.store.sqlite.prepare(`select count(*) as n from "${name}"`).get() as {
        n: number;
      }
    ).n;
  counts.cancelled = (
    t.store.sqlite
      .prepare(
        'select count(*) as n from contracts where termination_effective_date is not null',
      )
      .get() as { n: number }
  ).n;
  counts.incidentVersions = (
    t.store.sqlite
      .prepare('select coalesce(sum(version), 0) as n from incidents')
      .get() as { n: number }
  ).n;
  return counts;
}

interface Row {
  method: 'get' | 'post' | 'patch';
  path: string;
  allowed: Role[];
  /** The answer of an allowed call. */
  status: number;
  /** Its media type, when not JSON. */
  contentType?: RegExp;
  /** Path parameters and body, made fresh for every call (so an allowed call can succeed each time). */
  prepare?: () => Promise<{ path?: string; body?: object }>;
  body?: () => object;
}

const MATRIX: Row[] = [
  {
    method: 'post',
    path: '/users',
    allowed: ['admin'],
    status: 201,
    body: () => ({
      name: 'New',
      email: `new${++serial}@example.jp`,
      role: 'support',
    }),
  },
  { method: 'get', path: '/users', allowed: ['admin'], status: 200 },
  {
    method: 'post',
    path: '/customers',
    allowed: STAFF,
    status: 201,
    body: () => ({ name: 'Another K.K.' }),
  },
  { method: 'get', path: '/customers', allowed: STAFF, status: 200 },
  {
    method: 'get',
    path: '/customers/:customerId',
    allowed: STAFF,
    status: 200,
  },
  {
    method: 'post',
    path: '/contracts',
    allowed: ['admin'],
    status: 201,
    body: () => ({
      customerId: fx.customerId,
      contractNumber: `M-${++serial}`,
      licenses: 100,
      concurrentDevices: 2000,
      servers: 1,
      region: 'jp-west',
      redundancy: true,
      billingStartDate: '2026-01-01',
      monthlyFee: 50000,
    }),
  },
  { method: 'get', path: '/contracts', allowed: ROLES, status: 200 },
  {
    method: 'get',
    path: '/contracts/:contractId',
    allowed: ROLES,
    status: 200,
  },
  {
    method: 'post',
    path: '/contracts/:id/fee-changes',
    allowed: ['admin'],
    status: 201,
    prepare: async () => ({
      path: `/contracts/${await newContract()}/fee-changes`,
      body: { effectiveDate: '2026-03-01', monthlyFee: 120000 },
    }),
  },
  {
    method: 'post',
    path: '/contracts/:id/cancellation',
    allowed: ['admin', 'support'],
    status: 201,
    prepare: async () => ({
      path: `/contracts/${await newContract()}/cancellation`,
      body: { noticeReceivedDate: '2026-01-10' },
    }),
  },
  {
    method: 'get',
    path: '/contracts/:contractId/outages',
    allowed: ROLES,
    status: 200,
  },
  {
    method: 'post',
    path: '/contracts/:id/usage',
    allowed: ['admin', 'support'],
    status: 201,
    prepare: async () => ({
      path: `/contracts/${await newContract()}/usage`,
      body: { month: '2026-01', peakConcurrentDevices: 1500 },
    }),
  },
  {
    method: 'patch',
    path: '/contracts/:id/usage/:month',
    allowed: ['admin', 'support'],
    status: 200,
    prepare: async () => {
      const contractId = await newContract();
      await t
        .as('support')
        .post(`/contracts/${contractId}/usage`, {
          month: '2026-01',
          peakConcurrentDevices: 1500,
        })
        .expect(201);
      return {
        path: `/contracts/${contractId}/usage/2026-01`,
        body: { peakConcurrentDevices: 1400, reason: 'misread the graph' },
      };
    },
  },
  {
    method: 'post',
    path: '/contracts/:id/options/:optionId/cancellation',
    allowed: ['admin', 'support'],
    status: 201,
    prepare: async () => {
      const contract = await t
        .as('admin')
        .post('/contracts', {
          customerId: fx.customerId,
          contractNumber: `O-${++serial}`,
          licenses: 100,
          concurrentDevices: 2000,
          servers: 1,
          region: 'jp-east',
          redundancy: false,
          billingStartDate: '2025-04-01',
          monthlyFee: 100000,
          options: [
            {
              kind: 'multi-region',
              regions: ['jp-west'],
              monthlyFee: 20000,
              billingStartDate: '2025-04-01',
            },
          ],
        })
        .expect(201);
      return {
        path: `/contracts/${contract.body.id}/options/${contract.body.options[0].id}/cancellation`,
        body: { noticeReceivedDate: '2026-01-10' },
      };
    },
  },
  {
    method: 'get',
    path: '/contracts/:contractId/usage',
    allowed: ROLES,
    status: 200,
  },
  { method: 'get', path: '/usage', allowed: STAFF, status: 200 },
  {
    method: 'post',
    path: '/incidents',
    allowed: ['admin', 'support'],
    status: 201,
    body: () => incidentBody(fx.contractId, 'Another outage'),
  },
  {
    method: 'post',
    path: '/incidents/preview',
    allowed: ['admin', 'support'],
    status: 200,
    body: () => incidentBody(fx.contractId, 'Preview'),
  },
  {
    method: 'post',
    path: '/incidents/:incidentId/preview',
    allowed: ['admin', 'support'],
    status: 200,
    body: () => ({ title: 'Renamed in a preview' }),
  },
  { method: 'get', path: '/incidents', allowed: STAFF, status: 200 },
  {
    method: 'get',
    path: '/incidents/:incidentId',
    allowed: STAFF,
    status: 200,
  },
  {
    method: 'patch',
    path: '/incidents/:incidentId',
    allowed: ['admin', 'support'],
    status: 200,
    body: () => ({
      reason: 'typo in the title',
      title: `Gateway down (${++serial})`,
    }),
  },
  {
    method: 'post',
    path: '/claims',
    allowed: ['admin', 'support', 'customer'],
    status: 201,
    prepare: async () => {
      const contractId = await newContract();
      await t
        .as('support')
        .post('/incidents', incidentBody(contractId))
        .expect(201);
      return { body: { contractId, outageStart: OUTAGE.startUtc } };
    },
  },
  { method: 'get', path: '/claims', allowed: ROLES, status: 200 },
  { method: 'get', path: '/claims/:claimId', allowed: ROLES, status: 200 },
  {
    method: 'post',
    path: '/calculate',
    allowed: ROLES,
    status: 200,
    body: () => SCENARIO,
  },
  { method: 'get', path: '/audit', allowed: ['admin', 'finance'], status: 200 },
  {
    method: 'post',
    path: '/webhooks',
    allowed: ['admin'],
    status: 201,
    body: () => ({
      url: 'https://hooks.example.jp/gengaku',
      events: ['credit-notice.approved'],
      secret: 'whsec_0123456789abcdef',
    }),
  },
  { method: 'get', path: '/webhooks', allowed: ['admin'], status: 200 },
  {
    method: 'get',
    path: '/credit-notices',
    allowed: ['admin', 'finance', 'customer'],
    status: 200,
  },
  {
    method: 'get',
    path: '/credit-notices/:noticeId',
    allowed: ['admin', 'finance', 'customer'],
    status: 200,
  },
  {
    method: 'get',
    path: '/credit-notices/:noticeId/document?lang=en',
    allowed: ['admin', 'finance', 'customer'],
    status: 200,
    contentType: /^text\/html; charset=utf-8$/,
  },
  {
    method: 'post',
    path: '/credit-notices/:id/approve',
    allowed: ['finance'],
    status: 200,
    prepare: async () => ({
      path: `/credit-notices/${await newNotice()}/approve`,
    }),
  },
  {
    method: 'post',
    path: '/credit-notices/:id/reject',
    allowed: ['finance'],
    status: 200,
    prepare: async () => ({
      path: `/credit-notices/${await newNotice()}/reject`,
      body: { reason: 'credited already' },
    }),
  },
  {
    method: 'post',
    path: '/credit-notices/:id/void',
    allowed: ['finance'],
    status: 200,
    prepare: async () => ({
      path: `/credit-notices/${await newNotice(true)}/void`,
      body: { reason: 'issued to the wrong contract' },
    }),
  },
  {
    method: 'get',
    path: '/reports/credits?month=2026-02',
    allowed: ['admin', 'finance'],
    status: 200,
  },
  {
    method: 'get',
    path: '/webhooks/:webhookId/deliveries',
    allowed: ['admin'],
    status: 200,
  },
];

const fill = (path: string) =>
  path
    .replace(':customerId', fx.customerId)
    .replace(':contractId', fx.contractId)
    .replace(':incidentId', fx.incidentId)
    .replace(':claimId', fx.claimId)
    .replace(':webhookId', fx.webhookId)
    .replace(':noticeId', fx.noticeId);

beforeAll(async () => {
  t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
  const { customerId, contractId } = await seedContract(t, {
    contractNumber: 'R-0',
  });
  const incident = await t
    .as('support')
    .post('/incidents', incidentBody(contractId))
    .expect(201);
  const claim = await t
    .as('support')
    .post('/claims', { contractId, outageStart: OUTAGE.startUtc })
    .expect(201);
  const webhook = await t
    .as('admin')
    .post('/webhooks', {
      url: 'https://hooks.example.jp/fixture',
      events: ['credit-notice.approved', 'credit-notice.voided'],
      secret: 'whsec_fixture_0123456789',
    })
    .expect(201);
  await t
    .as('finance')
    .post(`/credit-notices/${claim.body.creditNoticeId}/approve`)
    .expect(200);
  fx = {
    customerId,
    contractId,
    incidentId: incident.body.id,
    claimId: claim.body.id,
    customerToken: t.customerToken(customerId),
    webhookId: webhook.body.id,
    noticeId: claim.body.creditNoticeId,
  };
});
afterAll(() => t.close());

describe('the role table of API.md', () => {
  for (const row of MATRIX) {
    describe(`${row.method.toUpperCase()} ${row.path}`, () => {
      for (const role of ROLES) {
        const allowed = row.allowed.includes(role);
        it(`${allowed ? 'serves' : 'refuses'} ${role}`, async () => {
          const prepared = row.prepare ? await row.prepare() : {};
          const path = prepared.path ?? fill(row.path);
          const body = prepared.body ?? row.body?.();
          const before = fingerprint();
          const res = await call(role, row.method, path, body);
          if (allowed) {
            expect(res.status, JSON.stringify(res.body)).toBe(row.status);
            expect(res.headers['content-type']).toMatch(
              row.contentType ?? /^application\/json/,
            );
          } else {
            expectProblem(res, 403, 'forbidden');
            expect(fingerprint()).toEqual(before);
          }
        });
      }
    });
  }

  it('refuses a role before looking at the body: a customer posting an invalid incident gets 403, not 422', async () => {
    expectProblem(
      await call('customer', 'post', '/incidents', { title: '' }),
      403,
      'forbidden',
    );
    expectProblem(
      await call('finance', 'post', '/contracts', {}),
      403,
      'forbidden',
    );
    expectProblem(
      await call('support', 'post', '/users', { role: 'admin' }),
      403,
      'forbidden',
    );
  });
});

describe('customer isolation', () => {
  let other: { customerId: string; contractId: string };
  let ownSecond: string;
  let otherClaimId: string;

  beforeAll(async () => {
    ownSecond = await newContract();
    other = await seedContract(t, { contractNumber: 'OTHER-1' });
    await t
      .as('support')
      .post('/incidents', incidentBody(other.contractId))
      .expect(201);
    await t
      .as('support')
      .post(`/contracts/${other.contractId}/usage`, {
        month: '2026-01',
        peakConcurrentDevices: 2500,
      })
      .expect(201);
    otherClaimId = (
      await t
        .as('support')
        .post('/claims', {
          contractId: other.contractId,
          outageStart: OUTAGE.startUtc,
        })
        .expect(201)
    ).body.id;
  });

  it("lists only the customer's own contracts, whatever customerId filter it sends", async () => {
    const own = await call('customer', 'get', '/contracts').expect(200);
    const ids: string[] = own.body.map(
      (contract: { id: string }) => contract.id,
    );
    expect(ids).toContain(fx.contractId);
    expect(ids).toContain(ownSecond);
    expect(ids).not.toContain(other.contractId);
    expect(
      own.body.every(
        (contract: { customerId: string }) =>
          contract.customerId === fx.customerId,
      ),
    ).toBe(true);
    // Staff see the other customer's contract, so the list above was filtered, not empty by accident.
    const all = await t.as('support').get('/contracts').expect(200);
    expect(all.body.map((contract: { id: string }) => contract.id)).toContain(
      other.contractId,
    );

    const filtered = await call(
      'customer',
      'get',
      `/contracts?customerId=${other.customerId}`,
    ).expect(200);
    expect(
      filtered.body.map((contract: { id: string }) => contract.id),
    ).not.toContain(other.contractId);
  });

  for (const suffix of ['', '/outages', '/usage']) {
    it(`answers GET /contracts/:otherId${suffix} with 404, exactly as for an id that does not exist`, async () => {
      const foreign = await call(
        'customer',
        'get',
        `/contracts/${other.contractId}${suffix}`,
      );
      const missing = await call(
        'customer',
        'get',
        `/contracts/no-such-contract${suffix}`,
      );
      expectProblem(foreign, 404, 'not-found');
      expectProblem(missing, 404, 'not-found');
      expect(foreign.body.title).toBe(missing.body.title);
      expect(foreign.body.type).toBe(missing.body.type);
      expect(foreign.body.detail.replace(other.contractId, 'X')).toBe(
        missing.body.detail.replace('no-such-contract', 'X'),
      );
      // The customer's own contract answers on the same path.
      await call(
        'customer',
        'get',
        `/contracts/${fx.contractId}${suffix}`,
      ).expect(200);
    });
  }

  it("does not show another customer's claims", async () => {
    expectProblem(
      await call('customer', 'get', `/claims/${otherClaimId}`),
      404,
      'not-found',
    );
    const listed = await call('customer', 'get', '/claims').expect(200);
    const ids = listed.body.map((claim: { id: string }) => claim.id);
    expect(ids).toContain(fx.claimId);
    expect(ids).not.toContain(otherClaimId);
  });
});
