/**
 * The benchmarks' stored data, created through the use cases (see `http.bench.ts` for what and why):
 * the HTTP portfolio of issue 11's measurement, and the 10,000-contract portfolio of the report.
 */
import type { AppConfig } from '../src/config';
import { openStore, type Store } from '../src/db/client';
import { DEFAULT_POLICY } from '../src/domain/policy';
import { DEFAULT_REGIONS } from '../src/domain/terms';
import {
  addDays,
  type Instant,
  laterDate,
  MS_PER_DAY,
  MS_PER_HOUR,
  parseBusinessDate,
} from '../src/domain/time';
import {
  ContractInput,
  FeeChangeInput,
  IncidentInput,
} from '../src/schemas/api';
import { type ServiceContext, systemClock } from '../src/services/context';
import {
  addFeeChange,
  cancelContract,
  createContract,
} from '../src/services/contracts';
import { createCustomer } from '../src/services/customers';
import { createIncident } from '../src/services/incidents';
import { contractOutages } from '../src/services/outages';
import { ensureFirstAdmin } from '../src/services/users';
import {
  ASOF,
  between,
  logUniform,
  makeContract,
  makeIncidents,
  pick,
  REGIONS,
  random,
} from './portfolio';

export const HTTP_CONTRACTS = 2_000;
export const HTTP_CUSTOMERS = 200;
export const HTTP_INCIDENTS = 1_000;
export const PORTFOLIO_CONTRACTS = 10_000;
/** The first admin's API token in every benchmark database. */
export const TOKEN = 'gk_bench_admin_token';

export function adminContext(
  store: Store,
  clock: () => Instant,
  config: AppConfig,
): ServiceContext {
  const admin = store.sqlite
    .prepare("select id from users where role = 'admin' limit 1")
    .get() as { id: string };
  return {
    store,
    clock,
    config,
    actor: { userId: admin.id, role: 'admin', customerId: null },
  };
}

/** An instant as the API's bodies write it. */
const iso = (ms: number) => new Date(ms).toISOString();

/** Runs `work` in one outer transaction: the use cases' own transactions become savepoints in it. */
const inOneCommit = <T>(store: Store, work: () => T): T =>
  store.sqlite.transaction(work).immediate();

export interface Seeded {
  contractIds: string[];
  claimable: { contractId: string; outageStart: string }[];
  regionalIncidents: number;
  seedMs: number;
}

export function seedHttpDatabase(path: string): Seeded {
  const t0 = performance.now();
  const store = openStore(path);
  const now = systemClock();
  const config: AppConfig = {
    policy: DEFAULT_POLICY,
    regions: DEFAULT_REGIONS,
  };
  ensureFirstAdmin(store, now, TOKEN);
  const ctx = adminContext(store, () => now, config);
  const today = parseBusinessDate(iso(now).slice(0, 10));
  const contractIds = inOneCommit(store, () => {
    const customers = Array.from(
      { length: HTTP_CUSTOMERS },
      (_, i) => createCustomer(ctx, { name: `Customer ${i}` }).id,
    );
    return Array.from({ length: HTTP_CONTRACTS }, (_, i) => {
      const region = pick(DEFAULT_REGIONS);
      const billingStartDate = addDays(today, -between(200, 1000));
      return createContract(
        ctx,
        ContractInput.parse({
          customerId: customers[i % HTTP_CUSTOMERS],
          contractNumber: `H-${String(i).padStart(5, '0')}`,
          licenses: 500,
          concurrentDevices: 2000,
          servers: 2,
          region,
          redundancy: true,
          billingStartDate,
          monthlyFee: pick([48_000, 96_000, 150_000, 300_000]),
          options:
            random() < 0.2
              ? [
                  {
                    kind: 'multi-region',
                    regions: DEFAULT_REGIONS.filter((r) => r !== region),
                    monthlyFee: 30_000,
                    billingStartDate,
                  },
                ]
              : [],
        }),
      ).id;
    });
  });
  let regionalIncidents = 0;
  inOneCommit(store, () => {
    for (let i = 0; i < HTTP_INCIDENTS; i++) {
      const regional = i % 5 === 0;
      if (regional) regionalIncidents++;
      const count = pick([1, 1, 1, 2, 3]);
      let start = now - between(4 * MS_PER_DAY, 80 * MS_PER_DAY);
      const intervals = [];
      for (let k = 0; k < count; k++) {
        const end = start + logUniform(10 * 60_000, 3 * MS_PER_DAY);
        intervals.push({
          start: iso(start),
          end: iso(Math.min(end, now - MS_PER_HOUR)),
        });
        start = end + logUniform(60_000, 12 * MS_PER_HOUR);
        if (start >= now - 2 * MS_PER_HOUR) break;
      }
      const first = Date.parse(intervals[0]!.start);
      createIncident(
        ctx,
        IncidentInput.parse({
          title: `Incident ${i}`,
          cause: random() < 0.85 ? 'provider' : 'third_party',
          severity: random() < 0.9 ? 'total' : 'partial',
          scope: regional
            ? {
                regions: pick([['jp-east'], ['jp-west'], [...DEFAULT_REGIONS]]),
              }
            : { contractIds: [pick(contractIds)] },
          awareAt: iso(first + logUniform(60_000, 2 * MS_PER_HOUR)),
          intervals,
        }),
      );
    }
  });
  // Every outage a claim may be filed for now, in a random order.
  const claimable: Seeded['claimable'] = [];
  for (const contractId of contractIds)
    for (const outage of contractOutages(ctx, contractId, now).outages)
      if (
        outage.claimStatus === 'claimable' &&
        outage.thresholdAt !== null &&
        Date.parse(outage.thresholdAt) < now
      )
        claimable.push({ contractId, outageStart: outage.start });
  for (let i = claimable.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [claimable[i], claimable[j]] = [claimable[j]!, claimable[i]!];
  }
  store.close();
  return {
    contractIds,
    claimable,
    regionalIncidents,
    seedMs: performance.now() - t0,
  };
}

