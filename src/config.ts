/** Settings from the environment (API.md, "Running"); anything malformed stops the start with a clear message. */
import { DEFAULT_REGIONS } from './domain/terms';
import { Policy } from './domain/policy';
import type { AppConfig } from './services/context';

export interface ServerSettings {
  port: number;
  host: string;
  databasePath: string;
  bootstrapToken: string | undefined;
  logLevel: string;
  app: AppConfig;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): ServerSettings {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const regions = (env.SLA_REGIONS ?? DEFAULT_REGIONS.join(',')).split(',').map((region) => region.trim()).filter(Boolean);
  const policy = Policy.safeParse(env.SLA_POLICY ? JSON.parse(env.SLA_POLICY) : {});
  if (!policy.success) throw new Error(`SLA_POLICY is not a valid policy: ${policy.error.message}`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databasePath: env.DATABASE_PATH ?? './data/gengaku.db',
    bootstrapToken: env.SLA_BOOTSTRAP_TOKEN,
    logLevel: env.LOG_LEVEL ?? 'info',
    app: { policy: policy.data, regions },
  };
}
