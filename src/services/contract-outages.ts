/**
 * The read model of outages: the one place that turns stored rows into a contract's outages with their
 * claim status, and where claims follow those outages (rule 11). Every use case that needs a contract's
 * outages asks it.
 *
 * - `contractOutagesAsOf(ctx, contractId, asOf)`: the outages of a contract as of an instant, the claims
 *   received by then, and the plan of what those claims should become.
 * - `contractOutagesWithDraft(ctx, contractId, draft, asOf)`: the same were an incident saved as drafted.
 * - `portfolioOutages(ctx, asOf, selection, each)`: the same for many contracts, read in one pass (the
 *   deadlines list, the claim-window gauge, reports).
 * - `applyClaimPlan(ctx, reading)`: the save of a plan made as of now.
 * - `refreshClaims(ctx, contractIds)`: every write that can change contracts' outages (incident create and
 *   correct, fee changes, cancellations) calls it inside its transaction, naming them; so does the minute
 *   re-check.
 *
 * What outages derive from (the contract with its fees and options, and the incidents that can bear on
 * it: qualifying, in its scope, with an interval in its active period) is loaded in one place,
 * `sourcesOf`, and kept per contract in memory (`outage-cache.ts`), with the outages once they are
 * settled. The cache forgets a contract as soon as any write touches what its outages derive from,
 * whichever code writes it (the change feed's triggers), or another process commits. Claims are read
 * afresh for every reading, so filing one needs no forgetting.
 */

import { and, eq } from 'drizzle-orm';
import { DEFAULT_OUTAGE_CACHE_CONTRACTS } from '../config';
import {
  type ClaimRow,
  claimRowsInTheRunning,
  claimRowsInTheRunningOf,
  contractIdsWithClaims,
  storedClaimOf,
  updateClaimState,
} from '../db/claims';
import {
  type ContractRecord,
  type ContractSelection,
  contractRecordsOf,
  findContractRecord,
  termsOf,
} from '../db/contracts';
import {
  type CreditNoticeRow,
  noticeStateColumns,
  storedNoticesByIds,
} from '../db/credit-notices';
import {
  incidentFactsBearingOn,
  incidentsNamingContracts,
  type LoggedIncidentFacts,
  regionalIncidents,
} from '../db/incidents';
import { claims, creditNoticeApprovals, creditNotices } from '../db/schema';
import {
  type ClaimPlan,
  type ClaimState,
  claimResolutionText,
  claimUpdateText,
  type NoticeState,
  type NoticeUpdate,
  noticeUpdateText,
  planClaimUpdates,
  type StoredClaim,
  type StoredNotice,
} from '../domain/claim-plan';
import { allRegionsOf, type ContractTerms } from '../domain/contract';
import { taxRatePercentOf } from '../domain/credit-notices';
import type { IncidentFacts } from '../domain/incident';
import { claimStatusAsOf, deriveOutages, type Outage } from '../domain/outages';
import {
  endOfBusinessDate,
  formatInstant,
  type Instant,
  startOfBusinessDate,
  storedBusinessDate,
  storedInstant,
} from '../domain/time';
import { notFound } from '../errors';
import { timedDerivation } from '../lib/metrics';
import {
  claimedOutageJsonOf,
  type OutageJson,
  outageJsonOf,
} from '../schemas/outage';
import { newId, recordAudit, type ServiceContext } from './context';
import { type OutageSources, outageCacheOf } from './outage-cache';

export interface ContractOutageReading {
  contract: ContractRecord;
  asOf: Instant;
  /** By start. */
  outages: readonly Outage[];
  /** The claims in the running that had been received and recorded by `asOf`, in the order filed. */
  claims: readonly StoredClaim[];
  /** What those claims make of the outages: the claim holding each, and the updates due (rule 11). */
  plan: ClaimPlan;
}

type ReadContext = Pick<ServiceContext, 'store' | 'config'>;

/**
 * Rule 3: only time in the active period counts, from 00:00 JST of the billing start to the end of the
 * termination date at the latest (`activeThroughTerminationDay` may end it a day sooner; the wider span
 * serves either policy).
 */
