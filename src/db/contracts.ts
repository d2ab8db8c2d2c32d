/** Stored contracts: rows with their fee changes (Art. 5) and options (Art. 6), and the rules core's view of them. */
import { asc, eq, inArray } from 'drizzle-orm';
import type { ContractTerms } from '../domain/contract';
import { yen } from '../domain/money';
import { storedBusinessDate } from '../domain/time';
import { orNull } from '../lib/nullable';
import type { Db } from './client';
import { contractFeeChanges, contractOptions, contracts } from './schema';

export type ContractRow = typeof contracts.$inferSelect;
export type FeeChangeRow = typeof contractFeeChanges.$inferSelect;
export type OptionRow = typeof contractOptions.$inferSelect;

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
  return rows.map((row) => ({
    row,
    feeChanges: feeChanges.filter((change) => change.contractId === row.id),
    options: options.filter((option) => option.contractId === row.id),
  }));
}

/** The contract with its fees and options; undefined when there is none. */
export function findContractRecord(
  db: Db,
  id: string,
): ContractRecord | undefined {
  const row = db.select().from(contracts).where(eq(contracts.id, id)).get();
  return row === undefined ? undefined : loadContractRecords(db, [row])[0];
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
