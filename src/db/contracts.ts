/** Stored contracts: rows with their fee changes (Art. 5) and options (Art. 6), and the rules core's view of them. */
import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { ContractTerms } from '../domain/contract';
import { yen } from '../domain/money';
import { storedBusinessDate } from '../domain/time';
import { groupBy } from '../lib/collections';
import { orNull } from '../lib/nullable';
import type { Db } from './client';
import { inList } from './in-list';
import { preparedPerConnection } from './prepared';
import { contractFeeChanges, contractOptions, contracts } from './schema';

export type ContractRow = typeof contracts.$inferSelect;
export type FeeChangeRow = typeof contractFeeChanges.$inferSelect;
export type OptionRow = typeof contractOptions.$inferSelect;

const byContract = (row: { contractId: string }) => row.contractId;

export interface ContractRecord {
  row: ContractRow;
  feeChanges: FeeChangeRow[];
  options: OptionRow[];
}

/** Loads contracts with their fees and options, in the order of `rows`. */
export function loadContractRecords(
  db: Db,
  rows: ContractRow[],
): ContractRecord[] {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const feeChanges = db
    .select()
    .from(contractFeeChanges)
    .where(inArray(contractFeeChanges.contractId, ids))
    .orderBy(asc(contractFeeChanges.effectiveDate))
    .all();
  const options = db
    .select()
    .from(contractOptions)
    .where(inArray(contractOptions.contractId, ids))
    .orderBy(asc(contractOptions.billingStartDate))
    .all();
  const feeChangesOf = groupBy(feeChanges, byContract);
  const optionsOf = groupBy(options, byContract);
  return rows.map((row) => ({
    row,
    feeChanges: feeChangesOf.get(row.id) ?? [],
    options: optionsOf.get(row.id) ?? [],
  }));
}

const statements = preparedPerConnection((db) => {
  const id = sql.placeholder('id');
  return {
    contract: db.select().from(contracts).where(eq(contracts.id, id)).prepare(),
    feeChanges: db
      .select()
      .from(contractFeeChanges)
      .where(eq(contractFeeChanges.contractId, id))
      .orderBy(asc(contractFeeChanges.effectiveDate))
      .prepare(),
    options: db
      .select()
      .from(contractOptions)
      .where(eq(contractOptions.contractId, id))
      .orderBy(asc(contractOptions.billingStartDate))
      .prepare(),
  };
});

/** The contract with its fees and options; undefined when there is none. */
export function findContractRecord(
  db: Db,
  id: string,
): ContractRecord | undefined {
  const { contract, feeChanges, options } = statements(db);
  const row = contract.get({ id });
  return row === undefined
    ? undefined
    : { row, feeChanges: feeChanges.all({ id }), options: options.all({ id }) };
}

/** The rules core's view of a stored contract. */
export function termsOf({
  row,
  feeChanges,
  options,
}: ContractRecord): ContractTerms {
  return {
    id: row.id,
    billingStartDate: storedBusinessDate(row.billingStartDate),
    terminationEffectiveDate: orNull(
      row.terminationEffectiveDate,
      storedBusinessDate,
    ),
    monthlyFee: yen(row.monthlyFee),
    feeChanges: feeChanges.map((change) => ({
      effectiveDate: storedBusinessDate(change.effectiveDate),
      monthlyFee: yen(change.monthlyFee),
    })),
    region: row.region,
    options: options.map((option) => ({
      kind: option.kind,
      regions: option.regions,
      monthlyFee: yen(option.monthlyFee),
      billingStartDate: storedBusinessDate(option.billingStartDate),
      endDate: orNull(option.endDate, storedBusinessDate),
    })),
  };
}

/** Which contracts a read of many covers: every one, one customer's, the listed ones, or both of those. */
export interface ContractSelection {
  customerId?: string;
  contractIds?: readonly string[];
}

/** `column` (a contract id) is one of the selected contracts'; undefined when every contract is. */
export function selectedContract(
  column: SQLiteColumn,
  selection: ContractSelection,
): SQL | undefined {
  return and(
    selection.contractIds === undefined
      ? undefined
      : inList(column, selection.contractIds),
    selection.customerId === undefined
      ? undefined
      : sql`${column} in (select ${contracts.id} from ${contracts} where ${contracts.customerId} = ${selection.customerId})`,
  );
}

/** The same for hand-written SQL: a condition on `column` (SQL text) and its parameters, in order. */
export function selectedContractSql(
  column: string,
  selection: ContractSelection,
): { condition: string; params: string[] } {
  const conditions: string[] = [];
  const params: string[] = [];
  if (selection.contractIds !== undefined) {
    conditions.push(`${column} in (select value from json_each(?))`);
    params.push(JSON.stringify(selection.contractIds));
  }
  if (selection.customerId !== undefined) {
    conditions.push(
      `${column} in (select id from contracts where customer_id = ?)`,
    );
    params.push(selection.customerId);
  }
  return {
    condition: conditions.length === 0 ? '1' : conditions.join(' and '),
    params,
  };
}

/** The selected contracts with their fees and options, by id: three statements, whatever their number. */
export function contractRecordsOf(
  db: Db,
  selection: ContractSelection,
): ContractRecord[] {
  const rows = db
    .select()
    .from(contracts)
    .where(selectedContract(contracts.id, selection))
    .orderBy(asc(contracts.id))
    .all();
  const feeChanges = groupBy(
    db
      .select()
      .from(contractFeeChanges)
      .where(selectedContract(contractFeeChanges.contractId, selection))
      .orderBy(asc(contractFeeChanges.effectiveDate))
      .all(),
    byContract,
  );
  const options = groupBy(
    db
      .select()
      .from(contractOptions)
      .where(selectedContract(contractOptions.contractId, selection))
      .orderBy(asc(contractOptions.billingStartDate))
      .all(),
    byContract,
  );
  return rows.map((row) => ({
    row,
    feeChanges: feeChanges.get(row.id) ?? [],
    options: options.get(row.id) ?? [],
  }));
}
