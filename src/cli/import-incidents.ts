/**
 * `cli import-incidents FILE.csv --as EMAIL`: incidents from a spreadsheet export, all or nothing.
 * One row per unavailability interval; rows sharing a `ref` are one incident (its other columns are
 * taken from the first of them). Contracts are named by contract number, as support knows them.
 */
import { parse } from 'csv-parse/sync';
import { eq, inArray } from 'drizzle-orm';
import type { AppConfig } from '../config';
import { inTransaction, type Store } from '../db/client';
import { contracts, users } from '../db/schema';
import type { Instant } from '../domain/time';
import { ServiceError } from '../errors';
import { IncidentInput } from '../schemas/api';
import { fieldErrorsOf } from '../schemas/common';
import type { ServiceContext } from '../services/context';
import { createIncident } from '../services/incidents';
import { InputError } from './calc';

export const CSV_COLUMNS = [
  'ref',
  'title',
  'cause',
  'severity',
  'awareAt',
  'start',
  'end',
  'regions',
  'contractNumbers',
  'excludeContractNumbers',
  'description',
] as const;
type Row = Record<(typeof CSV_COLUMNS)[number], string>;
const INCIDENT_COLUMNS = [
  'title',
  'cause',
  'severity',
  'awareAt',
  'regions',
  'contractNumbers',
  'excludeContractNumbers',
  'description',
] as const;

const list = (cell: string) =>
  cell
    .split(/[;|]/)
    .map((item) => item.trim())
    .filter(Boolean);

export function importIncidents(
  store: Store,
  config: AppConfig,
  clock: () => Instant,
  csv: string,
  asEmail: string,
): { incidentIds: string[] } {
  const user = store.db
    .select()
    .from(users)
    .where(eq(users.email, asEmail.toLowerCase()))
    .get();
  if (!user || (user.role !== 'support' && user.role !== 'admin'))
    throw new InputError(
      `--as ${asEmail}: no support or admin user has this email`,
    );
  let rows: Row[];
  try {
    rows = parse(csv, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    });
  } catch (error) {
    throw new InputError(`not readable as CSV: ${(error as Error).message}`);
  }
  const header = Object.keys(rows[0] ?? {});
  const missing = CSV_COLUMNS.filter(
    (column) =>
      ![
        'end',
        'regions',
        'contractNumbers',
        'excludeContractNumbers',
        'description',
      ].includes(column) && !header.includes(column),
  );
  if (rows.length === 0) throw new InputError('the file has no rows');
  if (missing.length > 0)
    throw new InputError(`line 1: missing columns: ${missing.join(', ')}`);

  // Line numbers as a spreadsheet shows them: the header is line 1.
  const groups = new Map<
    string,
    { line: number; rows: { line: number; row: Row }[] }
  >();
  rows.forEach((row, index) => {
    const line = index + 2;
    const key = row.ref || `line ${line}`;
    const group = groups.get(key) ?? { line, rows: [] };
    group.rows.push({ line, row });
    groups.set(key, group);
  });

  const numbers = [
    ...new Set(
      rows.flatMap((row) => [
        ...list(row.contractNumbers ?? ''),
        ...list(row.excludeContractNumbers ?? ''),
      ]),
    ),
  ];
  const idByNumber = new Map(
    numbers.length === 0
      ? []
      : store.db
          .select({ id: contracts.id, number: contracts.contractNumber })
          .from(contracts)
          .where(inArray(contracts.contractNumber, numbers))
          .all()
          .map((c) => [c.number, c.id]),
  );
  const problems: string[] = [];
  const inputs: { line: number; input: IncidentInput }[] = [];
  for (const group of groups.values()) {
    const first = group.rows[0]!.row;
    // Later rows of a ref add intervals; an incident-level cell there must be empty or repeat the first row's.
    for (const { line, row } of group.rows.slice(1)) {
      for (const column of INCIDENT_COLUMNS) {
        if (row[column] && row[column] !== first[column])
          problems.push(
            `line ${line}: ${column}: differs from line ${group.line} of the same ref`,
          );
      }
    }
    const idsOf = (cell: string | undefined, column: string) =>
      list(cell ?? '').map((number) => {
        const id = idByNumber.get(number);
        if (id === undefined)
          problems.push(
            `line ${group.line}: ${column}: no contract numbered ${number}`,
          );
        return id ?? number;
      });
    const raw = {
      title: first.title,
      description: first.description || undefined,
      cause: first.cause,
      severity: first.severity,
      awareAt: first.awareAt,
      scope: {
        regions: list(first.regions ?? ''),
        contractIds: idsOf(first.contractNumbers, 'contractNumbers'),
        excludeContractIds: idsOf(
          first.excludeContractNumbers,
          'excludeContractNumbers',
        ),
      },
      intervals: group.rows.map(({ row }) => ({
        start: row.start,
        end: row.end || null,
      })),
    };
    const parsed = IncidentInput.safeParse(raw);
    if (!parsed.success) {
      for (const error of fieldErrorsOf(parsed.error)) {
        const interval = /^intervals\[(\d+)\]\.?(.*)$/.exec(error.path);
        const line = interval
          ? group.rows[Number(interval[1])]!.line
          : group.line;
        const column = interval ? interval[2] || 'start' : error.path;
        problems.push(`line ${line}: ${column}: ${error.message}`);
      }
      continue;
    }
    inputs.push({ line: group.line, input: parsed.data });
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'));

  const ctx: ServiceContext = {
    store,
    config,
    clock,
    actor: { userId: user.id, role: user.role, customerId: null },
  };
  return inTransaction(store, () => {
    const incidentIds: string[] = [];
    for (const { line, input } of inputs) {
      try {
        incidentIds.push(createIncident(ctx, input).id);
      } catch (error) {
        if (error instanceof ServiceError)
          throw new InputError(`line ${line}: ${error.message}`);
        throw error;
      }
    }
    return { incidentIds };
  });
}
