/**
 * The read model's three ways to a contract's outages give what the rules core gives from every stored
 * incident: a contract read alone (from the incidents that can matter; cold, then from the cache, which
 * writes in between must keep right; inside a transaction, from the incidents before asOf), and every
 * contract in one pass (`portfolioOutages`). Random
 * portfolios, written through the use cases: contracts with options, fee changes and cancellations;
 * incidents naming contracts or regions (some excluding a contract), before, inside and after active
 * periods, some still going on; corrections; claims; reads at random instants in between.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config';
import { openStore, type Store } from '../../src/db/client';
import { findContractRecord, termsOf } from '../../src/db/contracts';
import { loadIncidents } from '../../src/db/incidents';
import { incidents as incidentsTable } from '../../src/db/schema';
import { deriveOutages } from '../../src/domain/outages';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import {
  addDays,
  businessDateOf,
  formatInstant,
  type Instant,
  MS_PER_DAY,
  MS_PER_HOUR,
  parseInstant,
} from '../../src/domain/time';
import {
  ContractInput,
  FeeChangeInput,
  IncidentInput,
  IncidentPatch,
} from '../../src/schemas/api';
import { createClaim } from '../../src/services/claims';
import type { ServiceContext } from '../../src/services/context';
import {
  type ContractOutageReading,
  contractOutagesAsOf,
  outageJsonsOf,
  portfolioOutages,
} from '../../src/services/contract-outages';
import {
  addFeeChange,
  cancelContract,
  cancelOption,
  createContract,
} from '../../src/services/contracts';
import { createCustomer } from '../../src/services/customers';
import { createIncident, patchIncident } from '../../src/services/incidents';
import { ensureFirstAdmin } from '../../src/services/users';
import { instant } from '../domain/fixtures';

const NOW = parseInstant('2026-02-01T00:00:00+09:00');
const TODAY = businessDateOf(NOW);
const REGIONS = ['jp-east', 'jp-west', 'jp-north'];
const config: AppConfig = { policy: DEFAULT_POLICY, regions: REGIONS };

const contractArb = fc.record({
  region: fc.constantFrom(...REGIONS),
  startDaysAgo: fc.integer({ min: 60, max: 400 }),
  option: fc.option(
    fc.record({
      region: fc.constantFrom(...REGIONS),
      startDaysLater: fc.integer({ min: 0, max: 50 }),
      cancelDaysAgo: fc.option(fc.integer({ min: 0, max: 40 }), {
        nil: null,
      }),
    }),
    { nil: null },
  ),
  feeChangeDaysAgo: fc.option(fc.integer({ min: 1, max: 59 }), { nil: null }),
  cancelDaysAgo: fc.option(fc.integer({ min: 31, max: 90 }), { nil: null }),
});

const incidentArb = fc.record({
  scope: fc.oneof(
    fc.record({
      named: fc.nat(),
      also: fc.option(fc.nat(), { nil: null }),
      // Naming a contract and excluding it too: it does not bear on it.
      exclude: fc.option(fc.nat(), { nil: null, freq: 4 }),
    }),
    fc.record({
      regions: fc.subarray(REGIONS, { minLength: 1 }),
      exclude: fc.option(fc.nat(), { nil: null }),
    }),
  ),
  cause: fc.constantFrom('provider', 'provider', 'provider', 'third_party'),
  severity: fc.constantFrom('total', 'total', 'equivalent', 'partial'),
  intervals: fc.array(
    fc.record({
      // Hours before NOW: up to about 500 days, so some fall before a contract starts.
      startHoursAgo: fc.integer({ min: 1, max: 12_000 }),
      hours: fc.option(fc.integer({ min: 1, max: 80 }), { nil: null, freq: 6 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  awareAfterHours: fc.integer({ min: 0, max: 30 }),
  correction: fc.option(
    fc.record({ shiftHours: fc.integer({ min: -20, max: 20 }) }),
    { nil: null },
  ),
});

const worldArb = fc.record({
  contracts: fc.array(contractArb, { minLength: 1, maxLength: 6 }),
  incidents: fc.array(incidentArb, { minLength: 1, maxLength: 10 }),
  readsAgo: fc.array(fc.integer({ min: 0, max: 450 * 24 }), {
    minLength: 1,
    maxLength: 3,
  }),
  claims: fc.nat(),
});

let store: Store | undefined;
afterEach(() => store?.close());

function admin(s: Store): ServiceContext {
  ensureFirstAdmin(s, NOW, 'gk_property_admin');
  const { id } = s.sqlite
    .prepare("select id from users where role = 'admin'")
    .get() as { id: string };
  return {
    store: s,
    clock: () => NOW,
    config,
    actor: { userId: id, role: 'admin', customerId: null },
  };
}

const iso = (ms: number) => formatInstant(instant(ms));

type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

function build(ctx: ServiceContext, world: World): string[] {
  const customer = createCustomer(ctx, { name: 'Property K.K.' });
  const ids = world.contracts.map((c, i) => {
    const billingStartDate = addDays(TODAY, -c.startDaysAgo);
    const optionRegion =
      c.option !== null && c.option.region !== c.region
        ? c.option.region
        : null;
    const contract = createContract(
      ctx,
      ContractInput.parse({
        customerId: customer.id,
        contractNumber: `P-${i}`,
        licenses: 100,
        concurrentDevices: 2000,
        servers: 1,
        region: c.region,
        redundancy: false,
        billingStartDate,
        monthlyFee: 100_000 + i * 1_000,
        options:
          optionRegion === null
            ? []
            : [
                {
                  kind: 'multi-region',
                  regions: [optionRegion],
                  monthlyFee: 20_000,
                  billingStartDate: addDays(
                    billingStartDate,
                    c.option!.startDaysLater,
                  ),
                },
              ],
      }),
    );
    return { contract, spec: c };
  });
  for (const { contract, spec } of ids) {
    if (spec.feeChangeDaysAgo !== null)
      addFeeChange(
        ctx,
        contract.id,
        FeeChangeInput.parse({
          effectiveDate: addDays(TODAY, -spec.feeChangeDaysAgo),
          monthlyFee: 250_000,
        }),
      );
    if (
      spec.option?.cancelDaysAgo != null &&
      contract.options.length > 0 &&
      // The option must have started before it ends.
      addDays(TODAY, -spec.option.cancelDaysAgo) >
        contract.options[0]!.billingStartDate
    )
      cancelOption(ctx, contract.id, contract.options[0]!.id, {
        noticeReceivedDate: addDays(TODAY, -spec.option.cancelDaysAgo - 30),
      });
    if (spec.cancelDaysAgo !== null && spec.startDaysAgo > spec.cancelDaysAgo)
      cancelContract(ctx, contract.id, {
        noticeReceivedDate: addDays(TODAY, -spec.cancelDaysAgo - 30),
      });
  }
  return ids.map(({ contract }) => contract.id);
}

function logIncidents(
  ctx: ServiceContext,
  world: World,
  contractIds: string[],
  readBetween: () => void,
) {
  for (const [i, spec] of world.incidents.entries()) {
    const pick = (n: number) => contractIds[n % contractIds.length]!;
    const intervals = spec.intervals.map(({ startHoursAgo, hours }) => {
      const start = NOW - startHoursAgo * MS_PER_HOUR;
      const end =
        hours === null ? null : Math.min(NOW, start + hours * MS_PER_HOUR);
      return end === start ? { start, end: start + 1 } : { start, end };
    });
    const first = Math.min(...intervals.map((interval) => interval.start));
    const scope =
      'named' in spec.scope
        ? {
            contractIds: [
              ...new Set([
                pick(spec.scope.named),
                ...(spec.scope.also === null ? [] : [pick(spec.scope.also)]),
              ]),
            ],
            excludeContractIds:
              spec.scope.exclude === null ? [] : [pick(spec.scope.exclude)],
          }
        : {
            regions: spec.scope.regions,
            excludeContractIds:
              spec.scope.exclude === null ? [] : [pick(spec.scope.exclude)],
          };
    const awareAt = Math.min(NOW, first + spec.awareAfterHours * MS_PER_HOUR);
    const created = createIncident(
      ctx,
      IncidentInput.parse({
        title: `Incident ${i}`,
        cause: spec.cause,
        severity: spec.severity,
        scope,
        awareAt: iso(awareAt),
        intervals: intervals.map((interval) => ({
          start: iso(interval.start),
          end: interval.end === null ? null : iso(interval.end),
        })),
      }),
    );
    readBetween();
    if (spec.correction !== null) {
      const shift = spec.correction.shiftHours * MS_PER_HOUR;
      const shifted = intervals.map((interval) => {
        const start = Math.min(NOW - 1, interval.start + shift);
        const end =
          interval.end === null
            ? null
            : Math.max(start + 1, Math.min(NOW, interval.end + shift));
        return { start, end };
      });
      patchIncident(
        ctx,
        created.id,
        IncidentPatch.parse({
          reason: 'shifted',
          intervals: shifted.map((interval) => ({
            start: iso(interval.start),
            end: interval.end === null ? null : iso(interval.end),
          })),
          awareAt: iso(
            Math.min(
              NOW,
              Math.max(
                awareAt + shift,
                ...shifted.map((interval) => interval.start),
              ),
            ),
          ),
        }),
      );
      readBetween();
    }
  }
}

/** What the rules core derives from every stored incident, none left out. */
function reference(ctx: ServiceContext, contractId: string, asOf: Instant) {
  const all = loadIncidents(
    ctx.store.db,
    ctx.store.db
      .select()
      .from(incidentsTable)
      .orderBy(incidentsTable.createdAt, incidentsTable.id)
      .all(),
  );
  return deriveOutages({
    contract: termsOf(findContractRecord(ctx.store.db, contractId)!),
    incidents: all,
    asOf,
    policy: config.policy,
  });
}

