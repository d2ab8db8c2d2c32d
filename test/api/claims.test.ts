/**
 * Claims over HTTP (SPEC.md rules 9–11, API.md): the claim window to the millisecond, who may claim
 * what, idempotent retries, ongoing outages, and claims following corrections.
 *
 * The reference outage is API.md's: 10:00 JST 10 Jan 2026 to 15:00 JST 12 Jan, known at 10:30 JST →
 * 52.5 h, 2 days, ¥6,666 on ¥100,000. It ended on 2026-01-12 (JST), so by Civil Code Arts. 140/143 the
 * window is 3 months counted from 2026-01-13: the deadline is 2026-04-12, and a claim is timely until
 * 00:00 JST on 2026-04-13 = 2026-04-12T15:00:00.000Z (exclusive).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, seedContract, type TestApp } from '../support/app';

let t: TestApp;
afterEach(() => t?.close());

const HOUR = 3_600_000;
const OUTAGE_START = '2026-01-10T01:00:00.000Z';
const LAST_TIMELY = '2026-04-12T14:59:59.999Z';
const FIRST_LATE = '2026-04-12T15:00:00.000Z';

function incident(contractId: string, overrides: Record<string, unknown> = {}) {
  return {
    title: 'Gateway down',
    cause: 'provider',
    severity: 'total',
    scope: { contractIds: [contractId] },
    awareAt: '2026-01-10T10:30:00+09:00',
    intervals: [
      { start: '2026-01-10T10:00:00+09:00', end: '2026-01-12T15:00:00+09:00' },
    ],
    ...overrides,
  };
}

async function log(body: object): Promise<string> {
  return (await t.as('support').post('/incidents', body).expect(201)).body.id;
}

/** A contract of its own customer with API.md's outage on it. */
async function contractWithOutage(overrides: Record<string, unknown> = {}) {
  const seeded = await seedContract(t);
  const incidentId = await log(incident(seeded.contractId, overrides));
  return { ...seeded, incidentId };
}

