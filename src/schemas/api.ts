/** Request and response shapes of the HTTP API (API.md). The OpenAPI document is generated from these. */
import { z } from 'zod';
import {
  CLAIM_STATUSES,
  CLAIM_UPDATE_REASONS,
  NOTICE_UPDATE_REASONS,
} from '../domain/claim-plan';
import { NOTICE_STATUSES } from '../domain/credit-notices';
import { CAUSES, SEVERITIES } from '../domain/incident';
import { Policy } from '../domain/policy';
import { ROLES } from '../domain/roles';
import { CONCURRENT_DEVICE_CHOICES, LICENSES, SERVERS } from '../domain/terms';
import {
  BusinessDateText,
  Id,
  InstantText,
  LIMITS,
  MAX_OPTIONS,
  QueryInstantText,
  RegionName,
  YenAmount,
} from './common';
import { DiscrepancyJson } from './credit-notices';
import { OutageJson } from './outage';
import { checkAwareAt, DownIntervalInput } from './scenario';

const Text = (max: number) => z.string().trim().min(1).max(max);
const Email = z.string().trim().max(320).email();
const InstantOut = z
  .string()
  .meta({ format: 'date-time', example: '2026-01-10T01:30:00.000Z' });
const DateOut = z.string().meta({ format: 'date', example: '2026-04-12' });
const MonthText = z
  .string()
  .max(7, 'must be a month YYYY-MM')
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');

// ---- users and sessions

export const UserInput = z
  .object({
    name: Text(200),
    email: Email,
    role: z.enum(ROLES),
    customerId: Id.optional(),
    password: z
      .string()
      .min(12, 'must be at least 12 characters')
      .max(200)
      .optional(),
  })
  .strict()
  .meta({ id: 'UserInput' });
export type UserInput = z.infer<typeof UserInput>;

export const User = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    customerId: z.string().nullable(),
    createdAt: InstantOut,
    token: z
      .string()
      .optional()
      .meta({ description: 'the API token, shown once' }),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof User>;

export const TokenRequest = z
  .object({ email: Email, password: z.string().min(1).max(200) })
  .strict()
  .meta({ id: 'TokenRequest' });
export const TokenResponse = z
  .object({
    token: z.string(),
    expiresAt: InstantOut.meta({
      description: 'the token stops working then (SLA_TOKEN_TTL_DAYS)',
    }),
    user: User,
  })
  .meta({ id: 'TokenResponse' });

export const TokenRevocation = z
  .object({
    userId: z.string(),
    revokedTokens: z
      .number()
      .int()
      .meta({ description: 'how many tokens stopped working' }),
  })
  .meta({ id: 'TokenRevocation' });
export type TokenRevocation = z.infer<typeof TokenRevocation>;

// ---- customers

export const CustomerInput = z
  .object({
    name: Text(200),
    email: Email.optional(),
    address: Text(500).optional(),
  })
  .strict()
  .meta({ id: 'CustomerInput' });
export type CustomerInput = z.infer<typeof CustomerInput>;

export const Customer = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    address: z.string().nullable(),
    createdAt: InstantOut,
  })
  .meta({ id: 'Customer' });
export type Customer = z.infer<typeof Customer>;

// ---- contracts (Art. 3, 5, 6, 8, 10)

/**
 * One of the configured regions (Art. 3 (4), SLA_REGIONS): the use cases check the name, and the
 * OpenAPI document lists the server's regions as this schema's enum.
 */
export const ConfiguredRegion = RegionName.meta({
  id: 'Region',
  description:
    'one of the regions configured on the server (SLA_REGIONS; by default jp-east, jp-west)',
});

export const MultiRegionOptionInput = z
  .object({
    kind: z.literal('multi-region'),
    regions: z.array(ConfiguredRegion).min(1).max(LIMITS.regions),
    monthlyFee: YenAmount,
    billingStartDate: BusinessDateText,
    endDate: BusinessDateText.optional(),
  })
  .strict()
  .superRefine((option, ctx) => {
    if (
      option.endDate !== undefined &&
      option.endDate < option.billingStartDate
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['endDate'],
        message: 'must not be before billingStartDate',
      });
    }
  });

