/** The calculator's input (API.md, "Scenario"), parsed into the rules core's terms. */
import { z } from 'zod';
import type { ContractTerms } from '../domain/contract';
import { CAUSES, type IncidentFacts, SEVERITIES } from '../domain/incident';
import { Policy } from '../domain/policy';
import type { Instant } from '../domain/time';
import {
  BusinessDateText,
  Id,
  InstantText,
  LIMITS,
  MAX_OPTIONS,
  RegionName,
  YenAmount,
} from './common';
import { OutageJson } from './outage';

/**
 * `POST /calculate` is open to every role, and deriving a regional scenario's outages grows faster
 * than its intervals: the bounds keep one request to tens of milliseconds of the event loop.
 */
export const SCENARIO_LIMITS = {
  incidents: 1000,
  intervalsPerIncident: LIMITS.intervalsPerIncident,
  intervals: 2000,
} as const;

export const DownIntervalInput = z
  .object({ start: InstantText, end: InstantText.nullable().optional() })
  .strict()
  .superRefine((interval, ctx) => {
    if (interval.end != null && interval.end <= interval.start) {
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: 'must be after start',
      });
    }
  });

// Strict: a misspelt scope key would otherwise silently make an incident affect nothing.
export const IncidentScopeInput = z
  .object({
    regions: z.array(RegionName).max(LIMITS.regions).default([]),
    contractIds: z.array(Id).max(LIMITS.contractIdsInScope).default([]),
    excludeContractIds: z.array(Id).max(LIMITS.contractIdsInScope).default([]),
  })
  .strict();

/** awareAt before the incident's first start is invalid input (SPEC.md rule 5), never clamped. */
export function checkAwareAt(
  incident: { awareAt: Instant; intervals: readonly { start: Instant }[] },
  ctx: z.RefinementCtx,
) {
  if (incident.intervals.length === 0) return;
  const firstStart = Math.min(
    ...incident.intervals.map((interval) => interval.start),
  );
  if (incident.awareAt < firstStart) {
    ctx.addIssue({
      code: 'custom',
      path: ['awareAt'],
      message: "must not be before the incident's first interval start",
    });
  }
}

const ScenarioIncident = z
  .object({
    id: Id.optional(),
    cause: z.enum(CAUSES),
    severity: z.enum(SEVERITIES),
    awareAt: InstantText,
    intervals: z
      .array(DownIntervalInput)
      .min(1)
      .max(SCENARIO_LIMITS.intervalsPerIncident),
    scope: IncidentScopeInput.optional(),
  })
  .strict()
  .superRefine(checkAwareAt);

const ScenarioOption = z
  .object({
    kind: z.literal('multi-region'),
    regions: z.array(RegionName).min(1).max(LIMITS.regions),
    monthlyFee: YenAmount,
    billingStartDate: BusinessDateText.nullable().optional(),
    endDate: BusinessDateText.nullable().optional(),
  })
  .strict();

const ScenarioContract = z
  .object({
    id: Id.optional(),
    billingStartDate: BusinessDateText,
    terminationEffectiveDate: BusinessDateText.nullable().optional(),
    monthlyFee: YenAmount,
    region: RegionName.nullable().optional(),
    feeChanges: z
      .array(
        z
          .object({ effectiveDate: BusinessDateText, monthlyFee: YenAmount })
          .strict(),
      )
      .max(LIMITS.feeChanges)
      .default([]),
    options: z.array(ScenarioOption).max(MAX_OPTIONS).default([]),
  })
  .strict();

export const Scenario = z
  .object({
    asOf: InstantText,
    contract: ScenarioContract,
    incidents: z.array(ScenarioIncident).max(SCENARIO_LIMITS.incidents),
    policy: Policy.default(Policy.parse({})),
  })
  .strict()
  .superRefine((scenario, ctx) => {
    const intervals = scenario.incidents.reduce(
      (sum, incident) => sum + incident.intervals.length,
      0,
    );
    if (intervals > SCENARIO_LIMITS.intervals) {
      ctx.addIssue({
        code: 'custom',
        path: ['incidents'],
        message: `may hold at most ${SCENARIO_LIMITS.intervals} intervals in all; this scenario has ${intervals}`,
      });
    }
    if (scenario.contract.region == null) {
      scenario.incidents.forEach((incident, index) => {
        if ((incident.scope?.regions.length ?? 0) > 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['contract', 'region'],
            message: `required: incidents[${index}] is regional (scope.regions)`,
          });
        }
      });
    }
  });
export type Scenario = z.output<typeof Scenario>;

/** The calculator's answer (CLI and `POST /calculate`): the outages, and the instant and policy used. */
export const CalculationResult = z
  .object({
    outages: z.array(OutageJson),
    asOf: z.string().meta({ format: 'date-time' }),
    policy: Policy,
  })
  .meta({ id: 'CalculationResult' });
export type CalculationResult = z.infer<typeof CalculationResult>;

export function contractTermsOf(contract: Scenario['contract']): ContractTerms {
  return {
    id: contract.id ?? null,
    billingStartDate: contract.billingStartDate,
    terminationEffectiveDate: contract.terminationEffectiveDate ?? null,
    monthlyFee: contract.monthlyFee,
    feeChanges: contract.feeChanges,
    region: contract.region ?? null,
    options: contract.options.map((option) => ({
      kind: option.kind,
      regions: option.regions,
      monthlyFee: option.monthlyFee,
      billingStartDate: option.billingStartDate ?? null,
      endDate: option.endDate ?? null,
    })),
  };
}

/** Without a scope an incident names the scenario's contract; ids default to the incident's position. */
export function incidentFactsOf(
  incidents: Scenario['incidents'],
): IncidentFacts[] {
  return incidents.map((incident, index) => ({
    id: incident.id ?? `incidents[${index}]`,
    cause: incident.cause,
    severity: incident.severity,
    awareAt: incident.awareAt,
    intervals: incident.intervals.map((interval) => ({
      start: interval.start,
      end: interval.end ?? null,
    })),
    scope: incident.scope
      ? {
          regions: incident.scope.regions,
          contractIds: incident.scope.contractIds,
          excludeContractIds: incident.scope.excludeContractIds,
        }
      : null,
  }));
}
