/** The pages' forms call the same use cases as the API: what they save, refuse and show. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, seedContract, type TestApp } from '../support/app';
import { browser, csrfOf, logIn, userWithPassword } from './support';

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

async function supportAgent() {
  const agent = browser(t);
  await logIn(agent, (await userWithPassword(t, 'support')).email);
  return agent;
}

/** The new-incident form's fields, as a browser posts them (Japan time, datetime-local). */
const jpEastOutage = {
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

describe('logging an incident', () => {
  it('previews the affected contracts and their new outages without saving anything', async () => {
    await seedContract(t, { contractNumber: 'EAST-1', region: 'jp-east' });
    await seedContract(t, { contractNumber: 'WEST-1', region: 'jp-west' });
    const agent = await supportAgent();
    const form = await agent.get('/support/incidents/new');
    const res = await agent
      .post('/support/incidents/new')
      .type('form')
      .send({ _csrf: csrfOf(form.text), ...jpEastOutage, action: 'preview' })
      .expect(200);
    expect(res.text).toContain('id="preview"');
    expect(res.text).toContain('EAST-1');
    expect(res.text).not.toContain('WEST-1');
    // 10:30 to next day 12:00 JST: 25 h 30 min from awareness, one credit day of ¥100,000 / 30.
    expect(res.text).toContain('25時間30分');
    expect(res.text).toContain('￥3,333');
    expect(res.text).toContain('新規');
    expect(count('incidents')).toBe(0);
  });

  it('saves only what was previewed: a form changed after its preview is previewed again', async () => {
    await seedContract(t, { contractNumber: 'EAST-1', region: 'jp-east' });
    const agent = await supportAgent();
    const form = await agent.get('/support/incidents/new');
    const csrf = csrfOf(form.text);
    const preview = await agent
      .post('/support/incidents/new')
      .type('form')
      .send({ _csrf: csrf, ...jpEastOutage, action: 'preview' });
    const previewed = /name="previewed" value="([0-9a-f]+)"/.exec(
      preview.text,
    )![1]!;

    const changed = await agent
      .post('/support/incidents/new')
      .type('form')
      .send({
        _csrf: csrf,
        ...jpEastOutage,
        end: '2026-01-31T18:00',
        previewed,
        action: 'save',
      });
    expect(changed.status).toBe(200);
    expect(changed.text).toContain('id="preview"');
    expect(count('incidents')).toBe(0);

    const saved = await agent
      .post('/support/incidents/new')
      .type('form')
      .send({ _csrf: csrf, ...jpEastOutage, previewed, action: 'save' })
      .expect(303);
    expect(saved.headers.location).toMatch(
      /^\/support\/incidents\/[0-9a-f-]+\?notice=incidentCreated$/,
    );
    expect(count('incidents')).toBe(1);
    const stored = t.store.sqlite
      .prepare('select aware_at from incidents')
      .get() as { aware_at: number };
    // The form's times are Japan time.
    expect(new Date(stored.aware_at).toISOString()).toBe(
      '2026-01-30T01:30:00.000Z',
    );
    const page = await agent.get(saved.headers.location!).expect(200);
    expect(page.text).toContain('障害を登録しました。');
    expect(page.text).toContain('<svg class="timeline"');
  });

  it('names each refused field beside it, in Japanese, and keeps what was typed', async () => {
    const agent = await supportAgent();
    const form = await agent.get('/support/incidents/new');
    const res = await agent
      .post('/support/incidents/new')
      .type('form')
      .send({
        _csrf: csrfOf(form.text),
        ...jpEastOutage,
        title: '',
        regions: [],
        contracts: 'NO-SUCH-1',
        start: '2026-01-30T10:00',
        end: '2026-01-30T09:00',
        action: 'preview',
      });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="title-error">入力してください。/);
    expect(res.text).toMatch(/id="contracts-error">unknown contract NO-SUCH-1/);
    expect(res.text).toMatch(
      /id="end-0-error">開始より後の日時を入力してください。/,
    );
    expect(res.text).toContain('value="NO-SUCH-1"');
    expect(count('incidents')).toBe(0);
  });
});

