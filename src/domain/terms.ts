/** The rest of the terms: Art. 1 minimum period, Art. 3 parameters, Art. 8 cancellation, Art. 10 / Annex 2. */
import type { ContractTerms } from './contract';
import { basicFeeOn } from './contract';
import type { Yen } from './money';
import { mulDivRounded, ZERO_YEN } from './money';
import type { Policy } from './policy';
import type { BusinessDate } from './time';
import { daysBetween, daysPeriodEnd, laterDate, monthsPeriodEnd } from './time';

/** Art. 3 (1)–(3): licences 100–65,000 in steps of 100; 2,000, 5,000 or 15,000 concurrent devices; 1–10 servers. */
export const LICENSES = { min: 100, max: 65_000, step: 100 } as const;
export const CONCURRENT_DEVICE_CHOICES = [2_000, 5_000, 15_000] as const;
export const SERVERS = { min: 1, max: 10 } as const;
export const DEFAULT_REGIONS = ['jp-east', 'jp-west'] as const;

/** Art. 1 / Art. 6(3): one month counted from the billing start day itself. 2026-01-31 → 2026-02-28. */
export function minimumPeriodEnd(billingStartDate: BusinessDate): BusinessDate {
  return monthsPeriodEnd(billingStartDate, 1);
}

/**
 * Art. 8 / Art. 6(4): the later of the day on which 30 days have elapsed from the notice's arrival and
 * the day the customer asked for. Notice 2026-01-10 → 2026-02-09.
 */
export function cancellationEffectiveDate(
  noticeReceivedDate: BusinessDate,
  requestedDate: BusinessDate | null,
): BusinessDate {
  const earliest = daysPeriodEnd(noticeReceivedDate, 30);
  return requestedDate === null ? earliest : laterDate(earliest, requestedDate);
}

/**
 * Art. 10 / Annex 2: ended strictly before the minimum period's end, the customer pays the fee for the
 * remaining days (the day after the effective date through the minimum period's end), prorated by the
 * days of the minimum period. Billing start 2026-01-15, effective 2026-01-31, ¥100,000 → 14/31 → ¥45,161.
 */
export function earlyTerminationCharge(
  {
    billingStartDate,
    monthlyFee,
  }: { billingStartDate: BusinessDate; monthlyFee: Yen },
  effectiveDate: BusinessDate,
  policy: Pick<Policy, 'earlyTerminationProration'>,
): Yen {
  const periodEnd = minimumPeriodEnd(billingStartDate);
  // Ended on or after the minimum period's end: nothing remains. Ended before it began (an option
  // ordered for later): nothing was billed, so nothing remains either.
  if (effectiveDate >= periodEnd || effectiveDate < billingStartDate)
    return ZERO_YEN;
  const remainingDays = daysBetween(effectiveDate, periodEnd);
  const periodDays = daysBetween(billingStartDate, periodEnd) + 1;
  switch (policy.earlyTerminationProration) {
    case 'periodDays':
      return mulDivRounded(monthlyFee, remainingDays, periodDays, 'floor');
  }
}

export interface CancellationOutcome {
  effectiveDate: BusinessDate;
  minimumPeriodEnd: BusinessDate;
  earlyTerminationCharge: Yen;
}

export interface ContractCancellationOutcome extends CancellationOutcome {
  /** Each option still running on the effective date ends with the contract (same order as `contract.options`); null for one already ended. */
  options: (CancellationOutcome | null)[];
}

/**
 * Art. 6(3)–(4), Art. 10(2) / Annex 2 (2): an option ends by the Art. 8 rule, and ended within its own
 * one-month minimum period it is charged the remaining days of its own fee.
 */
export function optionEndingOn(
  option: { billingStartDate: BusinessDate; monthlyFee: Yen },
  effectiveDate: BusinessDate,
  policy: Pick<Policy, 'earlyTerminationProration'>,
): CancellationOutcome {
  const { billingStartDate } = option;
  return {
    effectiveDate,
    minimumPeriodEnd: minimumPeriodEnd(billingStartDate),
    earlyTerminationCharge: earlyTerminationCharge(
      { billingStartDate, monthlyFee: option.monthlyFee },
      effectiveDate,
      policy,
    ),
  };
}

/** A contract's cancellation: the effective date and any early-termination charge on the basic fee then in effect. */
export function cancelContract(
  contract: ContractTerms,
  notice: {
    noticeReceivedDate: BusinessDate;
    requestedDate: BusinessDate | null;
  },
  policy: Pick<Policy, 'earlyTerminationProration'>,
): ContractCancellationOutcome {
  const effectiveDate = cancellationEffectiveDate(
    notice.noticeReceivedDate,
    notice.requestedDate,
  );
  const fee = basicFeeOn(contract, effectiveDate);
  return {
    effectiveDate,
    minimumPeriodEnd: minimumPeriodEnd(contract.billingStartDate),
    earlyTerminationCharge: earlyTerminationCharge(
      { billingStartDate: contract.billingStartDate, monthlyFee: fee },
      effectiveDate,
      policy,
    ),
    // An option without its own billing start has counted since the contract's.
    options: contract.options.map((option) =>
      option.endDate !== null && option.endDate <= effectiveDate
        ? null
        : optionEndingOn(
            {
              billingStartDate:
                option.billingStartDate ?? contract.billingStartDate,
              monthlyFee: option.monthlyFee,
            },
            effectiveDate,
            policy,
          ),
    ),
  };
}
