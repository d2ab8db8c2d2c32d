/**
 * Webhooks (API.md): admins register receivers; a change announces itself with `enqueueWebhookEvent`
 * inside its own transaction, which writes the outbox that `webhook-delivery.ts` works through.
 */
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { inTransaction, type Store } from '../db/client';
import { webhookAttempts, webhookDeliveries, webhooks } from '../db/schema';
import { formatInstant, storedInstant } from '../domain/time';
import type { WebhookEvent, WebhookEventType } from '../domain/webhooks';
import { notFound } from '../errors';
import { groupBy } from '../lib/collections';
import type {
  Webhook,
  WebhookAttempt,
  WebhookDelivery,
  WebhookInput,
} from '../schemas/webhooks';
import {
  newId,
  recordAudit,
  requireRole,
  type ServiceContext,
} from './context';
import { type Page, type PageRequest, TableOrder } from './paging';

type WebhookRow = typeof webhooks.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;
type AttemptRow = typeof webhookAttempts.$inferSelect;

const WEBHOOKS_BY_CREATION = new TableOrder(
  webhooks,
  'webhooks',
  [webhooks.createdAt, webhooks.id],
  'asc',
);
const DELIVERIES_NEWEST_FIRST = new TableOrder(
  webhookDeliveries,
  'webhook-deliveries',
  [webhookDeliveries.createdAt, webhookDeliveries.id],
  'desc',
);

function webhookOf(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    secretLast4: row.secret.slice(-4),
    active: row.active,
    createdBy: row.createdBy,
    createdAt: formatInstant(storedInstant(row.createdAt)),
  };
}

const isSuccessStatus = (status: number | null) =>
  status !== null && status >= 200 && status < 300;

function attemptOutcome(
  row: Pick<AttemptRow, 'durationMs' | 'responseStatus' | 'error'>,
): WebhookAttempt['outcome'] {
  if (row.error !== null) return 'failed';
  if (row.durationMs === null) return 'in-progress';
  return isSuccessStatus(row.responseStatus) ? 'succeeded' : 'failed';
}

function attemptOf(row: AttemptRow): WebhookAttempt {
  return {
    number: row.number,
    at: formatInstant(storedInstant(row.startedAt)),
    outcome: attemptOutcome(row),
    responseStatus: row.responseStatus,
    error: row.error,
    durationMs: row.durationMs,
    responseSnippet: row.responseSnippet,
  };
}

function deliveryOf(row: DeliveryRow, attempts: AttemptRow[]): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.webhookId,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attemptCount: row.attemptCount,
    nextAttemptAt:
      row.nextAttemptAt === null
        ? null
        : formatInstant(storedInstant(row.nextAttemptAt)),
    deliveredAt:
      row.deliveredAt === null
        ? null
        : formatInstant(storedInstant(row.deliveredAt)),
    createdAt: formatInstant(storedInstant(row.createdAt)),
    event: JSON.parse(row.payload),
    attempts: attempts.map(attemptOf),
  };
}

export function createWebhook(
  ctx: ServiceContext,
  input: WebhookInput,
): Webhook {
  requireRole(ctx, 'admin');
  return inTransaction(ctx.store, () => {
    const row: WebhookRow = {
      id: newId(),
      url: input.url,
      events: input.events,
      secret: input.secret,
      active: true,
      createdBy: ctx.actor.userId,
      createdAt: ctx.clock(),
    };
    ctx.store.db.insert(webhooks).values(row).run();
    const webhook = webhookOf(row);
    // The audit log is read by finance too: it records the webhook as listed, never its secret.
    recordAudit(ctx, {
      action: 'webhook.created',
      entityType: 'webhook',
      entityId: row.id,
      after: webhook,
    });
    return webhook;
  });
}

