/**
 * The role × page matrix: every route of the web pages (GET, and the forms' POST) for admin, support,
 * finance, customer and anonymous. A page is either served, or refused as the pages refuse: anonymous is
 * sent to login (303, with the page to return to), a signed-in role not meant for it gets 403; a refused
 * request writes nothing. Form posts carry a valid CSRF token of their session, so it is the role that
 * decides, not the token.
 *
 * The routes come from the web router's own stack in Express; who may open each is PAGES below (the
 * pages keep their roles in closures), and a test fails when a route is missing from PAGES or PAGES names
 * one that no longer exists.
 */
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/domain/roles';
import { openSession } from '../../src/services/sessions';
import { DEFAULT_SESSION_TTL_MS } from '../../src/web';
import { translate } from '../../src/web/i18n';
import {
  digest,
  freshContract,
  freshNotice,
  freshUser,
  incidentBody,
  makeWorld,
  OUTAGE,
  PASSWORD,
  unique,
  type World,
} from './support/world';

type Who = Role | 'anonymous';
const EVERYONE: readonly Who[] = [...ROLES, 'anonymous'];

let w: World;
beforeAll(async () => {
  w = await makeWorld();
});
afterAll(() => w.t.close());

interface PageRoute {
  method: 'GET' | 'POST';
  path: string;
}

/** The shape of Express 5's router stack (the `router` package) that this test reads. */
interface StackLayer {
  slash?: boolean;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: StackLayer[] };
}

/**
 * Every route of the routers mounted at the app's root: the web pages (the API's router is mounted at
 * /api/v1, and the app's own routes, /healthz and the like, are not pages).
 */
function pageRoutes(app: Express): PageRoute[] {
  const root = (app.router as unknown as { stack: StackLayer[] }).stack;
  return root
    .filter((layer) => layer.slash && layer.handle.stack)
    .flatMap((layer) => layer.handle.stack!)
    .flatMap((layer) =>
      layer.route
        ? Object.keys(layer.route.methods)
            .filter((method) => method !== '_all')
            .map((method) => ({
              method: method.toUpperCase() as PageRoute['method'],
              path: layer.route!.path,
            }))
        : [],
    );
}

interface FormCall {
  params?: Record<string, string>;
  form: Record<string, string | string[]>;
}

interface PageRule {
  /** Who may open it; everyone else is refused. */
  who: readonly Who[] | 'anyone';
  /** A form post that the page accepts, made fresh each time (a post that changes its target gets a new one). */
  form?: (w: World) => Promise<FormCall> | FormCall;
  /** Served, the post writes something (so a refusal that writes nothing is not the same answer). */
  writes?: boolean;
}

const ADMIN: Who[] = ['admin'];
const SUPPORT: Who[] = ['support', 'admin'];
const FINANCE: Who[] = ['finance', 'admin'];
const CUSTOMER: Who[] = ['customer'];
/** Approving, rejecting and voiding: finance's alone (an admin sees the notices). */
const DECIDERS: Who[] = ['finance'];

/** The incident form's fields as a browser posts them (Japan time, datetime-local). */
const INCIDENT_FORM = {
  title: 'jp-east gateway down',
  description: '',
  cause: 'provider',
  severity: 'total',
  regions: 'jp-east',
  contracts: '',
  exclude: '',
  awareAt: '2026-01-30T10:30',
  start: '2026-01-30T10:00',
  end: '2026-01-31T12:00',
};

/** A new contract of the world's customer with the world's outage, not yet claimed. */
async function unclaimedContract(w: World): Promise<string> {
  const { contractId } = await freshContract(w);
  await w.t
    .as('support')
    .post('/incidents', incidentBody(contractId))
    .expect(201);
  return contractId;
}

async function ongoingIncident(w: World): Promise<string> {
  const { contractId } = await freshContract(w);
  const created = await w.t
    .as('support')
    .post('/incidents', {
      ...incidentBody(contractId),
      intervals: [{ start: OUTAGE.start }],
    })
    .expect(201);
  return created.body.id;
}