export const ContractInput = z
  .object({
    customerId: Id,
    contractNumber: Text(100),
    licenses: z
      .number()
      .int()
      .min(LICENSES.min)
      .max(LICENSES.max)
      .multipleOf(
        LICENSES.step,
        `must be a multiple of ${LICENSES.step} (Art. 3 (1))`,
      )
      // zod-to-openapi does not carry .multipleOf into the document; the meta says it there.
      .meta({
        description: 'Art. 3 (1): 100 to 65,000 in steps of 100',
        multipleOf: LICENSES.step,
      }),
    concurrentDevices: z
      .literal(CONCURRENT_DEVICE_CHOICES, {
        error: (issue) =>
          issue.input === undefined
            ? 'is required'
            : `must be one of ${CONCURRENT_DEVICE_CHOICES.join(', ')} (Art. 3 (2))`,
      })
      // zod-to-openapi lists only the first of several literals; the meta lists them all.
      .meta({
        description: 'Art. 3 (2): 2,000, 5,000 or 15,000',
        enum: [...CONCURRENT_DEVICE_CHOICES],
      }),
    servers: z
      .number()
      .int()
      .min(SERVERS.min)
      .max(SERVERS.max)
      .meta({ description: 'Art. 3 (3): 1 to 10' }),
    region: ConfiguredRegion,
    redundancy: z.boolean(),
    billingStartDate: BusinessDateText,
    monthlyFee: YenAmount,
    options: z.array(MultiRegionOptionInput).max(MAX_OPTIONS).default([]),
  })
  .strict()
  .meta({ id: 'ContractInput' });
export type ContractInput = z.infer<typeof ContractInput>;

export const FeeChangeInput = z
  .object({ effectiveDate: BusinessDateText, monthlyFee: YenAmount })
  .strict()
  .meta({ id: 'FeeChangeInput' });
export type FeeChangeInput = z.infer<typeof FeeChangeInput>;

export const CancellationInput = z
  .object({
    noticeReceivedDate: BusinessDateText,
    requestedDate: BusinessDateText.optional(),
  })
  .strict()
  .meta({ id: 'CancellationInput' });
export type CancellationInput = z.infer<typeof CancellationInput>;

const cancellationFields = {
  noticeReceivedDate: DateOut,
  requestedDate: DateOut.nullable(),
  effectiveDate: DateOut,
  minimumPeriodEnd: DateOut,
  earlyTerminationCharge: z.number().int().meta({
    description:
      'Art. 10 / Annex 2: the fee for the rest of the minimum period, 0 when it has passed',
  }),
};

export const OptionCancellation = z
  .object({ optionId: z.string(), ...cancellationFields })
  .meta({ id: 'OptionCancellation' });
export type OptionCancellation = z.infer<typeof OptionCancellation>;

export const Cancellation = z
  .object({
    ...cancellationFields,
    options: z
      .array(OptionCancellation)
      .meta({ description: 'the options that end with the contract' }),
    totalEarlyTerminationCharge: z
      .number()
      .int()
      .meta({ description: "the contract's charge plus its options'" }),
  })
  .meta({ id: 'Cancellation' });
export type Cancellation = z.infer<typeof Cancellation>;

export const Contract = z
  .object({
    id: z.string(),
    customerId: z.string(),
    contractNumber: z.string(),
    licenses: z.number().int(),
    concurrentDevices: z.number().int(),
    servers: z.number().int(),
    region: z.string(),
    redundancy: z.boolean(),
    billingStartDate: DateOut,
    monthlyFee: z.number().int().meta({
      description: 'the basic monthly fee from the billing start date',
    }),
    currentMonthlyFee: z
      .number()
      .int()
      .meta({ description: 'the basic monthly fee in effect today' }),
    feeChanges: z.array(
      z.object({ effectiveDate: DateOut, monthlyFee: z.number().int() }),
    ),
    options: z.array(
      z.object({
        id: z.string(),
        kind: z.literal('multi-region'),
        regions: z.array(z.string()),
        monthlyFee: z.number().int(),
        billingStartDate: DateOut,
        endDate: DateOut.nullable(),
        minimumPeriodEnd: DateOut,
        cancellation: OptionCancellation.nullable(),
      }),
    ),
    minimumPeriodEnd: DateOut,
    terminationEffectiveDate: DateOut.nullable(),
    cancellation: Cancellation.nullable(),
    createdAt: InstantOut,
  })
  .meta({ id: 'Contract' });
export type Contract = z.infer<typeof Contract>;

// ---- incidents

export const ScopeInput = z
  .object({
    regions: z.array(ConfiguredRegion).max(LIMITS.regions).default([]),
    contractIds: z.array(Id).max(LIMITS.contractIdsInScope).default([]),
    excludeContractIds: z.array(Id).max(LIMITS.contractIdsInScope).default([]),
  })
  .strict();