function widestActivePeriod(contract: ContractRecord): {
  from: Instant;
  until: Instant | null;
} {
  const { billingStartDate, terminationEffectiveDate } = contract.row;
  return {
    from: startOfBusinessDate(storedBusinessDate(billingStartDate)),
    until:
      terminationEffectiveDate === null
        ? null
        : endOfBusinessDate(storedBusinessDate(terminationEffectiveDate)),
  };
}

/** The latest instant the intervals reach; Infinity while one is open. */
function lastInstantOf(incidents: readonly IncidentFacts[]): number {
  let last = -Infinity;
  for (const incident of incidents)
    for (const interval of incident.intervals)
      last = Math.max(last, interval.start, interval.end ?? Infinity);
  return last;
}

/**
 * What a contract's outages as of `asOf` derive from: the contract and the incidents that can bear on
 * them (in its scope, with an interval in its active period). From the cache when it has them; otherwise
 * read in one snapshot and kept, unless a transaction is open (then only those before `asOf` are read).
 */
function sourcesOf(
  ctx: ReadContext,
  contractId: string,
  asOf: Instant,
): OutageSources {
  const cache = outageCacheOf(
    ctx.store,
    ctx.config.outageCacheContracts ?? DEFAULT_OUTAGE_CACHE_CONTRACTS,
  );
  const cached = cache.get(contractId);
  if (cached !== undefined) return cached;
  const kept = cache.canKeep();
  const read = (): OutageSources => {
    const contract = findContractRecord(ctx.store.db, contractId);
    if (contract === undefined) throw notFound('contract', contractId);
    const active = widestActivePeriod(contract);
    const until =
      kept || (active.until !== null && active.until <= asOf)
        ? active.until
        : asOf;
    const terms = termsOf(contract);
    const incidents = incidentFactsBearingOn(ctx.store.db, terms, {
      from: active.from,
      until,
    });
    return {
      contract,
      terms,
      incidents,
      settledFrom: lastInstantOf(incidents),
    };
  };
  if (!kept) return read();
  return cache.readAndKeep(contractId, () =>
    ctx.store.sqlite.transaction(read).deferred(),
  );
}

/** Rules 2–9 over the sources, recording the time it takes. */
const derived = (
  ctx: ReadContext,
  terms: ContractTerms,
  incidents: readonly IncidentFacts[],
  asOf: Instant,
) =>
  timedDerivation(() =>
    deriveOutages({
      contract: terms,
      incidents,
      asOf,
      policy: ctx.config.policy,
    }),
  );

/**
 * The outages as of `asOf`. Once every interval is over, they no longer change with `asOf` but for the
 * claim status, which depends on the day: derived once, the status then set for each read.
 */
function outagesAsOf(
  ctx: ReadContext,
  sources: OutageSources,
  asOf: Instant,
): readonly Outage[] {
  const { policy } = ctx.config;
  if (asOf < sources.settledFrom)
    return derived(ctx, sources.terms, sources.incidents, asOf);
  if (sources.settled?.policy !== policy)
    sources.settled = {
      policy,
      outages: derived(ctx, sources.terms, sources.incidents, asOf),
    };
  return sources.settled.outages.map((outage) => {
    const claimStatus = claimStatusAsOf(outage, asOf);
    return claimStatus === outage.claimStatus
      ? outage
      : { ...outage, claimStatus };
  });
}

/**
 * The claims of `rows` known at `asOf`, with their notices (from `notices`, or read when not given). A
 * claim counts from the instant it had been both received and recorded: a read at an earlier asOf never
 * sees it.
 */
function claimsKnownAt(
  ctx: ReadContext,
  rows: readonly ClaimRow[],
  asOf: Instant,
  notices?: ReadonlyMap<string, StoredNotice>,
): StoredClaim[] {
  const known = rows.filter(
    (row) => row.receivedAt <= asOf && row.createdAt <= asOf,
  );
  const noticeOf =
    notices ?? storedNoticesByIds(ctx.store.db, noticeIdsOf(known));
  return known.map((row) =>
    storedClaimOf(
      row,
      row.creditNoticeId === null
        ? null
        : (noticeOf.get(row.creditNoticeId) ?? null),
    ),
  );
}

