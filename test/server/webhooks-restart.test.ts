/**
 * A delivery survives a restart: the outbox in the database file is the worker's whole state. Real servers
 * (startServer) on one file, one after the other, with a clock the test moves and a real receiver.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ServerSettings, settingsFromEnv } from '../../src/config';
import { inTransaction } from '../../src/db/client';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { DEFAULT_REGIONS } from '../../src/domain/terms';
import { addMs, parseInstant } from '../../src/domain/time';
import { type RunningServer, startServer } from '../../src/server';
import { enqueueWebhookEvent } from '../../src/services/webhooks';
import {
  type Receiver,
  startReceiver,
  verifySignature,
} from '../support/receiver';

const TOKEN = 'gk_webhook_restart_admin';
const SECRET = 'whsec_restart_0123456789';
const dir = mkdtempSync(join(tmpdir(), 'gengaku-webhooks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let now = parseInstant('2026-02-01T09:00:00+09:00');
let receiver: Receiver;
let databasePath: string;
let files = 0;
const running: RunningServer[] = [];

beforeEach(async () => {
  receiver = await startReceiver();
  databasePath = join(dir, `gengaku-${++files}.db`);
});
afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
  await receiver.close();
});

async function start(
  pollMs = 3_600_000,
  timeoutMs = 10_000,
): Promise<RunningServer> {
  const settings: ServerSettings = {
    ...settingsFromEnv({}),
    port: 0,
    host: '127.0.0.1',
    databasePath,
    bootstrapToken: TOKEN,
    logLevel: 'silent',
    app: { policy: DEFAULT_POLICY, regions: [...DEFAULT_REGIONS] },
  };
  const server = await startServer(settings, {
    clock: () => now,
    webhooks: { fetch: globalThis.fetch, random: () => 0.5, pollMs, timeoutMs },
  });
  running.push(server);
  return server;
}

async function stop(server: RunningServer) {
  running.splice(running.indexOf(server), 1);
  await server.close();
}

async function api(server: RunningServer, path: string, body?: object) {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method: body ? 'POST' : 'GET',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** As the notices' approval will: the event is written in the transaction of the change. */
function approveNotice(server: RunningServer) {
  return inTransaction(server.store, () =>
    enqueueWebhookEvent(
      { store: server.store, clock: () => now },
      'credit-notice.approved',
      { id: 'notice-1', number: 'CN-2026-000001', totalAmount: 7332 },
    ),
  );
}

async function addWebhook(server: RunningServer): Promise<string> {
  const created = await api(server, '/webhooks', {
    url: receiver.url,
    events: ['credit-notice.approved'],
    secret: SECRET,
  });
  expect(created.status).toBe(201);
  return created.body.id;
}

describe('webhook deliveries across a restart', () => {
  it('delivers, once, an event enqueued just before the server stopped', async () => {
    const first = await start();
    const webhookId = await addWebhook(first);
    const event = approveNotice(first);
    await stop(first);
    expect(receiver.received).toHaveLength(0);

    const second = await start();
    expect(await second.webhooks.deliverDue()).toBe(1);
    expect(await second.webhooks.deliverDue()).toBe(0);

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.headers['gengaku-event-id']).toBe(event.id);
    expect(JSON.parse(request!.body).id).toBe(event.id);
    expect(
      verifySignature(
        request!.headers['gengaku-signature'] as string,
        request!.body,
        SECRET,
      ).valid,
    ).toBe(true);
    const listed = await api(second, `/webhooks/${webhookId}/deliveries`);
    expect(listed.body).toEqual([
      expect.objectContaining({
        eventId: event.id,
        status: 'delivered',
        attemptCount: 1,
      }),
    ]);
  });

  it('resumes a delivery in the middle of its retries, with the same event id, and completes it once', async () => {
    receiver.script({ status: 500, body: 'try later' });
    const first = await start();
    const webhookId = await addWebhook(first);
    const event = approveNotice(first);
    expect(await first.webhooks.deliverDue()).toBe(1); // answered 500: a retry is due in 30 s
    await stop(first);

    const second = await start();
    expect(await second.webhooks.deliverDue()).toBe(0); // the backoff holds across the restart
    now = addMs(now, 30_000);
    expect(await second.webhooks.deliverDue()).toBe(1);
    now = addMs(now, 24 * 3_600_000);
    expect(await second.webhooks.deliverDue()).toBe(0);

    expect(
      receiver.received.map((request) => request.headers['gengaku-event-id']),
    ).toEqual([event.id, event.id]);
    const listed = await api(second, `/webhooks/${webhookId}/deliveries`);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0]).toMatchObject({
      eventId: event.id,
      status: 'delivered',
      attemptCount: 2,
    });
    expect(
      listed.body[0].attempts.map(
        (attempt: { responseStatus: number }) => attempt.responseStatus,
      ),
    ).toEqual([500, 200]);
  });

  it('lets an attempt under way finish and be recorded before the server closes', async () => {
    receiver.script('hang');
    const first = await start(3_600_000, 300);
    const webhookId = await addWebhook(first);
    const event = approveNotice(first);
    const pass = first.webhooks.deliverDue();
    while (receiver.received.length === 0)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await stop(first); // while the receiver has not answered
    expect(await pass).toBe(1);

    const second = await start();
    now = addMs(now, 30_000);
    expect(await second.webhooks.deliverDue()).toBe(1);
    const listed = await api(second, `/webhooks/${webhookId}/deliveries`);
    expect(listed.body[0]).toMatchObject({
      eventId: event.id,
      status: 'delivered',
    });
    expect(
      listed.body[0].attempts.map(
        (attempt: { error: string | null }) => attempt.error,
      ),
    ).toEqual(['no answer within 0.3 s', null]);
  });

  it('delivers on its own: the server polls the outbox without being asked', async () => {
    const server = await start(20);
    await addWebhook(server);
    const event = approveNotice(server);
    // Waits for the receiver, however long the machine takes; the test asserts what arrived, not when.
    while (receiver.received.length === 0)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(receiver.received[0]!.headers['gengaku-event-id']).toBe(event.id);
  });
});
