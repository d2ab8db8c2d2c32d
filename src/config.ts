/** Settings from the environment (API.md, "Running"); anything malformed stops the start with a clear message. */

import { Policy } from './domain/policy';
import { DEFAULT_REGIONS } from './domain/terms';

/** The issuer a credit notice names (適格返還請求書, 消費税法 Art. 57-4(3)). */
export interface NoticeIssuer {
  name: string;
  /** 登録番号: `T` and 13 digits. */
  registrationNumber: string;
}

/** 適格請求書発行事業者の登録番号: `T` followed by 13 digits. */
export const REGISTRATION_NUMBER = /^T\d{13}$/;
/** How long a token from `POST /auth/tokens` lives when SLA_TOKEN_TTL_DAYS is not set. */
export const DEFAULT_TOKEN_TTL_DAYS = 30;
/** How long a web sign-in lasts unless `SLA_SESSION_TTL_HOURS` says otherwise. */
export const DEFAULT_SESSION_TTL_HOURS = 12;

/** How many contracts' outage sources the read model keeps when OUTAGE_CACHE_CONTRACTS does not say. */
export const DEFAULT_OUTAGE_CACHE_CONTRACTS = 5_000;

/** What the use cases are configured with. */
export interface AppConfig {
  policy: Policy;
  /** The configured regions (Art. 3 (4)); the default list is jp-east, jp-west. */
  regions: readonly string[];
  /** SLA_TOKEN_TTL_DAYS: days a token from `POST /auth/tokens` lives (DEFAULT_TOKEN_TTL_DAYS when absent). */
  tokenTtlDays?: number;
  /**
   * SLA_ISSUER_NAME and SLA_ISSUER_REGISTRATION; absent until both are set: notices are then prepared and
   * previewed, but approval answers 409 issuer-not-configured.
   */
  issuer?: NoticeIssuer;
  /**
   * OUTAGE_CACHE_CONTRACTS: how many contracts' outage sources the read model keeps in memory, the most
   * recently read (DEFAULT_OUTAGE_CACHE_CONTRACTS when absent; 0 keeps none). About 55 KB a contract on the
   * benchmark portfolios (docs/scaling.md).
   */
  outageCacheContracts?: number;
}

/** The issuer from the environment: undefined until both are set; a malformed number stops the start. */
export function issuerFromEnv(
  env: NodeJS.ProcessEnv,
): NoticeIssuer | undefined {
  const name = env.SLA_ISSUER_NAME?.trim() || undefined;
  const registrationNumber = env.SLA_ISSUER_REGISTRATION?.trim() || undefined;
  if (
    registrationNumber !== undefined &&
    !REGISTRATION_NUMBER.test(registrationNumber)
  )
    throw new Error(
      `SLA_ISSUER_REGISTRATION must be the issuer's registration number, T and 13 digits (e.g. T1234567890123), got "${registrationNumber}"`,
    );
  return name !== undefined && registrationNumber !== undefined
    ? { name, registrationNumber }
    : undefined;
}

/** Where Debian's `chromium` package puts the browser. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
/** Ten years: a longer-lived credential is a token from POST /users, which does not expire. */
const MAX_TOKEN_TTL_DAYS = 3650;

export interface ServerSettings {
  port: number;
  host: string;
  databasePath: string;
  bootstrapToken: string | undefined;
  /** The bearer token Prometheus sends to GET /metrics; unset, /metrics answers 404. */
  metricsToken: string | undefined;
  logLevel: string;
  /** The Chromium that prints credit notices to PDF (Debian's `chromium` package). */
  chromiumPath: string;
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
  const tokenTtlDays = Number(env.SLA_TOKEN_TTL_DAYS ?? DEFAULT_TOKEN_TTL_DAYS);
  if (
    !Number.isInteger(tokenTtlDays) ||
    tokenTtlDays < 1 ||
    tokenTtlDays > MAX_TOKEN_TTL_DAYS
  )
    throw new Error(
      `SLA_TOKEN_TTL_DAYS must be a whole number of days from 1 to ${MAX_TOKEN_TTL_DAYS}, got ${env.SLA_TOKEN_TTL_DAYS}`,
    );
  const sessionHours = Number(
    env.SLA_SESSION_TTL_HOURS ?? DEFAULT_SESSION_TTL_HOURS,
  );
  if (
    !Number.isFinite(sessionHours) ||
    sessionHours <= 0 ||
    sessionHours > 24 * 90
  )
    throw new Error(
      `SLA_SESSION_TTL_HOURS must be a number of hours above 0 (at most 2160), got ${env.SLA_SESSION_TTL_HOURS}`,
    );
  const outageCacheContracts = Number(
    env.OUTAGE_CACHE_CONTRACTS || DEFAULT_OUTAGE_CACHE_CONTRACTS,
  );
  if (!Number.isSafeInteger(outageCacheContracts) || outageCacheContracts < 0)
    throw new Error(
      `OUTAGE_CACHE_CONTRACTS must be a whole number of contracts, 0 or more, got ${env.OUTAGE_CACHE_CONTRACTS}`,
    );
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databasePath: env.DATABASE_PATH ?? './data/gengaku.db',
    // Set but empty is not set: an empty token would let anyone in.
    bootstrapToken: env.SLA_BOOTSTRAP_TOKEN || undefined,
    metricsToken: env.SLA_METRICS_TOKEN || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    chromiumPath: env.SLA_CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH,
    app: {
      policy: policy.data,
      regions,
      tokenTtlDays,
      issuer: issuerFromEnv(env),
      outageCacheContracts,
    },
    trustProxy: env.TRUST_PROXY,
    sessionTtlMs: Math.round(sessionHours * 3_600_000),
  };
}
