/** `npm start`: serve the tracker; migrations are applied on open; SIGTERM closes gracefully. */
import type { AddressInfo } from 'node:net';
import { type Logger, pino } from 'pino';
import type { ServerSettings } from './config';
import { openStore, type Store } from './db/client';
import { describeHolder, holdDatabase } from './db/server-lock';
import { createNoticeRenderer } from './documents/notice-renderer';
import { createPdfRenderer } from './documents/pdf';
import type { Instant } from './domain/time';
import { ServiceError } from './errors';
import { createApp } from './http/app';
import { refreshAwaitingClaims } from './services/claims';
import { systemClock } from './services/context';
import {
  createNoticePrinting,
  type NoticePrinting,
} from './services/notice-printing';
import { ensureFirstAdmin } from './services/users';
import {
  startWebhookWorker,
  type WebhookWorker,
  type WebhookWorkerOptions,
} from './services/webhook-delivery';

/** How often claims awaiting the end of an outage are looked at again (an outage can end by time alone). */
const AWAITING_CLAIMS_REFRESH_MS = 60_000;

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface RunningServer {
  url: string;
  store: Store;
  logger: Logger;
  /** Delivers the webhook outbox; `deliverDue()` runs a pass at once rather than at the next poll. */
  webhooks: WebhookWorker;
  /** The notice templates and PDF printer; `settled()` waits for the PDFs printed after approvals. */
  printing: NoticePrinting;
  close(): Promise<void>;
}

/** What a caller may supply instead of the real thing (tests pass their own clock and HTTP client). */
export interface StartOptions {
  clock?: () => Instant;
  webhooks?: Pick<
    WebhookWorkerOptions,
    'fetch' | 'random' | 'timeoutMs' | 'pollMs'
  >;
  onStarted?: (server: RunningServer) => void;
}

export async function startServer(
  settings: ServerSettings,
  options: StartOptions = {},
): Promise<RunningServer> {
  const logger = pino({ level: settings.logLevel });
  const store = openStore(settings.databasePath);
  // For `cli restore`: a database that a running server holds is never replaced under it.
  const hold =
    settings.databasePath === ':memory:'
      ? null
      : holdDatabase(settings.databasePath, new Date());
  if (hold?.previous)
    logger.warn(
      { holder: hold.previous },
      `another server may still hold ${settings.databasePath}: ${describeHolder(hold.previous)}`,
    );
  const clock = options.clock ?? systemClock;
  const first = await ensureFirstAdmin(store, clock(), settings.bootstrapToken);
  if (first.kind === 'token')
    logger.info(
      { email: first.user.email },
      'created the first admin with the token from SLA_BOOTSTRAP_TOKEN',
    );
  if (first.kind === 'password') {
    // Printed once, on purpose, outside the structured log: it is the only way in on a new install.
    process.stdout.write(
      `\nFirst start: admin login ${first.user.email} with one-time password ${first.password}\n` +
        `Exchange it for an API token: POST /api/v1/auth/tokens {"email","password"}\n\n`,
    );
  }
  if (settings.app.issuer === undefined)
    logger.warn(
      'SLA_ISSUER_NAME and SLA_ISSUER_REGISTRATION are not both set: credit notices are prepared and previewed, but cannot be approved',
    );
  // Compiled once here: a broken template stops the start.
  const printing = createNoticePrinting({
    html: createNoticeRenderer(),
    pdf: createPdfRenderer({ executablePath: settings.chromiumPath }),
    onError: (error, noticeId) => {
      if (error instanceof ServiceError && error.code === 'pdf-unavailable')
        logger.warn(
          { noticeId, detail: error.message },
          'the PDFs of an approved credit notice were not printed: they are printed from its frozen HTML when first asked for',
        );
      else
        logger.error(
          { err: error, noticeId },
          'printing the PDFs of an approved credit notice failed',
        );
    },
  });
  const app = createApp({
    store,
    clock,
    config: settings.app,
    logger,
    printing,
    metricsToken: settings.metricsToken,
    trustProxy: settings.trustProxy,
    web: { sessionTtlMs: settings.sessionTtlMs },
  });
  const system = {
    store,
    clock,
    config: settings.app,
    actor: { userId: 'system', role: 'admin' as const, customerId: null },
  };
  const refreshTimer = setInterval(() => {
    try {
      refreshAwaitingClaims(system);
    } catch (error) {
      logger.error(
        { err: error },
        'refreshing claims awaiting resolution failed',
      );
    }
  }, AWAITING_CLAIMS_REFRESH_MS);
  refreshTimer.unref();
  const webhooks = startWebhookWorker({
    ...options.webhooks,
    store,
    clock,
    logger: logger.child({ component: 'webhooks' }),
  });
  const http = app.listen(settings.port, settings.host);
  await new Promise<void>((resolve, reject) => {
    http.once('listening', resolve);
    http.once('error', reject);
  });
  const { port } = http.address() as AddressInfo;
  const url = `http://${settings.host}:${port}`;
  logger.info({ url, database: settings.databasePath }, 'gengaku is serving');
  let closing: Promise<void> | undefined;
  const server: RunningServer = {
    url,
    store,
    logger,
    webhooks,
    printing,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        clearInterval(refreshTimer);
        for (const signal of SIGNALS) process.off(signal, onSignal);
        const closed = new Promise<void>((done) => http.close(() => done()));
        http.closeIdleConnections();
        // Attempts under way finish (each within its timeout) and are recorded before the store closes;
        // so are the PDFs being printed, and then the browser stops.
        void Promise.all([closed, webhooks.stop(), printing.close()]).then(
          () => {
            store.close();
            hold?.release();
            logger.info('closed');
            resolve();
          },
        );
      })),
  };
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    void server.close().then(() => process.exit(0));
  };
  for (const signal of SIGNALS) process.once(signal, onSignal);
  options.onStarted?.(server);
  return server;
}
