/**
 * Many identical writes at once give one record. Two server processes share one database, and a burst
 * of identical requests is spread over both and over several clients: only the database's write lock
 * (one IMMEDIATE transaction per write) stands between them.
 *
 * Each race is one entry of RACES: a burst of requests and what must hold afterwards. Approvals of a
 * credit notice become one more entry once notices exist.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  contractWithOutage,
  type Server,
  scratch,
} from '../support/server';

const BURST = 12;
const clients = ['admin', 'support', 'customer'] as const;
const space = scratch('races');
let servers: Server[];
let customerId: string;
const tokens: Record<'admin' | 'support' | 'customer', string> = {
  admin: '',
  support: '',
  customer: '',
};
let serial = 0;

beforeAll(async () => {
  const databasePath = space.path('races.db');
  // One after the other: the first creates the database and the admin, the second finds them.
  const first = await space.start(databasePath);
  const second = await space.start(databasePath);
  servers = [first, second];
  const customer = await first.call('POST', '/customers', {
    name: 'Race K.K.',
  });
  customerId = customer.body.id;
  for (const role of clients) {
    const user = await first.call('POST', '/users', {
      name: `${role} of the race`,
      email: `${role}-race@example.jp`,
      role,
      ...(role === 'customer' ? { customerId } : {}),
    });
    tokens[role] = user.body.token;
  }
}, 90_000);
afterAll(() => space.cleanUp());

interface Race {
  name: string;
  /** The burst: request i, sent to server i mod 2, all at once. */
  burst(target: Target): (server: Server, i: number) => Promise<Answer>;
  /** What must hold once every answer is in. */
  check(answers: Answer[], target: Target, db: Database.Database): void;
}

interface Target {
  contractId: string;
  outageStart: string;
}

const claimsOf = (db: Database.Database, contractId: string) =>
  db.prepare('select id from claims where contract_id = ?').all(contractId) as {
    id: string;
  }[];

const RACES: Race[] = [
  {
    name: 'identical claims without an Idempotency-Key, from several clients',
    burst: (target) => (server, i) =>
      server.call('POST', '/claims', target, {
        token: tokens[clients[i % clients.length]!],
      }),
    check(answers, target, db) {
      const created = answers.filter((answer) => answer.status === 201);
      expect(created).toHaveLength(1);
      for (const answer of answers.filter((a) => a.status !== 201))
        expect(answer.status, JSON.stringify(answer.body)).toBe(409);
      expect(claimsOf(db, target.contractId)).toEqual([
        { id: created[0]!.body.id },
      ]);
    },
  },
  {
    name: 'identical claims with one Idempotency-Key, from one client',
    burst: (target) => (server) =>
      server.call('POST', '/claims', target, {
        token: tokens.support,
        headers: { 'Idempotency-Key': `same-${target.contractId}` },
      }),
    check(answers, target, db) {
      // Every retry gets the one claim; exactly one of them made it.
      for (const answer of answers)
        expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      const ids = new Set(answers.map((answer) => answer.body.id));
      expect(ids.size).toBe(1);
      const made = answers.filter(
        (answer) => answer.headers.get('idempotent-replayed') !== 'true',
      );
      expect(made).toHaveLength(1);
      expect(claimsOf(db, target.contractId)).toEqual([{ id: [...ids][0] }]);
    },
  },
  {
    name: 'identical claims with one Idempotency-Key, from several clients',
    burst: (target) => (server, i) =>
      server.call('POST', '/claims', target, {
        token: tokens[clients[i % clients.length]!],
        headers: { 'Idempotency-Key': `shared-${target.contractId}` },
      }),
    check(answers, target, db) {
      // A key belongs to its client: one client's claim wins, the others' are already claimed.
      const created = answers.filter((answer) => answer.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((answer) => answer.body.id)).size).toBe(1);
      for (const answer of answers.filter((a) => a.status !== 201))
        expect(answer.status, JSON.stringify(answer.body)).toBe(409);
      expect(claimsOf(db, target.contractId)).toEqual([
        { id: created[0]!.body.id },
      ]);
    },
  },
];

describe('many identical writes at once, over two server processes', () => {
  for (const race of RACES) {
    it(`${race.name} give one record`, async () => {
      const { contractId, outageStart } = await contractWithOutage(
        servers[0]!,
        customerId,
        `RACE-${++serial}`,
      );
      const target = { contractId, outageStart };
      const send = race.burst(target);
      const answers = await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          send(servers[i % servers.length]!, i),
        ),
      );
      const db = new Database(space.path('races.db'), { readonly: true });
      try {
        race.check(answers, target, db);
      } finally {
        db.close();
      }
    });
  }
});
