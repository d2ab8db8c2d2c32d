/**
 * Two connections on one database file, as two server processes (or a server and the CLI) have: what one
 * commits shows in the other's next read, though the other kept what it read in memory (a contract's
 * outage sources, the incident list's rows and counts). The temporary
 * triggers that report writes live on the writing connection only; the reader learns of the commit from
 * `PRAGMA data_version`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importIncidents } from '../../src/cli/import-incidents';
import type { AppConfig } from '../../src/config';
import { openStore, type Store } from '../../src/db/client';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { parseInstant } from '../../src/domain/time';
import { ContractInput, FeeChangeInput } from '../../src/schemas/api';
import type { ServiceContext } from '../../src/services/context';
import { addFeeChange, createContract } from '../../src/services/contracts';
import { createCustomer } from '../../src/services/customers';
import {
  createIncident,
  listIncidents,
  patchIncident,
} from '../../src/services/incidents';
import { contractOutages } from '../../src/services/outages';
import { createUser, ensureFirstAdmin } from '../../src/services/users';

/** Runs once, right after the next read of stored incidents: another connection committing mid-read. */
const afterNextIncidentRead = vi.hoisted(() => ({
  run: undefined as (() => void) | undefined,
}));
vi.mock('../../src/db/incidents', async (importOriginal) => {
  const original =
    await importOriginal<typeof import('../../src/db/incidents')>();
  return {
    ...original,
    findIncidents: (...args: Parameters<typeof original.findIncidents>) => {
      const found = original.findIncidents(...args);
      const run = afterNextIncidentRead.run;
      afterNextIncidentRead.run = undefined;
      run?.();
      return found;
    },
  };
});

const NOW = parseInstant('2026-02-01T00:00:00+09:00');
const config: AppConfig = {
  policy: DEFAULT_POLICY,
  regions: ['jp-east', 'jp-west'],
};

let dir: string;
let reader: Store;
let writer: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gengaku-connections-'));
  const path = join(dir, 'shared.db');
  reader = openStore(path);
  ensureFirstAdmin(reader, NOW, 'gk_connections_admin');
  writer = openStore(path);
});
afterEach(() => {
  reader.close();
  writer.close();
  rmSync(dir, { recursive: true, force: true });
});

const adminOf = (store: Store): ServiceContext => ({
  store,
  clock: () => NOW,
  config,
  actor: {
    userId: (
      store.sqlite
        .prepare("select id from users where role = 'admin'")
        .get() as { id: string }
    ).id,
    role: 'admin',
    customerId: null,
  },
});

function contractOn(store: Store): string {
  const ctx = adminOf(store);
  const customer = createCustomer(ctx, { name: 'Shared K.K.' });
  return createContract(
    ctx,
    ContractInput.parse({
      customerId: customer.id,
      contractNumber: 'SHARED-1',
      licenses: 100,
      concurrentDevices: 2000,
      servers: 1,
      region: 'jp-east',
      redundancy: false,
      billingStartDate: '2025-04-01',
      monthlyFee: 100_000,
      options: [],
    }),
  ).id;
}

/** Each outage's start and credit, read on `store` (twice: the second read from its cache). */
function outagesOn(store: Store, contractId: string) {
  contractOutages(adminOf(store), contractId, undefined);
  return contractOutages(adminOf(store), contractId, undefined).outages.map(
    (outage) => [outage.start, outage.creditAmount],
  );
}