const noticeIdsOf = (rows: readonly ClaimRow[]) =>
  rows.flatMap((row) =>
    row.creditNoticeId === null ? [] : [row.creditNoticeId],
  );

function readingOf(
  ctx: ReadContext,
  contract: ContractRecord,
  outages: readonly Outage[],
  claims: readonly StoredClaim[],
  asOf: Instant,
): ContractOutageReading {
  return {
    contract,
    asOf,
    outages,
    claims,
    plan: planClaimUpdates({
      claims,
      outages,
      asOf,
      taxRatePercent: taxRatePercentOf(ctx.config.policy.taxRate),
    }),
  };
}

/** The claims in the running on a contract known at `asOf`. */
const claimsOn = (ctx: ReadContext, contractId: string, asOf: Instant) =>
  claimsKnownAt(ctx, claimRowsInTheRunning(ctx.store.db, contractId), asOf);

/** The outages of a contract as of `asOf`, with the claims known then; not found when there is no such contract. */
export function contractOutagesAsOf(
  ctx: ReadContext,
  contractId: string,
  asOf: Instant,
): ContractOutageReading {
  const sources = sourcesOf(ctx, contractId, asOf);
  return readingOf(
    ctx,
    sources.contract,
    outagesAsOf(ctx, sources, asOf),
    claimsOn(ctx, contractId, asOf),
    asOf,
  );
}

/** The outages of a contract as of `asOf` were `draft` saved, in place of the stored incident of its id if any. */
export function contractOutagesWithDraft(
  ctx: ReadContext,
  contractId: string,
  draft: IncidentFacts,
  asOf: Instant,
): ContractOutageReading {
  const { contract, terms, incidents } = sourcesOf(ctx, contractId, asOf);
  const withDraft: IncidentFacts[] = incidents.some(
    (incident) => incident.id === draft.id,
  )
    ? incidents.map((incident) => (incident.id === draft.id ? draft : incident))
    : [...incidents, draft];
  return readingOf(
    ctx,
    contract,
    derived(ctx, terms, withDraft, asOf),
    claimsOn(ctx, contractId, asOf),
    asOf,
  );
}

/**
 * The outages of many contracts as of `asOf` with the claims known then (`contractOutagesAsOf` for each),
 * read in one pass rather than contract by contract: the contracts with their fees and options, every
 * regional incident, the claims and their notices, each read once; then one scan of the incidents
 * naming the contracts, in the order of contract id, each contract derived and handed to `each` as the
 * scan reaches it (one the scan could not read is read alone after it). `each` must not read the
 * database while the scan holds the connection; the whole read is one snapshot. The cache is neither used
 * nor filled: a pass over every contract would only push out the contracts read one by one.
 */
export function portfolioOutages(
  ctx: ReadContext,
  asOf: Instant,
  selection: ContractSelection,
  each: (reading: ContractOutageReading) => void,
): void {
  const read = () => {
    const { db } = ctx.store;
    const contracts = contractRecordsOf(db, selection);
    const regionalByRegion = new Map<string, LoggedIncidentFacts[]>();
    for (const incident of regionalIncidents(db))
      for (const region of incident.scope!.regions) {
        const list = regionalByRegion.get(region);
        if (list === undefined) regionalByRegion.set(region, [incident]);
        else list.push(incident);
      }
    const claimRows = claimRowsInTheRunningOf(db, selection);
    const notices = storedNoticesByIds(
      db,
      [...claimRows.values()].flatMap(noticeIdsOf),
    );
    const reading = (
      contract: ContractRecord,
      terms: ContractTerms,
      incidents: readonly IncidentFacts[],
    ) =>
      readingOf(
        ctx,
        contract,
        derived(ctx, terms, incidents, asOf),
        claimsKnownAt(ctx, claimRows.get(contract.row.id) ?? [], asOf, notices),
        asOf,
      );
    const readAlone: ContractRecord[] = [];
    const named = incidentsNamingContracts(db, selection);
    let nextNamed = named.next();
    for (const contract of contracts) {
      const id = contract.row.id;
      // Both come in order of contract id.
      let incidents: LoggedIncidentFacts[] | null = [];
      if (!nextNamed.done && nextNamed.value[0] === id) {
        incidents = nextNamed.value[1];
        nextNamed = named.next();
      }
      if (incidents === null) {
        readAlone.push(contract);
        continue;
      }
      const terms = termsOf(contract);
      if (regionalByRegion.size > 0) {
        const seen = new Set(incidents.map((incident) => incident.id));
        for (const region of allRegionsOf(terms))
          for (const incident of regionalByRegion.get(region) ?? [])
            if (!seen.has(incident.id)) {
              seen.add(incident.id);
              incidents.push(incident);
            }
      }
      incidents.sort(inOrderLogged);
      each(reading(contract, terms, incidents));
    }
    for (const contract of readAlone) {
      const terms = termsOf(contract);
      each(
        reading(
          contract,
          terms,
          incidentFactsBearingOn(db, terms, {
            from: widestActivePeriod(contract).from,
            until: null,
          }),
        ),
      );
    }
  };
  if (ctx.store.sqlite.inTransaction) read();
  else ctx.store.sqlite.transaction(read).deferred();
}

