/**
 * 50 credit notices approved at once get 50 consecutive numbers, with no gap and no repeat: over HTTP
 * against a real server, and from three server processes sharing one database file.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerSettings, settingsFromEnv } from '../../src/config';
import { openStore } from '../../src/db/client';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { DEFAULT_REGIONS } from '../../src/domain/terms';
import { instantOf } from '../../src/domain/time';
import { ContractInput } from '../../src/schemas/api';
import { startServer } from '../../src/server';
import { createClaim } from '../../src/services/claims';
import type { ServiceContext } from '../../src/services/context';
import { createContract } from '../../src/services/contracts';
import { createCustomer } from '../../src/services/customers';
import { createIncident } from '../../src/services/incidents';
import { createUser, ensureFirstAdmin } from '../../src/services/users';
import { NO_CHROMIUM, TEST_ISSUER } from '../support/app';
import { HOUR, type Server, scratch } from '../support/server';

const NOTICES = 50;
const space = scratch('numbering');
afterAll(() => space.cleanUp());

const ISSUER_ENV = {
  SLA_ISSUER_NAME: TEST_ISSUER.name,
  SLA_ISSUER_REGISTRATION: TEST_ISSUER.registrationNumber,
};

/**
 * A database file with NOTICES notices pending approval: one contract, one incident of NOTICES separate
 * 24-hour intervals in the last weeks, each claimed. Returns the finance token and the notice ids.
 */
function seed(databasePath: string): { token: string; noticeIds: string[] } {
  const store = openStore(databasePath);
  const now = instantOf(Date.now() - HOUR);
  const admin = ensureFirstAdmin(store, now, 'gk_numbering_admin');
  if (admin.kind === 'exists') throw new Error('not a fresh database');
  const ctx: ServiceContext = {
    store,
    clock: () => now,
    config: { policy: DEFAULT_POLICY, regions: [...DEFAULT_REGIONS] },
    actor: { userId: admin.user.id, role: 'admin', customerId: null },
  };
  const customer = createCustomer(ctx, { name: 'Numbering K.K.' });
  const contract = createContract(
    ctx,
    ContractInput.parse({
      customerId: customer.id,
      contractNumber: 'NUM-1',
      licenses: 100,
      concurrentDevices: 2000,
      servers: 1,
      region: 'jp-east',
      redundancy: false,
      billingStartDate: '2024-01-01',
      monthlyFee: 30_000,
      options: [],
    }),
  );
  const first = Math.floor(now / HOUR) * HOUR - (NOTICES + 2) * 25 * HOUR;
  const intervals = Array.from({ length: NOTICES }, (_, i) => ({
    start: instantOf(first + i * 25 * HOUR),
    end: instantOf(first + i * 25 * HOUR + 24 * HOUR),
  }));
  createIncident(ctx, {
    title: 'Flapping gateway',
    cause: 'provider',
    severity: 'total',
    scope: { regions: [], contractIds: [contract.id], excludeContractIds: [] },
    awareAt: instantOf(first),
    intervals,
  });
  const noticeIds = intervals.map(
    (interval) =>
      createClaim(
        ctx,
        { contractId: contract.id, outageStart: interval.start },
        undefined,
      ).claim.creditNoticeId!,
  );
  const finance = createUser(ctx, {
    name: 'Finance',
    email: 'finance@numbering.local',
    role: 'finance',
  });
  store.close();
  return { token: finance.token, noticeIds };
}

async function approve(url: string, token: string, id: string) {
  const response = await fetch(`${url}/api/v1/credit-notices/${id}/approve`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await response.json()) as { number: string };
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.number;
}

/** The numbers are CN-<year>-000001 … CN-<year>-000050, each once, in one year. */
function expectConsecutive(numbers: string[]) {
  const year = new Date(Date.now() + 9 * HOUR).getUTCFullYear();
  expect([...numbers].sort()).toEqual(
    Array.from(
      { length: NOTICES },
      (_, i) => `CN-${year}-${String(i + 1).padStart(6, '0')}`,
    ),
  );
}

describe('credit notice numbers under concurrent approvals', () => {
  it('gives 50 notices approved at once over HTTP 50 consecutive numbers', async () => {
    const databasePath = space.path('one-server.db');
    const { token, noticeIds } = seed(databasePath);
    const settings: ServerSettings = {
      ...settingsFromEnv(ISSUER_ENV),
      port: 0,
      databasePath,
      logLevel: 'silent',
      chromiumPath: NO_CHROMIUM,
    };
    const server = await startServer(settings);
    try {
      const numbers = await Promise.all(
        noticeIds.map((id) => approve(server.url, token, id)),
      );
      expectConsecutive(numbers);
      await server.printing.settled();
    } finally {
      await server.close();
    }
  }, 120_000);

  it('gives 50 consecutive numbers when three server processes on one database file approve at once', async () => {
    const databasePath = space.path('three-servers.db');
    const { token, noticeIds } = seed(databasePath);
    // One after the other: each applies the (already applied) migrations as it opens the file.
    const servers: Server[] = [];
    for (let i = 0; i < 3; i++) servers.push(await space.start(databasePath));
    const numbers = await Promise.all(
      noticeIds.map((id, i) =>
        approve(servers[i % servers.length]!.url, token, id),
      ),
    );
    expectConsecutive(numbers);
    for (const server of servers) expect(await server.stop()).toBe(0);
    const store = openStore(databasePath);
    try {
      const { last } = store.sqlite
        .prepare(
          'select max(last_number) as last from credit_notice_number_sequences',
        )
        .get() as { last: number };
      expect(last).toBe(NOTICES);
      const frozen = store.sqlite
        .prepare(
          "select count(*) as n from credit_notice_documents where format = 'html'",
        )
        .get() as { n: number };
      expect(frozen.n).toBe(2 * NOTICES);
    } finally {
      store.close();
    }
    // Three servers starting on a busy machine take their time; what is asserted is the numbers.
  }, 180_000);
});
