/** Request and response shapes of the webhook endpoints (API.md, webhooks). */
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_SECRET_LENGTH } from '../domain/webhooks';

const InstantOut = z
  .string()
  .meta({ format: 'date-time', example: '2026-01-10T01:30:00.000Z' });

/** zod runs this check even on a value that failed the URL check, so it must not assume one. */
function hasNoCredentials(text: string): boolean {
  if (!URL.canParse(text)) return true;
  const { username, password } = new URL(text);
  return username === '' && password === '';
}

export const WebhookInput = z
  .object({
    url: z
      .url({
        protocol: /^https?$/,
        error: (issue) =>
          issue.input === undefined
            ? 'is required'
            : 'must be an http or https URL',
      })
      .max(2000)
      .refine(
        hasNoCredentials,
        'must not carry a user name or password (it would be listed with the webhook)',
      ),
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES))
      .min(1, 'must name at least one event')
      .max(WEBHOOK_EVENT_TYPES.length)
      .refine(
        (events) => new Set(events).size === events.length,
        'must not name an event twice',
      ),
    secret: z
      .string()
      .min(
        WEBHOOK_SECRET_LENGTH.min,
        `must be at least ${WEBHOOK_SECRET_LENGTH.min} characters`,
      )
      .max(
        WEBHOOK_SECRET_LENGTH.max,
        `must be at most ${WEBHOOK_SECRET_LENGTH.max} characters`,
      )
      .meta({ description: 'signs every delivery; never shown again' }),
  })
  .strict()
  .meta({ id: 'WebhookInput' });
export type WebhookInput = z.infer<typeof WebhookInput>;

export const Webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    secretLast4: z.string().meta({
      description: 'the last 4 characters of the secret, to tell secrets apart',
    }),
    active: z.boolean(),
    createdBy: z.string(),
    createdAt: InstantOut,
  })
  .meta({ id: 'Webhook' });
export type Webhook = z.infer<typeof Webhook>;

export const WebhookAttempt = z
  .object({
    number: z.number().int().meta({ description: '1 for the first attempt' }),
    at: InstantOut,
    outcome: z.enum(['succeeded', 'failed', 'in-progress']),
    responseStatus: z.number().int().nullable(),
    error: z.string().nullable().meta({
      description:
        'why the attempt failed without an answer: a network error, a timeout, a worker stopped during it',
    }),
    durationMs: z.number().int().nullable(),
    responseSnippet: z.string().nullable().meta({
      description: "the start of the receiver's answer (at most 1 KiB)",
    }),
  })
  .meta({ id: 'WebhookAttempt' });
export type WebhookAttempt = z.infer<typeof WebhookAttempt>;

export const WebhookDelivery = z
  .object({
    id: z.string(),
    webhookId: z.string(),
    eventId: z.string(),
    eventType: z.enum(WEBHOOK_EVENT_TYPES),
    status: z.enum(['pending', 'delivered', 'failed']),
    attemptCount: z.number().int(),
    nextAttemptAt: InstantOut.nullable().meta({
      description:
        'when the next attempt is due; null once delivered or failed',
    }),
    deliveredAt: InstantOut.nullable(),
    createdAt: InstantOut,
    event: z.unknown().meta({
      description: 'the body sent: { id, type, createdAt, data }',
    }),
    attempts: z.array(WebhookAttempt),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
