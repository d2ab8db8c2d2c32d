/** A contract as the rules see it: Art. 3 parameters do not matter here, only dates, fees and regions. */
import { addYen, type Yen } from './money';
import type { Policy } from './policy';
import type { BusinessDate } from './time';
import { endOfBusinessDate, startOfBusinessDate } from './time';

export interface FeeChange {
  /** The basic monthly fee is `monthlyFee` from this business date on (Art. 5). */
  effectiveDate: BusinessDate;
  monthlyFee: Yen;
}

export interface MultiRegionOption {
  kind: 'multi-region';
  regions: readonly string[];
  monthlyFee: Yen;
  /** Counts from this date; always when null. */
  billingStartDate: BusinessDate | null;
  /** Counts through this date, inclusive; no end when null. */
  endDate: BusinessDate | null;
}

export interface ContractTerms {
  /** Null in the calculator, where every incident without a scope names the one contract. */
  id: string | null;
  billingStartDate: BusinessDate;
  terminationEffectiveDate: BusinessDate | null;
  monthlyFee: Yen;
  feeChanges: readonly FeeChange[];
  /** The contract's own region (Art. 3 (4)); null when the calculator was given none. */
  region: string | null;
  options: readonly MultiRegionOption[];
}

/**
 * A half-open span of time `[start, end)` in epoch milliseconds. Not Instants: a span may have no bound,
 * `start` -Infinity or `end` Infinity.
 */
export interface Span {
  start: number;
  end: number;
}

/** Rule 3: from 00:00 JST of the billing start date to the end of the termination effective date. */
export function activePeriod(contract: ContractTerms, policy: Policy): Span {
  const start = startOfBusinessDate(contract.billingStartDate);
  if (contract.terminationEffectiveDate === null)
    return { start, end: Infinity };
  const end = policy.activeThroughTerminationDay
    ? endOfBusinessDate(contract.terminationEffectiveDate)
    : startOfBusinessDate(contract.terminationEffectiveDate);
  return { start, end };
}

/** When an option counts: from 00:00 JST of its billing start date through the end of its end date. */
export function optionWindow(option: MultiRegionOption): Span {
  return {
    start:
      option.billingStartDate === null
        ? -Infinity
        : startOfBusinessDate(option.billingStartDate),
    end: option.endDate === null ? Infinity : endOfBusinessDate(option.endDate),
  };
}

export function isOptionActiveOn(
  option: MultiRegionOption,
  date: BusinessDate,
): boolean {
  return (
    (option.billingStartDate === null || option.billingStartDate <= date) &&
    (option.endDate === null || date <= option.endDate)
  );
}

/** The basic fee in effect on a date: the last fee change effective on or before it, else the contract's fee. */
export function basicFeeOn(contract: ContractTerms, date: BusinessDate): Yen {
  let fee = contract.monthlyFee;
  let latest = '';
  for (const change of contract.feeChanges) {
    if (change.effectiveDate <= date && change.effectiveDate >= latest) {
      latest = change.effectiveDate;
      fee = change.monthlyFee;
    }
  }
  return fee;
}

/**
 * Rule 7: Annex 3 says 月額費用 without qualification (Annex 2 writes "(1)" when it means the basic fee
 * only), so the base is the basic fee plus every multi-region option active that day. Overage charges
 * for concurrent devices are usage charges and are not part of it.
 */
export function monthlyFeeBaseOn(
  contract: ContractTerms,
  date: BusinessDate,
): Yen {
  let base = basicFeeOn(contract, date);
  for (const option of contract.options)
    if (isOptionActiveOn(option, date)) base = addYen(base, option.monthlyFee);
  return base;
}

/** Every region the contract can ever use: its own plus its options'. */
export function allRegionsOf(
  contract: Pick<ContractTerms, 'region' | 'options'>,
): Set<string> {
  const regions = new Set<string>();
  if (contract.region !== null) regions.add(contract.region);
  for (const option of contract.options)
    for (const region of option.regions) regions.add(region);
  return regions;
}
