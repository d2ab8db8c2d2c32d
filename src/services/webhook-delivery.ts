/**
 * The delivery worker: takes due rows of the webhook outbox, POSTs them signed, and records every attempt.
 * The outbox is its only state, so a restart loses nothing. No write transaction is held across the
 * network: an attempt is claimed in one short transaction and its answer recorded in another.
 */
import { and, asc, eq, isNull, lte } from 'drizzle-orm';
import { inTransaction, type Store } from '../db/client';
import { webhookAttempts, webhookDeliveries, webhooks } from '../db/schema';
import type { Instant } from '../domain/time';
import {
  nextAttemptDelayMs,
  type WebhookEventType,
  webhookSignature,
} from '../domain/webhooks';

export type WebhookFetch = (
  url: string,
  init: RequestInit,
) => Promise<Response>;

export interface WebhookWorkerOptions {
  store: Store;
  /** The server's clock: attempt times, retry times and the signature's `t`. */
  clock: () => Instant;
  /** The HTTP client (the global `fetch` unless given). */
  fetch?: WebhookFetch;
  /** A draw in [0, 1) for the retry jitter (Math.random unless given). */
  random?: () => number;
  logger?: WorkerLogger;
  /** How long a receiver has to answer (10 s unless given). */
  timeoutMs?: number;
  /** How often the outbox is looked at for due rows (1 s unless given). */
  pollMs?: number;
  /** How many deliveries are attempted at once. */
  batchSize?: number;
}

interface WorkerLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface WebhookWorker {
  /** Attempts every delivery due now, batch after batch; resolves with how many attempts were made. */
  deliverDue(): Promise<number>;
  /** Stops taking rows and waits for the attempts under way (each bounded by the timeout). */
  stop(): Promise<void>;
}

const WEBHOOK_TIMEOUT_MS = 10_000;
/** Bound on what is kept of a receiver's answer. */
export const WEBHOOK_SNIPPET_BYTES = 1024;
/** Beyond the timeout, how long a claimed attempt may go unrecorded before another worker takes the row. */
const LEASE_MARGIN_MS = 60_000;
const ABANDONED = 'no answer recorded: the worker stopped during the attempt';

export interface ClaimedAttempt {
  deliveryId: string;
  attemptId: number;
  /** 1 for the first attempt. */
  number: number;
  webhookId: string;
  url: string;
  secret: string;
  eventId: string;
  eventType: WebhookEventType;
  payload: string;
}

interface AttemptResult {
  responseStatus: number | null;
  error: string | null;
  responseSnippet: string | null;
  durationMs: number;
}

/**
 * Takes up to `limit` due deliveries: records the start of an attempt for each and leases the row until
 * `now + leaseMs`, after which a worker that died mid-attempt has its row taken again.
 */
export function claimDueDeliveries(
  store: Store,
  now: Instant,
  options: { limit: number; leaseMs: number },
): ClaimedAttempt[] {
  const { db } = store;
  return inTransaction(store, () => {
    const due = db
      .select({
        deliveryId: webhookDeliveries.id,
        attemptCount: webhookDeliveries.attemptCount,
        webhookId: webhooks.id,
        url: webhooks.url,
        secret: webhooks.secret,
        eventId: webhookDeliveries.eventId,
        eventType: webhookDeliveries.eventType,
        payload: webhookDeliveries.payload,
      })
      .from(webhookDeliveries)
      .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
      .where(
        and(
          eq(webhookDeliveries.status, 'pending'),
          lte(webhookDeliveries.nextAttemptAt, now),
        ),
      )
      .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
      .limit(options.limit)
      .all();
    return due.map(({ attemptCount, ...row }) => {
      // An earlier attempt still without an answer was running in a worker that stopped before it ended.
      db.update(webhookAttempts)
        .set({ error: ABANDONED })
        .where(
          and(
            eq(webhookAttempts.deliveryId, row.deliveryId),
            isNull(webhookAttempts.durationMs),
            isNull(webhookAttempts.error),
          ),
        )
        .run();
      const number = attemptCount + 1;
      const attempt = db
        .insert(webhookAttempts)
        .values({ deliveryId: row.deliveryId, number, startedAt: now })
        .returning({ id: webhookAttempts.id })
        .get();
      db.update(webhookDeliveries)
        .set({ attemptCount: number, nextAttemptAt: now + options.leaseMs })
        .where(eq(webhookDeliveries.id, row.deliveryId))
        .run();
      return { ...row, number, attemptId: attempt.id };
    });
  });
}