/** The order incidents were logged in: by creation, then id (ids are ASCII: the database's order too). */
function inOrderLogged(a: LoggedIncidentFacts, b: LoggedIncidentFacts): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Each outage in the API's shape, made once per outage object: the settled outages of a contract are
 * shared by every read of it, and formatting their instants again was a tenth of a read. Frozen, since
 * every reader shares it.
 */
const jsonOfOutage = new WeakMap<Outage, OutageJson>();

function sharedJsonOf(outage: Outage): OutageJson {
  let json = jsonOfOutage.get(outage);
  if (json === undefined) {
    json = Object.freeze(outageJsonOf(outage));
    jsonOfOutage.set(outage, json);
  }
  return json;
}

/** The outages as the API shows them, `claimed` where a claim holds them. */
export function outageJsonsOf({
  outages,
  plan,
}: Pick<ContractOutageReading, 'outages' | 'plan'>): OutageJson[] {
  return outages.map((outage) =>
    plan.holders.has(outage)
      ? { ...sharedJsonOf(outage), claimStatus: 'claimed' as const }
      : sharedJsonOf(outage),
  );
}

/** A claim's state as the audit log records it. */
function auditStateOf({ status, outage, resolution }: ClaimState) {
  const instantOrNull = (instant: Instant | null) =>
    instant === null ? null : formatInstant(instant);
  return {
    status,
    outage: {
      start: formatInstant(outage.start),
      end: instantOrNull(outage.end),
      knownUpTo: formatInstant(outage.knownUpTo),
      clockStart: instantOrNull(outage.clockStart),
      qualifies: outage.qualifies,
      unavailableMs: outage.unavailableMs,
      creditDays: outage.creditDays,
      monthlyFeeBase: outage.monthlyFeeBase,
      creditAmount: outage.creditAmount,
      claimableFrom: outage.claimableFrom,
      claimDeadline: outage.claimDeadline,
      incidentIds: outage.incidentIds,
    },
    resolutionCode: resolution?.code ?? null,
    resolution:
      resolution === null ? null : claimResolutionText(resolution, outage),
  };
}

/** A notice's state as the audit log records it. */
function noticeAuditStateOf({
  status,
  facts,
  withdrawal,
  discrepancy,
}: NoticeState) {
  return {
    status,
    ...facts.figures,
    outage: {
      start: formatInstant(facts.outage.start),
      end: formatInstant(facts.outage.end),
      clockStart: formatInstant(facts.outage.clockStart),
      unavailableMs: facts.outage.unavailableMs,
      incidentIds: facts.outage.incidentIds,
    },
    withdrawal,
    discrepancy,
  };
}

/** What a notice was computed from: the Outage (API shape) and the policy, stored with it. */
const computationOf = (
  ctx: Pick<ServiceContext, 'config'>,
  update: NoticeUpdate,
) =>
  update.outage === null
    ? {}
    : {
        computation: {
          outage: claimedOutageJsonOf(update.outage),
          policy: ctx.config.policy,
        },
      };

