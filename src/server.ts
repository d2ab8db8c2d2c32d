/** `npm start`: serve the tracker; migrations are applied on open; SIGTERM closes gracefully. */
import type { AddressInfo } from 'node:net';
import { type Logger, pino } from 'pino';
import type { ServerSettings } from './config';
import { openStore, type Store } from './db/client';
import { createApp } from './http/app';
import { refreshAwaitingClaims } from './services/claims';
import { ensureFirstAdmin } from './services/users';

/** How often claims awaiting the end of an outage are looked at again (an outage can end by time alone). */
const AWAITING_CLAIMS_REFRESH_MS = 60_000;

export interface RunningServer {
  url: string;
  store: Store;
  logger: Logger;
  close(): Promise<void>;
}

export async function startServer(
  settings: ServerSettings,
  onStarted?: (server: RunningServer) => void,
): Promise<RunningServer> {
  const logger = pino({ level: settings.logLevel });
  const store = openStore(settings.databasePath);
  const clock = () => Date.now();
  const first = ensureFirstAdmin(store, clock(), settings.bootstrapToken);
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
  const app = createApp({
    store,
    clock,
    config: settings.app,
    logger,
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
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        clearInterval(refreshTimer);
        http.close(() => {
          store.close();
          logger.info('closed');
          resolve();
        });
        http.closeIdleConnections();
      })),
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      void server.close().then(() => process.exit(0));
    });
  }
  onStarted?.(server);
  return server;
}
