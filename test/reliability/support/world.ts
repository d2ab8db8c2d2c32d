/**
 * What the in-process reliability tests share: a small world of records to aim at, a valid call for
 * every write endpoint of the endpoint table, paths filled from the world, and a digest of every table.
 *
 * A new endpoint is covered by the fuzzing and the role matrix as soon as it is in the table; one that
 * takes a body also needs its entry in SAMPLES (the tests say so). Its path parameters are filled by
 * RESOURCE_IDS: a new kind of record (credit notices) adds one line there and one to the world.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { DEFAULT_TOKEN_TTL_DAYS } from '../../../src/config';
import { DEFAULT_POLICY } from '../../../src/domain/policy';
import type { Role } from '../../../src/domain/roles';
import { DEFAULT_REGIONS } from '../../../src/domain/terms';
import type { AnyEndpoint } from '../../../src/http/endpoint';
import { createUser } from '../../../src/services/users';
import { makeTestApp, type TestApp } from '../../support/app';

export const PASSWORD = 'correct horse battery staple';
/** The world's outage: 48 h in January, claimable as the world's clock stands. */
export const OUTAGE = {
  start: '2026-01-10T10:00:00+09:00',
  end: '2026-01-12T10:00:00+09:00',
  startUtc: '2026-01-10T01:00:00.000Z',
};

export interface World {
  t: TestApp;
  customerId: string;
  contractId: string;
  optionId: string;
  incidentId: string;
  claimId: string;
  /** A user of its own, for the endpoints that act on a user (revoking its tokens). */
  userId: string;
  webhookId: string;
  /** The claim's credit notice, approved (so the world's customer sees it too). */
  noticeId: string;
  month: string;
}

let serial = 0;
export const unique = (prefix: string) => `${prefix}-${++serial}`;

/** An incident taking down the contract for OUTAGE. */
export const incidentBody = (contractId: string) => ({
  title: 'Gateway down',
  cause: 'provider',
  severity: 'total',
  scope: { contractIds: [contractId] },
  awareAt: OUTAGE.start,
  intervals: [{ start: OUTAGE.start, end: OUTAGE.end }],
});

const webhookBody = () => ({
  url: 'https://receiver.example.jp/gengaku',
  events: ['credit-notice.approved'],
  secret: 'a-webhook-secret-of-some-length',
});

function contractBody(customerId: string) {
  return {
    customerId,
    contractNumber: unique('REL'),
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
  };
}

/** A contract of the world's customer, with an option: a fresh target for a call that changes it. */
export async function freshContract(
  w: Pick<World, 't' | 'customerId'>,
): Promise<{ contractId: string; optionId: string }> {
  const res = await w.t
    .as('admin')
    .post('/contracts', contractBody(w.customerId))
    .expect(201);
  return { contractId: res.body.id, optionId: res.body.options[0].id };
}

export async function makeWorld(): Promise<World> {
  const t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
  const customer = await t
    .as('admin')
    .post('/customers', { name: 'Reliability K.K.' })
    .expect(201);
  const customerId: string = customer.body.id;
  const { contractId, optionId } = await freshContract({ t, customerId });
  const incident = await t
    .as('support')
    .post('/incidents', incidentBody(contractId))
    .expect(201);
  const claim = await t
    .as('support')
    .post('/claims', { contractId, outageStart: OUTAGE.startUtc })
    .expect(201);
  await t
    .as('support')
    .post(`/contracts/${contractId}/usage`, {
      month: '2026-01',
      peakConcurrentDevices: 1500,
    })
    .expect(201);
  const user = await t
    .as('admin')
    .post('/users', {
      name: 'Sampler',
      email: 'sampler@example.jp',
      role: 'support',
      password: PASSWORD,
    })
    .expect(201);
  const webhook = await t
    .as('admin')
    .post('/webhooks', webhookBody())
    .expect(201);
  await t
    .as('finance')
    .post(`/credit-notices/${claim.body.creditNoticeId}/approve`)
    .expect(200);
  return {
    t,
    customerId,
    contractId,
    optionId,
    webhookId: webhook.body.id,
    incidentId: incident.body.id,
    claimId: claim.body.id,
    noticeId: claim.body.creditNoticeId,
    userId: user.body.id,
    month: '2026-01',
  };
}

