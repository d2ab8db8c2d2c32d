/**
 * `GET /metrics` in Prometheus's text format, behind its own bearer token (`SLA_METRICS_TOKEN`): request
 * durations by route and status, outage derivation time, Node's process metrics, and gauges of the work
 * waiting for people, computed when scraped.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ServiceError } from '../errors';
import { processRegistry, startProcessMetrics } from '../lib/metrics';
import type { ServiceContext } from '../services/context';
import {
  countNoticesAwaitingSecondApprover,
  countNoticesPendingApproval,
} from '../services/credit-notices';
import {
  claimsByStatus,
  countUnclaimedOutagesClosingWithin,
} from '../services/watchlist';
import { countFailingWebhookDeliveries } from '../services/webhooks';
import { bearerToken } from './endpoint';

type ReadContext = Pick<ServiceContext, 'store' | 'clock' | 'config'>;

/** One gauge of work waiting for people: a number, or one number per label set. */
export interface WorkGauge {
  name: string;
  help: string;
  labelNames?: readonly string[];
  collect(
    ctx: ReadContext,
  ): number | readonly { labels: Record<string, string>; value: number }[];
}

/** The days ahead the claim-window gauge looks (JST dates, today included). */
export const CLAIM_WINDOW_WATCH_DAYS = 14;

/**
 * The gauges, computed at scrape time from the database. A feature that leaves work for people adds
 * one entry here (credit notices pending approval, webhook deliveries failing).
 */
export const WORK_GAUGES: readonly WorkGauge[] = [
  {
    name: 'gengaku_claims',
    help: 'Claims by status: awaiting-resolution (the outage goes on), pending-approval (finance decides), approved, rejected',
    labelNames: ['status'],
    collect: (ctx) =>
      Object.entries(claimsByStatus(ctx)).map(([status, value]) => ({
        labels: { status },
        value,
      })),
  },
  {
    name: 'gengaku_credit_notices_pending_approval',
    help: 'Credit notices waiting for finance to approve or reject them',
    collect: (ctx) => countNoticesPendingApproval(ctx.store),
  },
  {
    name: 'gengaku_credit_notices_awaiting_second_approver',
    help: 'Credit notices pending approval that one finance user approved, waiting for a second (dualApprovalFromYen)',
    collect: (ctx) => countNoticesAwaitingSecondApprover(ctx.store),
  },
  {
    name: 'gengaku_webhook_deliveries_failing',
    help: 'Webhook deliveries failing now: given up on after every retry, or still retrying after a failed attempt',
    collect: (ctx) => countFailingWebhookDeliveries(ctx.store),
  },
  {
    name: 'gengaku_unclaimed_outages_window_closing',
    help: `Qualifying outages with no claim whose claim deadline is within the next ${CLAIM_WINDOW_WATCH_DAYS} JST days, today included`,
    collect: (ctx) =>
      countUnclaimedOutagesClosingWithin(ctx, CLAIM_WINDOW_WATCH_DAYS),
  },
];

/** The label of a request's route: its path template (`/api/v1/contracts/:id`), never the raw URL. */
const UNMATCHED_ROUTE = 'unmatched';

/** An endpoint names its path template here, so the label survives an error handled outside its router. */
export function labelRoute(res: Response, template: string): void {
  res.locals.route = template;
}

function routeOf(req: Request, res: Response): string {
  if (typeof res.locals.route === 'string') return res.locals.route;
  // Express sets req.route when a route matched; baseUrl is the router's mount point while inside it.
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : UNMATCHED_ROUTE;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

export interface Metrics {
  /** First middleware: times every request until its response is sent. */
  measure(req: Request, res: Response, next: NextFunction): void;
  /** `GET /metrics`. */
  serve(req: Request, res: Response, next: NextFunction): void;
}

export function createMetrics(deps: {
  read: ReadContext;
  logger: Logger;
  /** Without one, `/metrics` answers 404: nothing is exposed unless an operator chose a token. */
  token: string | undefined;
}): Metrics {
  startProcessMetrics();
  const registry = new Registry();
  const requestSeconds = new Histogram({
    name: 'gengaku_http_request_duration_seconds',
    help: 'HTTP request durations by method, route (path template) and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const gaugeErrors = new Counter({
    name: 'gengaku_gauge_errors_total',
    help: 'Gauges that could not be computed at a scrape (the gauge is left out of that scrape)',
    labelNames: ['gauge'],
    // Registered after the gauges, so a scrape reports the failures of its own gauges.
    registers: [],
  });
  for (const definition of WORK_GAUGES) {
    new Gauge({
      name: definition.name,
      help: definition.help,
      labelNames: definition.labelNames ?? [],
      registers: [registry],
      collect() {
        this.reset();
        try {
          const value = definition.collect(deps.read);
          if (typeof value === 'number') this.set(value);
          else for (const entry of value) this.set(entry.labels, entry.value);
        } catch (error) {
          gaugeErrors.inc({ gauge: definition.name });
          deps.logger.error(
            { err: error, gauge: definition.name },
            'a metrics gauge failed',
          );
        }
      },
    });
  }
  registry.registerMetric(gaugeErrors);
  const served = Registry.merge([processRegistry, registry]);
  const expected = deps.token === undefined ? undefined : sha256(deps.token);

  return {
    measure(req, res, next) {
      const stop = requestSeconds.startTimer();
      res.once('finish', () =>
        stop({
          method: req.method,
          route: routeOf(req, res),
          status: String(res.statusCode),
        }),
      );
      next();
    },
    serve(req, res, next) {
      if (expected === undefined) {
        next(
          new ServiceError(
            'not-found',
            'metrics are off: set SLA_METRICS_TOKEN to serve them',
          ),
        );
        return;
      }
      const token = bearerToken(req);
      if (token === undefined || !timingSafeEqual(sha256(token), expected)) {
        next(
          new ServiceError(
            'unauthenticated',
            'send Authorization: Bearer <the SLA_METRICS_TOKEN>',
          ),
        );
        return;
      }
      served
        .metrics()
        .then((text) => res.type(served.contentType).send(text))
        .catch(next);
    },
  };
}