const incidentFields = {
  title: Text(200),
  description: z.string().trim().max(5000).optional(),
  cause: z.enum(CAUSES),
  severity: z.enum(SEVERITIES),
  scope: ScopeInput,
  awareAt: InstantText,
  intervals: z.array(DownIntervalInput).min(1).max(LIMITS.intervalsPerIncident),
};

function checkScopeNamesSomething(
  incident: { scope: { regions: string[]; contractIds: string[] } },
  ctx: z.RefinementCtx,
) {
  if (
    incident.scope.regions.length === 0 &&
    incident.scope.contractIds.length === 0
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['scope'],
      message: 'must name at least one region or contract',
    });
  }
}

export const IncidentInput = z
  .object(incidentFields)
  .strict()
  .superRefine(checkAwareAt)
  .superRefine(checkScopeNamesSomething)
  .meta({ id: 'IncidentInput' });
export type IncidentInput = z.infer<typeof IncidentInput>;

/** A correction: any field, plus the reason, which the audit log keeps. */
export const IncidentPatch = z
  .object({ ...incidentFields, reason: Text(2000) })
  .partial()
  .required({ reason: true })
  .strict()
  .meta({ id: 'IncidentPatch' });
export type IncidentPatch = z.infer<typeof IncidentPatch>;

/** A correction to preview: the same fields, the reason optional. */
export const IncidentCorrectionPreview = z
  .object({ ...incidentFields, reason: Text(2000) })
  .partial()
  .strict()
  .meta({ id: 'IncidentCorrectionPreview' });

const IntervalOut = z.object({ start: InstantOut, end: InstantOut.nullable() });

const incidentOutFields = {
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  cause: z.enum(CAUSES),
  severity: z.enum(SEVERITIES),
  qualifying: z.boolean().meta({
    description: 'SPEC.md rule 1: provider fault, total or equivalent',
  }),
  scope: z.object({
    regions: z.array(z.string()),
    contractIds: z.array(z.string()),
    excludeContractIds: z.array(z.string()),
  }),
  awareAt: InstantOut,
  intervals: z.array(IntervalOut),
  ongoing: z.boolean(),
  createdBy: z.string(),
  createdAt: InstantOut,
  updatedAt: InstantOut,
  version: z.number().int(),
};

export const Incident = z
  .object({
    ...incidentOutFields,
    affectedContractIds: z.array(z.string()).meta({
      description:
        'the contracts in scope (SPEC.md rule 2: named, or sharing a region, minus the excluded)',
    }),
  })
  .meta({ id: 'Incident' });
export type Incident = z.infer<typeof Incident>;

/** An incident in a list: the contracts in scope are counted, not listed (GET /incidents/:id lists them). */
export const IncidentSummary = z
  .object({
    ...incidentOutFields,
    affectedContractCount: z.number().int().meta({
      description:
        'how many contracts are in scope (SPEC.md rule 2); GET /incidents/{id} lists them',
    }),
  })
  .meta({ id: 'IncidentSummary' });
export type IncidentSummary = z.infer<typeof IncidentSummary>;

export const IncidentPreview = z
  .object({
    affectedContractIds: z.array(z.string()),
    contracts: z.array(
      z.object({
        contractId: z.string(),
        contractNumber: z.string(),
        currentOutages: z.array(OutageJson),
        outages: z
          .array(OutageJson)
          .meta({ description: 'the outages if the incident were saved' }),
        claimChanges: z
          .array(
            z.object({
              claimId: z.string(),
              from: z.enum(CLAIM_STATUSES),
              to: z.enum(CLAIM_STATUSES),
              resolution: z.string().nullable(),
            }),
          )
          .meta({
            description:
              'the claims whose status or resolution saving it would change (rule 11)',
          }),
        claimUpdates: z
          .array(
            z.object({
              claimId: z.string(),
              reason: z.enum(CLAIM_UPDATE_REASONS),
              from: z.enum(CLAIM_STATUSES),
              to: z.enum(CLAIM_STATUSES),
              resolution: z.string().nullable(),
              outageStart: InstantOut,
            }),
          )
          .meta({
            description:
              'the claim plan: every claim saving it would update, with the reason (rule 11)',
          }),
        noticeUpdates: z
          .array(
            z.object({
              claimId: z.string(),
              noticeId: z
                .string()
                .nullable()
                .meta({ description: 'null: a notice it would prepare' }),
              reason: z.enum(NOTICE_UPDATE_REASONS),
              from: z.enum(NOTICE_STATUSES).nullable(),
              to: z.enum(NOTICE_STATUSES),
              totalAmount: z.number().int(),
              withdrawsApprovals: z.boolean().meta({
                description:
                  'approvals already given would be withdrawn: they were for other figures',
              }),
              discrepancy: DiscrepancyJson.nullable(),
            }),
          )
          .meta({
            description:
              'what saving it would do to credit notices: prepare, follow, withdraw or reinstate those not approved, and the discrepancy of approved ones',
          }),
      }),
    ),
  })
  .meta({ id: 'IncidentPreview' });
