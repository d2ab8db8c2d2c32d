/**
 * `npx tsx bench/sqlite-limits.ts`: what one SQLite file does on this machine (docs/scaling.md).
 * On the HTTP benchmark's database (`bench/seed.ts`: 2,000 contracts, 1,000 incidents, a fifth regional),
 * through the use cases, one after the other in this one process (SQLite has one writer at a time, so
 * this is the write ceiling, less the HTTP layer):
 *   - incidents logged per second (`createIncident`: its own IMMEDIATE transaction, synchronous=FULL,
 *     so one fsync per commit; every fifth regional);
 *   - claims filed per second (`createClaim`, the same);
 *   - outage reads per second (`contractOutages`, rotating over the contracts);
 *   - the file's size per contract, scaled to 100,000 contracts.
 * Prints the figures; the HTTP figures are in `npm run bench http`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/db/client';
import { DEFAULT_POLICY } from '../src/domain/policy';
import { DEFAULT_REGIONS } from '../src/domain/terms';
import { MS_PER_HOUR, parseInstant } from '../src/domain/time';
import { systemClock } from '../src/services/context';

const iso = (ms: number) => new Date(ms).toISOString();

import { IncidentInput } from '../src/schemas/api';
import { createClaim } from '../src/services/claims';
import { createIncident } from '../src/services/incidents';
import { contractOutages } from '../src/services/outages';
import { random } from './portfolio';
import { adminContext, HTTP_CONTRACTS, seedHttpDatabase } from './seed';

const WRITES = Number(process.env.LIMITS_WRITES ?? 500);
const READ_SECONDS = Number(process.env.LIMITS_READ_SECONDS ?? 5);

const work = mkdtempSync(join(tmpdir(), 'gengaku-limits-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const path = join(work, 'limits.db');
const seeded = seedHttpDatabase(path);
const store = openStore(path);
const ctx = adminContext(store, systemClock, {
  policy: DEFAULT_POLICY,
  regions: DEFAULT_REGIONS,
});
const fileBytes = () =>
  statSync(path).size +
  (() => {
    try {
      return statSync(`${path}-wal`).size;
    } catch {
      return 0;
    }
  })();
const seededBytes = fileBytes();

function perSecond(count: number, run: (i: number) => void): number {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) run(i);
  return (count * 1000) / (performance.now() - t0);
}

const incidentsPerSecond = perSecond(WRITES, (i) => {
  const start = Date.now() - 3 * MS_PER_HOUR - Math.floor(random() * 1e8);
  createIncident(
    ctx,
    IncidentInput.parse({
      title: `Logged ${i}`,
      cause: 'provider',
      severity: 'total',
      scope:
        i % 5 === 0
          ? { regions: ['jp-east'] }
          : {
              contractIds: [
                seeded.contractIds[Math.floor(random() * HTTP_CONTRACTS)],
              ],
            },
      awareAt: iso(start),
      intervals: [
        {
          start: iso(start),
          end: iso(start + 2 * MS_PER_HOUR),
        },
      ],
    }),
  );
});

const claims = seeded.claimable.slice(0, WRITES);
const claimsPerSecond = perSecond(claims.length, (i) => {
  const { contractId, outageStart } = claims[i]!;
  createClaim(
    ctx,
    { contractId, outageStart: parseInstant(outageStart) },
    undefined,
  );
});

let reads = 0;
const t0 = performance.now();
while (performance.now() - t0 < READ_SECONDS * 1000) {
  contractOutages(
    ctx,
    seeded.contractIds[reads % seeded.contractIds.length]!,
    undefined,
  );
  reads++;
}
const readsPerSecond = (reads * 1000) / (performance.now() - t0);

store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
const counts = Object.fromEntries(
  ['contracts', 'incidents', 'incident_intervals', 'claims', 'audit_log'].map(
    (table) => [
      table,
      (
        store.sqlite.prepare(`select count(*) as n from ${table}`).get() as {
          n: number;
        }
      ).n,
    ],
  ),
);
store.close();
const finalBytes = statSync(path).size;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

console.log(
  `\nOne SQLite file, node ${process.version}, ${new Date().toISOString()}`,
);
console.log(
  `  incidents logged (createIncident, one commit each):  ${incidentsPerSecond.toFixed(0).padStart(6)} /s  (${WRITES} in a row)`,
);
console.log(
  `  claims filed (createClaim, one commit each):          ${claimsPerSecond.toFixed(0).padStart(6)} /s  (${claims.length} in a row)`,
);
console.log(
  `  outage reads (contractOutages):                       ${readsPerSecond.toFixed(0).padStart(6)} /s  (${READ_SECONDS} s)`,
);
console.log(
  `  file: ${mb(seededBytes)} as seeded, ${mb(finalBytes)} after the writes; rows ${JSON.stringify(counts)}`,
);
console.log(
  `  per 100,000 contracts at this mix (${(counts.incidents! / HTTP_CONTRACTS).toFixed(2)} incidents and ` +
    `${(counts.claims! / HTTP_CONTRACTS).toFixed(2)} claims per contract): ${mb((finalBytes * 100_000) / HTTP_CONTRACTS)}`,
);
