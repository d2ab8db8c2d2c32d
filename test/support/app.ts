/** A real app on a fresh in-memory SQLite migrated by the real migrations, with a clock the test sets. */
import { pino } from 'pino';
import request from 'supertest';
import { expect } from 'vitest';
import { DEFAULT_TOKEN_TTL_DAYS, type NoticeIssuer } from '../../src/config';
import { openStore, type Store } from '../../src/db/client';
import { createNoticeRenderer } from '../../src/documents/notice-renderer';
import { createPdfRenderer } from '../../src/documents/pdf';
import {
  DEFAULT_POLICY,
  type PolicyInput,
  resolvePolicy,
} from '../../src/domain/policy';
import type { Role } from '../../src/domain/roles';
import { DEFAULT_REGIONS } from '../../src/domain/terms';
import { type Instant, instantOf, parseInstant } from '../../src/domain/time';
import { createApp } from '../../src/http/app';
import {
  createNoticePrinting,
  type NoticePrinting,
} from '../../src/services/notice-printing';
import { createUser, ensureFirstAdmin } from '../../src/services/users';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  store: Store;
  /** Sets the server's clock, e.g. `setNow('2026-02-01T00:00:00+09:00')`. */
  setNow(instant: string | number): void;
  now(): Instant;
  tokens: Record<Exclude<Role, 'customer'>, string>;
  /** GET/POST/PATCH/DELETE as a role (or with a raw token). */
  as(who: Exclude<Role, 'customer'> | { token: string }): {
    get(path: string): request.Test;
    post(path: string, body?: object): request.Test;
    patch(path: string, body?: object): request.Test;
    delete(path: string): request.Test;
  };
  /** A customer user bound to `customerId`, returning its token. */
  customerToken(customerId: string): string;
  /** Another staff user of `role` (e.g. a second finance user), returning its id and token. */
  staffUser(role: 'support' | 'finance'): { id: string; token: string };
  /** The notice renderers; `settled()` waits for the PDFs printed after approvals. */
  printing: NoticePrinting;
  close(): void;
}

/** The issuer the test app configures unless told otherwise. */
export const TEST_ISSUER: NoticeIssuer = {
  name: '株式会社ゲンガク通信',
  registrationNumber: 'T1234567890123',
};

/** Where no Chromium is: `npm test` needs none, so PDFs answer 503 there (test:browser has the real one). */
export const NO_CHROMIUM = '/nonexistent/chromium';

/** Made once: compiling the templates is the slow part of a renderer. */
const noticeHtml = createNoticeRenderer();

export const ADMIN_TOKEN = 'gk_test_admin_token';