/** The first bytes of the answer, decoded as UTF-8 (a character cut at the bound is dropped). */
async function readSnippet(response: Response): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    while (bytes < WEBHOOK_SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      const part = value.subarray(0, WEBHOOK_SNIPPET_BYTES - bytes);
      bytes += part.length;
      text += decoder.decode(part, { stream: true });
    }
  } catch {
    // The status has come; an answer body that breaks off leaves what was read.
  } finally {
    reader.cancel().catch(() => {});
  }
  return text;
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError')
    return `no answer within ${timeoutMs / 1000} s`;
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${error.message}: ${detail}` : error.message;
}

/** One POST of the event, signed with the time of sending. */
async function attemptDelivery(
  claim: ClaimedAttempt,
  options: { fetch: WebhookFetch; clock: () => Instant; timeoutMs: number },
): Promise<AttemptResult> {
  const unixSeconds = Math.floor(options.clock() / 1000);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await options.fetch(claim.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Gengaku-Webhooks/1',
        'Gengaku-Event-Id': claim.eventId,
        'Gengaku-Event-Type': claim.eventType,
        'Gengaku-Signature': webhookSignature(
          claim.secret,
          unixSeconds,
          claim.payload,
        ),
      },
      body: claim.payload,
      // A redirect is a failed attempt, not a hop: the signed body goes only where the admin said.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const responseSnippet = await readSnippet(response);
    return {
      responseStatus: response.status,
      error: null,
      responseSnippet,
      durationMs: elapsed(),
    };
  } catch (error) {
    return {
      responseStatus: null,
      error: describeFailure(error, options.timeoutMs),
      responseSnippet: null,
      durationMs: elapsed(),
    };
  }
}

/**
 * Records an attempt's answer and what follows: delivered on 2xx, otherwise the next attempt after the
 * backoff, or `failed` once none is left. A late answer from a worker whose lease ran out is recorded on
 * its attempt but no longer decides the delivery.
 */
export function recordAttemptResult(
  store: Store,
  claim: ClaimedAttempt,
  result: AttemptResult,
  now: Instant,
  random: number,
): 'delivered' | 'retrying' | 'failed' | 'superseded' {
  const { db } = store;
  const succeeded =
    result.responseStatus !== null &&
    result.responseStatus >= 200 &&
    result.responseStatus < 300;
  const delay = succeeded ? null : nextAttemptDelayMs(claim.number, random);
  const outcome = succeeded
    ? 'delivered'
    : delay === null
      ? 'failed'
      : 'retrying';
  return inTransaction(store, () => {
    db.update(webhookAttempts)
      .set(result)
      .where(eq(webhookAttempts.id, claim.attemptId))
      .run();
    const { changes } = db
      .update(webhookDeliveries)
      .set(
        outcome === 'delivered'
          ? { status: 'delivered', deliveredAt: now, nextAttemptAt: null }
          : outcome === 'failed'
            ? { status: 'failed', nextAttemptAt: null }
            : { nextAttemptAt: now + delay! },
      )
      .where(
        and(
          eq(webhookDeliveries.id, claim.deliveryId),
          eq(webhookDeliveries.status, 'pending'),
          eq(webhookDeliveries.attemptCount, claim.number),
        ),
      )
      .run();
    return changes === 1 ? outcome : 'superseded';
  });
}

const silent: WorkerLogger = { info() {}, warn() {}, error() {} };

/** Starts polling the outbox; `stop()` before closing the store. */
export function startWebhookWorker(
  options: WebhookWorkerOptions,
): WebhookWorker {
  const {
    store,
    clock,
    fetch: send = globalThis.fetch,
    random = Math.random,
    logger = silent,
    timeoutMs = WEBHOOK_TIMEOUT_MS,
    pollMs = 1000,
    batchSize = 10,
  } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const deliver = async (claim: ClaimedAttempt) => {
    const result = await attemptDelivery(claim, {
      fetch: send,
      clock,
      timeoutMs,
    });
    const outcome = recordAttemptResult(
      store,
      claim,
      result,
      clock(),
      random(),
    );
    const details = {
      webhookId: claim.webhookId,
      deliveryId: claim.deliveryId,
      eventId: claim.eventId,
      attempt: claim.number,
      status: result.responseStatus,
      error: result.error,
    };
    if (outcome === 'delivered') logger.info(details, 'webhook delivered');
    else if (outcome === 'retrying')
      logger.warn(details, 'webhook attempt failed; will retry');
    else if (outcome === 'failed')
      logger.error(details, 'webhook delivery failed; no attempt left');
    else logger.warn(details, 'webhook answer came after the lease ran out');
  };

  const pass = async (): Promise<number> => {
    let attempted = 0;
    while (!stopped) {
      const claims = claimDueDeliveries(store, clock(), {
        limit: batchSize,
        leaseMs: timeoutMs + LEASE_MARGIN_MS,
      });
      if (claims.length === 0) break;
      await Promise.all(claims.map(deliver));
      attempted += claims.length;
    }
    return attempted;
  };

  // One pass at a time: a pass asked for while one runs starts when it ends.
  let running: Promise<unknown> = Promise.resolve();
  const deliverDue = (): Promise<number> => {
    const next = running.then(pass, pass);
    running = next.catch(() => {});
    return next;
  };

  const schedule = () => {
    timer = setTimeout(() => {
      deliverDue()
        .catch((error: unknown) =>
          logger.error({ err: error }, 'webhook delivery pass failed'),
        )
        .finally(() => {
          if (!stopped) schedule();
        });
    }, pollMs);
    timer.unref();
  };
  schedule();

  return {
    deliverDue,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
