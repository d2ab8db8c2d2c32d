/**
 * Webhooks (API.md): the events a receiver can subscribe to, the signature it checks, and when a failed
 * delivery is tried again. Pure: the time and the random draw for the jitter are arguments.
 */
import { createHmac } from 'node:crypto';
import { MS_PER_HOUR } from './time';

export const WEBHOOK_EVENT_TYPES = [
  'credit-notice.approved',
  'credit-notice.voided',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_SECRET_LENGTH = { min: 16, max: 200 } as const;

/** The body every delivery of an event sends; receivers deduplicate by `id`. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  /** ISO-8601 UTC instant at which the change committed. */
  createdAt: string;
  data: unknown;
}

/**
 * `Gengaku-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` of the text `"<t>.<body>"`, keyed by the
 * webhook's secret (both as UTF-8). Signing the time with the body lets a receiver refuse old replays.
 */
export function webhookSignature(
  secret: string,
  unixSeconds: number,
  body: string,
): string {
  const mac = createHmac('sha256', secret)
    .update(`${unixSeconds}.${body}`)
    .digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** What a receiver is told about retries (README, "Webhooks"). */
export const WEBHOOK_RETRY = {
  firstDelayMs: 30_000,
  maxDelayMs: 4 * MS_PER_HOUR,
  /** 15 attempts spread over about a day: a receiver down overnight still gets its events. */
  maxAttempts: 15,
  /** ± this fraction of the delay, so that receivers coming back up are not hit by every retry at once. */
  jitter: 0.1,
} as const;

/**
 * How long to wait before the next attempt after `failedAttempts` failed ones (30 s, 1 min, 2 min, …,
 * capped at 4 h, each ±10 %), or null when no attempt is left. `random` is a draw in [0, 1).
 */
export function nextAttemptDelayMs(
  failedAttempts: number,
  random: number,
): number | null {
  if (failedAttempts >= WEBHOOK_RETRY.maxAttempts) return null;
  const exponential =
    WEBHOOK_RETRY.firstDelayMs * 2 ** Math.max(0, failedAttempts - 1);
  const delay = Math.min(exponential, WEBHOOK_RETRY.maxDelayMs);
  const spread = 1 - WEBHOOK_RETRY.jitter + 2 * WEBHOOK_RETRY.jitter * random;
  return Math.round(delay * spread);
}
