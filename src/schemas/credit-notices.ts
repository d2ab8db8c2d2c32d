/** Request and response shapes of the credit-notice and report endpoints (API.md). */
import { z } from 'zod';
import type { Discrepancy, DiscrepancyFacts } from '../domain/credit-notices';
import { NOTICE_STATUSES } from '../domain/credit-notices';
import { Policy } from '../domain/policy';
import { formatInstant } from '../domain/time';
import { OutageJson } from './outage';

/** What a notice's figures were computed with, stored with it (and read back through this schema). */
export const NoticeComputation = z.object({
  outage: OutageJson,
  policy: Policy,
});
export type NoticeComputation = z.infer<typeof NoticeComputation>;

const InstantOut = z
  .string()
  .meta({ format: 'date-time', example: '2026-01-10T01:30:00.000Z' });
const DateOut = z.string().meta({ format: 'date', example: '2026-01-20' });
const MonthOut = z.string().meta({ example: '2026-01' });

const DiscrepancySide = z.object({
  start: InstantOut,
  end: InstantOut.nullable().meta({
    description: 'null while the recomputed outage goes on',
  }),
  creditDays: z.number().int(),
  monthlyFeeBase: z.number().int(),
  amount: z.number().int(),
});

export const DiscrepancyJson = z
  .object({
    before: DiscrepancySide.meta({
      description: 'what the approved notice shows',
    }),
    after: DiscrepancySide.nullable().meta({
      description:
        'the outage as now computed; null when a correction removed it',
    }),
  })
  .meta({
    id: 'Discrepancy',
    description:
      "an approved notice never changes: a later correction that changed its outage's start, end, credit days, fee base or amount shows here, to resolve by voiding it (a correcting notice is then prepared)",
  });
export type DiscrepancyJson = z.infer<typeof DiscrepancyJson>;

const sideJsonOf = (side: DiscrepancyFacts) => ({
  start: formatInstant(side.start),
  end: side.end === null ? null : formatInstant(side.end),
  creditDays: side.creditDays,
  monthlyFeeBase: side.monthlyFeeBase,
  amount: side.amount,
});

export const discrepancyJsonOf = (
  discrepancy: Discrepancy | null,
): DiscrepancyJson | null =>
  discrepancy === null
    ? null
    : {
        before: sideJsonOf(discrepancy.before),
        after:
          discrepancy.after === null ? null : sideJsonOf(discrepancy.after),
      };

export const CreditNotice = z
  .object({
    id: z.string(),
    claimId: z.string(),
    contractId: z.string(),
    customerId: z.string(),
    status: z.enum(NOTICE_STATUSES),
    number: z.string().nullable().meta({
      description: 'CN-YYYY-NNNNNN, given at approval (JST year), consecutive',
    }),
    creditDays: z.number().int(),
    monthlyFeeBase: z.number().int(),
    amount: z
      .number()
      .int()
      .meta({ description: 'the reduction, tax-exclusive' }),
    taxRate: z.number().meta({ example: 0.1 }),
    taxAmount: z
      .number()
      .int()
      .meta({ description: 'floor(amount × rate), once per notice' }),
    totalAmount: z.number().int().meta({ description: 'amount + taxAmount' }),
    billingMonth: MonthOut.meta({
      description:
        'the month of the fee reduced: the JST month of the clock start',
    }),
    outage: z.object({
      start: InstantOut,
      end: InstantOut,
      clockStart: InstantOut,
      unavailableMs: z.number().int(),
      incidentIds: z.array(z.string()),
    }),
    computation: NoticeComputation.meta({
      description: 'the Outage and the policy the figures were computed with',
    }),
    approvals: z.array(z.object({ userId: z.string(), at: InstantOut })),
    approvalsRequired: z.number().int().meta({
      description:
        '2 when the tax-inclusive total is dualApprovalFromYen or more (two different finance users), else 1',
    }),
    approvedAt: InstantOut.nullable(),
    correctsNoticeId: z.string().nullable(),
    correctedByNoticeId: z.string().nullable().meta({
      description: 'for a void notice: the notice prepared to correct it',
    }),
    resolution: z.string().nullable().meta({
      description:
        "why it was rejected: a finance user's reason, or the correction that withdrew it",
    }),
    rejectedBy: z.string().nullable(),
    rejectedAt: InstantOut.nullable(),
    voidReason: z.string().nullable(),
    voidedBy: z.string().nullable(),
    voidedAt: InstantOut.nullable(),
    discrepancy: DiscrepancyJson.nullable(),
    createdAt: InstantOut,
    updatedAt: InstantOut,
  })
  .meta({ id: 'CreditNotice' });
export type CreditNotice = z.infer<typeof CreditNotice>;

/** The filters of `GET /credit-notices`, beside `limit` and `cursor`. */
export const CreditNoticeListFilters = z
  .object({ status: z.enum(NOTICE_STATUSES).optional() })
  .strict();
export type CreditNoticeListFilters = z.infer<typeof CreditNoticeListFilters>;

export const NoticeDocumentQuery = z
  .object({
    lang: z.enum(['ja', 'en']).default('ja'),
    format: z.enum(['html', 'pdf']).default('html'),
  })
  .strict();
export type NoticeDocumentQuery = z.infer<typeof NoticeDocumentQuery>;

export const NoticeReasonInput = z
  .object({ reason: z.string().trim().min(1, 'is required').max(2000) })
  .strict()
  .meta({ id: 'NoticeReasonInput' });
export type NoticeReasonInput = z.infer<typeof NoticeReasonInput>;

export const CreditReportQuery = z
  .object({
    month: z
      .string()
      .max(7, 'must be a month YYYY-MM')
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'),
  })
  .strict();

export const CreditReportRow = z
  .object({
    id: z.string(),
    number: z.string(),
    status: z.enum(['approved', 'void']),
    noticeDate: DateOut.meta({ description: 'the JST date of the approval' }),
    approvedAt: InstantOut,
    customerId: z.string(),
    customerName: z.string(),
    contractId: z.string(),
    contractNumber: z.string(),
    billingMonth: MonthOut,
    creditDays: z.number().int(),
    monthlyFeeBase: z.number().int(),
    amount: z.number().int(),
    taxRate: z.number(),
    taxAmount: z.number().int(),
    totalAmount: z.number().int(),
    correctsNumber: z.string().nullable(),
    voidedAt: InstantOut.nullable(),
    voidReason: z.string().nullable(),
  })
  .meta({ id: 'CreditReportRow' });
export type CreditReportRow = z.infer<typeof CreditReportRow>;

export const CreditReport = z
  .object({
    month: MonthOut,
    notices: z.array(CreditReportRow).meta({
      description:
        'the notices approved in that JST month, by number; voided ones included, marked void',
    }),
    totals: z
      .object({
        count: z.number().int(),
        amount: z.number().int(),
        taxAmount: z.number().int(),
        totalAmount: z.number().int(),
        voidCount: z.number().int(),
      })
      .meta({ description: 'over the notices not void' }),
  })
  .meta({ id: 'CreditReport' });
export type CreditReport = z.infer<typeof CreditReport>;