describe('the claim window (rules 9 and 10)', () => {
  it('accepts support’s receivedAt in the last millisecond and refuses the first millisecond after, naming the deadline', async () => {
    t = makeTestApp({ now: '2026-05-01T00:00:00+09:00' });
    const { contractId } = await contractWithOutage();
    const outage = (
      await t.as('support').get(`/contracts/${contractId}/outages`).expect(200)
    ).body.outages[0];
    expect(outage).toMatchObject({
      start: OUTAGE_START,
      claimableFrom: '2026-01-12',
      claimDeadline: '2026-04-12',
      claimStatus: 'expired',
    });

    for (const late of [
      FIRST_LATE,
      '2026-04-13T00:00:00+09:00',
      '2026-04-30T12:00:00+09:00',
    ]) {
      const refused = await t
        .as('support')
        .post('/claims', {
          contractId,
          outageStart: OUTAGE_START,
          receivedAt: late,
        })
        .expect(422);
      expect(refused.headers['content-type']).toMatch(
        /application\/problem\+json/,
      );
      expect(refused.body.code).toBe('claim-window-closed');
      expect(refused.body.detail).toContain('2026-04-12');
    }
    // Nothing was recorded by the refusals.
    expect((await t.as('support').get('/claims').expect(200)).body).toEqual([]);

    const accepted = await t
      .as('support')
      .post('/claims', {
        contractId,
        outageStart: OUTAGE_START,
        receivedAt: '2026-04-12T23:59:59.999+09:00',
        note: 'by post',
      })
      .expect(201);
    expect(accepted.body).toMatchObject({
      contractId,
      outageStart: OUTAGE_START,
      receivedAt: LAST_TIMELY,
      status: 'pending-approval',
      note: 'by post',
      creditNoticeId: expect.any(String), // its credit notice, prepared at once
    });
    expect(accepted.body.outage).toMatchObject({
      start: OUTAGE_START,
      creditDays: 2,
      creditAmount: 6666,
      claimDeadline: '2026-04-12',
      claimStatus: 'claimed',
    });
  });

  it('judges a customer’s claim by the server clock, to the millisecond', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const onTime = await contractWithOutage();
    const tooLate = await contractWithOutage();

    t.setNow('2026-04-12T23:59:59.999+09:00');
    const accepted = await t
      .as({ token: t.customerToken(onTime.customerId) })
      .post('/claims', {
        contractId: onTime.contractId,
        outageStart: OUTAGE_START,
      })
      .expect(201);
    expect(accepted.body).toMatchObject({
      receivedAt: LAST_TIMELY,
      status: 'pending-approval',
      customerId: onTime.customerId,
    });

    t.setNow('2026-04-13T00:00:00.000+09:00');
    const lateCustomer = { token: t.customerToken(tooLate.customerId) };
    const refused = await t
      .as(lateCustomer)
      .post('/claims', {
        contractId: tooLate.contractId,
        outageStart: OUTAGE_START,
      })
      .expect(422);
    expect(refused.body.code).toBe('claim-window-closed');
    expect(refused.body.detail).toContain('2026-04-12');
    expect((await t.as(lateCustomer).get('/claims').expect(200)).body).toEqual(
      [],
    );
  });

  it('keeps receivedAt for support and admin: a customer may not send it, and it may not lie in the future', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { customerId, contractId } = await contractWithOutage();
    const customer = { token: t.customerToken(customerId) };
    const forbidden = await t
      .as(customer)
      .post('/claims', {
        contractId,
        outageStart: OUTAGE_START,
        receivedAt: '2026-01-20T10:00:00+09:00',
      })
      .expect(403);
    expect(forbidden.body.code).toBe('forbidden');

    const future = await t
      .as('support')
      .post('/claims', {
        contractId,
        outageStart: OUTAGE_START,
        receivedAt: '2026-02-01T00:00:00.001+09:00',
      })
      .expect(422);
    expect(future.body.code).toBe('validation-failed');
    expect(future.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'receivedAt',
    ]);
    const noOffset = await t
      .as('support')
      .post('/claims', {
        contractId,
        outageStart: OUTAGE_START,
        receivedAt: '2026-01-20T10:00:00',
      })
      .expect(422);
    expect(noOffset.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'receivedAt',
    ]);
    expect((await t.as('support').get('/claims').expect(200)).body).toEqual([]);

    // exactly now is not the future; admin may record a mailed claim too
    const byAdmin = await t
      .as('admin')
      .post('/claims', {
        contractId,
        outageStart: OUTAGE_START,
        receivedAt: '2026-02-01T00:00:00+09:00',
      })
      .expect(201);
    expect(byAdmin.body.receivedAt).toBe('2026-01-31T15:00:00.000Z');
  });

  it('refuses a claim received before the outage reached 24 h', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await contractWithOutage();
    // Clock start 01:30Z on the 10th → 24 h reached at 01:30Z on the 11th.
    const early = await t
      .as('support')
      .post('/claims', {
        contractId,
        outageStart: OUTAGE_START,
        receivedAt: '2026-01-11T01:29:59.999Z',
      })
      .expect(422);
    expect(early.body.code).toBe('outage-not-qualifying');
    await t
      .as('support')
      .post('/claims', {
        contractId,
        outageStart: OUTAGE_START,
        receivedAt: '2026-01-11T01:30:00.000Z',
      })
      .expect(201);
  });
});

