/** Incidents: logged by support, corrected with a reason, each change audited and claims recomputed. */
import {
  and,
  eq,
  gt,
  inArray,
  isNull,
  lt,
  notInArray,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import { inTransaction } from '../db/client';
import { inList } from '../db/in-list';
import {
  findIncident,
  findIncidents,
  type IncidentKey,
  newestIncidentKeys,
  type StoredIncident,
} from '../db/incidents';
import {
  contractOptions,
  contracts,
  incidentIntervals,
  incidentScope,
  incidents,
} from '../db/schema';
import { claimResolutionText } from '../domain/claim-plan';
import {
  type Cause,
  type IncidentFacts,
  isInScope,
  isQualifying,
} from '../domain/incident';
import { formatInstant, type Instant } from '../domain/time';
import { notFound, ServiceError, validationFailed } from '../errors';
import type {
  Incident,
  IncidentInput,
  IncidentPatch,
  IncidentPreview,
  IncidentSummary,
} from '../schemas/api';
import { IncidentInput as IncidentInputSchema } from '../schemas/api';
import { type FieldError, fieldErrorsOf } from '../schemas/common';
import { discrepancyJsonOf } from '../schemas/credit-notices';
import {
  newId,
  recordAudit,
  requireRole,
  type ServiceContext,
} from './context';
import {
  type ContractOutageReading,
  contractOutagesAsOf,
  contractOutagesWithDraft,
  outageJsonsOf,
  refreshClaims,
} from './contract-outages';
import { type ContractRegions, regionIndexOf } from './contract-regions';
import { incidentSummariesOf } from './incident-summaries';
import {
  DerivedOrder,
  type Page,
  type PageRequest,
  TableOrder,
} from './paging';

type ScopeIndexEntry = ContractRegions;

/** Every contract's id, number and regions, by number: enough to resolve any incident's scope (rule 2). */
const scopeIndex = (ctx: Pick<ServiceContext, 'store'>) =>
  regionIndexOf(ctx.store).contracts;

function affectedBy(
  index: readonly ScopeIndexEntry[],
  incident: Pick<IncidentFacts, 'scope'>,
): ScopeIndexEntry[] {
  return index.filter((entry) => isInScope(incident, entry.terms));
}

/** The ids of the contracts in `incident`'s scope (rule 2), by contract number. */
const affectedIdsOf = (
  index: readonly ScopeIndexEntry[],
  incident: Pick<IncidentFacts, 'scope'>,
): string[] => affectedBy(index, incident).map((entry) => entry.id);

export function incidentOf(
  incident: StoredIncident,
  affectedContractIds: string[],
): Incident {
  return {
    id: incident.id,
    title: incident.title,
    description: incident.description,
    cause: incident.cause,
    severity: incident.severity,
    qualifying: isQualifying(incident),
    scope: {
      regions: [...incident.scope!.regions],
      contractIds: [...incident.scope!.contractIds],
      excludeContractIds: [...incident.scope!.excludeContractIds],
    },
    awareAt: formatInstant(incident.awareAt),
    intervals: incident.intervals.map((interval) => ({
      start: formatInstant(interval.start),
      end: interval.end === null ? null : formatInstant(interval.end),
    })),
    ongoing: incident.intervals.some((interval) => interval.end === null),
    affectedContractIds,
    createdBy: incident.createdBy,
    createdAt: formatInstant(incident.createdAt),
    updatedAt: formatInstant(incident.updatedAt),
    version: incident.version,
  };
}

/** Checks what a schema cannot: named contracts exist, regions are configured, nothing lies in the future. */
function checkAgainstStore(
  ctx: ServiceContext,
  input: IncidentInput,
  index: readonly ScopeIndexEntry[],
) {
  const known = new Set(index.map((entry) => entry.id));
  const errors: FieldError[] = [];
  for (const field of ['contractIds', 'excludeContractIds'] as const)
    input.scope[field].forEach((id, i) => {
      if (!known.has(id))
        errors.push({
          path: `scope.${field}[${i}]`,
          message: `contract ${id} does not exist`,
        });
    });
  input.scope.regions.forEach((region, i) => {
    if (!ctx.config.regions.includes(region)) {
      errors.push({
        path: `scope.regions[${i}]`,
        message: `must be one of the configured regions: ${ctx.config.regions.join(', ')}`,
      });
    }
  });
  const now = ctx.clock();
  if (input.awareAt > now)
    errors.push({ path: 'awareAt', message: 'must not be in the future' });
  input.intervals.forEach((interval, i) => {
    if (interval.start > now)
      errors.push({
        path: `intervals[${i}].start`,
        message: 'must not be in the future',
      });
    if (interval.end != null && interval.end > now)
      errors.push({
        path: `intervals[${i}].end`,
        message:
          'must not be in the future: leave it out while the service is still down',
      });
  });
  if (errors.length > 0) throw validationFailed(errors);
}

function writeIncidentParts(
  ctx: ServiceContext,
  id: string,
  input: IncidentInput,
) {
  const db = ctx.store.db;
  db.delete(incidentIntervals)
    .where(eq(incidentIntervals.incidentId, id))
    .run();
  db.delete(incidentScope).where(eq(incidentScope.incidentId, id)).run();
  input.intervals.forEach((interval, position) => {
    db.insert(incidentIntervals)
      .values({
        incidentId: id,
        position,
        start: interval.start,
        end: interval.end ?? null,
      })
      .run();
  });
  const scopeValues = {
    region: input.scope.regions,
    contract: input.scope.contractIds,
    exclude: input.scope.excludeContractIds,
  };
  const scopeRows = Object.entries(scopeValues).flatMap(([kind, values]) =>
    normalized(values).map((value) => ({
      incidentId: id,
      kind: kind as keyof typeof scopeValues,
      value,
    })),
  );
  if (scopeRows.length > 0) db.insert(incidentScope).values(scopeRows).run();
}

function getStored(ctx: ServiceContext, id: string): StoredIncident {
  const stored = findIncident(ctx.store.db, id);
  if (!stored) throw notFound('incident', id);
  return stored;
}

export function createIncident(
  ctx: ServiceContext,
  input: IncidentInput,
): Incident {
  requireRole(ctx, 'support', 'admin');
  return inTransaction(ctx.store, () => {
    const index = scopeIndex(ctx);
    checkAgainstStore(ctx, input, index);
    const now = ctx.clock();
    const id = newId();
    ctx.store.db
      .insert(incidents)
      .values({
        id,
        title: input.title,
        description: input.description ?? null,
        cause: input.cause,
        severity: input.severity,
        awareAt: input.awareAt,
        createdBy: ctx.actor.userId,
        createdAt: now,
        updatedAt: now,
        version: 1,
      })
      .run();
    writeIncidentParts(ctx, id, input);
    const stored = getStored(ctx, id);
    const affected = affectedIdsOf(index, stored);
    const incident = incidentOf(stored, affected);
    recordAudit(ctx, {
      action: 'incident.created',
      entityType: 'incident',
      entityId: id,
      after: incident,
    });
    refreshClaims(ctx, affected);
    return incident;
  });
}

function draftOf(input: IncidentInput, id: string): IncidentFacts {
  return {
    id,
    cause: input.cause,
    severity: input.severity,
    awareAt: input.awareAt,
    intervals: input.intervals.map((interval) => ({
      start: interval.start,
      end: interval.end ?? null,
    })),
    scope: {
      regions: normalized(input.scope.regions),
      contractIds: normalized(input.scope.contractIds),
      excludeContractIds: normalized(input.scope.excludeContractIds),
    },
  };
}

const normalized = (values: readonly string[]) => [...new Set(values)].sort();

/**
 * The claim plan (rule 11) as the preview shows it: every update with its reason, and as `claimChanges`
 * those that change a status or a resolution (all but a claim following its outage's new facts).
 */
function claimPlanOf({ plan }: ContractOutageReading) {
  const claimUpdates = plan.updates.map(
    ({ claimId, reason, before, after }) => ({
      claimId,
      reason,
      from: before.status,
      to: after.status,
      resolution:
        after.resolution === null
          ? null
          : claimResolutionText(after.resolution, after.outage),
      outageStart: formatInstant(after.outage.start),
    }),
  );
  const claimChanges = claimUpdates
    .filter((update) => update.reason !== 'follows')
    .map(({ claimId, from, to, resolution }) => ({
      claimId,
      from,
      to,
      resolution,
    }));
  const noticeUpdates = plan.noticeUpdates.map(
    ({ claimId, noticeId, reason, before, after, withdrawsApprovals }) => ({
      claimId,
      noticeId,
      reason,
      from: before?.status ?? null,
      to: after.status,
      totalAmount: after.facts.figures.totalAmount,
      withdrawsApprovals,
      discrepancy: discrepancyJsonOf(after.discrepancy),
    }),
  );
  return { claimUpdates, claimChanges, noticeUpdates };
}

/**
 * Each contract's outages now and with `draft` saved (replacing the stored incident of the same id, if
 * any); the contracts are those the draft affects plus `alsoContractIds` (those a correction releases).
 */
function previewOf(
  ctx: ServiceContext,
  index: readonly ScopeIndexEntry[],
  draft: IncidentFacts,
  alsoContractIds: readonly string[] = [],
): IncidentPreview {
  const affected = affectedIdsOf(index, draft);
  const shown = new Set([...affected, ...alsoContractIds]);
  const asOf = ctx.clock();
  return {
    affectedContractIds: affected,
    // The index lists contracts by number.
    contracts: index
      .filter((entry) => shown.has(entry.id))
      .map((entry) => {
        const withDraft = contractOutagesWithDraft(ctx, entry.id, draft, asOf);
        return {
          contractId: entry.id,
          contractNumber: entry.contractNumber,
          currentOutages: outageJsonsOf(
            contractOutagesAsOf(ctx, entry.id, asOf),
          ),
          outages: outageJsonsOf(withDraft),
          ...claimPlanOf(withDraft),
        };
      }),
  };
}

/** What saving the incident would do to each affected contract's outages; nothing is written. */
export function previewIncident(
  ctx: ServiceContext,
  input: IncidentInput,
): IncidentPreview {
  requireRole(ctx, 'support', 'admin');
  const index = scopeIndex(ctx);
  checkAgainstStore(ctx, input, index);
  return previewOf(ctx, index, draftOf(input, 'preview'));
}

/** What a correction would do, to the contracts it affects before or after; nothing is written. */
export function previewCorrection(
  ctx: ServiceContext,
  id: string,
  changes: Omit<IncidentPatch, 'reason'>,
): IncidentPreview {
  requireRole(ctx, 'support', 'admin');
  const stored = getStored(ctx, id);
  const index = scopeIndex(ctx);
  const input = correctedInput(ctx, stored, index, changes);
  return previewOf(
    ctx,
    index,
    draftOf(input, id),
    affectedIdsOf(index, stored),
  );
}

export interface IncidentFilter {
  contractId?: string;
  from?: Instant;
  to?: Instant;
  /** true: still down (an interval without end); false: over. */
  ongoing?: boolean;
  /** Names the region, or names a contract whose own region it is. */
  region?: string;
  cause?: Cause;
}

const INCIDENTS_NEWEST_FIRST = new TableOrder(
  incidents,
  'incidents',
  [incidents.awareAt, incidents.id],
  'desc',
);

/** Newest awareness first; each with the number of contracts in its scope rather than their ids. */
export function listIncidents(
  ctx: ServiceContext,
  filter: IncidentFilter & PageRequest,
): Page<IncidentSummary> {
  requireRole(ctx, 'support', 'admin', 'finance');
  const db = ctx.store.db;
  const conditions: (SQL | undefined)[] = [];
  if (filter.cause !== undefined)
    conditions.push(eq(incidents.cause, filter.cause));
  if (filter.ongoing !== undefined) {
    const open = db
      .selectDistinct({ id: incidentIntervals.incidentId })
      .from(incidentIntervals)
      .where(isNull(incidentIntervals.end));
    conditions.push(
      filter.ongoing
        ? inArray(incidents.id, open)
        : notInArray(incidents.id, open),
    );
  }
  if (filter.region !== undefined) {
    const inRegion = db
      .selectDistinct({ id: incidentScope.incidentId })
      .from(incidentScope)
      .where(
        or(
          and(
            eq(incidentScope.kind, 'region'),
            eq(incidentScope.value, filter.region),
          ),
          and(
            eq(incidentScope.kind, 'contract'),
            inArray(
              incidentScope.value,
              db
                .select({ id: contracts.id })
                .from(contracts)
                .where(eq(contracts.region, filter.region)),
            ),
          ),
        ),
      );
    conditions.push(inArray(incidents.id, inRegion));
  }
  // An incident overlaps [from, to) when one of its intervals does (an open interval runs on).
  if (filter.from !== undefined || filter.to !== undefined) {
    const overlapping = db
      .selectDistinct({ id: incidentIntervals.incidentId })
      .from(incidentIntervals)
      .where(
        and(
          filter.to !== undefined
            ? lt(incidentIntervals.start, filter.to)
            : undefined,
          filter.from !== undefined
            ? or(
                isNull(incidentIntervals.end),
                gt(incidentIntervals.end, filter.from),
              )
            : undefined,
        ),
      );
    conditions.push(inArray(incidents.id, overlapping));
  }
  if (filter.contractId !== undefined)
    conditions.push(affectingContract(ctx, filter.contractId));
  const listed = (keys: Partial<IncidentKey>[]) =>
    incidentSummariesOf(
      ctx.store,
      keys.map((key) => key.id!),
      (missing) => {
        const made = findIncidents(ctx.store.db, missing).map((incident) =>
          withoutAffectedIds(incidentOf(incident, [])),
        );
        const counts = affectedContractCounts(ctx, made);
        return made.map((incident, i) => ({
          ...incident,
          affectedContractCount: counts[i]!,
        }));
      },
    );
  // The whole list, the page everyone opens, by a statement prepared once.
  if (conditions.length === 0)
    return INCIDENTS_NEWEST_FIRST.page(
      filter,
      ({ limit }, after) =>
        newestIncidentKeys(
          db,
          limit,
          after as [number, string] | undefined,
        ) as (typeof incidents.$inferSelect)[],
      listed,
    );
  return INCIDENTS_NEWEST_FIRST.keysPageOf(
    db,
    filter,
    and(...conditions),
    listed,
  );
}

function withoutAffectedIds({
  affectedContractIds: _ids,
  ...summary
}: Incident): Omit<Incident, 'affectedContractIds'> {
  return summary;
}

/** Rule 2 in SQL: the incidents in scope for a contract (it, or one of its regions, named; it not excluded). */
function affectingContract(
  ctx: Pick<ServiceContext, 'store'>,
  contractId: string,
): SQL {
  const db = ctx.store.db;
  const contract = db
    .select({ region: contracts.region })
    .from(contracts)
    .where(eq(contracts.id, contractId))
    .get();
  if (contract === undefined) return sql`0`;
  const regions = [
    ...new Set([
      contract.region,
      ...db
        .select({ regions: contractOptions.regions })
        .from(contractOptions)
        .where(eq(contractOptions.contractId, contractId))
        .all()
        .flatMap((option) => option.regions),
    ]),
  ];
  const naming = db
    .select({ id: incidentScope.incidentId })
    .from(incidentScope)
    .where(
      or(
        and(
          eq(incidentScope.kind, 'contract'),
          eq(incidentScope.value, contractId),
        ),
        and(
          eq(incidentScope.kind, 'region'),
          inArray(incidentScope.value, regions),
        ),
      ),
    );
  const excluding = db
    .select({ id: incidentScope.incidentId })
    .from(incidentScope)
    .where(
      and(
        eq(incidentScope.kind, 'exclude'),
        eq(incidentScope.value, contractId),
      ),
    );
  return and(
    inArray(incidents.id, naming),
    notInArray(incidents.id, excluding),
  )!;
}

/**
 * How many contracts each incident is in scope for (rule 2), without resolving its scope against every
 * contract: (contracts with one of its regions, counted once per set of regions) + (named contracts
 * outside those regions) − (excluded contracts among either), from the contracts' regions kept in memory.
 */
function affectedContractCounts(
  ctx: Pick<ServiceContext, 'store'>,
  incidents: readonly Pick<Incident, 'scope'>[],
): number[] {
  const index = regionIndexOf(ctx.store);
  const counts: number[] = [];
  for (const { scope } of incidents) {
    const { regions, contractIds, excludeContractIds } = scope;
    let count = regions.length === 0 ? 0 : index.countWithAnyOf(regions);
    for (const id of contractIds) {
      const contract = index.get(id);
      if (contract !== undefined && !hasAnyOf(contract.regions, regions))
        count++;
    }
    for (const id of excludeContractIds) {
      const contract = index.get(id);
      if (
        contract !== undefined &&
        (hasAnyOf(contract.regions, regions) || contractIds.includes(id))
      )
        count--;
    }
    counts.push(count);
  }
  return counts;
}

function hasAnyOf(
  regions: ReadonlySet<string>,
  wanted: readonly string[],
): boolean {
  for (const region of wanted) if (regions.has(region)) return true;
  return false;
}

export function getIncident(ctx: ServiceContext, id: string): Incident {
  requireRole(ctx, 'support', 'admin', 'finance');
  const stored = getStored(ctx, id);
  return incidentOf(stored, affectedIdsOf(scopeIndex(ctx), stored));
}

/**
 * The titles of the given incidents, by id: how a page names the incidents an outage came from (a credit
 * notice's computation) without loading them whole. Unknown ids are left out.
 */
export function incidentTitlesOf(
  ctx: ServiceContext,
  ids: readonly string[],
): Map<string, string> {
  requireRole(ctx, 'support', 'admin', 'finance');
  if (ids.length === 0) return new Map();
  const rows = ctx.store.db
    .select({ id: incidents.id, title: incidents.title })
    .from(incidents)
    .where(inList(incidents.id, ids))
    .all();
  return new Map(rows.map((row) => [row.id, row.title]));
}

export interface AffectedContract {
  contractId: string;
  contractNumber: string;
}

const AFFECTED_BY_NUMBER = new DerivedOrder<ScopeIndexEntry>(
  'affected-contracts',
  ['string', 'string'],
  'asc',
  (entry) => [entry.contractNumber, entry.id],
);

/**
 * An incident (as `getIncident` gives it) with one page of the contracts it affects, by contract number:
 * the incident page. The scope is resolved once for both.
 */
export function getIncidentWithAffected(
  ctx: ServiceContext,
  id: string,
  request: PageRequest,
): { incident: Incident; affected: Page<AffectedContract> } {
  requireRole(ctx, 'support', 'admin', 'finance');
  const stored = getStored(ctx, id);
  const affected = affectedBy(scopeIndex(ctx), stored);
  const page = AFFECTED_BY_NUMBER.page(affected, request);
  return {
    incident: incidentOf(
      stored,
      affected.map((entry) => entry.id),
    ),
    affected: {
      items: page.items.map((entry) => ({
        contractId: entry.id,
        contractNumber: entry.contractNumber,
      })),
      nextCursor: page.nextCursor,
    },
  };
}

/** A correction (rule 11): the whole incident is re-validated, audited with its reason, and outages recomputed. */
export function patchIncident(
  ctx: ServiceContext,
  id: string,
  patch: IncidentPatch,
  expectedVersion?: number,
): Incident {
  requireRole(ctx, 'support', 'admin');
  return inTransaction(ctx.store, () => {
    const stored = getStored(ctx, id);
    const index = scopeIndex(ctx);
    const before = incidentOf(stored, affectedIdsOf(index, stored));
    const { reason, ...changes } = patch;
    const input = correctedInput(ctx, stored, index, changes);
    // A retried correction, or one that changes nothing, leaves the incident (and its version) as it is,
    // whatever version it was made against.
    if (
      sameIncident(draftOf(input, id), stored) &&
      input.title === stored.title &&
      (input.description ?? null) === stored.description
    ) {
      refreshClaims(ctx, before.affectedContractIds);
      return before;
    }
    // Two engineers correcting the same incident: the second, working from an older version, is told so.
    if (expectedVersion !== undefined && expectedVersion !== stored.version) {
      throw new ServiceError(
        'precondition-failed',
        `incident ${id} is at version ${stored.version}, not ${expectedVersion}: read it again, then correct it`,
      );
    }
    ctx.store.db
      .update(incidents)
      .set({
        title: input.title,
        description: input.description ?? null,
        cause: input.cause,
        severity: input.severity,
        awareAt: input.awareAt,
        updatedAt: ctx.clock(),
        version: stored.version + 1,
      })
      .where(eq(incidents.id, id))
      .run();
    writeIncidentParts(ctx, id, input);
    const updated = getStored(ctx, id);
    const after = incidentOf(updated, affectedIdsOf(index, updated));
    recordAudit(ctx, {
      action: 'incident.corrected',
      entityType: 'incident',
      entityId: id,
      before,
      after,
      reason,
    });
    refreshClaims(ctx, [
      ...new Set([...before.affectedContractIds, ...after.affectedContractIds]),
    ]);
    return after;
  });
}

/**
 * Ends an ongoing incident in one step: a correction that closes every open interval now, with the
 * reason audited like any other correction.
 */
export function endIncident(
  ctx: ServiceContext,
  id: string,
  reason: string,
  expectedVersion?: number,
): Incident {
  requireRole(ctx, 'support', 'admin');
  return inTransaction(ctx.store, () => {
    const stored = getStored(ctx, id);
    if (!stored.intervals.some((interval) => interval.end === null))
      throw new ServiceError(
        'conflict',
        `incident ${id} is not ongoing: every interval has ended`,
      );
    const now = ctx.clock();
    return patchIncident(
      ctx,
      id,
      {
        reason,
        intervals: stored.intervals.map((interval) => ({
          start: interval.start,
          end: interval.end ?? now,
        })),
      },
      expectedVersion,
    );
  });
}

function sameIncident(a: IncidentFacts, b: IncidentFacts): boolean {
  const facts = (incident: IncidentFacts) =>
    JSON.stringify([
      incident.cause,
      incident.severity,
      incident.awareAt,
      incident.intervals,
      incident.scope,
    ]);
  return facts(a) === facts(b);
}

/** The stored incident with the changes applied, validated as a whole like a new one. */
function correctedInput(
  ctx: ServiceContext,
  stored: StoredIncident,
  index: readonly ScopeIndexEntry[],
  changes: Omit<IncidentPatch, 'reason'>,
): IncidentInput {
  const current = incidentOf(stored, []);
  const merged = IncidentInputSchema.safeParse({
    title: current.title,
    description: current.description ?? undefined,
    cause: current.cause,
    severity: current.severity,
    scope: current.scope,
    awareAt: current.awareAt,
    intervals: current.intervals,
    ...rawOf(changes),
  });
  if (!merged.success) throw validationFailed(fieldErrorsOf(merged.error));
  checkAgainstStore(ctx, merged.data, index);
  return merged.data;
}

/** The patch's fields back in their wire form, so the merged incident is validated as one input. */
function rawOf(
  changes: Omit<IncidentPatch, 'reason'>,
): Record<string, unknown> {
  const raw: Record<string, unknown> = { ...changes };
  if (changes.awareAt !== undefined)
    raw.awareAt = formatInstant(changes.awareAt);
  if (changes.intervals !== undefined) {
    raw.intervals = changes.intervals.map((interval) => ({
      start: formatInstant(interval.start),
      end: interval.end == null ? null : formatInstant(interval.end),
    }));
  }
  return raw;
}
