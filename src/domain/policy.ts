/**
 * The readings of the terms that are choices rather than text (SPEC.md, **policy**). One typed object,
 * passed into every computation and echoed in its result, so finance can see and change it.
 */
import { z } from 'zod';
import { wholePercentOf, yen } from './money';

export const Policy = z
  .object({
    /** Rule 8: 請求をし得ることとなった日 is the JST date the outage ended, or the date it reached 24 h. */
    claimableFrom: z
      .enum(['outageEnded', 'thresholdReached'])
      .default('outageEnded'),
    /** Rule 2: one region down does not make a multi-region contract unusable. */
    multiRegionFailover: z.boolean().default(true),
    /** Rule 9 / Civil Code Art. 142: a deadline on a Sunday or national holiday moves to the next day that is neither. */
    extendOverHolidays: z.boolean().default(false),
    /** Rule 4: periods separated by at most this many milliseconds are one outage (0: only touching ones). */
    mergeGapMs: z.number().int().min(0).max(86_400_000).default(0),
    /** Rule 7: how the credit amount is rounded, once, at the end. */
    rounding: z.enum(['floor', 'ceil', 'half-up']).default('floor'),
    /** Rule 3: the contract is active through the end of its termination effective date. */
    activeThroughTerminationDay: z.boolean().default(true),
    /**
     * Consumption tax on the credit notice, floored once per notice. A whole percent (0.1 is 10 %): the
     * notice holds it as the integer percent, so a rate that is not one cannot be held exactly.
     */
    taxRate: z
      .number()
      .min(0)
      .max(1)
      .refine(
        (rate) => wholePercentOf(rate) !== null,
        'must be a whole percent, e.g. 0.1 for 10 %',
      )
      .default(0.1),
    /** Annex 2: early-termination charge prorated by days of the minimum period. */
    earlyTerminationProration: z.enum(['periodDays']).default('periodDays'),
    /** Notices whose tax-inclusive total is this many yen or more need two different finance approvers. */
    dualApprovalFromYen: z
      .number()
      .int()
      .min(0)
      .transform(yen)
      .default(yen(1_000_000)),
  })
  .strict();
export type Policy = z.infer<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;

export const DEFAULT_POLICY: Policy = Object.freeze(Policy.parse({}));

export function resolvePolicy(overrides: PolicyInput = {}): Policy {
  return Policy.parse(overrides);
}
