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
  logLevel: string;
  app: AppConfig;
  /** `TRUST_PROXY`: set behind a TLS-terminating proxy, so session cookies are Secure. */
  trustProxy: string | undefined;
  /** `SLA_SESSION_TTL_HOURS` (12): how long a web sign-in lasts. */
  sessionTtlMs: number;
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
  const sessionHours = Number(env.SLA_SESSION_TTL_HOURS ?? 12);
  if (
    !Number.isFinite(sessionHours) ||
    sessionHours <= 0 ||
    sessionHours > 24 * 90
  )
    throw new Error(
      `SLA_SESSION_TTL_HOURS must be a number of hours above 0 (at most 2160), got ${env.SLA_SESSION_TTL_HOURS}`,
    );
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databasePath: env.DATABASE_PATH ?? './data/gengaku.db',
    bootstrapToken: env.SLA_BOOTSTRAP_TOKEN,
    logLevel: env.LOG_LEVEL ?? 'info',
    app: { policy: policy.data, regions },
    trustProxy: env.TRUST_PROXY,
    sessionTtlMs: Math.round(sessionHours * 3_600_000),
  };
}
