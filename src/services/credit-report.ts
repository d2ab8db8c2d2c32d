/** GET /reports/credits?month=: the notices approved in a JST month, for finance, as JSON or as CSV for Excel. */
import { stringify } from 'csv-stringify/sync';
import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import { contracts, creditNotices, customers } from '../db/schema';
import {
  addDays,
  type BusinessDate,
  businessDateOf,
  daysInMonth,
  formatInstant,
  InvalidTimeValue,
  parseBusinessDate,
  startOfBusinessDate,
  storedInstant,
} from '../domain/time';
import { invalid } from '../errors';
import type { CreditReport, CreditReportRow } from '../schemas/credit-notices';
import { requireRole, type ServiceContext } from './context';

/** The first day of a month `YYYY-MM`; a month outside the accepted years names the field. */
function firstDayOf(month: string): BusinessDate {
  try {
    return parseBusinessDate(`${month}-01`);
  } catch (error) {
    if (error instanceof InvalidTimeValue)
      throw invalid('month', error.message);
    throw error;
  }
}

/** The notices approved in `month` (`YYYY-MM`, JST), by number; voided ones included and marked. */
export function creditReport(ctx: ServiceContext, month: string): CreditReport {
  requireRole(ctx, 'finance', 'admin');
  const first = firstDayOf(month);
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const from = startOfBusinessDate(first);
  const to = startOfBusinessDate(
    addDays(first, daysInMonth(year, monthNumber)),
  );
  const { db } = ctx.store;
  const rows = db
    .select({
      notice: creditNotices,
      customerName: customers.name,
      contractNumber: contracts.contractNumber,
    })
    .from(creditNotices)
    .innerJoin(customers, eq(customers.id, creditNotices.customerId))
    .innerJoin(contracts, eq(contracts.id, creditNotices.contractId))
    .where(
      and(
        gte(creditNotices.approvedAt, from),
        lt(creditNotices.approvedAt, to),
      ),
    )
    .orderBy(asc(creditNotices.number))
    .all();
  const correctedIds = rows.flatMap(({ notice }) =>
    notice.correctsNoticeId === null ? [] : [notice.correctsNoticeId],
  );
  const correctedNumbers = new Map(
    correctedIds.length === 0
      ? []
      : db
          .select({ id: creditNotices.id, number: creditNotices.number })
          .from(creditNotices)
          .where(inArray(creditNotices.id, correctedIds))
          .all()
          .map((row) => [row.id, row.number]),
  );
  const notices: CreditReportRow[] = rows.map(
    ({ notice, customerName, contractNumber }) => ({
      id: notice.id,
      number: notice.number!,
      status: notice.status === 'void' ? 'void' : 'approved',
      noticeDate: businessDateOf(storedInstant(notice.approvedAt!)),
      approvedAt: formatInstant(storedInstant(notice.approvedAt!)),
      customerId: notice.customerId,
      customerName,
      contractId: notice.contractId,
      contractNumber,
      billingMonth: notice.billingMonth,
      creditDays: notice.creditDays,
      monthlyFeeBase: notice.monthlyFeeBase,
      amount: notice.amount,
      taxRate: notice.taxRatePercent / 100,
      taxAmount: notice.taxAmount,
      totalAmount: notice.totalAmount,
      correctsNumber:
        notice.correctsNoticeId === null
          ? null
          : (correctedNumbers.get(notice.correctsNoticeId) ?? null),
      voidedAt:
        notice.voidedAt === null
          ? null
          : formatInstant(storedInstant(notice.voidedAt)),
      voidReason: notice.voidReason,
    }),
  );
  const issued = notices.filter((notice) => notice.status !== 'void');
  const sum = (field: 'amount' | 'taxAmount' | 'totalAmount') =>
    issued.reduce((total, notice) => total + notice[field], 0);
  return {
    month,
    notices,
    totals: {
      count: issued.length,
      amount: sum('amount'),
      taxAmount: sum('taxAmount'),
      totalAmount: sum('totalAmount'),
      voidCount: notices.length - issued.length,
    },
  };
}

/** The report's columns, in order: one row a notice. */
const CSV_COLUMNS = [
  'number',
  'status',
  'noticeDate',
  'customerName',
  'contractNumber',
  'billingMonth',
  'creditDays',
  'monthlyFeeBase',
  'amount',
  'taxRate',
  'taxAmount',
  'totalAmount',
  'correctsNumber',
  'voidedAt',
  'voidReason',
] as const satisfies readonly (keyof CreditReportRow)[];

/**
 * A spreadsheet would run text starting with = + - @ (or a tab or carriage return) as a formula: such
 * text gets a leading apostrophe, which Excel shows as text and does not print (OWASP, CSV injection).
 */
const asText = (value: string | null) =>
  value !== null && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;

/**
 * The report as CSV for Excel in Japan: UTF-8 with a byte order mark (without it Excel reads Shift_JIS),
 * CRLF line ends, a header row, fields quoted where they hold a comma, a quote or a line break.
 */
export function creditReportCsv(report: CreditReport): string {
  return stringify(
    report.notices.map((notice) => ({
      ...notice,
      customerName: asText(notice.customerName),
      contractNumber: asText(notice.contractNumber),
      voidReason: asText(notice.voidReason),
    })),
    {
      bom: true,
      header: true,
      columns: [...CSV_COLUMNS],
      record_delimiter: 'windows',
      cast: { number: (value) => String(value) },
    },
  );
}
