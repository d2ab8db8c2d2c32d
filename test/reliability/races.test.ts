/**
 * Many identical writes at once give one record. Two server processes share one database, and a burst
 * of identical requests is spread over both and over several clients: only the database's write lock
 * (one IMMEDIATE transaction per write) stands between them.
 *
 * Each race is one entry of RACES: its target, a burst of requests at it, and what must hold afterwards.
 */
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  contractWithOutage,
  inspect,
  type Server,
  scratch,
  userOf,
} from '../support/server';
import { expectNoticesIntact } from './support/notices';

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
/** Two finance users: a notice of dualApprovalFromYen or more needs both. */
const finance: { id: string; token: string }[] = [];
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
  for (const role of clients)
    tokens[role] = (
      await userOf(
        first,
        role,
        `${role}-race@example.jp`,
        role === 'customer' ? customerId : undefined,
      )
    ).token;
  for (const name of ['a', 'b'])
    finance.push(await userOf(first, 'finance', `finance-${name}@race.test`));
}, 150_000);
afterAll(() => space.cleanUp());

interface Target {
  contractId: string;
  outageStart: string;
  /** The claim's credit notice, for the races of approvals. */
  noticeId: string;
}

interface Race {
  name: string;
  /** The target: a contract with an outage, claimed already when the race is over its notice. */
  prepare(server: Server): Promise<Target>;
  /** The burst: request i, sent to server i mod 2, all at once. */
  burst(target: Target): (server: Server, i: number) => Promise<Answer>;
  /** What must hold once every answer is in. */
  check(answers: Answer[], target: Target, db: Database.Database): void;
}

const claimBody = ({ contractId, outageStart }: Target) => ({
  contractId,
  outageStart,
});

/** A contract with an outage not yet claimed. */
async function unclaimed(server: Server): Promise<Target> {
  const { contractId, outageStart } = await contractWithOutage(
    server,
    customerId,
    `RACE-${++serial}`,
  );
  return { contractId, outageStart, noticeId: '' };
}

/** A monthly fee whose two credit days (¥1,000,000, ¥1,100,000 with tax) reach dualApprovalFromYen. */
const DUAL_APPROVAL_FEE = 15_000_000;

/** A claimed outage: its credit notice waits for approval. */
const claimed =
  (monthlyFee = 30_000) =>
  async (server: Server): Promise<Target> => {
    const { contractId, outageStart } = await contractWithOutage(
      server,
      customerId,
      `RACE-${++serial}`,
      monthlyFee,
    );
    const claim = await server.call('POST', '/claims', {
      contractId,
      outageStart,
    });
    expect(claim.status, JSON.stringify(claim.body)).toBe(201);
    const noticeId: string = claim.body.creditNoticeId;
    const notice = await server.call('GET', `/credit-notices/${noticeId}`);
    expect(notice.body.approvalsRequired).toBe(
      monthlyFee >= DUAL_APPROVAL_FEE ? 2 : 1,
    );
    return { contractId, outageStart, noticeId };
  };

/** Request i of a burst at a notice that needs two approvals comes from this finance user. */
const approverOf = (i: number) => finance[i < BURST / 2 ? 0 : 1]!;

const approve = (target: Target, token: string) => (server: Server) =>
  server.call('POST', `/credit-notices/${target.noticeId}/approve`, undefined, {
    token,
  });

/**
 * A loser of an approval race is told why, with 409: the notice is issued already (and as which number),
 * or this user has approved it already.
 */
function expectApprovalRefused(answer: Answer, noticeId: string) {
  const shown = JSON.stringify(answer.body);
  expect(answer.status, shown).toBe(409);
  expect(answer.headers.get('content-type'), shown).toMatch(
    /^application\/problem\+json/,
  );
  expect(answer.body.code, shown).toBe('conflict');
  expect(answer.body.detail, shown).toMatch(
    new RegExp(
      `^(credit notice ${noticeId} is not pending approval, so it cannot be approved: it was approved as CN-\\d{4}-\\d{6}|you already approved credit notice ${noticeId}:)`,
    ),
  );
}