export function makeTestApp(
  options: {
    now?: string;
    policy?: PolicyInput;
    /** null: no issuer configured. */
    issuer?: NoticeIssuer | null;
    chromiumPath?: string;
    metricsToken?: string;
    trustProxy?: string;
  } = {},
): TestApp {
  const store = openStore(':memory:');
  let now = parseInstant(options.now ?? '2026-02-01T00:00:00+09:00');
  const clock = () => now;
  const config = {
    policy: resolvePolicy({ ...DEFAULT_POLICY, ...options.policy }),
    regions: [...DEFAULT_REGIONS],
    ...(options.issuer === null
      ? {}
      : { issuer: options.issuer ?? TEST_ISSUER }),
    tokenTtlDays: DEFAULT_TOKEN_TTL_DAYS,
  };
  ensureFirstAdmin(store, clock(), ADMIN_TOKEN);
  const printing = createNoticePrinting({
    html: noticeHtml,
    pdf: createPdfRenderer({
      executablePath: options.chromiumPath ?? NO_CHROMIUM,
    }),
    onError: () => {},
  });
  const app = createApp({
    store,
    clock,
    config,
    logger: pino({ level: 'silent' }),
    printing,
    // Every JSON answer is parsed with its endpoint's response schema: a mismatch fails the test (500).
    checkResponses: true,
    metricsToken: options.metricsToken,
    trustProxy: options.trustProxy,
  });
  const adminActor = { userId: '', role: 'admin' as const, customerId: null };
  const ctx = () => ({ store, clock, config, actor: adminActor });
  let counter = 0;
  const staffToken = (role: 'support' | 'finance') =>
    createUser(ctx(), {
      name: `${role} user`,
      email: `${role}@test.local`,
      role,
    }).token;
  const tokens = {
    admin: ADMIN_TOKEN,
    support: staffToken('support'),
    finance: staffToken('finance'),
  };
  const agent = request(app);
  const as: TestApp['as'] = (who) => {
    const token = typeof who === 'string' ? tokens[who] : who.token;
    const auth = (test: request.Test) =>
      test.set('Authorization', `Bearer ${token}`);
    return {
      get: (path) => auth(agent.get(`/api/v1${path}`)),
      post: (path, body) => auth(agent.post(`/api/v1${path}`)).send(body ?? {}),
      patch: (path, body) =>
        auth(agent.patch(`/api/v1${path}`)).send(body ?? {}),
      delete: (path) => auth(agent.delete(`/api/v1${path}`)),
    };
  };
  return {
    app,
    store,
    setNow: (instant) => {
      now =
        typeof instant === 'number'
          ? instantOf(instant)
          : parseInstant(instant);
    },
    now: clock,
    tokens,
    as,
    staffUser: (role) => {
      const user = createUser(ctx(), {
        name: `${role} user ${++counter}`,
        email: `${role}${counter}@test.local`,
        role,
      });
      return { id: user.id, token: user.token };
    },
    printing,
    customerToken: (customerId) =>
      createUser(ctx(), {
        name: 'customer user',
        email: `customer${++counter}@test.local`,
        role: 'customer',
        customerId,
      }).token,
    close: () => {
      void printing.close().finally(() => store.close());
    },
  };
}

/** Creates a customer and a contract through the API and returns their ids. */
export async function seedContract(
  t: TestApp,
  contract: Partial<{
    contractNumber: string;
    region: string;
    billingStartDate: string;
    monthlyFee: number;
    options: object[];
  }> = {},
): Promise<{ customerId: string; contractId: string }> {
  const customer = await t
    .as('admin')
    .post('/customers', { name: 'Example K.K.' })
    .expect(201);
  const created = await t
    .as('admin')
    .post('/contracts', {
      customerId: customer.body.id,
      contractNumber:
        contract.contractNumber ??
        `C-${Math.random().toString(36).slice(2, 10)}`,
      licenses: 500,
      concurrentDevices: 2000,
      servers: 2,
      region: contract.region ?? 'jp-east',
      redundancy: true,
      billingStartDate: contract.billingStartDate ?? '2025-04-01',
      monthlyFee: contract.monthlyFee ?? 100000,
      options: contract.options ?? [],
    })
    .expect(201);
  return { customerId: customer.body.id, contractId: created.body.id };
}

/**
 * One outage of a contract, through the API: an incident naming it, down `hours` from 00:00 JST of `day`,
 * known from its start. Returns the outage's start (ISO).
 */
export async function seedOutage(
  t: TestApp,
  contractId: string,
  day: string,
  hours: number,
): Promise<string> {
  const start = parseInstant(`${day}T00:00:00+09:00`);
  await t
    .as('support')
    .post('/incidents', {
      title: `down ${day}`,
      cause: 'provider',
      severity: 'total',
      scope: { contractIds: [contractId] },
      awareAt: new Date(start).toISOString(),
      intervals: [
        {
          start: new Date(start).toISOString(),
          end: new Date(start + hours * 3_600_000).toISOString(),
        },
      ],
    })
    .expect(201);
  return new Date(start).toISOString();
}

/** A supertest parser that keeps an answer's body as its bytes (a CSV's BOM, a PDF), as `res.body`. */
export function asBytes(
  res: request.Response,
  done: (error: Error | null, body: Buffer) => void,
) {
  // Under Node, what supertest hands a parser is the response stream itself.
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

/** The answer is an RFC 9457 problem with this status and code. */
export function expectProblem(
  res: request.Response,
  status: number,
  code: string,
) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    status,
    code,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
}