describe('one claim per outage, and idempotent retries', () => {
  it('answers a second claim for the same outage with 409 already-claimed', async () => {
    t = makeTestApp();
    const { customerId, contractId } = await contractWithOutage();
    const first = await t
      .as('support')
      .post('/claims', { contractId, outageStart: OUTAGE_START })
      .expect(201);
    const again = await t
      .as('support')
      .post('/claims', { contractId, outageStart: OUTAGE_START })
      .expect(409);
    expect(again.body.code).toBe('already-claimed');
    const byCustomer = await t
      .as({ token: t.customerToken(customerId) })
      .post('/claims', { contractId, outageStart: OUTAGE_START })
      .expect(409);
    expect(byCustomer.body.code).toBe('already-claimed');
    const all = await t.as('support').get('/claims').expect(200);
    expect(all.body.map((claim: { id: string }) => claim.id)).toEqual([
      first.body.id,
    ]);
  });

  it('returns the same claim for a retry with the same Idempotency-Key, and 409 for the key with another body', async () => {
    t = makeTestApp();
    const a = await contractWithOutage();
    const b = await contractWithOutage();
    const body = {
      contractId: a.contractId,
      outageStart: OUTAGE_START,
      note: 'phoned in',
    };
    const first = await t
      .as('support')
      .post('/claims', body)
      .set('Idempotency-Key', 'call-1234')
      .expect(201);
    const retry = await t
      .as('support')
      .post('/claims', body)
      .set('Idempotency-Key', 'call-1234')
      .expect(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.body).toEqual(first.body);
    expect(
      (await t.as('support').get('/claims').expect(200)).body,
    ).toHaveLength(1);

    const otherContract = await t
      .as('support')
      .post('/claims', { ...body, contractId: b.contractId })
      .set('Idempotency-Key', 'call-1234')
      .expect(409);
    expect(otherContract.body.code).toBe('conflict');
    const otherNote = await t
      .as('support')
      .post('/claims', { ...body, note: 'something else' })
      .set('Idempotency-Key', 'call-1234')
      .expect(409);
    expect(otherNote.body.code).toBe('conflict');
    const otherReceivedAt = await t
      .as('support')
      .post('/claims', { ...body, receivedAt: '2026-01-20T10:00:00+09:00' })
      .set('Idempotency-Key', 'call-1234')
      .expect(409);
    expect(otherReceivedAt.body.code).toBe('conflict');
    // Still one claim; b was not claimed by the conflicting request.
    expect(
      (await t.as('support').get('/claims').expect(200)).body,
    ).toHaveLength(1);
    const bOutages = (
      await t
        .as('support')
        .get(`/contracts/${b.contractId}/outages`)
        .expect(200)
    ).body.outages;
    expect(bOutages[0].claimStatus).toBe('claimable');

    // Without the key, a repeat is the duplicate it is.
    expect(
      (await t.as('support').post('/claims', body).expect(409)).body.code,
    ).toBe('already-claimed');
  });

  it('replays a customer’s retry too, even after the server clock moved on', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { customerId, contractId } = await contractWithOutage();
    const customer = { token: t.customerToken(customerId) };
    const first = await t
      .as(customer)
      .post('/claims', { contractId, outageStart: OUTAGE_START })
      .set('Idempotency-Key', 'retry-me')
      .expect(201);
    t.setNow('2026-02-01T00:05:00+09:00');
    const retry = await t
      .as(customer)
      .post('/claims', { contractId, outageStart: OUTAGE_START })
      .set('Idempotency-Key', 'retry-me')
      .expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.body.receivedAt).toBe('2026-01-31T15:00:00.000Z');
    expect((await t.as(customer).get('/claims').expect(200)).body).toHaveLength(
      1,
    );
  });
});