/** The record a path's `:id` names, by the collection before it. */
const RESOURCE_IDS: Record<string, (w: World) => string> = {
  customers: (w) => w.customerId,
  contracts: (w) => w.contractId,
  incidents: (w) => w.incidentId,
  claims: (w) => w.claimId,
  users: (w) => w.userId,
  webhooks: (w) => w.webhookId,
  'credit-notices': (w) => w.noticeId,
};

/** The endpoint's path with its parameters filled from the world (or `params`), under /api/v1. */
export function pathOf(
  endpoint: AnyEndpoint,
  w: World,
  params: Record<string, string> = {},
  query?: Record<string, string>,
): string {
  const segments = endpoint.path.split('/');
  const search = query ? `?${new URLSearchParams(query)}` : '';
  return `${segments
    .map((segment, index) => {
      if (!segment.startsWith(':')) return segment;
      const name = segment.slice(1);
      if (params[name] !== undefined) return params[name];
      if (name === 'id') {
        const collection = segments[index - 1]!;
        const id = RESOURCE_IDS[collection]?.(w);
        if (id === undefined)
          throw new Error(
            `${endpoint.path}: add the ${collection} record to the world and RESOURCE_IDS`,
          );
        return id;
      }
      if (name === 'optionId') return w.optionId;
      if (name === 'month') return w.month;
      throw new Error(`${endpoint.path}: no value for :${name}`);
    })
    .join('/')}${search}`;
}

export interface Call {
  body?: object;
  params?: Record<string, string>;
  /** The query a read needs (a report's month). */
  query?: Record<string, string>;
}

/** A new contract of the world's customer with a claimed outage: its credit notice, approved if asked. */
/** A new credit notice of the world's customer, pending approval, or approved. */
export async function freshNotice(w: World, approved = false): Promise<string> {
  const { contractId } = await freshContract(w);
  await w.t
    .as('support')
    .post('/incidents', incidentBody(contractId))
    .expect(201);
  const claim = await w.t
    .as('support')
    .post('/claims', { contractId, outageStart: OUTAGE.startUtc })
    .expect(201);
  const id: string = claim.body.creditNoticeId;
  if (approved)
    await w.t.as('finance').post(`/credit-notices/${id}/approve`).expect(200);
  return id;
}

/**
 * A call each write endpoint accepts, made fresh each time (a call that changes its target gets a new
 * one, so every allowed call can succeed). Keyed by operationId.
 */