describe('correcting and ending an incident', () => {
  async function ongoingIncident() {
    const { contractId } = await seedContract(t, { contractNumber: 'EAST-1' });
    const created = await t
      .as('support')
      .post('/incidents', {
        title: 'still down',
        cause: 'provider',
        severity: 'total',
        scope: { contractIds: [contractId] },
        awareAt: '2026-01-30T10:00:00+09:00',
        intervals: [{ start: '2026-01-30T10:00:00+09:00' }],
      })
      .expect(201);
    return created.body.id as string;
  }

  it('a correction needs a reason; with one, it is saved after its preview, against the version read', async () => {
    const id = await ongoingIncident();
    const agent = await supportAgent();
    const page = await agent.get(`/support/incidents/${id}`).expect(200);
    const csrf = csrfOf(page.text);
    const fields = {
      ...jpEastOutage,
      title: 'still down',
      regions: [],
      contracts: 'EAST-1',
      start: '2026-01-30T10:00',
      end: '2026-01-31T11:00',
      version: '1',
    };
    const noReason = await agent
      .post(`/support/incidents/${id}/correct`)
      .type('form')
      .send({ _csrf: csrf, ...fields, action: 'save' });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toMatch(/id="reason-error">入力してください。/);

    const preview = await agent
      .post(`/support/incidents/${id}/correct`)
      .type('form')
      .send({
        _csrf: csrf,
        ...fields,
        reason: 'restored at 11:00',
        action: 'preview',
      });
    expect(preview.text).toContain('id="preview"');
    const previewed = /name="previewed" value="([0-9a-f]+)"/.exec(
      preview.text,
    )![1]!;
    const stale = await agent
      .post(`/support/incidents/${id}/correct`)
      .type('form')
      .send({
        _csrf: csrf,
        ...fields,
        version: '0',
        reason: 'restored at 11:00',
        previewed,
        action: 'save',
      });
    expect(stale.status).toBe(412);
    const saved = await agent
      .post(`/support/incidents/${id}/correct`)
      .type('form')
      .send({
        _csrf: csrf,
        ...fields,
        reason: 'restored at 11:00',
        previewed,
        action: 'save',
      });
    expect(saved.status).toBe(303);
    const incident = await t.as('support').get(`/incidents/${id}`).expect(200);
    expect(incident.body.intervals).toEqual([
      { start: '2026-01-30T01:00:00.000Z', end: '2026-01-31T02:00:00.000Z' },
    ]);
    const audit = t.store.sqlite
      .prepare(
        "select reason from audit_log where action = 'incident.corrected'",
      )
      .all();
    expect(audit).toEqual([{ reason: 'restored at 11:00' }]);
  });

  it('ends an ongoing incident in one step, now, with the reason audited', async () => {
    const id = await ongoingIncident();
    const agent = await supportAgent();
    const page = await agent.get(`/support/incidents/${id}`).expect(200);
    expect(page.text).toContain('いま終了する');
    const res = await agent
      .post(`/support/incidents/${id}/end`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        version: '1',
        endReason: 'service restored',
      })
      .expect(303);
    expect(res.headers.location).toBe(
      `/support/incidents/${id}?notice=incidentEnded`,
    );
    const incident = await t.as('support').get(`/incidents/${id}`).expect(200);
    expect(incident.body.ongoing).toBe(false);
    expect(incident.body.intervals[0].end).toBe(
      new Date(t.now()).toISOString(),
    );
    expect(
      t.store.sqlite
        .prepare(
          "select reason from audit_log where action = 'incident.corrected'",
        )
        .all(),
    ).toEqual([{ reason: 'service restored' }]);
  });
});