const PAGES: Record<string, PageRule> = {
  'GET /': { who: 'anyone' },
  'GET /login': { who: 'anyone' },
  'POST /login': {
    who: 'anyone',
    form: () => ({ form: { email: 'sampler@example.jp', password: PASSWORD } }),
    writes: true,
  },
  'POST /logout': { who: 'anyone', form: () => ({ form: {} }) },
  'POST /lang': {
    who: 'anyone',
    form: () => ({ form: { lang: 'en', next: '/' } }),
  },
  'GET /api/docs': { who: 'anyone' },

  'GET /support/incidents': { who: SUPPORT },
  'GET /support/incidents/new': { who: SUPPORT },
  'POST /support/incidents/new': {
    who: SUPPORT,
    form: () => ({ form: { ...INCIDENT_FORM, action: 'preview' } }),
  },
  'GET /support/incidents/:id': { who: SUPPORT },
  'POST /support/incidents/:id/correct': {
    who: SUPPORT,
    form: () => ({
      form: {
        ...INCIDENT_FORM,
        reason: 'the end was later',
        action: 'preview',
      },
    }),
  },
  'POST /support/incidents/:id/end': {
    who: SUPPORT,
    form: async (w) => ({
      params: { id: await ongoingIncident(w) },
      form: { endReason: 'service restored' },
    }),
    writes: true,
  },
  'GET /support/contracts': { who: SUPPORT },
  'GET /support/contracts/:id': { who: SUPPORT },
  'POST /support/contracts/:id/claims': {
    who: SUPPORT,
    form: async (w) => ({
      params: { id: await unclaimedContract(w) },
      form: { outageStart: OUTAGE.startUtc, receivedAt: '2026-01-31T12:00' },
    }),
    writes: true,
  },

  'GET /portal': { who: CUSTOMER },
  'GET /portal/contracts/:id': { who: CUSTOMER },
  'POST /portal/contracts/:id/claims': {
    who: CUSTOMER,
    form: async (w) => ({
      params: { id: await unclaimedContract(w) },
      form: { outageStart: OUTAGE.startUtc },
    }),
    writes: true,
  },
  'GET /portal/claims': { who: CUSTOMER },
  'GET /portal/notices': { who: CUSTOMER },
  'GET /portal/notices/:id/document': { who: CUSTOMER },

  'GET /finance': { who: FINANCE },
  'GET /finance/notices': { who: FINANCE },
  'GET /finance/notices/:id': { who: FINANCE },
  'GET /finance/notices/:id/document': { who: FINANCE },
  'POST /finance/notices/:id/approve': {
    who: DECIDERS,
    form: async (w) => ({ params: { id: await freshNotice(w) }, form: {} }),
    writes: true,
  },
  'POST /finance/notices/:id/reject': {
    who: DECIDERS,
    form: async (w) => ({
      params: { id: await freshNotice(w) },
      form: { reason: 'credited on the last invoice already' },
    }),
    writes: true,
  },
  'POST /finance/notices/:id/void': {
    who: DECIDERS,
    form: async (w) => ({
      params: { id: await freshNotice(w, true) },
      form: { reason: 'issued for the wrong contract' },
    }),
    writes: true,
  },
  'GET /finance/report': { who: FINANCE },
  'GET /finance/report.csv': { who: FINANCE },
  'GET /finance/deadlines': { who: FINANCE },
  'GET /finance/audit': { who: FINANCE },

  'GET /admin': { who: ADMIN },
  'GET /admin/users': { who: ADMIN },
  'POST /admin/users': {
    who: ADMIN,
    form: () => ({
      form: {
        name: 'Paged',
        email: `${unique('paged')}@example.jp`,
        role: 'support',
        password: PASSWORD,
      },
    }),
    writes: true,
  },
  'GET /admin/customers': { who: ADMIN },
  'POST /admin/customers': {
    who: ADMIN,
    form: () => ({ form: { name: 'Paged K.K.' } }),
    writes: true,
  },
  'POST /admin/users/:id/revoke': {
    who: ADMIN,
    form: (w) => ({ params: { id: freshUser(w, 'support').id }, form: {} }),
    writes: true,
  },
  'GET /admin/webhooks': { who: ADMIN },
  'POST /admin/webhooks': {
    who: ADMIN,
    form: () => ({
      form: {
        url: 'https://receiver.example.jp/paged',
        events: ['credit-notice.approved'],
        secret: '',
      },
    }),
    writes: true,
  },
  'GET /admin/webhooks/:id': { who: ADMIN },
  'GET /admin/contracts/new': { who: ADMIN },
  'POST /admin/contracts/new': {
    who: ADMIN,
    form: (w) => ({
      form: {
        customerId: w.customerId,
        contractNumber: unique('PAGE'),
        licenses: '100',
        concurrentDevices: '2000',
        servers: '1',
        region: 'jp-east',
        redundancy: 'no',
        billingStartDate: '2025-04-01',
        monthlyFee: '100000',
      },
    }),
    writes: true,
  },
};

/** The record a path's `:id` names, by the collection before it. */
const PAGE_IDS: Record<string, (w: World) => string> = {
  incidents: (w) => w.incidentId,
  contracts: (w) => w.contractId,
  // Approved, of the world's customer: finance opens it, and its customer downloads it.
  notices: (w) => w.noticeId,
  webhooks: (w) => w.webhookId,
};

function filled(path: string, params: Record<string, string> = {}): string {
  const segments = path.split('/');
  return segments
    .map((segment, index) => {
      if (!segment.startsWith(':')) return segment;
      const name = segment.slice(1);
      const value = params[name] ?? PAGE_IDS[segments[index - 1]!]?.(w);
      if (value === undefined)
        throw new Error(`${path}: no value for :${name}, add it to PAGE_IDS`);
      return value;
    })
    .join('/');
}