describe('which outages can be claimed (rule 10)', () => {
  it('refuses a non-qualifying outage with the reason, and 404 for an outageStart that matches none', async () => {
    t = makeTestApp();
    // 10:00 to 20:00 JST, known 10:30: 9 h 30 min.
    const short = await contractWithOutage({
      intervals: [
        {
          start: '2026-01-10T10:00:00+09:00',
          end: '2026-01-10T20:00:00+09:00',
        },
      ],
    });
    const refused = await t
      .as('support')
      .post('/claims', {
        contractId: short.contractId,
        outageStart: OUTAGE_START,
      })
      .expect(422);
    expect(refused.body.code).toBe('outage-not-qualifying');
    expect(refused.body.detail).toMatch(/9 h 30/);
    expect(refused.body.detail).toMatch(/24 h/);

    // Three days down, but the provider learnt of it only after it ended: no known instant, nothing counts.
    const unknown = await contractWithOutage({
      awareAt: '2026-01-14T09:00:00+09:00',
      intervals: [
        {
          start: '2026-01-10T10:00:00+09:00',
          end: '2026-01-13T10:00:00+09:00',
        },
      ],
    });
    const unknownOutage = (
      await t
        .as('support')
        .get(`/contracts/${unknown.contractId}/outages`)
        .expect(200)
    ).body.outages[0];
    expect(unknownOutage).toMatchObject({
      start: OUTAGE_START,
      clockStart: null,
      unavailableMs: 0,
      qualifies: false,
    });
    const refusedUnknown = await t
      .as('support')
      .post('/claims', {
        contractId: unknown.contractId,
        outageStart: OUTAGE_START,
      })
      .expect(422);
    expect(refusedUnknown.body.code).toBe('outage-not-qualifying');
    expect(refusedUnknown.body.detail).toMatch(/knew|known|aware/i);

    const good = await contractWithOutage();
    const missing = await t
      .as('support')
      .post('/claims', {
        contractId: good.contractId,
        outageStart: '2026-01-20T01:00:00.000Z',
      })
      .expect(404);
    expect(missing.body.code).toBe('not-found');
    await t
      .as('support')
      .post('/claims', {
        contractId: 'no-such-contract',
        outageStart: OUTAGE_START,
      })
      .expect(404);
    expect((await t.as('support').get('/claims').expect(200)).body).toEqual([]);
  });

  it('accepts an ended outage as pending-approval with its figures', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { customerId, contractId } = await contractWithOutage();
    const customer = { token: t.customerToken(customerId) };
    // The outage start may be sent in any offset.
    const created = await t
      .as(customer)
      .post('/claims', { contractId, outageStart: '2026-01-10T10:00:00+09:00' })
      .expect(201);
    expect(created.body).toMatchObject({
      contractId,
      customerId,
      outageStart: OUTAGE_START,
      receivedAt: '2026-01-31T15:00:00.000Z',
      status: 'pending-approval',
      creditNoticeId: expect.any(String),
    });
    expect(created.body.outage).toMatchObject({
      start: OUTAGE_START,
      end: '2026-01-12T06:00:00.000Z',
      clockStart: '2026-01-10T01:30:00.000Z',
      unavailableMs: 52.5 * HOUR,
      creditDays: 2,
      monthlyFeeBase: 100000,
      creditAmount: 6666,
      claimableFrom: '2026-01-12',
      claimDeadline: '2026-04-12',
    });
    const read = await t
      .as(customer)
      .get(`/claims/${created.body.id}`)
      .expect(200);
    expect(read.body).toEqual(created.body);
  });

  it('accepts an ongoing outage that already qualifies as awaiting-resolution, final once the incident is given its end', async () => {
    t = makeTestApp({ now: '2026-01-11T00:00:00+09:00' });
    const { customerId, contractId } = await seedContract(t);
    const incidentId = await log(
      incident(contractId, {
        intervals: [{ start: '2026-01-10T10:00:00+09:00' }],
      }),
    );
    const customer = { token: t.customerToken(customerId) };

    // 00:00 JST 11 Jan: known for 13.5 h only.
    const tooSoon = await t
      .as(customer)
      .post('/claims', { contractId, outageStart: OUTAGE_START })
      .expect(422);
    expect(tooSoon.body.code).toBe('outage-not-qualifying');

    // 12:00 JST 12 Jan = 03:00Z: 49.5 h known, still down.
    t.setNow('2026-01-12T12:00:00+09:00');
    const claim = await t
      .as(customer)
      .post('/claims', { contractId, outageStart: OUTAGE_START })
      .expect(201);
    expect(claim.body.status).toBe('awaiting-resolution');
    expect(claim.body.outage).toMatchObject({
      start: OUTAGE_START,
      end: null,
      ongoing: true,
      unavailableMs: 49.5 * HOUR,
      qualifies: true,
      claimableFrom: null,
      claimDeadline: null,
    });

    // Service back at 15:00 JST 12 Jan; support records the end the next day.
    t.setNow('2026-01-13T09:00:00+09:00');
    await t
      .as('support')
      .patch(`/incidents/${incidentId}`, {
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-12T15:00:00+09:00',
          },
        ],
        reason: 'service restored',
      })
      .expect(200);
    const final = await t
      .as(customer)
      .get(`/claims/${claim.body.id}`)
      .expect(200);
    expect(final.body.status).toBe('pending-approval');
    expect(final.body.outage).toMatchObject({
      start: OUTAGE_START,
      end: '2026-01-12T06:00:00.000Z',
      ongoing: false,
      clockStart: '2026-01-10T01:30:00.000Z',
      unavailableMs: 52.5 * HOUR,
      creditDays: 2,
      creditAmount: 6666,
      thresholdAt: '2026-01-11T01:30:00.000Z',
      claimableFrom: '2026-01-12',
      claimDeadline: '2026-04-12',
      claimStatus: 'claimed',
    });
  });
});