describe('claims from the pages', () => {
  async function qualifyingOutage() {
    const seeded = await seedContract(t, { contractNumber: 'EAST-1' });
    await t
      .as('support')
      .post('/incidents', {
        title: 'down a day and more',
        cause: 'provider',
        severity: 'total',
        scope: { contractIds: [seeded.contractId] },
        awareAt: '2026-01-10T10:00:00+09:00',
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-11T12:00:00+09:00',
          },
        ],
      })
      .expect(201);
    return seeded;
  }

  it('a customer claims with one button; a double submit files one claim', async () => {
    const { contractId, customerId } = await qualifyingOutage();
    const agent = browser(t);
    await logIn(
      agent,
      (await userWithPassword(t, 'customer', customerId)).email,
    );
    const page = await agent.get(`/portal/contracts/${contractId}`).expect(200);
    expect(page.text).toContain('減額を請求する');
    // Deadline 2026-04-11 (claimable 2026-01-11), 69 days after 2026-02-01.
    expect(page.text).toContain('あと69日');
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(page.text)![1]!;
    const body = {
      _csrf: csrfOf(page.text),
      outageStart: '2026-01-10T01:00:00.000Z',
      idempotencyKey: key,
    };
    await agent
      .post(`/portal/contracts/${contractId}/claims`)
      .type('form')
      .send(body)
      .expect(303);
    await agent
      .post(`/portal/contracts/${contractId}/claims`)
      .type('form')
      .send(body)
      .expect(303);
    expect(count('claims')).toBe(1);
    const after = await agent.get(`/portal/contracts/${contractId}`);
    expect(after.text).toContain('請求済み');
    expect(after.text).toContain('承認待ち');
  });

  it('a claim after the deadline is refused on the page with the reason, and nothing is filed', async () => {
    const { contractId, customerId } = await qualifyingOutage();
    t.setNow('2026-04-12T00:00:00+09:00');
    const agent = browser(t);
    await logIn(
      agent,
      (await userWithPassword(t, 'customer', customerId)).email,
    );
    const page = await agent.get(`/portal/contracts/${contractId}`).expect(200);
    expect(page.text).not.toContain('減額を請求する');
    expect(page.text).toContain('請求期限切れ');
    const res = await agent
      .post(`/portal/contracts/${contractId}/claims`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        outageStart: '2026-01-10T01:00:00.000Z',
      });
    expect(res.status).toBe(422);
    expect(res.text).toContain('請求期限を過ぎています');
    expect(count('claims')).toBe(0);
  });

  it('the portal warns, on a banner, of a deadline closing within 14 days', async () => {
    const { customerId } = await qualifyingOutage();
    const agent = browser(t);
    await logIn(
      agent,
      (await userWithPassword(t, 'customer', customerId)).email,
    );
    expect((await agent.get('/portal')).text).not.toContain('class="banner"');
    t.setNow('2026-03-28T09:00:00+09:00');
    await logIn(
      agent,
      (await userWithPassword(t, 'customer', customerId)).email,
    );
    const soon = await agent.get('/portal');
    expect(soon.text).toContain('class="banner"');
    expect(soon.text).toContain(
      '請求期限が14日以内に迫っている障害が1件あります',
    );
    expect(soon.text).toContain('あと14日');
  });

  it('support records a claim that arrived by mail, judged by when it arrived', async () => {
    const { contractId } = await qualifyingOutage();
    t.setNow('2026-04-15T12:00:00+09:00');
    const agent = await supportAgent();
    const page = await agent
      .get(`/support/contracts/${contractId}`)
      .expect(200);
    // Past the deadline as of today, so there is no form to record it...
    expect(page.text).not.toContain('name="receivedAt"');
    // ...but a letter that arrived in time is still recorded through the same use case.
    const res = await agent
      .post(`/support/contracts/${contractId}/claims`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        outageStart: '2026-01-10T01:00:00.000Z',
        receivedAt: '2026-04-11T17:00',
        note: 'letter',
      });
    expect(res.status).toBe(303);
    const claim = t.store.sqlite
      .prepare('select received_at, note from claims')
      .get() as { received_at: number; note: string };
    expect(new Date(claim.received_at).toISOString()).toBe(
      '2026-04-11T08:00:00.000Z',
    );
    expect(claim.note).toBe('letter');
    const late = await agent
      .post(`/support/contracts/${contractId}/claims`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        outageStart: '2026-01-10T01:00:00.000Z',
        receivedAt: '2026-04-12T09:00',
      });
    expect(late.status).toBe(409);
    expect(count('claims')).toBe(1);
  });
});

describe('admin', () => {
  it('creates a customer user whose API token is shown once, and who can then log in', async () => {
    const { customerId } = await seedContract(t);
    const agent = browser(t);
    await logIn(agent, (await userWithPassword(t, 'admin')).email);
    const page = await agent.get('/admin/users').expect(200);
    const res = await agent
      .post('/admin/users')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        name: 'Desk',
        email: 'desk@example.jp',
        role: 'customer',
        customerId,
        password: 'twelve chars long',
      })
      .expect(201);
    const token = /<code class="secret">([^<]+)<\/code>/.exec(res.text)![1]!;
    await t.as({ token }).get('/contracts').expect(200);
    expect((await agent.get('/admin/users')).text).not.toContain(token);
  });

  it('refuses a contract outside Art. 3, naming the field, and saves nothing', async () => {
    const { customerId } = await seedContract(t, { contractNumber: 'FIRST' });
    const agent = browser(t);
    await logIn(agent, (await userWithPassword(t, 'admin')).email);
    const page = await agent.get('/admin/contracts/new').expect(200);
    const res = await agent
      .post('/admin/contracts/new')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        customerId,
        contractNumber: 'SECOND',
        licenses: '150',
        concurrentDevices: '2000',
        servers: '2',
        region: 'jp-east',
        redundancy: 'yes',
        billingStartDate: '2026-01-01',
        monthlyFee: '100,000',
      });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="licenses-error">must be a multiple of 100/);
    expect(count('contracts')).toBe(1);
  });
});