/** One approval per user who won, one number, one set of frozen documents, the audit rows; all notices intact. */
function expectOneIssue(
  db: Database.Database,
  target: Target,
  winners: { userId: string; answer: Answer }[],
) {
  const issued = winners.filter(
    (winner) => winner.answer.body.status === 'approved',
  );
  expect(issued).toHaveLength(1);
  const number: string = issued[0]!.answer.body.number;
  expect(
    db
      .prepare(
        'select user_id as userId from credit_notice_approvals where notice_id = ? order by user_id',
      )
      .all(target.noticeId),
  ).toEqual(
    winners
      .map(({ userId }) => ({ userId }))
      .sort((a, b) => a.userId.localeCompare(b.userId)),
  );
  expect(
    db
      .prepare('select status, number from credit_notices where id = ?')
      .get(target.noticeId),
  ).toEqual({ status: 'approved', number });
  expect(
    db
      .prepare(
        'select lang, format from credit_notice_documents where notice_id = ? order by lang, format',
      )
      .all(target.noticeId),
  ).toEqual([
    { lang: 'en', format: 'html' },
    { lang: 'ja', format: 'html' },
  ]);
  expectNoticesIntact(
    db,
    winners.map(({ userId, answer }) => ({
      noticeId: target.noticeId,
      userId,
      number: answer.body.status === 'approved' ? answer.body.number : null,
    })),
  );
}

const claimsOf = (db: Database.Database, contractId: string) =>
  db.prepare('select id from claims where contract_id = ?').all(contractId) as {
    id: string;
  }[];

const RACES: Race[] = [
  {
    name: 'identical claims without an Idempotency-Key, from several clients',
    prepare: unclaimed,
    burst: (target) => (server, i) =>
      server.call('POST', '/claims', claimBody(target), {
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
    prepare: unclaimed,
    burst: (target) => (server) =>
      server.call('POST', '/claims', claimBody(target), {
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
    prepare: unclaimed,
    burst: (target) => (server, i) =>
      server.call('POST', '/claims', claimBody(target), {
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
  {
    name: 'approvals of one notice by one finance user',
    prepare: claimed(),
    burst: (target) => approve(target, finance[0]!.token),
    check(answers, target, db) {
      const won = answers.filter((answer) => answer.status === 200);
      expect(won).toHaveLength(1);
      for (const answer of answers.filter((a) => a.status !== 200))
        expectApprovalRefused(answer, target.noticeId);
      expectOneIssue(db, target, [{ userId: finance[0]!.id, answer: won[0]! }]);
    },
  },
  {
    name: 'approvals of a notice that needs two, by two finance users many times each',
    prepare: claimed(DUAL_APPROVAL_FEE),
    // The first half from one user, then the second half from the other: the first user's repeats
    // meet its own pending approval, the second user's the issued notice.
    burst: (target) => (server, i) =>
      approve(target, approverOf(i).token)(server),
    check(answers, target, db) {
      const winners = answers.flatMap((answer, i) =>
        answer.status === 200 ? [{ userId: approverOf(i).id, answer }] : [],
      );
      expect(winners.map(({ userId }) => userId).sort()).toEqual(
        finance.map(({ id }) => id).sort(),
      );
      for (const answer of answers.filter((a) => a.status !== 200))
        expectApprovalRefused(answer, target.noticeId);
      expectOneIssue(db, target, winners);
    },
  },
];

describe('many identical writes at once, over two server processes', () => {
  for (const race of RACES) {
    it(`${race.name} give one record`, async () => {
      const target = await race.prepare(servers[0]!);
      const send = race.burst(target);
      const answers = await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          send(servers[i % servers.length]!, i),
        ),
      );
      inspect(space.path('races.db'), (db) => race.check(answers, target, db));
    });
  }
});