describe('a commit on another connection', () => {
  it('an incident logged there shows here', () => {
    const contractId = contractOn(writer);
    expect(outagesOn(reader, contractId)).toEqual([]);
    createIncident(adminOf(writer), {
      title: 'Gateway down',
      cause: 'provider',
      severity: 'total',
      scope: { regions: [], contractIds: [contractId], excludeContractIds: [] },
      awareAt: parseInstant('2026-01-10T00:00:00+09:00'),
      intervals: [
        {
          start: parseInstant('2026-01-10T00:00:00+09:00'),
          end: parseInstant('2026-01-12T00:00:00+09:00'),
        },
      ],
    });
    expect(outagesOn(reader, contractId)).toEqual([
      ['2026-01-09T15:00:00.000Z', 6666],
    ]);
  });

  it('incidents imported there by the CLI, then a fee change there, show here', () => {
    const contractId = contractOn(writer);
    createUser(adminOf(writer), {
      name: 'support',
      email: 'support@test.local',
      role: 'support',
    });
    expect(outagesOn(reader, contractId)).toEqual([]);
    importIncidents(
      writer,
      config,
      () => NOW,
      [
        'ref,title,cause,severity,awareAt,start,end,regions,contractNumbers,excludeContractNumbers,description',
        'A,East down,provider,total,2026-01-10T00:00:00+09:00,2026-01-10T00:00:00+09:00,2026-01-12T00:00:00+09:00,jp-east,,,',
      ].join('\n'),
      'support@test.local',
    );
    expect(outagesOn(reader, contractId)).toEqual([
      ['2026-01-09T15:00:00.000Z', 6666],
    ]);
    addFeeChange(
      adminOf(writer),
      contractId,
      FeeChangeInput.parse({
        effectiveDate: '2026-01-01',
        monthlyFee: 300_000,
      }),
    );
    expect(outagesOn(reader, contractId)).toEqual([
      ['2026-01-09T15:00:00.000Z', 20000],
    ]);
  });

  it('a contract created there counts here in the incident list, and a correction there shows', () => {
    contractOn(writer);
    const incident = createIncident(adminOf(writer), {
      title: 'East down',
      cause: 'provider',
      severity: 'total',
      scope: { regions: ['jp-east'], contractIds: [], excludeContractIds: [] },
      awareAt: parseInstant('2026-01-10T00:00:00+09:00'),
      intervals: [
        {
          start: parseInstant('2026-01-10T00:00:00+09:00'),
          end: parseInstant('2026-01-12T00:00:00+09:00'),
        },
      ],
    });
    const listedOn = (store: Store) => {
      listIncidents(adminOf(store), { limit: 100 });
      return listIncidents(adminOf(store), { limit: 100 }).items.map((row) => [
        row.title,
        row.affectedContractCount,
      ]);
    };
    expect(listedOn(reader)).toEqual([['East down', 1]]);
    const ctx = adminOf(writer);
    createContract(
      ctx,
      ContractInput.parse({
        customerId: createCustomer(ctx, { name: 'Second K.K.' }).id,
        contractNumber: 'SHARED-2',
        licenses: 100,
        concurrentDevices: 2000,
        servers: 1,
        region: 'jp-east',
        redundancy: false,
        billingStartDate: '2025-04-01',
        monthlyFee: 100_000,
        options: [],
      }),
    );
    expect(listedOn(reader)).toEqual([['East down', 2]]);
    patchIncident(adminOf(writer), incident.id, {
      title: 'East fibre cut',
      reason: 'the cause is known',
    });
    expect(listedOn(reader)).toEqual([['East fibre cut', 2]]);
  });

  it('a commit there in the middle of making the incident list here is not kept out of date', () => {
    const incident = createIncident(adminOf(reader), {
      title: 'v1',
      cause: 'provider',
      severity: 'total',
      scope: { regions: ['jp-east'], contractIds: [], excludeContractIds: [] },
      awareAt: parseInstant('2026-01-10T00:00:00+09:00'),
      intervals: [
        { start: parseInstant('2026-01-10T00:00:00+09:00'), end: null },
      ],
    });
    afterNextIncidentRead.run = () =>
      patchIncident(adminOf(writer), incident.id, {
        title: 'v2',
        reason: 'renamed while the other process read',
      });
    const titles = () =>
      listIncidents(adminOf(reader), { limit: 100 }).items.map(
        (row) => row.title,
      );
    // The read it happened in may show either; every read after it shows the commit.
    titles();
    expect(titles()).toEqual(['v2']);
    expect(titles()).toEqual(['v2']);
  });
});