export function getWebhook(ctx: ServiceContext, id: string): Webhook {
  requireRole(ctx, 'admin');
  const row = ctx.store.db
    .select()
    .from(webhooks)
    .where(eq(webhooks.id, id))
    .get();
  if (!row) throw notFound('webhook', id);
  return webhookOf(row);
}

/** Oldest first. */
export function listWebhooks(
  ctx: ServiceContext,
  page: PageRequest,
): Page<Webhook> {
  requireRole(ctx, 'admin');
  return WEBHOOKS_BY_CREATION.pageOf(ctx.store.db, page, undefined, (rows) =>
    rows.map(webhookOf),
  );
}

/** Newest first, each with every attempt made. */
export function listWebhookDeliveries(
  ctx: ServiceContext,
  webhookId: string,
  page: PageRequest,
): Page<WebhookDelivery> {
  requireRole(ctx, 'admin');
  const { db } = ctx.store;
  const webhook = db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(eq(webhooks.id, webhookId))
    .get();
  if (!webhook) throw notFound('webhook', webhookId);
  return DELIVERIES_NEWEST_FIRST.pageOf(
    db,
    page,
    eq(webhookDeliveries.webhookId, webhookId),
    (rows) => {
      const attempts =
        rows.length === 0
          ? []
          : db
              .select()
              .from(webhookAttempts)
              .where(
                inArray(
                  webhookAttempts.deliveryId,
                  rows.map((row) => row.id),
                ),
              )
              .orderBy(asc(webhookAttempts.number))
              .all();
      const byDelivery = groupBy(attempts, (attempt) => attempt.deliveryId);
      return rows.map((row) => deliveryOf(row, byDelivery.get(row.id) ?? []));
    },
  );
}

/**
 * Announces a change to every active webhook subscribed to `type`: one outbox row each, all carrying the
 * same event (same id, so receivers can deduplicate). Call it inside the transaction of the change, so an
 * event exists exactly when the change committed; the delivery worker sends it after the commit.
 */
export function enqueueWebhookEvent(
  ctx: Pick<ServiceContext, 'store' | 'clock'>,
  type: WebhookEventType,
  data: unknown,
): WebhookEvent {
  if (!ctx.store.sqlite.inTransaction)
    throw new Error(
      `enqueueWebhookEvent(${type}) must run inside the transaction of the change it announces`,
    );
  const now = ctx.clock();
  const event: WebhookEvent = {
    id: newId(),
    type,
    createdAt: formatInstant(now),
    data,
  };
  const payload = JSON.stringify(event);
  const subscribers = ctx.store.db
    .select({ id: webhooks.id, events: webhooks.events })
    .from(webhooks)
    .where(eq(webhooks.active, true))
    .all()
    .filter((webhook) => webhook.events.includes(type));
  for (const webhook of subscribers) {
    ctx.store.db
      .insert(webhookDeliveries)
      .values({
        id: newId(),
        webhookId: webhook.id,
        eventId: event.id,
        eventType: type,
        payload,
        status: 'pending',
        attemptCount: 0,
        nextAttemptAt: now,
        deliveredAt: null,
        createdAt: now,
      })
      .run();
  }
  return event;
}

/**
 * Deliveries failing now, for the metrics: given up on (`failed`), or still pending after a failed attempt
 * (an error, or an answer outside 2xx).
 */
export function countFailingWebhookDeliveries(
  store: Pick<Store, 'db'>,
): number {
  const failedAttempt = sql`exists (select 1 from ${webhookAttempts} where ${webhookAttempts.deliveryId} = ${webhookDeliveries.id} and (${webhookAttempts.error} is not null or ${webhookAttempts.responseStatus} not between 200 and 299))`;
  const row = store.db
    .select({ count: sql<number>`count(*)` })
    .from(webhookDeliveries)
    .where(
      or(
        eq(webhookDeliveries.status, 'failed'),
        and(eq(webhookDeliveries.status, 'pending'), failedAttempt),
      ),
    )
    .get();
  return row?.count ?? 0;
}