function applyNoticeUpdate(
  ctx: ServiceContext,
  contract: ContractRecord,
  update: NoticeUpdate,
): void {
  const { db } = ctx.store;
  const now = ctx.clock();
  if (update.noticeId === null) {
    const row: CreditNoticeRow = {
      id: newId(),
      claimId: update.claimId,
      contractId: contract.row.id,
      customerId: contract.row.customerId,
      number: null,
      ...noticeStateColumns(update.after),
      computation: computationOf(ctx, update).computation,
      correctsNoticeId: update.correctsNoticeId,
      approvedAt: null,
      rejectedBy: null,
      rejectedAt: null,
      rejectReason: null,
      voidedBy: null,
      voidedAt: null,
      voidReason: null,
      createdAt: now,
      updatedAt: now,
    };
    db.insert(creditNotices).values(row).run();
    db.update(claims)
      .set({ creditNoticeId: row.id, updatedAt: now })
      .where(eq(claims.id, update.claimId))
      .run();
    recordAudit(ctx, {
      action: 'credit-notice.prepared',
      entityType: 'credit-notice',
      entityId: row.id,
      after: {
        ...noticeAuditStateOf(update.after),
        claimId: update.claimId,
        correctsNoticeId: update.correctsNoticeId,
      },
      reason: noticeUpdateText(update),
    });
    return;
  }
  const noticeId = update.noticeId;
  if (update.withdrawsApprovals) {
    const withdrawn = db
      .delete(creditNoticeApprovals)
      .where(eq(creditNoticeApprovals.noticeId, noticeId))
      .returning()
      .all();
    recordAudit(ctx, {
      action: 'credit-notice.approvals-withdrawn',
      entityType: 'credit-notice',
      entityId: noticeId,
      before: withdrawn.map((approval) => ({
        userId: approval.userId,
        at: formatInstant(storedInstant(approval.at)),
      })),
      after: [],
      reason: 'the approvals were given to a notice that showed other figures',
    });
  }
  // An approved notice changes only in its discrepancy (the database refuses anything else).
  const columns =
    update.reason === 'discrepancy'
      ? { discrepancy: update.after.discrepancy }
      : { ...noticeStateColumns(update.after), ...computationOf(ctx, update) };
  db.update(creditNotices)
    .set({ ...columns, updatedAt: now })
    .where(
      and(
        eq(creditNotices.id, noticeId),
        eq(creditNotices.claimId, update.claimId),
      ),
    )
    .run();
  recordAudit(ctx, {
    action: `credit-notice.${update.reason}`,
    entityType: 'credit-notice',
    entityId: noticeId,
    before: update.before && noticeAuditStateOf(update.before),
    after: noticeAuditStateOf(update.after),
    reason: noticeUpdateText(update),
  });
}

/**
 * Saves a plan made as of now: each claim update and then each notice update written and audited, in the
 * caller's transaction.
 */
export function applyClaimPlan(
  ctx: ServiceContext,
  reading: Pick<ContractOutageReading, 'plan' | 'contract'>,
): void {
  const now = ctx.clock();
  for (const update of reading.plan.updates) {
    updateClaimState(
      ctx.store.db,
      update.claimId,
      update.after,
      update.outage === null ? undefined : claimedOutageJsonOf(update.outage),
      now,
    );
    recordAudit(ctx, {
      action: 'claim.recomputed',
      entityType: 'claim',
      entityId: update.claimId,
      before: auditStateOf(update.before),
      after: { ...auditStateOf(update.after), reason: update.reason },
      reason: claimUpdateText(update),
    });
  }
  for (const update of reading.plan.noticeUpdates)
    applyNoticeUpdate(ctx, reading.contract, update);
}

/**
 * Rule 11: after a change that can alter these contracts' outages (or time alone, for the minute
 * re-check), their claims follow the outages as of now. Call inside the change's transaction.
 */
export function refreshClaims(
  ctx: ServiceContext,
  contractIds: readonly string[],
): void {
  const now = ctx.clock();
  for (const contractId of contractIdsWithClaims(ctx.store.db, contractIds))
    applyClaimPlan(ctx, contractOutagesAsOf(ctx, contractId, now));
}
