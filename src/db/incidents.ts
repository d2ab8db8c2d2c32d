/** Stored incidents: rows with their intervals and scope, as the rules core's facts. */
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { ContractTerms } from '../domain/contract';
import type { IncidentFacts } from '../domain/incident';
import { type Instant, storedInstant } from '../domain/time';
import { groupBy } from '../lib/collections';
import type { Db } from './client';
import { incidentIntervals, incidentScope, incidents } from './schema';

export type IncidentRow = typeof incidents.$inferSelect;

export interface StoredIncident extends IncidentFacts {
  title: string;
  description: string | null;
  createdBy: string;
  createdAt: Instant;
  updatedAt: Instant;
  version: number;
}

/** Loads incidents with their intervals and scope, in the order of `rows`. */
export function loadIncidents(db: Db, rows: IncidentRow[]): StoredIncident[] {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const intervals = db
    .select()
    .from(incidentIntervals)
    .where(inArray(incidentIntervals.incidentId, ids))
    .orderBy(asc(incidentIntervals.incidentId), asc(incidentIntervals.position))
    .all();
  const scopes = db
    .select()
    .from(incidentScope)
    .where(inArray(incidentScope.incidentId, ids))
    .all();
  const intervalsById = groupBy(intervals, (interval) => interval.incidentId);
  const scopesById = groupBy(scopes, (scope) => scope.incidentId);
  return rows.map((row) => {
    const scope = scopesById.get(row.id) ?? [];
    const values = (kind: string) =>
      scope
        .filter((entry) => entry.kind === kind)
        .map((entry) => entry.value)
        .sort();
    return {
      id: row.id,
      title: row.title,
      description: row.description,
      cause: row.cause,
      severity: row.severity,
      awareAt: storedInstant(row.awareAt),
      intervals: (intervalsById.get(row.id) ?? []).map((interval) => ({
        start: storedInstant(interval.start),
        end: interval.end === null ? null : storedInstant(interval.end),
      })),
      scope: {
        regions: values('region'),
        contractIds: values('contract'),
        excludeContractIds: values('exclude'),
      },
      createdBy: row.createdBy,
      createdAt: storedInstant(row.createdAt),
      updatedAt: storedInstant(row.updatedAt),
      version: row.version,
    };
  });
}

/** The incident with its intervals and scope; undefined when there is none. */
export function findIncident(db: Db, id: string): StoredIncident | undefined {
  const row = db.select().from(incidents).where(eq(incidents.id, id)).get();
  return row === undefined ? undefined : loadIncidents(db, [row])[0];
}

/** Every incident that could bear on a contract, in the order logged: it names the contract or one of its regions. */
export function incidentsForContract(
  db: Db,
  terms: ContractTerms,
): StoredIncident[] {
  const regions = [
    ...new Set(
      [
        terms.region,
        ...terms.options.flatMap((option) => option.regions),
      ].filter((region): region is string => region !== null),
    ),
  ];
  const scoped = db
    .selectDistinct({ id: incidentScope.incidentId })
    .from(incidentScope)
    .where(
      or(
        and(
          eq(incidentScope.kind, 'contract'),
          eq(incidentScope.value, terms.id!),
        ),
        regions.length > 0
          ? and(
              eq(incidentScope.kind, 'region'),
              inArray(incidentScope.value, regions),
            )
          : undefined,
      ),
    );
  const rows = db
    .select()
    .from(incidents)
    .where(inArray(incidents.id, scoped))
    .orderBy(asc(incidents.createdAt), asc(incidents.id))
    .all();
  return loadIncidents(db, rows);
}
