/**
 * Webhooks (API.md): admins register receivers; a change announces itself with `enqueueWebhookEvent`
 * inside its own transaction, which writes the outbox that `webhook-delivery.ts` works through.
 */
import {
  and,
  asc,
  desc,
  eq,
  gt,
  inArray,
  lt,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { inTransaction, type Store } from '../db/client';
import { webhookAttempts, webhookDeliveries, webhooks } from '../db/schema';
import { formatInstant } from '../domain/time';
import type { WebhookEvent, WebhookEventType } from '../domain/webhooks';
import { notFound } from '../errors';
import { groupBy } from '../lib/collections';
import type {
  PageCursor,
  Webhook,
  WebhookAttempt,
  WebhookDelivery,
  WebhookInput,
  WebhookPageQuery,
} from '../schemas/webhooks';
import {
  newId,
  recordAudit,
  requireRole,
  type ServiceContext,
} from './context';

type WebhookRow = typeof webhooks.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;
type AttemptRow = typeof webhookAttempts.$inferSelect;

export interface Page<T> {
  items: T[];
  /** Where the next page starts; null on the last page. */
  next: PageCursor | null;
}

export function pageOf<R extends { createdAt: number; id: string }, T>(
  rows: R[],
  limit: number,
  map: (rows: R[]) => T[],
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: map(items),
    next:
      rows.length > limit && last
        ? { createdAt: last.createdAt, id: last.id }
        : null,
  };
}

/** The rows after the cursor in (createdAt, id) order, ascending or descending. */
export function pastCursor(
  table: { createdAt: SQLiteColumn; id: SQLiteColumn },
  cursor: PageCursor | undefined,
  order: 'asc' | 'desc',
): SQL | undefined {
  if (cursor === undefined) return undefined;
  const beyond = order === 'asc' ? gt : lt;
  return or(
    beyond(table.createdAt, cursor.createdAt),
    and(eq(table.createdAt, cursor.createdAt), beyond(table.id, cursor.id)),
  );
}

function webhookOf(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    secretLast4: row.secret.slice(-4),
    active: row.active,
    createdBy: row.createdBy,
    createdAt: formatInstant(row.createdAt),
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
    at: formatInstant(row.startedAt),
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
      row.nextAttemptAt === null ? null : formatInstant(row.nextAttemptAt),
    deliveredAt:
      row.deliveredAt === null ? null : formatInstant(row.deliveredAt),
    createdAt: formatInstant(row.createdAt),
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

/** Oldest first. */
export function listWebhooks(
  ctx: ServiceContext,
  query: WebhookPageQuery,
): Page<Webhook> {
  requireRole(ctx, 'admin');
  const rows = ctx.store.db
    .select()
    .from(webhooks)
    .where(pastCursor(webhooks, query.cursor, 'asc'))
    .orderBy(asc(webhooks.createdAt), asc(webhooks.id))
    .limit(query.limit + 1)
    .all();
  return pageOf(rows, query.limit, (page) => page.map(webhookOf));
}

/** Newest first, each with every attempt made. */
export function listWebhookDeliveries(
  ctx: ServiceContext,
  webhookId: string,
  query: WebhookPageQuery,
): Page<WebhookDelivery> {
  requireRole(ctx, 'admin');
  const { db } = ctx.store;
  const webhook = db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(eq(webhooks.id, webhookId))
    .get();
  if (!webhook) throw notFound('webhook', webhookId);
  const rows = db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.webhookId, webhookId),
        pastCursor(webhookDeliveries, query.cursor, 'desc'),
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(query.limit + 1)
    .all();
  return pageOf(rows, query.limit, (page) => {
    const attempts =
      page.length === 0
        ? []
        : db
            .select()
            .from(webhookAttempts)
            .where(
              inArray(
                webhookAttempts.deliveryId,
                page.map((row) => row.id),
              ),
            )
            .orderBy(asc(webhookAttempts.number))
            .all();
    const byDelivery = groupBy(attempts, (attempt) => attempt.deliveryId);
    return page.map((row) => deliveryOf(row, byDelivery.get(row.id) ?? []));
  });
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
