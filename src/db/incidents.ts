/** Stored incidents: rows with their intervals and scope, as the rules core's facts. */
import { eq } from 'drizzle-orm';
import type { ContractTerms } from '../domain/contract';
import {
  type DownInterval,
  type IncidentFacts,
  QUALIFYING_CAUSE,
  QUALIFYING_SEVERITIES,
} from '../domain/incident';
import { type Instant, storedInstant } from '../domain/time';
import { groupBy } from '../lib/collections';
import { orNull } from '../lib/nullable';
import type { Db } from './client';
import { type ContractSelection, selectedContractSql } from './contracts';
import { preparedPerConnection } from './prepared';
import { type incidentScope, incidents } from './schema';

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
  const ids = JSON.stringify(rows.map((row) => row.id));
  const { intervals, scopes } = statements(db);
  const intervalsById = new Map<string, DownInterval[]>();
  for (const interval of intervals.iterate(ids)) {
    const list = intervalsById.get(interval.incidentId);
    const down = {
      start: storedInstant(interval.start),
      end: orNull(interval.end, storedInstant),
    };
    if (list === undefined) intervalsById.set(interval.incidentId, [down]);
    else list.push(down);
  }
  return assembled(
    rows,
    intervalsById,
    groupBy(scopes.all(ids), (scope) => scope.incidentId),
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
      awareAt: storedInstant(row.awareAt),
      intervals: intervalsById.get(row.id) ?? [],
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

/** The incidents of these ids with their intervals and scope, in the order of `ids` (unknown ids left out). */
export function findIncidents(
  db: Db,
  ids: readonly string[],
): StoredIncident[] {
  if (ids.length === 0) return [];
  const byId = new Map(
    statements(db)
      .rows.all(JSON.stringify(ids))
      .map((row) => [row.id, row]),
  );
  return loadIncidents(
    db,
    ids.flatMap((id) => {
      const row = byId.get(id);
      return row === undefined ? [] : [row];
    }),
  );
}

/** An incident's place in the list (`incidents_list_idx`). */
export type IncidentKey = Pick<IncidentRow, 'awareAt' | 'id'>;

/**
 * The keys of `limit` incidents, newest awareness first, from the start or after the key `after`: the
 * whole incident list, page after page, prepared once.
 */
export function newestIncidentKeys(
  db: Db,
  limit: number,
  after: readonly [awareAt: number, id: string] | undefined,
): IncidentKey[] {
  const { newestFirst, newestFirstAfter } = statements(db);
  return after === undefined
    ? newestFirst.all(limit)
    : newestFirstAfter.all(after[0], after[1], limit);
}

/** The incident with its intervals and scope; undefined when there is none. */
export function findIncident(db: Db, id: string): StoredIncident | undefined {
  const row = db.select().from(incidents).where(eq(incidents.id, id)).get();
  return row === undefined ? undefined : loadIncidents(db, [row])[0];
}

/**
 * Rule 1 in SQL (`isQualifying`): the incidents that count. No other incident bears on any outage, so the
 * reads for outages leave them out. Takes the named parameters of QUALIFYING_PARAMS.
 */
const QUALIFYING =
  'i.cause = @qualifyingCause and i.severity in (select value from json_each(@qualifyingSeverities))';
const QUALIFYING_PARAMS = {
  qualifyingCause: QUALIFYING_CAUSE,
  qualifyingSeverities: JSON.stringify(QUALIFYING_SEVERITIES),
};

const statements = preparedPerConnection(({ $client: sqlite }) => ({
  /**
   * The qualifying incidents that name the contract or one of its regions and do not exclude it, with an
   * interval overlapping `[from, until)` (null: no bound), each row one interval; in the order logged,
   * intervals by position. The scope index (kind, value, incident_id) finds them, the interval index
   * (incident_id, position, start, end) checks the overlap and gives the intervals without reading the
   * table.
   */
  bearing: sqlite.prepare<
    [
      {
        contract: string;
        regions: string;
        from: number;
        until: number | null;
      } & typeof QUALIFYING_PARAMS,
    ],
    FactsIntervalRow
  >(`
    with named(id) as (
      select incident_id from incident_scope where kind = 'contract' and value = @contract
      union
      select incident_id from incident_scope
       where kind = 'region' and value in (select value from json_each(@regions))
    )
    select i.id, i.cause, i.severity, i.aware_at as awareAt, v.start, v."end"
      from named
      join incidents i on i.id = named.id
      join incident_intervals v on v.incident_id = i.id
     where ${QUALIFYING}
       and not exists (
             select 1 from incident_scope x
              where x.incident_id = i.id and x.kind = 'exclude' and x.value = @contract)
       and exists (
             select 1 from incident_intervals o
              where o.incident_id = i.id
                and (@until is null or o.start < @until)
                and (o."end" is null or o."end" > @from))
     order by i.created_at, i.id, v.position`),
  /** Every incident's key in the list's order (newest awareness first), from the list's index alone. */
  newestFirst: sqlite.prepare<[limit: number], IncidentKey>(
    'select aware_at as awareAt, id from incidents order by aware_at desc, id desc limit ?',
  ),
  /** The same, after the key `(awareAt, id)`. */
  newestFirstAfter: sqlite.prepare<
    [awareAt: number, id: string, limit: number],
    IncidentKey
  >(
    `select aware_at as awareAt, id from incidents where (aware_at, id) < (?, ?)
      order by aware_at desc, id desc limit ?`,
  ),
  /** The rows of the incidents whose ids are in the JSON array. */
  rows: sqlite.prepare<[string], IncidentRow>(
    `select id, title, description, cause, severity, aware_at as awareAt, created_by as createdBy,
            created_at as createdAt, updated_at as updatedAt, version
       from incidents where id in (select value from json_each(?))`,
  ),
  /** The intervals of the incidents whose ids are in the JSON array, each incident's by position. */
  intervals: sqlite.prepare<
    [string],
    { incidentId: string; start: number; end: number | null }
  >(
    `select incident_id as incidentId, start, "end" from incident_intervals
      where incident_id in (select value from json_each(?))
      order by incident_id, position`,
  ),
  /** The scope rows of the incidents whose ids are in the JSON array. */
  scopes: sqlite.prepare<[string], ScopeRow>(
    `select incident_id as incidentId, kind, value from incident_scope
      where incident_id in (select value from json_each(?))`,
  ),
}));

type ScopeRow = typeof incidentScope.$inferSelect;

/** What the rules need of an incident's row, with one of its intervals. */
interface FactsIntervalRow
  extends Pick<IncidentRow, 'id' | 'cause' | 'severity' | 'awareAt'> {
  start: number;
  end: number | null;
}

const NONE: readonly string[] = Object.freeze([]);

/** The scope's values of one kind, sorted; the one frozen empty list when there are none. */
function scopeValues(
  scope: readonly ScopeRow[],
  kind: ScopeRow['kind'],
): readonly string[] {
  const values = scope
    .filter((entry) => entry.kind === kind)
    .map((entry) => entry.value);
  return values.length === 0 ? NONE : values.sort();
}

type MutableFacts = IncidentFacts & { intervals: DownInterval[] };
type MutableLoggedFacts = LoggedIncidentFacts & { intervals: DownInterval[] };

/** Rows of one interval each, an incident's together and in order: each incident's first row with its intervals. */
function byIncident<Row extends FactsIntervalRow>(
  rows: Iterable<Row>,
): { row: Row; intervals: DownInterval[] }[] {
  const incidents: { row: Row; intervals: DownInterval[] }[] = [];
  let last: { row: Row; intervals: DownInterval[] } | undefined;
  for (const row of rows) {
    if (last?.row.id !== row.id) {
      last = { row, intervals: [] };
      incidents.push(last);
    }
    last.intervals.push({
      start: storedInstant(row.start),
      end: orNull(row.end, storedInstant),
    });
  }
  return incidents;
}

/** An incident's facts from its row and intervals, its scope still to be given (`withScopes`). */
const factsOf = (
  row: FactsIntervalRow,
  intervals: DownInterval[],
): MutableFacts => ({
  id: row.id,
  cause: row.cause,
  severity: row.severity,
  awareAt: storedInstant(row.awareAt),
  intervals,
  scope: null,
});

/** Gives each incident its scope, from its scope rows. */
function withScopes(
  incidents: readonly MutableFacts[],
  scopeRows: readonly ScopeRow[],
): void {
  const scopesById = groupBy(scopeRows, (scope) => scope.incidentId);
  for (const incident of incidents) {
    const scope = scopesById.get(incident.id) ?? [];
    incident.scope = {
      regions: scopeValues(scope, 'region'),
      contractIds: scopeValues(scope, 'contract'),
      excludeContractIds: scopeValues(scope, 'exclude'),
    };
  }
}

/**
 * What can bear on a contract's outages over `span` (rules 1–3), as the rules core's facts: the
 * qualifying incidents that name it or one of its regions and do not exclude it, with an interval
 * overlapping the span; in the order logged.
 */
export function incidentFactsBearingOn(
  db: Db,
  terms: ContractTerms,
  span: { from: Instant; until: Instant | null },
): IncidentFacts[] {
  const regions = [
    ...new Set(
      [
        terms.region,
        ...terms.options.flatMap((option) => option.regions),
      ].filter((region): region is string => region !== null),
    ),
  ];
  const { bearing, scopes } = statements(db);
  const incidents = byIncident(
    bearing.iterate({
      contract: terms.id!,
      regions: JSON.stringify(regions),
      from: span.from,
      until: span.until,
      ...QUALIFYING_PARAMS,
    }),
  ).map(({ row, intervals }) => factsOf(row, intervals));
  if (incidents.length > 0)
    withScopes(
      incidents,
      scopes.all(JSON.stringify(incidents.map((incident) => incident.id))),
    );
  return incidents;
}

/** An incident's facts and when it was logged (what orders a contract's incidents). */
export interface LoggedIncidentFacts extends IncidentFacts {
  createdAt: Instant;
}

/**
 * For each selected contract that qualifying incidents name (and do not also exclude), in order of
 * contract id (as `contractRecordsOf` gives them, so the two can be walked side by side): its id and
 * those incidents, unordered; or null for a contract whose incidents this scan could not read (see
 * below), to be read on its own.
 *
 * One scan of the scope index, each incident's row and intervals looked up from there (measured: about
 * 1.4 times a bare read of the interval and incident rows). Besides the lookups, making strings costs,
 * so each row carries numbers only (the contract's and incident's rowids), and the incident's id and
 * severity come with its first interval (position 0) alone. Every interval is written with positions
 * from 0; should an incident's first row come without them, its contract is handed back as null rather
 * than read wrong. Each incident's scope is given as naming just that contract, which is all the rules
 * need of it for that contract (rule 2: a contract named is down when the incident is).
 */
export function* incidentsNamingContracts(
  db: Db,
  selection: ContractSelection,
): Generator<[contractId: string, incidents: LoggedIncidentFacts[] | null]> {
  const { condition, params } = selectedContractSql('s.value', selection);
  const idOfContractRow = new Map(
    db.$client
      .prepare<string[], [number, string]>(
        `select rowid, id from contracts s where ${selectedContractSql('s.id', selection).condition}`,
      )
      .raw()
      .all(...params),
  );
  // An incident that names a contract and excludes it too does not bear on it (rule 2). Rare: checked
  // here rather than by one more index search per row of the scan.
  const excluded = new Set(
    db.$client
      .prepare<[], string>(
        `select incident_id || ' ' || value from incident_scope where kind = 'exclude'`,
      )
      .pluck()
      .all(),
  );
  const rows = db.$client
    .prepare<
      [...string[], typeof QUALIFYING_PARAMS],
      [
        contractRow: number,
        incidentRow: number,
        position: number,
        start: number,
        end: number | null,
        id: string | null,
        severity: IncidentFacts['severity'] | null,
        awareAt: number,
        createdAt: number,
      ]
    >(
      `select c.rowid, i.rowid, v.position, v.start, v."end",
              case when v.position = 0 then i.id end,
              case when v.position = 0 then i.severity end,
              i.aware_at, i.created_at
         from incident_scope s
         join contracts c on c.id = s.value
         join incidents i on i.id = s.incident_id
         join incident_intervals v on v.incident_id = s.incident_id
        where s.kind = 'contract' and ${condition} and ${QUALIFYING}
        order by s.value, s.incident_id`,
    )
    .raw()
    .iterate(...params, QUALIFYING_PARAMS);
  let contractRow = -1;
  let incidentRow = -1;
  let incidents: LoggedIncidentFacts[] | null = null;
  let last: MutableLoggedFacts | undefined;
  let lastPosition = -1;
  let contractId = '';
  let scope: IncidentFacts['scope'] = null;
  for (const row of rows) {
    // By index, not destructured: this loop runs once per interval.
    const c = row[0];
    if (c !== contractRow) {
      if (contractRow !== -1) yield [contractId, incidents];
      contractRow = c;
      contractId = idOfContractRow.get(c)!;
      incidentRow = -1;
      incidents = [];
      scope = {
        regions: NONE,
        contractIds: [contractId],
        excludeContractIds: NONE,
      };
    }
    if (incidents === null) continue;
    const position = row[2];
    if (row[1] !== incidentRow) {
      incidentRow = row[1];
      const id = row[5];
      const severity = row[6];
      // Its id comes with the interval at position 0, which must come first.
      if (id === null || severity === null) {
        incidents = null;
        continue;
      }
      last = excluded.has(`${id} ${contractId}`)
        ? undefined
        : {
            id,
            cause: QUALIFYING_CAUSE,
            severity,
            awareAt: storedInstant(row[7]),
            intervals: [],
            scope,
            createdAt: storedInstant(row[8]),
          };
      if (last !== undefined) incidents.push(last);
    } else if (position <= lastPosition) {
      // The interval index gives an incident's intervals by position; were they ever not, read alone.
      incidents = null;
      continue;
    }
    lastPosition = position;
    last?.intervals.push({
      start: storedInstant(row[3]),
      end: orNull(row[4], storedInstant),
    });
  }
  if (contractRow !== -1) yield [contractId, incidents];
}

/** Every qualifying incident that names a region, with its whole scope, in the order logged. */
export function regionalIncidents(db: Db): LoggedIncidentFacts[] {
  const regional = `select incident_id from incident_scope where kind = 'region'`;
  const rows = db.$client
    .prepare<
      [typeof QUALIFYING_PARAMS],
      FactsIntervalRow & { createdAt: number }
    >(
      `select i.id, i.cause, i.severity, i.aware_at as awareAt, i.created_at as createdAt,
              v.start, v."end"
         from incidents i join incident_intervals v on v.incident_id = i.id
        where i.id in (${regional}) and ${QUALIFYING}
        order by i.created_at, i.id, v.position`,
    )
    .iterate(QUALIFYING_PARAMS);
  const incidents: MutableLoggedFacts[] = byIncident(rows).map(
    ({ row, intervals }) => ({
      ...factsOf(row, intervals),
      createdAt: storedInstant(row.createdAt),
    }),
  );
  withScopes(
    incidents,
    db.$client
      .prepare<[], ScopeRow>(
        `select incident_id as incidentId, kind, value from incident_scope
          where incident_id in (${regional})`,
      )
      .all(),
  );
  return incidents;
}

/**
 * The contracts an incident with an interval still open or ended at or after `since` names, or names one
 * of the regions of (their own or an option's), whether or not it excludes them.
 */
export function contractsTouchedSince(db: Db, since: Instant): string[] {
  return db.$client
    .prepare<[Instant], string>(
      `with touching(incident_id) as (
         select distinct incident_id from incident_intervals where "end" is null or "end" >= ?
       ),
       regions(region) as (
         select distinct value from incident_scope
          where kind = 'region' and incident_id in (select incident_id from touching)
       )
       select value from incident_scope
        where kind = 'contract' and incident_id in (select incident_id from touching)
       union
       select id from contracts where region in (select region from regions)
       union
       select o.contract_id from contract_options o, json_each(o.regions) r
        where r.value in (select region from regions)`,
    )
    .pluck()
    .all(since);
}
