/** The web layer's own rules: CSRF, sessions and their expiry, who may open which page, the language switch. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SESSION_TTL_MS } from '../../src/web';
import { makeTestApp, seedContract, type TestApp } from '../support/app';
import {
  browser,
  csrfOf,
  htmlLang,
  logIn,
  PASSWORD,
  submit,
  userWithPassword,
} from './support';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp();
});
afterEach(() => t.close());

const incidentCount = () =>
  (
    t.store.sqlite.prepare('select count(*) as n from incidents').get() as {
      n: number;
    }
  ).n;

const sessionCookie = (res: { headers: Record<string, unknown> }) =>
  ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((cookie) =>
    /gengaku_session=/.test(cookie),
  );

describe('login and sessions', () => {
  it('a right password opens a session (httpOnly, SameSite=Lax) and lands on the role’s page', async () => {
    const { email } = await userWithPassword(t, 'support');
    const agent = browser(t);
    const res = await logIn(agent, email);
    expect(res.headers.location).toBe('/support/incidents');
    const cookie = sessionCookie(res)!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    // The database keeps only a hash of the id the cookie carries.
    const id = /gengaku_session=([^;]+)/.exec(cookie)![1]!;
    const stored = t.store.sqlite
      .prepare('select id_hash from sessions')
      .all() as { id_hash: string }[];
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id_hash).not.toContain(id);
    await agent.get('/support/incidents').expect(200);
  });

  it('a wrong password opens nothing and says so in the page’s language', async () => {
    const { email } = await userWithPassword(t, 'support');
    const agent = browser(t);
    const res = await submit(agent, '/login', '/login', {
      email,
      password: 'not it',
    });
    expect(res.status).toBe(401);
    expect(res.text).toContain(
      'メールアドレスまたはパスワードが正しくありません',
    );
    expect(sessionCookie(res)).toBeUndefined();
    expect(
      t.store.sqlite.prepare('select count(*) as n from sessions').get(),
    ).toEqual({ n: 0 });
  });

  it('a session ends at its expiry: the next page asks to log in again, saying why', async () => {
    const { email } = await userWithPassword(t, 'support');
    const agent = browser(t);
    await logIn(agent, email);
    t.setNow(t.now() + DEFAULT_SESSION_TTL_MS - 1);
    await agent.get('/support/incidents').expect(200);
    t.setNow(t.now() + 1);
    const res = await agent.get('/support/incidents').expect(303);
    expect(res.headers.location).toBe(
      '/login?next=%2Fsupport%2Fincidents&ended=1',
    );
    const login = await agent.get(res.headers.location!);
    expect(login.text).toContain('セッションの有効期限が切れました');
  });

  it('logout revokes the session: its cookie, replayed, opens nothing', async () => {
    const { email } = await userWithPassword(t, 'support');
    const agent = browser(t);
    const cookie = sessionCookie(await logIn(agent, email))!.split(';')[0]!;
    const page = await agent.get('/support/incidents').expect(200);
    await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfOf(page.text) })
      .expect(303);
    const replay = await browser(t)
      .get('/support/incidents')
      .set('Cookie', cookie);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toMatch(/^\/login/);
  });

  it('behind a TLS proxy (TRUST_PROXY), cookies are Secure and bound to the origin (__Host-)', async () => {
    const secure = makeTestApp({ trustProxy: 'true' });
    try {
      const { email } = await userWithPassword(secure, 'support');
      const agent = browser(secure);
      const page = await agent.get('/login').set('X-Forwarded-Proto', 'https');
      const csrfCookie = (
        page.headers['set-cookie'] as unknown as string[]
      )[0]!;
      expect(csrfCookie).toMatch(/^__Host-gengaku_csrf=.*; Secure/);
      const res = await agent
        .post('/login')
        .set('X-Forwarded-Proto', 'https')
        .set('Cookie', csrfCookie.split(';')[0]!)
        .type('form')
        .send({ _csrf: csrfOf(page.text), email, password: PASSWORD });
      expect(res.status).toBe(303);
      const session = (res.headers['set-cookie'] as unknown as string[]).find(
        (c) => c.startsWith('__Host-gengaku_session='),
      );
      expect(session).toMatch(/; Secure/);
      expect(session).toMatch(/HttpOnly/);
    } finally {
      secure.close();
    }
  });

  it('after login, only a path of this site is followed (never another origin)', async () => {
    const { email } = await userWithPassword(t, 'support');
    const agent = browser(t);
    const page = await agent.get('/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        email,
        password: PASSWORD,
        next: '//evil.example/',
      });
    expect(res.headers.location).toBe('/support/incidents');
  });
});

describe('CSRF', () => {
  it('a form posted without its token is refused, and nothing is saved', async () => {
    const { email } = await userWithPassword(t, 'support');
    const agent = browser(t);
    await logIn(agent, email);
    const res = await agent
      .post('/support/incidents/new')
      .set('Accept', 'text/html')
      .type('form')
      .send({
        title: 'x',
        cause: 'provider',
        severity: 'total',
        regions: 'jp-east',
        awareAt: '2026-01-31T10:00',
        start: '2026-01-31T09:00',
        end: '',
        action: 'save',
      });
    expect(res.status).toBe(403);
    expect(res.text).toContain('フォームの有効期限が切れました');
    expect(incidentCount()).toBe(0);
  });

  it('a token from another session does not pass', async () => {
    const { email } = await userWithPassword(t, 'support');
    const victim = browser(t);
    await logIn(victim, email);
    // The attacker's own page gives a token, valid for the attacker's cookie only.
    const attackerPage = await browser(t).get('/login');
    const res = await victim
      .post('/support/incidents/new')
      .type('form')
      .send({ _csrf: csrfOf(attackerPage.text), title: 'x', action: 'save' });
    expect(res.status).toBe(403);
    expect(incidentCount()).toBe(0);
  });

  it('the login form is protected too (no login CSRF)', async () => {
    const { email } = await userWithPassword(t, 'support');
    const res = await browser(t)
      .post('/login')
      .type('form')
      .send({ email, password: PASSWORD });
    expect(res.status).toBe(403);
    expect(sessionCookie(res)).toBeUndefined();
  });
});

describe('who may open which page', () => {
  it('anyone signed out is sent to login, and back to the page after', async () => {
    const res = await browser(t)
      .get('/support/incidents?cause=provider')
      .expect(303);
    expect(res.headers.location).toBe(
      '/login?next=%2Fsupport%2Fincidents%3Fcause%3Dprovider',
    );
    const { email } = await userWithPassword(t, 'support');
    const agent = browser(t);
    const page = await agent.get(res.headers.location!);
    expect(page.text).toContain(
      'value="/support/incidents?cause&#x3D;provider"',
    );
    const login = await agent
      .post('/login')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        email,
        password: PASSWORD,
        next: '/support/incidents?cause=provider',
      });
    expect(login.headers.location).toBe('/support/incidents?cause=provider');
  });

  it('a customer cannot open support, finance or admin pages (403)', async () => {
    const { customerId } = await seedContract(t);
    const { email } = await userWithPassword(t, 'customer', customerId);
    const agent = browser(t);
    await logIn(agent, email);
    for (const path of [
      '/support/incidents',
      '/support/incidents/new',
      '/support/contracts',
      '/finance',
      '/finance/deadlines',
      '/admin/users',
    ]) {
      const res = await agent.get(path).set('Accept', 'text/html');
      expect(res.status, path).toBe(403);
      expect(res.text).toContain('このページは表示できません');
    }
  });

  it('support cannot open the customer portal or admin pages; finance cannot open support pages', async () => {
    const support = browser(t);
    await logIn(support, (await userWithPassword(t, 'support')).email);
    await support.get('/portal').expect(403);
    await support.get('/admin/users').expect(403);
    const finance = browser(t);
    await logIn(finance, (await userWithPassword(t, 'finance')).email);
    await finance.get('/support/incidents').expect(403);
    await finance.get('/finance').expect(200);
  });

  it('another customer’s contract is 404, as if it did not exist; one’s own opens', async () => {
    const mine = await seedContract(t, { contractNumber: 'MINE-1' });
    const theirs = await seedContract(t, { contractNumber: 'THEIRS-1' });
    const agent = browser(t);
    await logIn(
      agent,
      (await userWithPassword(t, 'customer', mine.customerId)).email,
    );
    const own = await agent
      .get(`/portal/contracts/${mine.contractId}`)
      .expect(200);
    expect(own.text).toContain('MINE-1');
    const other = await agent
      .get(`/portal/contracts/${theirs.contractId}`)
      .set('Accept', 'text/html');
    expect(other.status).toBe(404);
    expect(other.text).not.toContain('THEIRS-1');
    const unknown = await agent
      .get('/portal/contracts/no-such-id')
      .set('Accept', 'text/html');
    expect(unknown.status).toBe(404);
    expect(other.text).toContain('ページが見つかりません');
    expect(unknown.text).toContain('ページが見つかりません');
    // Claiming on it is refused the same way, and writes nothing.
    const claim = await agent
      .post(`/portal/contracts/${theirs.contractId}/claims`)
      .set('Accept', 'text/html')
      .type('form')
      .send({
        _csrf: csrfOf(own.text),
        outageStart: '2026-01-10T01:00:00.000Z',
      });
    expect(claim.status).toBe(404);
    expect(
      t.store.sqlite.prepare('select count(*) as n from claims').get(),
    ).toEqual({ n: 0 });
  });
});

describe('language', () => {
  it('Japanese by default; the switch to English sticks across pages and logins', async () => {
    const agent = browser(t);
    const first = await agent.get('/login');
    expect(htmlLang(first.text)).toBe('ja');
    expect(first.text).toContain('ログイン');
    const res = await agent
      .post('/lang')
      .type('form')
      .send({ _csrf: csrfOf(first.text), lang: 'en', next: '/login' })
      .expect(303);
    expect(res.headers.location).toBe('/login');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find(
      (c) => c.startsWith('gengaku_lang='),
    );
    expect(cookie).toMatch(/Max-Age=31536000/);
    const english = await agent.get('/login');
    expect(htmlLang(english.text)).toBe('en');
    expect(english.text).toContain('Log in');
    const { email } = await userWithPassword(t, 'support');
    await logIn(agent, email);
    const list = await agent.get('/support/incidents');
    expect(htmlLang(list.text)).toBe('en');
    expect(list.text).toContain('Log an incident');
  });

  it('an unknown language is ignored, and the switch never redirects off the site', async () => {
    const agent = browser(t);
    const page = await agent.get('/login');
    const res = await agent
      .post('/lang')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        lang: 'fr',
        next: 'https://evil.example/',
      })
      .expect(303);
    expect(res.headers.location).toBe('/');
    expect(htmlLang((await agent.get('/login')).text)).toBe('ja');
  });
});

describe('headers and unknown pages', () => {
  it('pages carry a strict CSP: scripts and styles from this origin only, nothing inline', async () => {
    const res = await browser(t).get('/login');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("script-src-attr 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).not.toMatch(
      /<script>|<script(?![^>]*\bsrc=)[^>]*>|\sstyle="|\son\w+="/,
    );
  });

  it('the API reference is served with its own CSP, its script from this origin', async () => {
    const res = await browser(t).get('/api/docs').expect(200);
    const nonce = /'nonce-([^']+)'/.exec(
      res.headers['content-security-policy'] as string,
    )![1];
    expect(res.text).toContain(`nonce="${nonce}"`);
    expect(res.text).toContain('src="/api/docs/assets/standalone.js"');
    expect(res.text).not.toMatch(/cdn\.|https:\/\//);
    await browser(t)
      .get('/api/docs/assets/standalone.js')
      .expect(200)
      .expect('content-type', /javascript/);
  });

  it('a browser gets a page for an unknown path; an API client keeps problem+json', async () => {
    const page = await browser(t)
      .get('/no/such/page')
      .set('Accept', 'text/html');
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const api = await browser(t).get('/no/such/page');
    expect(api.status).toBe(404);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});

describe('links', () => {
  it('no page links its reader to a page that would refuse them', async () => {
    const { contractId, customerId } = await seedContract(t, {
      contractNumber: 'EAST-1',
    });
    await t
      .as('support')
      .post('/incidents', {
        title: 'down a day and more',
        cause: 'provider',
        severity: 'total',
        scope: { contractIds: [contractId] },
        awareAt: '2026-01-10T10:00:00+09:00',
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-11T12:00:00+09:00',
          },
        ],
      })
      .expect(201);
    for (const role of ['support', 'customer', 'finance', 'admin'] as const) {
      const agent = browser(t);
      await logIn(
        agent,
        (
          await userWithPassword(
            t,
            role,
            role === 'customer' ? customerId : undefined,
          )
        ).email,
      );
      const seen = new Set<string>();
      let frontier = ['/'];
      for (let depth = 0; depth < 3 && frontier.length > 0; depth++) {
        const next: string[] = [];
        for (const path of frontier) {
          if (seen.has(path)) continue;
          seen.add(path);
          const res = await agent
            .get(path)
            .set('Accept', 'text/html')
            .redirects(1);
          expect(res.status, `${role}: ${path}`).toBe(200);
          for (const [, href] of res.text.matchAll(
            /<a [^>]*href="(\/[^"#]*)"/g,
          ))
            if (!href!.startsWith('/api/') && !href!.startsWith('/assets/'))
              next.push(href!.replace(/&amp;/g, '&').replace(/&#x3D;/g, '='));
        }
        frontier = next;
      }
      expect(seen.size, role).toBeGreaterThan(3);
    }
  });
});

describe('the language switch on the answer to a form', () => {
  it('returns to the page the form was on, not to the URL that only takes posts', async () => {
    const { contractId } = await seedContract(t, { contractNumber: 'EAST-1' });
    const incident = await t
      .as('support')
      .post('/incidents', {
        title: 'down',
        cause: 'provider',
        severity: 'total',
        scope: { contractIds: [contractId] },
        awareAt: '2026-01-10T10:00:00+09:00',
        intervals: [{ start: '2026-01-10T10:00:00+09:00' }],
      })
      .expect(201);
    const agent = browser(t);
    await logIn(agent, (await userWithPassword(t, 'support')).email);
    const page = await agent.get(`/support/incidents/${incident.body.id}`);
    const refused = await agent
      .post(`/support/incidents/${incident.body.id}/end`)
      .set('Host', 'gengaku.test')
      .set(
        'Referer',
        `http://gengaku.test/support/incidents/${incident.body.id}`,
      )
      .type('form')
      .send({ _csrf: csrfOf(page.text), endReason: '' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain(
      `name="next" value="/support/incidents/${incident.body.id}"`,
    );
    const elsewhere = await agent
      .post(`/support/incidents/${incident.body.id}/end`)
      .set('Referer', 'https://evil.example/support/incidents')
      .type('form')
      .send({ _csrf: csrfOf(page.text), endReason: '' });
    expect(elsewhere.text).toContain('name="next" value="/"');
  });
});
