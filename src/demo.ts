/** `npm run demo`: the tracker on a fresh demo database, with one login per role printed at start. */
import { rmSync } from 'node:fs';
import { settingsFromEnv } from './config';
import { openStore } from './db/client';
import { DEMO_ISSUER, seedDemo } from './demo-data';
import { createNoticeRenderer } from './documents/notice-renderer';
import { instantOf } from './domain/time';
import { startServer } from './server';

async function main() {
  const settings = settingsFromEnv({
    ...DEMO_ISSUER,
    ...process.env,
    DATABASE_PATH: process.env.DATABASE_PATH ?? './data/demo.db',
  });
  for (const suffix of ['', '-wal', '-shm'])
    rmSync(`${settings.databasePath}${suffix}`, { force: true });
  const store = openStore(settings.databasePath);
  // Whole minutes make the demo's instants easier to read.
  const logins = await seedDemo(
    store,
    settings.app,
    instantOf(Math.floor(Date.now() / 60_000) * 60_000),
    createNoticeRenderer(),
  );
  store.close();
  const server = await startServer(settings);
  const lines = logins.map(
    (login) =>
      `  ${login.role.padEnd(9)} ${login.email.padEnd(24)} ${(login.password || '(token only)').padEnd(20)} ${login.token}`,
  );
  process.stdout.write(
    `\nGengaku demo at ${server.url}  (database ${settings.databasePath})\n` +
      `Open it in a browser and log in with an email and password below; the API reference is at ${server.url}/api/docs\n\n  role      email                    password             API token\n${lines.join('\n')}\n\n` +
      `Try: curl -H 'Authorization: Bearer ${logins[3]!.token}' ${server.url}/api/v1/claims\n` +
      `Finance has notices to approve: curl -H 'Authorization: Bearer ${logins[2]!.token}' '${server.url}/api/v1/credit-notices?status=pending-approval'\n\n`,
  );
}

void main();