describe('who sees and files which claims', () => {
  it('shows a customer only its own claims and lets it claim only for its own contracts', async () => {
    t = makeTestApp();
    const mine = await contractWithOutage();
    const theirs = await contractWithOutage();
    const me = { token: t.customerToken(mine.customerId) };
    const them = { token: t.customerToken(theirs.customerId) };
    const myClaim = await t
      .as(me)
      .post('/claims', {
        contractId: mine.contractId,
        outageStart: OUTAGE_START,
      })
      .expect(201);
    const theirClaim = await t
      .as('support')
      .post('/claims', {
        contractId: theirs.contractId,
        outageStart: OUTAGE_START,
      })
      .expect(201);

    const myList = await t.as(me).get('/claims').expect(200);
    expect(myList.body.map((claim: { id: string }) => claim.id)).toEqual([
      myClaim.body.id,
    ]);
    expect(
      (
        await t
          .as(me)
          .get(`/claims?contractId=${theirs.contractId}`)
          .expect(200)
      ).body,
    ).toEqual([]);
    const hidden = await t
      .as(me)
      .get(`/claims/${theirClaim.body.id}`)
      .expect(404);
    expect(hidden.body.code).toBe('not-found');
    await t.as(them).get(`/claims/${myClaim.body.id}`).expect(404);
    await t.as(them).get(`/claims/${theirClaim.body.id}`).expect(200);

    const other = await contractWithOutage();
    const notMine = await t
      .as(me)
      .post('/claims', {
        contractId: other.contractId,
        outageStart: OUTAGE_START,
      })
      .expect(404);
    expect(notMine.body.code).toBe('not-found');
    expect(
      (
        await t
          .as('support')
          .get(`/contracts/${other.contractId}/outages`)
          .expect(200)
      ).body.outages[0].claimStatus,
    ).toBe('claimable');

    for (const role of ['support', 'admin', 'finance'] as const) {
      const all = await t.as(role).get('/claims').expect(200);
      expect(all.body.map((claim: { id: string }) => claim.id).sort()).toEqual(
        [myClaim.body.id, theirClaim.body.id].sort(),
      );
    }
  });

  it('does not let finance create claims', async () => {
    t = makeTestApp();
    const { contractId } = await contractWithOutage();
    const response = await t
      .as('finance')
      .post('/claims', { contractId, outageStart: OUTAGE_START })
      .expect(403);
    expect(response.body.code).toBe('forbidden');
    expect((await t.as('finance').get('/claims').expect(200)).body).toEqual([]);
  });

  it('answers malformed claims with 422 naming the field', async () => {
    t = makeTestApp();
    const { contractId } = await contractWithOutage();
    const paths = async (body: object) =>
      (await t.as('support').post('/claims', body).expect(422)).body.errors.map(
        (e: { path: string }) => e.path,
      );
    expect(await paths({ contractId })).toEqual(['outageStart']);
    expect(
      await paths({ contractId, outageStart: '2026-01-10T10:00:00' }),
    ).toEqual(['outageStart']);
    expect(await paths({ outageStart: OUTAGE_START })).toEqual(['contractId']);
    expect(
      await paths({
        contractId,
        outageStart: OUTAGE_START,
        status: 'approved',
      }),
    ).toEqual(['status']);
    const emptyKey = await t
      .as('support')
      .post('/claims', { contractId, outageStart: OUTAGE_START })
      .set('Idempotency-Key', '');
    expect(emptyKey.status).toBeLessThan(500);
  });
});

