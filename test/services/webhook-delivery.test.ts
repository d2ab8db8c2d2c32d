/**
 * The webhook outbox and its worker against a real HTTP receiver on 127.0.0.1: signed deliveries,
 * retries with backoff, timeouts, giving up, a worker that died mid-attempt, and rolled-back changes.
 */
import { createServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/client';
import type { WebhookEventType } from '../../src/domain/webhooks';
import {
  claimDueDeliveries,
  recordAttemptResult,
  startWebhookWorker,
  type WebhookWorker,
} from '../../src/services/webhook-delivery';
import {
  countFailingWebhookDeliveries,
  enqueueWebhookEvent,
} from '../../src/services/webhooks';
import { makeTestApp, type TestApp } from '../support/app';
import {
  listenLocally,
  type Receiver,
  startReceiver,
  verifySignature,
} from '../support/receiver';

const SECRET = 'whsec_0123456789abcdef';
const SECOND = 1000;
const TIMEOUT_MS = 300;

/** A credit notice as API.md shapes it: what the notices' approve and void will announce. */
const notice = (status: 'approved' | 'void' = 'approved') => ({
  id: 'notice-1',
  claimId: 'claim-1',
  contractId: 'contract-1',
  customerId: 'customer-1',
  status,
  number: 'CN-2026-000001',
  creditDays: 2,
  monthlyFeeBase: 100000,
  amount: 6666,
  taxRate: 0.1,
  taxAmount: 666,
  totalAmount: 7332,
  billingMonth: '2026-01',
  approvals: [{ userId: 'finance-1', at: '2026-02-01T00:00:00.000Z' }],
  approvedAt: '2026-02-01T00:00:00.000Z',
  correctsNoticeId: null,
  voidReason: status === 'void' ? 'wrong outage' : null,
  discrepancy: null,
});

let t: TestApp;
let receiver: Receiver;
let worker: WebhookWorker;

const announce = (type: WebhookEventType, data: unknown) =>
  inTransaction(t.store, () =>
    enqueueWebhookEvent({ store: t.store, clock: t.now }, type, data),
  );

async function addWebhook(
  url: string,
  events: WebhookEventType[] = [
    'credit-notice.approved',
    'credit-notice.voided',
  ],
): Promise<string> {
  const res = await t
    .as('admin')
    .post('/webhooks', { url, events, secret: SECRET })
    .expect(201);
  return res.body.id;
}

const deliveries = async (webhookId: string) =>
  (await t.as('admin').get(`/webhooks/${webhookId}/deliveries`).expect(200))
    .body;
/** A webhook to `url`, one event, one pass of the worker: the delivery as listed. */
async function deliverOnceTo(url: string) {
  const webhookId = await addWebhook(url);
  announce('credit-notice.approved', notice());
  expect(await worker.deliverDue()).toBe(1);
  const [delivery] = await deliveries(webhookId);
  return delivery;
}
const advance = (ms: number) => t.setNow(t.now() + ms);

beforeEach(async () => {
  t = makeTestApp({ now: '2026-02-01T09:00:00+09:00' });
  receiver = await startReceiver();
  worker = startWebhookWorker({
    store: t.store,
    clock: t.now,
    random: () => 0.5,
    timeoutMs: TIMEOUT_MS,
    // Passes run when a test asks for them, never on their own in the middle of one.
    pollMs: 3_600_000,
  });
});
afterEach(async () => {
  await worker.stop();
  await receiver.close();
  t.close();
});

describe('delivery to a receiver', () => {
  it('POSTs the event as JSON with its id, type and a signature the receiver can verify', async () => {
    const webhookId = await addWebhook(receiver.url);
    const event = announce('credit-notice.approved', notice());

    expect(await worker.deliverDue()).toBe(1);

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/hooks/gengaku');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['gengaku-event-id']).toBe(event.id);
    expect(request!.headers['gengaku-event-type']).toBe(
      'credit-notice.approved',
    );
    const signature = verifySignature(
      request!.headers['gengaku-signature'] as string,
      request!.body,
      SECRET,
    );
    expect(signature.valid).toBe(true);
    expect(signature.t).toBe(Math.floor(t.now() / 1000));
    expect(
      verifySignature(
        request!.headers['gengaku-signature'] as string,
        request!.body,
        'another-secret-of-16',
      ).valid,
    ).toBe(false);
    expect(JSON.parse(request!.body)).toEqual({
      id: event.id,
      type: 'credit-notice.approved',
      createdAt: '2026-02-01T00:00:00.000Z',
      data: notice(),
    });

    const [delivery] = await deliveries(webhookId);
    expect(delivery).toMatchObject({
      eventId: event.id,
      eventType: 'credit-notice.approved',
      status: 'delivered',
      attemptCount: 1,
      nextAttemptAt: null,
      deliveredAt: '2026-02-01T00:00:00.000Z',
      event: JSON.parse(request!.body),
    });
    expect(delivery.attempts).toEqual([
      {
        number: 1,
        at: '2026-02-01T00:00:00.000Z',
        outcome: 'succeeded',
        responseStatus: 200,
        error: null,
        durationMs: expect.any(Number),
        responseSnippet: 'ok',
      },
    ]);
    // Delivered once: a later pass sends nothing more.
    advance(24 * 3600 * SECOND);
    expect(await worker.deliverDue()).toBe(0);
    expect(receiver.received).toHaveLength(1);
  });

  it('sends one event to every webhook subscribed to its type, with the same event id, and to no other', async () => {
    const both = await addWebhook(receiver.url);
    const voidedOnly = await addWebhook(receiver.url, ['credit-notice.voided']);
    const approvedOnly = await addWebhook(receiver.url, [
      'credit-notice.approved',
    ]);
    const event = announce('credit-notice.voided', notice('void'));

    expect(await worker.deliverDue()).toBe(2);
    expect(
      receiver.received.map((request) => request.headers['gengaku-event-id']),
    ).toEqual([event.id, event.id]);
    expect((await deliveries(both))[0].eventId).toBe(event.id);
    expect((await deliveries(voidedOnly))[0].eventId).toBe(event.id);
    expect(await deliveries(approvedOnly)).toEqual([]);
  });

  it('retries after 500s and a timeout with a growing backoff, recording and listing every attempt', async () => {
    const webhookId = await addWebhook(receiver.url);
    const longAnswer = `${'é'.repeat(600)}tail`;
    receiver.script(
      { status: 500, body: 'database down' },
      { status: 503, body: longAnswer },
      'hang',
      { status: 204 },
    );
    const event = announce('credit-notice.approved', notice());
    const start = t.now();

    expect(await worker.deliverDue()).toBe(1);
    let [delivery] = await deliveries(webhookId);
    expect(delivery.status).toBe('pending');
    expect(delivery.nextAttemptAt).toBe(
      new Date(start + 30 * SECOND).toISOString(),
    );

    // Not due yet: nothing is sent before the backoff has passed.
    advance(29 * SECOND);
    expect(await worker.deliverDue()).toBe(0);
    advance(1 * SECOND);
    expect(await worker.deliverDue()).toBe(1);
    [delivery] = await deliveries(webhookId);
    expect(delivery.nextAttemptAt).toBe(
      new Date(start + 90 * SECOND).toISOString(),
    );

    advance(60 * SECOND);
    expect(await worker.deliverDue()).toBe(1); // the receiver never answers: timed out
    [delivery] = await deliveries(webhookId);
    expect(delivery.nextAttemptAt).toBe(
      new Date(start + 210 * SECOND).toISOString(),
    );
    expect(countFailingWebhookDeliveries(t.store)).toBe(1);

    advance(120 * SECOND);
    expect(await worker.deliverDue()).toBe(1);

    [delivery] = await deliveries(webhookId);
    expect(delivery).toMatchObject({
      status: 'delivered',
      attemptCount: 4,
      nextAttemptAt: null,
      deliveredAt: new Date(start + 210 * SECOND).toISOString(),
    });
    const attempts = delivery.attempts;
    expect(attempts.map((attempt: any) => attempt.number)).toEqual([
      1, 2, 3, 4,
    ]);
    expect(attempts.map((attempt: any) => attempt.at)).toEqual(
      [0, 30, 90, 210].map((s) => new Date(start + s * SECOND).toISOString()),
    );
    expect(attempts.map((attempt: any) => attempt.outcome)).toEqual([
      'failed',
      'failed',
      'failed',
      'succeeded',
    ]);
    expect(attempts.map((attempt: any) => attempt.responseStatus)).toEqual([
      500,
      503,
      null,
      204,
    ]);
    expect(attempts[0].responseSnippet).toBe('database down');
    // The snippet is bounded to 1 KiB: 512 two-byte characters of the 600, and no tail.
    expect(attempts[1].responseSnippet).toBe('é'.repeat(512));
    expect(attempts[2].error).toBe(`no answer within ${TIMEOUT_MS / 1000} s`);
    expect(attempts.every((attempt: any) => attempt.durationMs !== null)).toBe(
      true,
    );
    // Every attempt sent the same event, byte for byte, and signed it afresh.
    expect(receiver.received).toHaveLength(4);
    expect(new Set(receiver.received.map((request) => request.body)).size).toBe(
      1,
    );
    for (const request of receiver.received) {
      expect(request.headers['gengaku-event-id']).toBe(event.id);
      expect(
        verifySignature(
          request.headers['gengaku-signature'] as string,
          request.body,
          SECRET,
        ).valid,
      ).toBe(true);
    }
    expect(countFailingWebhookDeliveries(t.store)).toBe(0);
  });

  it('records a refused connection as a network error and tries again', async () => {
    const closed = createServer();
    const port = await listenLocally(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const delivery = await deliverOnceTo(`http://127.0.0.1:${port}/gone`);
    expect(delivery.status).toBe('pending');
    expect(delivery.attempts[0]).toMatchObject({
      outcome: 'failed',
      responseStatus: null,
      error: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('treats a redirect as a failed attempt and does not follow it', async () => {
    const redirecting = createServer((_req, res) => {
      res.writeHead(302, { location: receiver.url });
      res.end();
    });
    const port = await listenLocally(redirecting);
    try {
      const delivery = await deliverOnceTo(`http://127.0.0.1:${port}/moved`);
      expect(delivery.status).toBe('pending');
      expect(delivery.attempts[0]).toMatchObject({
        outcome: 'failed',
        responseStatus: 302,
      });
      expect(receiver.received).toHaveLength(0);
    } finally {
      redirecting.closeAllConnections();
      redirecting.close();
    }
  });

  it('gives up after the last attempt and counts the delivery as failing', async () => {
    const webhookId = await addWebhook(receiver.url);
    receiver.script(...Array.from({ length: 20 }, () => ({ status: 503 })));
    announce('credit-notice.approved', notice());
    expect(countFailingWebhookDeliveries(t.store)).toBe(0);

    let attempts = 0;
    for (let pass = 0; pass < 20; pass++) {
      attempts += await worker.deliverDue();
      advance(5 * 3600 * SECOND);
    }

    expect(attempts).toBe(15);
    expect(receiver.received).toHaveLength(15);
    const [delivery] = await deliveries(webhookId);
    expect(delivery).toMatchObject({
      status: 'failed',
      attemptCount: 15,
      nextAttemptAt: null,
      deliveredAt: null,
    });
    expect(delivery.attempts).toHaveLength(15);
    expect(countFailingWebhookDeliveries(t.store)).toBe(1);
  });
});

describe('a worker that stops mid-attempt', () => {
  it('leaves the row to be taken again once its lease runs out; the late answer never undoes the delivery', async () => {
    const webhookId = await addWebhook(receiver.url);
    const event = announce('credit-notice.approved', notice());
    // A worker takes the row and dies before any answer is recorded.
    const [lost] = claimDueDeliveries(t.store, t.now(), {
      limit: 10,
      leaseMs: 70 * SECOND,
    });
    expect(lost!.eventId).toBe(event.id);

    expect(await worker.deliverDue()).toBe(0); // still leased to the dead worker
    let [delivery] = await deliveries(webhookId);
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ number: 1, outcome: 'in-progress' }),
    ]);
    expect(countFailingWebhookDeliveries(t.store)).toBe(0);

    advance(70 * SECOND);
    expect(await worker.deliverDue()).toBe(1);
    [delivery] = await deliveries(webhookId);
    expect(delivery.status).toBe('delivered');
    expect(delivery.attempts).toEqual([
      expect.objectContaining({
        number: 1,
        outcome: 'failed',
        error: 'no answer recorded: the worker stopped during the attempt',
      }),
      expect.objectContaining({ number: 2, outcome: 'succeeded' }),
    ]);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers['gengaku-event-id']).toBe(event.id);

    // The dead worker's request comes back after all: its answer is kept on its attempt, and changes nothing else.
    expect(
      recordAttemptResult(
        t.store,
        lost!,
        {
          responseStatus: 500,
          error: null,
          responseSnippet: 'late',
          durationMs: 80_000,
        },
        t.now(),
        0.5,
      ),
    ).toBe('superseded');
    [delivery] = await deliveries(webhookId);
    expect(delivery).toMatchObject({ status: 'delivered', attemptCount: 2 });
    expect(delivery.attempts[0]).toMatchObject({
      number: 1,
      outcome: 'failed',
      responseStatus: 500,
      responseSnippet: 'late',
    });
  });
  it('keeps a late answer from deciding a delivery that has moved on to a later attempt', async () => {
    const webhookId = await addWebhook(receiver.url);
    receiver.script({ status: 500 });
    announce('credit-notice.approved', notice());
    const [lost] = claimDueDeliveries(t.store, t.now(), {
      limit: 10,
      leaseMs: 70 * SECOND,
    });
    advance(70 * SECOND);
    expect(await worker.deliverDue()).toBe(1); // attempt 2: answered 500
    const retryAt = (await deliveries(webhookId))[0].nextAttemptAt;
    expect(retryAt).toBe(new Date(t.now() + 60 * SECOND).toISOString());

    const late = {
      responseStatus: 503,
      error: null,
      responseSnippet: '',
      durationMs: 75_000,
    };
    expect(recordAttemptResult(t.store, lost!, late, t.now(), 0.5)).toBe(
      'superseded',
    );
    const [delivery] = await deliveries(webhookId);
    expect(delivery).toMatchObject({
      status: 'pending',
      attemptCount: 2,
      nextAttemptAt: retryAt,
    });
    expect(
      delivery.attempts.map((attempt: any) => attempt.responseStatus),
    ).toEqual([503, 500]);
  });
});

describe('the outbox follows the transaction of the change', () => {
  it('never delivers an event whose transaction rolled back', async () => {
    const webhookId = await addWebhook(receiver.url);
    expect(() =>
      inTransaction(t.store, () => {
        enqueueWebhookEvent(
          { store: t.store, clock: t.now },
          'credit-notice.approved',
          notice(),
        );
        throw new Error('the approval failed after announcing itself');
      }),
    ).toThrow('the approval failed');

    expect(await worker.deliverDue()).toBe(0);
    advance(24 * 3600 * SECOND);
    expect(await worker.deliverDue()).toBe(0);
    expect(receiver.received).toHaveLength(0);
    expect(await deliveries(webhookId)).toEqual([]);
  });

  it('refuses to enqueue outside a transaction', async () => {
    await addWebhook(receiver.url);
    expect(() =>
      enqueueWebhookEvent(
        { store: t.store, clock: t.now },
        'credit-notice.approved',
        notice(),
      ),
    ).toThrow(/inside the transaction/);
    expect(await worker.deliverDue()).toBe(0);
  });

  it('writes nothing when no webhook listens, or only an inactive one', async () => {
    const webhookId = await addWebhook(receiver.url);
    t.store.sqlite
      .prepare('update webhooks set active = 0 where id = ?')
      .run(webhookId);
    announce('credit-notice.approved', notice());
    const { n } = t.store.sqlite
      .prepare('select count(*) as n from webhook_deliveries')
      .get() as { n: number };
    expect(n).toBe(0);
    expect(await worker.deliverDue()).toBe(0);
    expect(receiver.received).toHaveLength(0);
  });
});
