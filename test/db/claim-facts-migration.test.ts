/**
 * The migration to explicit outage facts on claims: rows stored before it (facts only in the Outage JSON,
 * a correction's reason only in words) come out with their facts in columns and their reason as a code.
 */
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { storedClaimOf } from '../../src/db/claims';
import * as schema from '../../src/db/schema';
import {
  addMs,
  formatInstant,
  type Instant,
  parseInstant,
} from '../../src/domain/time';

const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));
const BEFORE = '0005_claim_outage_facts';

let folder: string | undefined;
afterEach(() => {
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
});

/** The migrations folder as it stood before the claims got their outage facts. */
function migrationsBefore(tag: string): string {
  folder = mkdtempSync(join(tmpdir(), 'gengaku-migrations-'));
  cpSync(MIGRATIONS, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
  const cut = journal.entries.findIndex((e: { tag: string }) => e.tag === tag);
  expect(cut).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalPath, JSON.stringify(journal));
  return folder;
}

const at = (text: string) => parseInstant(text);
const H = 3_600_000;

/** An Outage as the API wrote it into claims.outage. */
function outageJson(start: Instant, end: Instant | null, clockStart: Instant) {
  const unavailableMs = (end ?? at('2026-01-11T06:00:00+09:00')) - clockStart;
  const creditDays = Math.floor(unavailableMs / (24 * H));
  return {
    start: formatInstant(start),
    end: end === null ? null : formatInstant(end),
    ongoing: end === null,
    clockStart: formatInstant(clockStart),
    unavailableMs,
    qualifies: unavailableMs >= 24 * H,
    creditDays,
    monthlyFeeBase: 100_000,
    creditAmount: Math.floor((creditDays * 100_000) / 30),
    thresholdAt: null,
    claimableFrom: end === null ? null : '2026-01-12',
    claimDeadline: end === null ? null : '2026-04-12',
    incidentIds: ['inc-1', 'inc-2'],
    claimStatus: 'claimed',
  };
}

describe('migrating claims to explicit outage facts', () => {
  it('fills the facts from the Outage JSON and turns a correction’s words into its code', () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: migrationsBefore(BEFORE) });

    const created = at('2026-01-11T06:00:00+09:00');
    const updated = at('2026-01-13T09:15:00.123+09:00');
    sqlite.exec(`
      insert into customers (id, name, created_at) values ('cu', 'Example K.K.', 0);
      insert into users (id, name, email, role, created_at) values ('u', 'Sato', 'sato@test.local', 'support', 0);
      insert into contracts (id, customer_id, contract_number, licenses, concurrent_devices, servers, region,
        redundancy, billing_start_date, monthly_fee, created_at)
        values ('c', 'cu', 'C-1', 500, 2000, 2, 'jp-east', 1, '2025-04-01', 100000, 0);
    `);
    const insert = sqlite.prepare(`
      insert into claims (id, contract_id, outage_start, received_at, recorded_by, status, outage, resolution,
        resolved_by, created_at, updated_at)
      values (@id, 'c', @outageStart, @created, 'u', @status, @outage, @resolution, @resolvedBy, @created, @updated)`);
    const start = at('2026-01-10T10:00:00+09:00');
    const ended = outageJson(
      start,
      at('2026-01-12T15:00:00+09:00'),
      addMs(start, H / 2),
    );
    const ongoing = outageJson(start, null, start);
    const row = (
      id: string,
      status: string,
      outage: object,
      resolution: string | null = null,
      resolvedBy: string | null = null,
    ) =>
      insert.run({
        id,
        outageStart: start,
        created,
        updated,
        status,
        outage: JSON.stringify(outage),
        resolution,
        resolvedBy,
      });
    row('pending', 'pending-approval', ended);
    row(
      'cut',
      'rejected',
      ongoing,
      'after a correction the outage no longer qualifies: its unavailable time is 20 h 0 min',
    );
    row(
      'merged',
      'rejected',
      ended,
      'a correction merged its outage into the outage of claim pending',
    );
    row('removed', 'rejected', ended, 'a correction removed its outage');
    row('by-finance', 'rejected', ended, 'a duplicate sent by fax', 'u');

    migrate(db, { migrationsFolder: MIGRATIONS });

    const claim = (id: string) =>
      db.select().from(schema.claims).where(eq(schema.claims.id, id)).get()!;
    expect(storedClaimOf(claim('pending'), null)).toEqual({
      id: 'pending',
      status: 'pending-approval',
      outage: {
        start,
        end: at('2026-01-12T15:00:00+09:00'),
        knownUpTo: updated,
        clockStart: start + H / 2,
        qualifies: true,
        unavailableMs: 52.5 * H,
        creditDays: 2,
        monthlyFeeBase: 100_000,
        creditAmount: 6666,
        claimableFrom: '2026-01-12',
        claimDeadline: '2026-04-12',
        incidentIds: ['inc-1', 'inc-2'],
      },
      resolution: null,
      notice: null,
    });
    expect(storedClaimOf(claim('cut'), null)).toMatchObject({
      status: 'rejected',
      outage: {
        end: null,
        knownUpTo: updated,
        qualifies: false,
        unavailableMs: 20 * H,
      },
      resolution: { code: 'no-longer-qualifies' },
    });
    expect(claim('cut').resolution).toBeNull();
    expect(storedClaimOf(claim('merged'), null).resolution).toEqual({
      code: 'merged',
      intoClaimId: 'pending',
    });
    expect(storedClaimOf(claim('removed'), null).resolution).toEqual({
      code: 'removed',
    });
    // A person's rejection keeps the person's words, and no code.
    expect(claim('by-finance')).toMatchObject({
      resolution: 'a duplicate sent by fax',
      resolutionCode: null,
    });
    sqlite.close();
  });
});
