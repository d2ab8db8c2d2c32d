/**
 * SIGKILL while several clients write: claims, incident corrections and two finance users' approvals of
 * credit notices (some needing both) at once. After a restart on the same database every acknowledged
 * write is there, approved notices keep their numbers (consecutive, no gap, no repeat) and their frozen
 * documents, `integrity_check` is ok, and no audit row is missing.
 *
 * Each kind of write is one entry of STREAMS: how to prepare its targets, how one client makes one write
 * and remembers it once acknowledged, and what must hold after the crash.
 */
import type Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  contractWithOutage,
  HOUR,
  inspect,
  type Server,
  scratch,
  userOf,
} from '../support/server';
import {
  type AcknowledgedApproval,
  expectNoticesIntact,
} from './support/notices';

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

/** `count` separate qualifying outages of 24 h each, the newest ending `daysAgo` days before now. */
function dailyOutages(count: number, daysAgo: number) {
  const day = Math.floor(Date.now() / HOUR) * HOUR - daysAgo * 24 * HOUR;
  return Array.from({ length: count }, (_, i) => ({
    start: new Date(day - (i + 1) * 25 * HOUR).toISOString(),
    end: new Date(day - (i + 1) * 25 * HOUR + 24 * HOUR).toISOString(),
  }));
}

/** A contract of the customer with the outages as one incident. */
async function contractWithOutages(
  server: Server,
  customerId: string,
  contractNumber: string,
  intervals: { start: string; end: string }[],
  monthlyFee = 30_000,
): Promise<string> {
  const contract = await server.call('POST', '/contracts', {
    customerId,
    contractNumber,
    licenses: 100,
    concurrentDevices: 2000,
    servers: 1,
    region: 'jp-east',
    redundancy: false,
    billingStartDate: '2025-01-01',
    monthlyFee,
  });
  expect(contract.status, JSON.stringify(contract.body)).toBe(201);
  const incident = await server.call('POST', '/incidents', {
    title: `outages of ${contractNumber}`,
    cause: 'provider',
    severity: 'total',
    scope: { contractIds: [contract.body.id] },
    awareAt: intervals[intervals.length - 1]!.start,
    intervals,
  });
  expect(incident.status, JSON.stringify(incident.body)).toBe(201);
  return contract.body.id;
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
      for (let c = 0; c < 8; c++) {
        const intervals = dailyOutages(12, 20);
        const contractId = await contractWithOutages(
          server,
          customerId,
          `CLAIMS-${c}`,
          intervals,
        );
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

/** A monthly fee whose one credit day (¥1,000,000, ¥1,100,000 with tax) reaches dualApprovalFromYen. */
const DUAL_APPROVAL_FEE = 30_000_000;

function approvalStream(): Stream {
  /** One approval each: a small notice by either finance user, a large one by each of the two. */
  const steps: { noticeId: string; approver: 0 | 1 }[] = [];
  const finance: { id: string; token: string }[] = [];
  const acknowledged: AcknowledgedApproval[] = [];
  let next = 0;
  async function noticesOf(
    server: Server,
    contractId: string,
    intervals: { start: string }[],
  ) {
    const ids: string[] = [];
    for (const interval of intervals) {
      const claim = await server.call('POST', '/claims', {
        contractId,
        outageStart: interval.start,
      });
      expect(claim.status, JSON.stringify(claim.body)).toBe(201);
      ids.push(claim.body.creditNoticeId);
    }
    return ids;
  }
  return {
    name: 'approvals',
    clients: 3,
    async prepare(server, customerId) {
      finance.push(
        await userOf(server, 'finance', 'finance-a@crash.test'),
        await userOf(server, 'finance', 'finance-b@crash.test'),
      );
      // Two contracts of small notices and two of notices that need both finance users, 12 each.
      const single: string[] = [];
      const dual: string[] = [];
      for (let c = 0; c < 4; c++) {
        const large = c % 2 === 1;
        const outages = dailyOutages(12, 10);
        const contractId = await contractWithOutages(
          server,
          customerId,
          `APPROVALS-${c}`,
          outages,
          large ? DUAL_APPROVAL_FEE : 30_000,
        );
        (large ? dual : single).push(
          ...(await noticesOf(server, contractId, outages)),
        );
      }
      const required = await server.call('GET', `/credit-notices/${dual[0]}`);
      expect(required.body.approvalsRequired).toBe(2);
      // Interleaved, and a large notice's two approvals next to each other: they may well run at once.
      for (let i = 0; i < Math.max(single.length, dual.length); i++) {
        if (single[i])
          steps.push({ noticeId: single[i]!, approver: (i % 2) as 0 | 1 });
        if (dual[i])
          steps.push(
            { noticeId: dual[i]!, approver: 0 },
            { noticeId: dual[i]!, approver: 1 },
          );
      }
    },
    async writeOne(server) {
      const step = steps[next++];
      if (!step) return false;
      const user = finance[step.approver]!;
      const reply = await server.call(
        'POST',
        `/credit-notices/${step.noticeId}/approve`,
        undefined,
        { token: user.token },
      );
      if (reply.status !== 200)
        throw new Error(
          `approval: ${reply.status} ${JSON.stringify(reply.body)}`,
        );
      acknowledged.push({
        noticeId: step.noticeId,
        userId: user.id,
        number: reply.body.status === 'approved' ? reply.body.number : null,
      });
      return true;
    },
    acknowledged: () => acknowledged.length,
    verify(db) {
      expectNoticesIntact(db, acknowledged);
      // The premise: some of the acknowledged approvals issued a notice that needed two.
      const issuedDual = acknowledged.filter(
        (approval) =>
          approval.number !== null &&
          acknowledged.filter((a) => a.noticeId === approval.noticeId)
            .length === 2,
      );
      expect(issuedDual.length).toBeGreaterThan(0);
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
    const streams = [claimStream(), correctionStream(), approvalStream()];
    for (const stream of streams) await stream.prepare(first, customer.body.id);

    let killed = false;
    /** Streams a client found empty before the kill: then no write of theirs was cut short by it. */
    const ranDry = new Set<string>();
    const total = () =>
      streams.reduce((sum, stream) => sum + stream.acknowledged(), 0);
    const client = async (stream: Stream) => {
      while (!killed) {
        try {
          if (!(await stream.writeOne(first))) {
            if (!killed) ranDry.add(stream.name);
            return;
          }
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
    expect([...ranDry], 'streams that ran out before the kill').toEqual([]);
    for (const stream of streams)
      expect(stream.acknowledged(), stream.name).toBeGreaterThan(0);

    // A restart on the same database (recovering the WAL), then a graceful stop.
    const second = await space.start(databasePath);
    expect((await second.call('GET', '/claims')).status).toBe(200);
    expect(await second.stop()).toBe(0);

    inspect(databasePath, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      for (const stream of streams) stream.verify(db);
    });
  }, 180_000);
});