describe('claims follow corrections (rule 11)', () => {
  it('updates an unapproved claim’s outage when the incident is corrected', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId, incidentId } = await contractWithOutage();
    const claim = await t
      .as('support')
      .post('/claims', { contractId, outageStart: OUTAGE_START })
      .expect(201);
    expect(claim.body.outage).toMatchObject({
      creditDays: 2,
      creditAmount: 6666,
    });

    // Down a day longer: to 15:00 JST 13 Jan → 76.5 h → 3 days → ¥10,000; window to 2026-04-13.
    await t
      .as('support')
      .patch(`/incidents/${incidentId}`, {
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-13T15:00:00+09:00',
          },
        ],
        reason: 'later recovery',
      })
      .expect(200);
    const longer = await t
      .as('support')
      .get(`/claims/${claim.body.id}`)
      .expect(200);
    expect(longer.body.status).toBe('pending-approval');
    expect(longer.body.outage).toMatchObject({
      start: OUTAGE_START,
      end: '2026-01-13T06:00:00.000Z',
      unavailableMs: 76.5 * HOUR,
      creditDays: 3,
      creditAmount: 10000,
      claimDeadline: '2026-04-13',
    });

    // Back to the original end, but known only from 16:00 JST 10 Jan (07:00Z) with the original end: 47 h → 1 day → ¥3,333.
    await t
      .as('support')
      .patch(`/incidents/${incidentId}`, {
        awareAt: '2026-01-10T16:00:00+09:00',
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-12T15:00:00+09:00',
          },
        ],
        reason: 'awareness was later',
      })
      .expect(200);
    const shorter = await t
      .as('support')
      .get(`/claims/${claim.body.id}`)
      .expect(200);
    expect(shorter.body.outage).toMatchObject({
      clockStart: '2026-01-10T07:00:00.000Z',
      unavailableMs: 47 * HOUR,
      creditDays: 1,
      creditAmount: 3333,
      claimDeadline: '2026-04-12',
    });

    const audit = await t
      .as('finance')
      .get(`/audit?entityType=claim&entityId=${claim.body.id}`)
      .expect(200);
    expect(
      audit.body.filter(
        (entry: { action: string }) => entry.action === 'claim.recomputed',
      ),
    ).toHaveLength(2);
  });

  it('keeps a claim on its outage when a correction moves the outage’s start', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId, incidentId } = await contractWithOutage();
    const claim = await t
      .as('support')
      .post('/claims', { contractId, outageStart: OUTAGE_START })
      .expect(201);

    // Down from 10:20 JST rather than 10:00: the same outage, 20 minutes shorter at the front (clock still 10:30).
    await t
      .as('support')
      .patch(`/incidents/${incidentId}`, {
        intervals: [
          {
            start: '2026-01-10T10:20:00+09:00',
            end: '2026-01-12T15:00:00+09:00',
          },
        ],
        reason: 'start was 10:20',
      })
      .expect(200);
    const after = await t
      .as('support')
      .get(`/claims/${claim.body.id}`)
      .expect(200);
    expect(after.body.outage).toMatchObject({
      start: '2026-01-10T01:20:00.000Z',
      end: '2026-01-12T06:00:00.000Z',
      unavailableMs: 52.5 * HOUR,
      creditAmount: 6666,
    });
    const outages = (
      await t.as('support').get(`/contracts/${contractId}/outages`).expect(200)
    ).body.outages;
    expect(outages).toHaveLength(1);
    expect(outages[0].claimStatus).toBe('claimed');
    // The moved outage is still claimed once only.
    const again = await t
      .as('support')
      .post('/claims', { contractId, outageStart: '2026-01-10T01:20:00.000Z' })
      .expect(409);
    expect(again.body.code).toBe('already-claimed');

    // Moved earlier (09:00 JST), the claim follows as well.
    await t
      .as('support')
      .patch(`/incidents/${incidentId}`, {
        intervals: [
          {
            start: '2026-01-10T09:00:00+09:00',
            end: '2026-01-12T15:00:00+09:00',
          },
        ],
        reason: 'start was 09:00',
      })
      .expect(200);
    expect(
      (await t.as('support').get(`/claims/${claim.body.id}`).expect(200)).body
        .outage,
    ).toMatchObject({ start: '2026-01-10T00:00:00.000Z' });
    expect(
      (
        await t
          .as('support')
          .post('/claims', {
            contractId,
            outageStart: '2026-01-10T00:00:00.000Z',
          })
          .expect(409)
      ).body.code,
    ).toBe('already-claimed');
  });
});
