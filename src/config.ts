/** Settings from the environment (API.md, "Running"); anything malformed stops the start with a clear message. */

import { Policy } from './domain/policy';
import { DEFAULT_REGIONS } from './domain/terms';

/** What the use cases are configured with. */
export interface AppConfig {
  policy: Policy;
  /** The configured regions (Art. 3 (4)); the default list is jp-east, jp-west. */
  regions: readonly string[];
}

export interface ServerSettings {
  port: number;
  host: string;
  databasePath: string;
  bootstrapToken: string | undefined;
  /** The bearer token Prometheus sends to GET /metrics; unset, /metrics answers 404. */
  metricsToken: string | undefined;
  logLevel: string;
  app: AppConfig;
}

export function settingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): ServerSettings {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const regions = (env.SLA_REGIONS ?? DEFAULT_REGIONS.join(','))
    .split(',')
    .map((region) => region.trim())
    .filter(Boolean);
  const policy = Policy.safeParse(
    env.SLA_POLICY ? JSON.parse(env.SLA_POLICY) : {},
  );
  if (!policy.success)
    throw new Error(
      `SLA_POLICY is not a valid policy: ${policy.error.message}`,
    );
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databasePath: env.DATABASE_PATH ?? './data/gengaku.db',
    bootstrapToken: env.SLA_BOOTSTRAP_TOKEN,
    metricsToken: env.SLA_METRICS_TOKEN || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    app: { policy: policy.data, regions },
  };
}