export const SAMPLES: Record<string, (w: World) => Promise<Call> | Call> = {
  createToken: () => ({
    body: { email: 'sampler@example.jp', password: PASSWORD },
  }),
  createUser: () => ({
    body: {
      name: 'New',
      email: `${unique('new')}@example.jp`,
      role: 'support',
    },
  }),
  createCustomer: () => ({ body: { name: 'Another K.K.' } }),
  createContract: (w) => ({ body: contractBody(w.customerId) }),
  addFeeChange: async (w) => ({
    params: { id: (await freshContract(w)).contractId },
    body: { effectiveDate: '2026-03-01', monthlyFee: 120000 },
  }),
  cancelContract: async (w) => ({
    params: { id: (await freshContract(w)).contractId },
    body: { noticeReceivedDate: '2026-01-10' },
  }),
  cancelOption: async (w) => {
    const { contractId, optionId } = await freshContract(w);
    return {
      params: { id: contractId, optionId },
      body: { noticeReceivedDate: '2026-01-10' },
    };
  },
  recordUsage: async (w) => ({
    params: { id: (await freshContract(w)).contractId },
    body: { month: '2026-01', peakConcurrentDevices: 1500 },
  }),
  correctUsage: () => ({
    body: { peakConcurrentDevices: 1400, reason: 'misread the graph' },
  }),
  createIncident: (w) => ({ body: incidentBody(w.contractId) }),
  previewIncident: (w) => ({ body: incidentBody(w.contractId) }),
  previewIncidentCorrection: () => ({ body: { title: 'Renamed' } }),
  correctIncident: () => ({
    body: { reason: 'typo in the title', title: unique('Gateway down') },
  }),
  createClaim: async (w) => {
    const { contractId } = await freshContract(w);
    await w.t
      .as('support')
      .post('/incidents', incidentBody(contractId))
      .expect(201);
    return { body: { contractId, outageStart: OUTAGE.startUtc } };
  },
  createWebhook: () => ({ body: webhookBody() }),
  approveCreditNotice: async (w) => ({ params: { id: await freshNotice(w) } }),
  rejectCreditNotice: async (w) => ({
    params: { id: await freshNotice(w) },
    body: { reason: 'credited on the last invoice already' },
  }),
  voidCreditNotice: async (w) => ({
    params: { id: await freshNotice(w, true) },
    body: { reason: 'issued for the wrong contract' },
  }),
  getCreditReport: () => ({ query: { month: '2026-02' } }),
  calculate: () => ({
    body: {
      asOf: '2026-02-01T00:00:00+09:00',
      contract: { billingStartDate: '2025-04-01', monthlyFee: 100000 },
      incidents: [
        {
          cause: 'provider',
          severity: 'total',
          awareAt: OUTAGE.start,
          intervals: [{ start: OUTAGE.start, end: OUTAGE.end }],
        },
      ],
    },
  }),
};

/** A new user of the role (a customer belongs to the world's customer) and its token. */
export const freshToken = (w: World, role: Role): string =>
  freshUser(w, role).token;

/** A new user of the role (a customer belongs to the world's customer): its id and API token. */
export function freshUser(w: World, role: Role): { id: string; token: string } {
  return createUser(
    {
      store: w.t.store,
      clock: w.t.now,
      config: {
        policy: DEFAULT_POLICY,
        regions: [...DEFAULT_REGIONS],
        tokenTtlDays: DEFAULT_TOKEN_TTL_DAYS,
      },
      actor: { userId: 'reliability', role: 'admin', customerId: null },
    },
    {
      name: `${role} ${unique('user')}`,
      email: `${unique(role)}@example.jp`,
      role,
      ...(role === 'customer' ? { customerId: w.customerId } : {}),
    },
  );
}

/** Sends `body` (an object, or raw text) to the endpoint as JSON, with the token if any. */
export function send(
  w: World,
  endpoint: AnyEndpoint,
  path: string,
  token: string | undefined,
  body?: object | { raw: string },
): request.Test {
  let test = request(w.t.app)[endpoint.method](`/api/v1${path}`);
  if (token) test = test.set('Authorization', `Bearer ${token}`);
  if (body === undefined) return test;
  const text = 'raw' in body ? String(body.raw) : JSON.stringify(body);
  return test.set('Content-Type', 'application/json').send(text);
}

/** A SHA-256 of every row of every table: two equal digests mean nothing was written in between. */
export function digest(w: World): Record<string, string> {
  const tables = w.t.store.sqlite
    .prepare(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
    )
    .all() as { name: string }[];
  const digests: Record<string, string> = {};
  for (const { name } of tables) {
    const rows = w.t.store.sqlite
      .prepare(`select * from "${name}" order by rowid`)
      .all();
    digests[name] = createHash('sha256')
      .update(JSON.stringify(rows))
      .digest('hex');
  }
  return digests;
}

/** A role the endpoint serves, admin first (the fuzzing wants to get past the role check). */
export function servedRole(endpoint: AnyEndpoint): Role | undefined {
  if (endpoint.roles === 'anyone') return undefined;
  return endpoint.roles.includes('admin') ? 'admin' : endpoint.roles[0];
}

export const isWrite = (endpoint: AnyEndpoint) => endpoint.method !== 'get';
