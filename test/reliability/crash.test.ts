/**
 * SIGKILL while several clients write: claims and incident corrections at once. After a restart on the
 * same database every acknowledged write is there, `integrity_check` is ok, and no audit row is missing.
 *
 * Each kind of write is one entry of STREAMS: how to prepare its targets, how one client makes one write
 * and remembers it once acknowledged, and what must hold after the crash. Approvals of credit notices
 * become one more stream once notices exist.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  contractWithOutage,
  HOUR,
  type Server,
  scratch,
} from '../support/server';

const space = scratch('crash');
afterAll(() => space.cleanUp());

/** Writes acknowledged across all streams before the kill. */
const KILL_AFTER = 90;

interface Stream {
  name: string;
  clients: number;
  prepare(server: Server, customerId: string): Promise<void>;
  /** Makes one write and records it if acknowledged; false when the stream has nothing left to write. */
  writeOne(server: Server): Promise<boolean>;
  acknowledged(): number;
  /** On the database after the restart. */
  verify(db: Database.Database): void;
}

function claimStream(): Stream {
  const targets: { contractId: string; outageStart: string }[] = [];
  const acknowledged: string[] = [];
  let next = 0;
  return {
    name: 'claims',
    clients: 3,
    async prepare(server, customerId) {
      // Eight contracts, each with a dozen separate qualifying outages of 24 h in the last weeks.
      const day = Math.floor(Date.now() / HOUR) * HOUR - 20 * 24 * HOUR;
      for (let c = 0; c < 8; c++) {
        const { contractId } = await contractWithOutage(
          server,
          customerId,
          `CLAIMS-${c}`,
        );
        const intervals = Array.from({ length: 12 }, (_, i) => ({
          start: new Date(day - (i + 1) * 25 * HOUR).toISOString(),
          end: new Date(day - (i + 1) * 25 * HOUR + 24 * HOUR).toISOString(),
        }));
        const incident = await server.call('POST', '/incidents', {
          title: `claims ${c}`,
          cause: 'provider',
          severity: 'total',
          scope: { contractIds: [contractId] },
          awareAt: intervals[intervals.length - 1]!.start,
          intervals,
        });
        expect(incident.status, JSON.stringify(incident.body)).toBe(201);
        for (const interval of intervals)
          targets.push({ contractId, outageStart: interval.start });
      }
    },
    async writeOne(server) {
      const target = targets[next++];
      if (!target) return false;
      const reply = await server.call('POST', '/claims', target);
      if (reply.status !== 201)
        throw new Error(`claim: ${reply.status} ${JSON.stringify(reply.body)}`);
      acknowledged.push(reply.body.id);
      return true;
    },
    acknowledged: () => acknowledged.length,
    verify(db) {
      const stored = new Set(
        (db.prepare('select id from claims').all() as { id: string }[]).map(
          (row) => row.id,
        ),
      );
      for (const id of acknowledged)
        expect(stored.has(id), `acknowledged claim ${id}`).toBe(true);
      // Every stored claim, acknowledged or not, came with its audit row in the same transaction.
      const orphans = db
        .prepare(
          `select count(*) n from claims where id not in (select entity_id from audit_log where action = 'claim.created')`,
        )
        .get() as { n: number };
      expect(orphans.n).toBe(0);
    },
  };
}

function correctionStream(): Stream {
  const incidents: { id: string; start: number }[] = [];
  /** The highest acknowledged version of each incident, with the title it set. */
  const acknowledged = new Map<string, { version: number; title: string }>();
  let count = 0;
  let next = 0;
  return {
    name: 'incident corrections',
    clients: 2,
    async prepare(server, customerId) {
      for (let c = 0; c < 3; c++) {
        const { incidentId, outageStart } = await contractWithOutage(
          server,
          customerId,
          `CORRECTIONS-${c}`,
        );
        incidents.push({ id: incidentId, start: Date.parse(outageStart) });
      }
    },
    async writeOne(server) {
      const n = next++;
      const incident = incidents[n % incidents.length]!;
      const title = `corrected ${n}`;
      // Each correction moves the end by a minute, so the outages and claims are recomputed too.
      const reply = await server.call('PATCH', `/incidents/${incident.id}`, {
        reason: `correction ${n}`,
        title,
        intervals: [
          {
            start: new Date(incident.start).toISOString(),
            end: new Date(
              incident.start + 48 * HOUR + n * 60_000,
            ).toISOString(),
          },
        ],
      });
      if (reply.status !== 200)
        throw new Error(
          `correction: ${reply.status} ${JSON.stringify(reply.body)}`,
        );
      count++;
      const previous = acknowledged.get(incident.id);
      if (!previous || previous.version < reply.body.version)
        acknowledged.set(incident.id, { version: reply.body.version, title });
      return true;
    },
    acknowledged: () => count,
    verify(db) {
      for (const [id, { version, title }] of acknowledged) {
        const row = db
          .prepare('select version from incidents where id = ?')
          .get(id) as { version: number };
        expect(row.version).toBeGreaterThanOrEqual(version);
        // One audit row per correction, none missing: versions 2, 3, ... each have theirs.
        const audited = (
          db
            .prepare(
              `select json_extract("after", '$.version') v, json_extract("after", '$.title') t from audit_log where action = 'incident.corrected' and entity_id = ? order by v`,
            )
            .all(id) as { v: number; t: string }[]
        ).map((entry) => entry.v);
        expect(audited).toEqual(
          Array.from({ length: row.version - 1 }, (_, i) => i + 2),
        );
        const acknowledgedEntry = db
          .prepare(
            `select json_extract("after", '$.title') t from audit_log where action = 'incident.corrected' and entity_id = ? and json_extract("after", '$.version') = ?`,
          )
          .get(id, version) as { t: string };
        expect(acknowledgedEntry.t).toBe(title);
      }
    },
  };
}

describe('SIGKILL while several clients write', () => {
  it('keeps every acknowledged write, an intact database and every audit row', async () => {
    const databasePath = space.path('crash.db');
    const first = await space.start(databasePath);
    const customer = await first.call('POST', '/customers', {
      name: 'Crash K.K.',
    });
    const streams = [claimStream(), correctionStream()];
    for (const stream of streams) await stream.prepare(first, customer.body.id);

    let killed = false;
    const total = () =>
      streams.reduce((sum, stream) => sum + stream.acknowledged(), 0);
    const client = async (stream: Stream) => {
      while (!killed) {
        try {
          if (!(await stream.writeOne(first))) return;
        } catch (error) {
          if (!killed) throw error;
          return;
        }
        if (!killed && total() >= KILL_AFTER) {
          killed = true;
          await first.kill();
        }
      }
    };
    await Promise.all(
      streams.flatMap((stream) =>
        Array.from({ length: stream.clients }, () => client(stream)),
      ),
    );
    expect(killed, 'the writes ran out before the kill').toBe(true);
    for (const stream of streams)
      expect(stream.acknowledged(), stream.name).toBeGreaterThan(0);

    // A restart on the same database (recovering the WAL), then a graceful stop.
    const second = await space.start(databasePath);
    expect((await second.call('GET', '/claims')).status).toBe(200);
    expect(await second.stop()).toBe(0);

    const db = new Database(databasePath, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      for (const stream of streams) stream.verify(db);
    } finally {
      db.close();
    }
  }, 180_000);
});