function inOnePass(ctx: ServiceContext, asOf: Instant) {
  const readings = new Map<string, ContractOutageReading>();
  portfolioOutages(ctx, asOf, {}, (reading) =>
    readings.set(reading.contract.row.id, reading),
  );
  return readings;
}

describe('the read model', () => {
  it('gives, read alone, from its cache or in one pass, what every stored incident gives', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        store?.close();
        store = openStore(':memory:');
        const ctx = admin(store);
        const contractIds = build(ctx, world);
        const asOfs = [
          NOW,
          ...world.readsAgo.map((h) => instant(NOW - h * MS_PER_HOUR)),
        ];
        // Reads between the writes fill the cache, which each write must keep right.
        logIncidents(ctx, world, contractIds, () => {
          for (const id of contractIds)
            for (const asOf of asOfs) contractOutagesAsOf(ctx, id, asOf);
        });
        // Claims on a few claimable outages, so that claim status is compared too.
        let claimsLeft = world.claims % 4;
        for (const id of contractIds)
          for (const outage of contractOutagesAsOf(ctx, id, NOW).outages)
            if (
              claimsLeft > 0 &&
              outage.claimStatus === 'claimable' &&
              outage.thresholdAt !== null &&
              outage.thresholdAt <= NOW
            ) {
              claimsLeft--;
              createClaim(
                ctx,
                { contractId: id, outageStart: outage.start },
                undefined,
              );
            }
        for (const asOf of [...asOfs, instant(NOW + 30 * MS_PER_DAY)])
          expectAllTheSame(ctx, contractIds, asOf);
      }),
      { numRuns: 40 },
    );
  });

  it('reads alone, after its one pass, a contract whose intervals are not numbered from 0', () => {
    store = openStore(':memory:');
    const ctx = admin(store);
    const contractIds = build(ctx, {
      contracts: [0, 1, 2].map(() => ({
        region: 'jp-east',
        startDaysAgo: 100,
        option: null,
        feeChangeDaysAgo: null,
        cancelDaysAgo: null,
      })),
      incidents: [],
      readsAgo: [],
      claims: 0,
    });
    for (const [n, contractId] of contractIds.entries())
      createIncident(
        ctx,
        IncidentInput.parse({
          title: `Down ${n}`,
          cause: 'provider',
          severity: 'total',
          scope: { contractIds: [contractId] },
          awareAt: iso(NOW - (10 + n) * MS_PER_DAY),
          intervals: [
            {
              start: iso(NOW - (10 + n) * MS_PER_DAY),
              end: iso(NOW - (8 + n) * MS_PER_DAY),
            },
            {
              start: iso(NOW - (7 + n) * MS_PER_DAY),
              end: iso(NOW - (6 + n) * MS_PER_DAY),
            },
          ],
        }),
      );
    // Written by hand, not by the use cases: the middle contract's intervals numbered 5 and 6.
    store.sqlite
      .prepare(
        `update incident_intervals set position = position + 5 where incident_id in
           (select incident_id from incident_scope where kind = 'contract' and value = ?)`,
      )
      .run(contractIds[1]);
    expectAllTheSame(ctx, contractIds, NOW);
  });
});

function expectAllTheSame(
  ctx: ServiceContext,
  contractIds: readonly string[],
  asOf: Instant,
) {
  const bulk = inOnePass(ctx, asOf);
  expect([...bulk.keys()].sort()).toEqual([...contractIds].sort());
  for (const id of contractIds) {
    const expected = reference(ctx, id, asOf);
    const alone = contractOutagesAsOf(ctx, id, asOf);
    expect(alone.outages).toEqual(expected);
    expect(contractOutagesAsOf(ctx, id, asOf).outages).toEqual(expected);
    // Inside a transaction, as a write reads after writing the contract (here a write that changes
    // nothing): the cache has forgotten it, so only the incidents before asOf are read, and not kept.
    expect(
      store!.sqlite
        .transaction(() => {
          store!.sqlite
            .prepare(
              'update contracts set monthly_fee = monthly_fee where id = ?',
            )
            .run(id);
          return contractOutagesAsOf(ctx, id, asOf).outages;
        })
        .immediate(),
    ).toEqual(expected);
    expect(bulk.get(id)!.outages).toEqual(expected);
    expect(outageJsonsOf(bulk.get(id)!)).toEqual(outageJsonsOf(alone));
  }
}