export type IncidentPreview = z.infer<typeof IncidentPreview>;

export const IncidentListQuery = z
  .object({
    contractId: Id.optional(),
    from: QueryInstantText.optional(),
    to: QueryInstantText.optional(),
    ongoing: z.enum(['true', 'false']).optional(),
    region: z.string().max(50).optional(),
    cause: z.enum(CAUSES).optional(),
  })
  .strict();

// ---- outages and claims

export const ContractListQuery = z
  .object({ customerId: Id.optional() })
  .strict();

export const OutagesQuery = z
  .object({ asOf: QueryInstantText.optional() })
  .strict();

export const ContractOutages = z
  .object({
    contractId: z.string(),
    asOf: InstantOut,
    policy: Policy,
    outages: z.array(OutageJson),
  })
  .meta({ id: 'ContractOutages' });
export type ContractOutages = z.infer<typeof ContractOutages>;

export const ClaimInput = z
  .object({
    contractId: Id,
    outageStart: InstantText,
    receivedAt: InstantText.optional().meta({
      description:
        'support/admin only: when a claim sent by mail or phone arrived',
    }),
    note: z.string().trim().max(2000).optional(),
  })
  .strict()
  .meta({ id: 'ClaimInput' });
export type ClaimInput = z.infer<typeof ClaimInput>;

export const Claim = z
  .object({
    id: z.string(),
    contractId: z.string(),
    customerId: z.string(),
    outageStart: InstantOut,
    receivedAt: InstantOut,
    recordedBy: z.string(),
    note: z.string().nullable(),
    status: z.enum(CLAIM_STATUSES),
    outage: OutageJson.nullable().meta({
      description: 'the Outage as computed at the last change',
    }),
    creditNoticeId: z.string().nullable().meta({
      description:
        'its current credit notice: prepared when the outage has ended; after a void, the correcting one',
    }),
    discrepancy: DiscrepancyJson.nullable().meta({
      description:
        "its approved notice's discrepancy: how a later correction changed the outage it shows",
    }),
    resolution: z.string().nullable().meta({
      description:
        'why the claim was rejected (by finance, or by a correction that removed, merged or disqualified its outage)',
    }),
    createdAt: InstantOut,
    updatedAt: InstantOut,
  })
  .meta({ id: 'Claim' });
export type Claim = z.infer<typeof Claim>;

export const ClaimListQuery = z
  .object({
    contractId: Id.optional(),
    status: z.enum(CLAIM_STATUSES).optional(),
  })
  .strict();

// ---- usage observations (Annex 1)

export const UsageInput = z
  .object({
    month: MonthText,
    peakConcurrentDevices: z.number().int().min(0).max(10_000_000),
  })
  .strict()
  .meta({ id: 'UsageInput' });
export type UsageInput = z.infer<typeof UsageInput>;

export const UsageCorrection = z
  .object({
    peakConcurrentDevices: z.number().int().min(0).max(10_000_000),
    reason: Text(2000),
  })
  .strict()
  .meta({ id: 'UsageCorrection' });
export type UsageCorrection = z.infer<typeof UsageCorrection>;

export const UsageObservation = z
  .object({
    id: z.string(),
    contractId: z.string(),
    month: z.string(),
    peakConcurrentDevices: z.number().int(),
    contractedConcurrentDevices: z.number().int(),
    overage: z.number().int().meta({
      description: 'devices above the contracted number; 0 when within it',
    }),
    flagged: z.boolean().meta({
      description: 'above the contracted number: for finance (Annex 1)',
    }),
    recordedBy: z.string(),
    createdAt: InstantOut,
  })
  .meta({ id: 'UsageObservation' });
export type UsageObservation = z.infer<typeof UsageObservation>;

export const UsageListQuery = z
  .object({
    month: MonthText.optional(),
    flagged: z.enum(['true', 'false']).optional(),
  })
  .strict();

// ---- audit

export const AuditQuery = z
  .object({
    entityType: z.string().max(50).optional(),
    entityId: z.string().max(200).optional(),
  })
  .strict();

export const AuditEntry = z
  .object({
    id: z.number().int(),
    at: InstantOut,
    actorId: z.string().nullable(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional(),
  })
  .meta({ id: 'Problem' });