/** A browser of one visitor: its cookies (the session's, the CSRF token's), sent back on each request. */
class Visitor {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: Express,
    session?: string,
  ) {
    if (session) this.cookies.set('gengaku_session', session);
  }

  async send(
    method: 'GET' | 'POST',
    path: string,
    form?: Record<string, string | string[]>,
  ): Promise<request.Response> {
    let test = request(this.app)
      [method === 'GET' ? 'get' : 'post'](path)
      .set('Accept', 'text/html');
    if (this.cookies.size > 0)
      test = test.set(
        'Cookie',
        [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      );
    if (form) test = test.type('form').send(form);
    const res = await test;
    for (const cookie of (res.headers['set-cookie'] as string[] | undefined) ??
      []) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return res;
  }

  /** The CSRF token of this visitor's session, from a page it may open (each page's layout has forms). */
  async csrfToken(): Promise<string> {
    const res = await this.send('GET', '/login');
    const landing =
      res.status === 303 ? await this.send('GET', res.headers.location!) : res;
    const match = /name="_csrf" value="([^"]+)"/.exec(landing.text);
    expect(
      match,
      `a form on ${res.headers.location ?? '/login'}`,
    ).not.toBeNull();
    return match![1]!;
  }
}

/** A new visitor: signed in as a new user of the role (a customer of the world's customer), or not. */
function visitorOf(who: Who): Visitor {
  if (who === 'anonymous') return new Visitor(w.t.app);
  const user = freshUser(w, who);
  const session = openSession(
    w.t.store,
    w.t.now(),
    user.id,
    DEFAULT_SESSION_TTL_MS,
  );
  return new Visitor(w.t.app, session.id);
}

const keyOf = (route: PageRoute) => `${route.method} ${route.path}`;
const mayOpen = (rule: PageRule, who: Who) =>
  rule.who === 'anyone' || rule.who.includes(who);

describe('every page, for every role and for anonymous', () => {
  it('PAGES names exactly the routes of the web router', () => {
    const routes = pageRoutes(w.t.app).map(keyOf);
    expect(routes.length, 'routes read from the router stack').toBeGreaterThan(
      10,
    );
    expect([...new Set(routes)].sort(), 'add new pages to PAGES').toEqual(
      Object.keys(PAGES).sort(),
    );
  });

  it('every form post has a sample form that the page accepts', () => {
    const missing = Object.entries(PAGES)
      .filter(
        ([key, rule]) => key.startsWith('POST ') && rule.form === undefined,
      )
      .map(([key]) => key);
    expect(missing).toEqual([]);
  });

  for (const [key, rule] of Object.entries(PAGES)) {
    const [method, path] = key.split(' ') as [PageRoute['method'], string];
    for (const who of EVERYONE) {
      const served = mayOpen(rule, who);
      it(`${key}: ${served ? 'serves' : 'refuses'} ${who}`, async () => {
        const call: Partial<FormCall> = (await rule.form?.(w)) ?? {};
        const url = filled(path, call.params);
        const visitor = visitorOf(who);
        const form =
          method === 'POST'
            ? { ...call.form, _csrf: await visitor.csrfToken() }
            : undefined;
        const before = digest(w);
        const res = await visitor.send(method, url, form);
        const shown = `${key} as ${who} → ${res.status} ${res.headers.location ?? ''} ${res.text.slice(0, 300)}`;
        expect(res.status, shown).toBeLessThan(500);
        if (served) {
          expect(res.status, shown).toBeLessThan(400);
          expect(res.headers.location ?? '', shown).not.toMatch(
            /^\/login\?next=/,
          );
          if (rule.writes) expect(digest(w), shown).not.toEqual(before);
          return;
        }
        if (who === 'anonymous') {
          expect(res.status, shown).toBe(303);
          expect(res.headers.location, shown).toBe(
            `/login?${new URLSearchParams({ next: url })}`,
          );
        } else {
          // The role's refusal, not a stale form's (which is 403 too).
          expect(res.status, shown).toBe(403);
          expect(res.text, shown).toContain(
            translate('ja', 'errorPage.forbidden.body'),
          );
        }
        expect(digest(w), shown).toEqual(before);
      });
    }
  }
});

describe('another customer’s contract', () => {
  it('is 404 to a customer, as if it did not exist, and claiming on it writes nothing', async () => {
    const other = await w.t
      .as('admin')
      .post('/customers', { name: 'Someone Else K.K.' })
      .expect(201);
    const { contractId } = await freshContract({
      t: w.t,
      customerId: other.body.id,
    });
    await w.t
      .as('support')
      .post('/incidents', incidentBody(contractId))
      .expect(201);
    const visitor = visitorOf('customer');
    const page = await visitor.send('GET', `/portal/contracts/${contractId}`);
    expect(page.status).toBe(404);
    const { body } = await w.t
      .as('admin')
      .get(`/contracts/${contractId}`)
      .expect(200);
    expect(page.text).not.toContain(body.contractNumber);
    // The same page of the customer's own contract opens: the 404 is the other customer's.
    expect(
      (await visitor.send('GET', `/portal/contracts/${w.contractId}`)).status,
    ).toBe(200);
    const csrf = await visitor.csrfToken();
    const before = digest(w);
    const claim = await visitor.send(
      'POST',
      `/portal/contracts/${contractId}/claims`,
      {
        _csrf: csrf,
        outageStart: OUTAGE.startUtc,
      },
    );
    expect(claim.status).toBe(404);
    expect(digest(w)).toEqual(before);
  });
});
