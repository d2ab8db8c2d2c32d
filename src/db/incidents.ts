/** Stored incidents: rows with their intervals and scope, as the rules core's facts. */
import { asc, eq, inArray } from 'drizzle-orm';
import type { ContractTerms } from '../domain/contract';
import type { DownInterval, IncidentFacts } from '../domain/incident';
import type { Instant } from '../domain/time';
import { groupBy } from '../lib/collections';
import type { Db } from './client';
import { preparedPerConnection } from './prepared';
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
  const intervalsById = new Map<string, DownInterval[]>();
  for (const interval of intervals) {
    const list = intervalsById.get(interval.incidentId);
    const down = { start: interval.start, end: interval.end };
    if (list === undefined) intervalsById.set(interval.incidentId, [down]);
    else list.push(down);
  }
  return assembled(
    rows,
    intervalsById,
    groupBy(scopes, (scope) => scope.incidentId),
  );
}

/** Incidents from their rows, intervals (in order) and scope rows. */
function assembled(
  rows: readonly IncidentRow[],
  intervalsById: ReadonlyMap<string, DownInterval[]>,
  scopesById: ReadonlyMap<string, ScopeRow[]>,
): StoredIncident[] {
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
      awareAt: row.awareAt,
      intervals: intervalsById.get(row.id) ?? [],
      scope: {
        regions: values('region'),
        contractIds: values('contract'),
        excludeContractIds: values('exclude'),
      },
      createdBy: row.createdBy,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      version: row.version,
    };
  });
}

/** The incident with its intervals and scope; undefined when there is none. */
export function findIncident(db: Db, id: string): StoredIncident | undefined {
  const row = db.select().from(incidents).where(eq(incidents.id, id)).get();
  return row === undefined ? undefined : loadIncidents(db, [row])[0];
}

const statements = preparedPerConnection((sqlite) => ({
  /**
   * The incidents that name the contract or one of its regions and do not exclude it, with an interval
   * overlapping `[from, until)` (null: no bound), each row one interval; in the order logged, intervals
   * by position. The scope index (kind, value, incident_id) finds them, the interval index (incident_id,
   * position, start, end) checks the overlap and gives the intervals without reading the table.
   */
  bearing: sqlite.prepare<
    { contract: string; regions: string; from: number; until: number | null },
    IncidentIntervalRow
  >(`
    with named(id) as (
      select incident_id from incident_scope where kind = 'contract' and value = @contract
      union
      select incident_id from incident_scope
       where kind = 'region' and value in (select value from json_each(@regions))
    )
    select i.id, i.title, i.description, i.cause, i.severity, i.aware_at as awareAt,
           i.created_by as createdBy, i.created_at as createdAt, i.updated_at as updatedAt, i.version,
           v.start, v."end"
      from named
      join incidents i on i.id = named.id
      join incident_intervals v on v.incident_id = i.id
     where not exists (
             select 1 from incident_scope x
              where x.incident_id = i.id and x.kind = 'exclude' and x.value = @contract)
       and exists (
             select 1 from incident_intervals o
              where o.incident_id = i.id
                and (@until is null or o.start < @until)
                and (o."end" is null or o."end" > @from))
     order by i.created_at, i.id, v.position`),
  /** The scope rows of the incidents whose ids are in the JSON array. */
  scopes: sqlite.prepare<[string], ScopeRow>(
    `select incident_id as incidentId, kind, value from incident_scope
      where incident_id in (select value from json_each(?))`,
  ),
}));

type ScopeRow = typeof incidentScope.$inferSelect;

/** An incident's row with one of its intervals. */
interface IncidentIntervalRow extends IncidentRow {
  start: Instant;
  end: Instant | null;
}

/**
 * What could bear on a contract's outages over `span` (rule 2, rule 3): the incidents that name it or one
 * of its regions and do not exclude it, with an interval overlapping the span; in the order logged.
 */
export function incidentsBearingOn(
  db: Db,
  terms: ContractTerms,
  span: { from: Instant; until: Instant | null },
): StoredIncident[] {
  const regions = [
    ...new Set(
      [
        terms.region,
        ...terms.options.flatMap((option) => option.regions),
      ].filter((region): region is string => region !== null),
    ),
  ];
  const { bearing, scopes } = statements(db);
  const rows = bearing.all({
    contract: terms.id!,
    regions: JSON.stringify(regions),
    from: span.from,
    until: span.until,
  });
  const incidentRows: IncidentRow[] = [];
  const intervalsById = new Map<string, DownInterval[]>();
  for (const row of rows) {
    let intervals = intervalsById.get(row.id);
    if (intervals === undefined) {
      intervals = [];
      intervalsById.set(row.id, intervals);
      incidentRows.push(row);
    }
    intervals.push({ start: row.start, end: row.end });
  }
  if (incidentRows.length === 0) return [];
  return assembled(
    incidentRows,
    intervalsById,
    groupBy(
      scopes.all(JSON.stringify(incidentRows.map((row) => row.id))),
      (scope) => scope.incidentId,
    ),
  );
}