export function seedPortfolio(path: string) {
  const t0 = performance.now();
  const store = openStore(path);
  const config: AppConfig = { policy: DEFAULT_POLICY, regions: REGIONS };
  ensureFirstAdmin(store, ASOF, TOKEN);
  const ctx = adminContext(store, () => ASOF, config);
  let intervals = 0;
  let incidentCount = 0;
  let skipped = 0;
  inOneCommit(store, () => {
    const customers = Array.from(
      { length: 100 },
      (_, i) => createCustomer(ctx, { name: `Portfolio customer ${i}` }).id,
    );
    // Straight into the tables, with the columns createIncident writes (see the header of http.bench.ts).
    const insertIncident = store.sqlite.prepare(
      `insert into incidents (id, title, cause, severity, aware_at, created_by, created_at, updated_at, version)
       values (?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    );
    const insertInterval = store.sqlite.prepare(
      'insert into incident_intervals (incident_id, position, start, "end") values (?, ?, ?, ?)',
    );
    const insertScope = store.sqlite.prepare(
      "insert into incident_scope (incident_id, kind, value) values (?, 'contract', ?)",
    );
    for (let c = 0; c < PORTFOLIO_CONTRACTS; c++) {
      const terms = makeContract(c);
      const generated = makeIncidents(terms, c);
      const { id } = createContract(
        ctx,
        ContractInput.parse({
          customerId: customers[c % customers.length],
          contractNumber: terms.id,
          licenses: 500,
          concurrentDevices: 2000,
          servers: 2,
          region: terms.region,
          redundancy: true,
          billingStartDate: terms.billingStartDate,
          monthlyFee: terms.monthlyFee,
          options: terms.options.map((option) => ({
            kind: 'multi-region',
            regions: option.regions,
            monthlyFee: option.monthlyFee,
            billingStartDate: option.billingStartDate,
            // The generator may end an option before it starts, which a stored contract cannot.
            ...(option.endDate === null
              ? {}
              : {
                  endDate: laterDate(option.endDate, option.billingStartDate!),
                }),
          })),
        }),
      );
      // The generator's fee changes and terminations, where the use cases accept them (a repeated date,
      // or a termination before the billing start, is refused and left out).
      for (const change of terms.feeChanges)
        try {
          addFeeChange(ctx, id, FeeChangeInput.parse(change));
        } catch {
          skipped++;
        }
      if (terms.terminationEffectiveDate !== null)
        try {
          cancelContract(ctx, id, {
            noticeReceivedDate: addDays(terms.terminationEffectiveDate, -30),
          });
        } catch {
          skipped++;
        }
      for (const incident of generated) {
        const incidentId = `${terms.id}-${incident.id}`;
        insertIncident.run(
          incidentId,
          incident.id,
          incident.cause,
          incident.severity,
          incident.awareAt,
          ctx.actor.userId,
          ASOF,
          ASOF,
        );
        incident.intervals.forEach((interval, position) => {
          insertInterval.run(
            incidentId,
            position,
            interval.start,
            interval.end,
          );
        });
        insertScope.run(incidentId, id);
        intervals += incident.intervals.length;
        incidentCount++;
      }
    }
  });
  return {
    store,
    ctx,
    intervals,
    incidents: incidentCount,
    skipped,
    seedMs: performance.now() - t0,
  };
}
