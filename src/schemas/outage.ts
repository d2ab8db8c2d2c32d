/** The Outage as the API and the calculator show it: instants as UTC ISO strings. */
import { z } from 'zod';
import type { Outage } from '../domain/outages';
import { formatInstant, type Instant } from '../domain/time';

export const OutageJson = z
  .object({
    start: z.string(),
    end: z.string().nullable(),
    ongoing: z.boolean(),
    clockStart: z.string().nullable(),
    unavailableMs: z.number().int(),
    qualifies: z.boolean(),
    creditDays: z.number().int(),
    monthlyFeeBase: z.number().int(),
    creditAmount: z.number().int(),
    thresholdAt: z.string().nullable(),
    claimableFrom: z.string().nullable(),
    claimDeadline: z.string().nullable(),
    incidentIds: z.array(z.string()),
    claimStatus: z.enum(['not-qualifying', 'claimable', 'claimed', 'expired']),
  })
  .meta({ id: 'Outage' });
export type OutageJson = z.infer<typeof OutageJson>;

const instantOrNull = (instant: Instant | null) =>
  instant === null ? null : formatInstant(instant);

export function outageJsonOf(outage: Outage): OutageJson {
  return {
    start: formatInstant(outage.start),
    end: instantOrNull(outage.end),
    ongoing: outage.ongoing,
    clockStart: instantOrNull(outage.clockStart),
    unavailableMs: outage.unavailableMs,
    qualifies: outage.qualifies,
    creditDays: outage.creditDays,
    monthlyFeeBase: outage.monthlyFeeBase,
    creditAmount: outage.creditAmount,
    thresholdAt: instantOrNull(outage.thresholdAt),
    claimableFrom: outage.claimableFrom,
    claimDeadline: outage.claimDeadline,
    incidentIds: outage.incidentIds,
    claimStatus: outage.claimStatus,
  };
}

/** The Outage a claim follows, as stored with it: `claimed`, or `not-qualifying` once a correction took it under 24 h. */
export const claimedOutageJsonOf = (outage: Outage): OutageJson => ({
  ...outageJsonOf(outage),
  claimStatus: outage.qualifies ? 'claimed' : 'not-qualifying',
});
