/**
 * The credit notice's figures (SPEC.md rule 7, "The credit notice"): what a notice shows, computed from
 * the outage it is for; the tax in integers; the number; when two approvers are needed; and how an
 * approved notice's outage differs from a recomputed one (a discrepancy). Pure.
 */
import { addYen, mulDivRounded, wholePercentOf, type Yen } from './money';
import type { Outage } from './outages';
import { type BusinessDate, businessDateOf, type Instant } from './time';

export const NOTICE_STATUSES = [
  'pending-approval',
  'approved',
  'rejected',
  'void',
] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** The rate of the policy in whole percent; the policy refuses any other, so this only guards the type. */
export function taxRatePercentOf(rate: number): number {
  const percent = wholePercentOf(rate);
  if (percent === null)
    throw new RangeError(`a tax rate is a whole percent, got ${rate}`);
  return percent;
}

/** 消費税法施行令 Art. 70-10: the tax is floor(amount × rate), once per notice and rate, in integers. */
export function taxAmountOf(amount: Yen, taxRatePercent: number): Yen {
  return mulDivRounded(amount, taxRatePercent, 100, 'floor');
}

/** The outage a notice is for, as it prints it: always ended, with a clock start (it qualified). */
export interface NoticeOutage {
  start: Instant;
  end: Instant;
  clockStart: Instant;
  unavailableMs: number;
  incidentIds: readonly string[];
}

/** The figures a notice shows (rule 7 and "The credit notice"). */
export interface NoticeFigures {
  creditDays: number;
  monthlyFeeBase: Yen;
  /** Tax-exclusive. */
  amount: Yen;
  taxRatePercent: number;
  taxAmount: Yen;
  totalAmount: Yen;
  /** The JST month of the clock start, `YYYY-MM`: the month of the fee reduced. */
  billingMonth: string;
}

/** Everything a notice shows about its outage and its figures. */
export interface NoticeFacts {
  outage: NoticeOutage;
  figures: NoticeFigures;
}

/** The month of the fee reduced: the business month of the clock start. */
export const billingMonthOf = (clockStart: Instant): string =>
  businessDateOf(clockStart).slice(0, 7);

/** The facts of a notice for an ended, qualifying outage. */
export function noticeFactsOf(
  outage: Outage,
  taxRatePercent: number,
): NoticeFacts {
  if (outage.end === null || outage.clockStart === null || !outage.qualifies)
    throw new RangeError(
      'a credit notice is only for an ended outage that qualifies',
    );
  const amount = outage.creditAmount;
  const taxAmount = taxAmountOf(amount, taxRatePercent);
  return {
    outage: {
      start: outage.start,
      end: outage.end,
      clockStart: outage.clockStart,
      unavailableMs: outage.unavailableMs,
      incidentIds: [...outage.incidentIds],
    },
    figures: {
      creditDays: outage.creditDays,
      monthlyFeeBase: outage.monthlyFeeBase,
      amount,
      taxRatePercent,
      taxAmount,
      totalAmount: addYen(amount, taxAmount),
      billingMonth: billingMonthOf(outage.clockStart),
    },
  };
}

const sameIds = (a: readonly string[], b: readonly string[]) => {
  const sorted = [...b].sort();
  return (
    a.length === b.length && [...a].sort().every((id, i) => id === sorted[i])
  );
};

/** Whether two notices print the same: the outage's times and every figure (what an approver approves). */
export function samePrintedFacts(a: NoticeFacts, b: NoticeFacts): boolean {
  return (
    a.outage.start === b.outage.start &&
    a.outage.end === b.outage.end &&
    a.outage.clockStart === b.outage.clockStart &&
    a.outage.unavailableMs === b.outage.unavailableMs &&
    (Object.keys(a.figures) as (keyof NoticeFigures)[]).every(
      (key) => a.figures[key] === b.figures[key],
    )
  );
}

/** Whether two notices' facts are the same, the incidents their outage came from included. */
export const sameNoticeFacts = (a: NoticeFacts, b: NoticeFacts): boolean =>
  samePrintedFacts(a, b) && sameIds(a.outage.incidentIds, b.outage.incidentIds);

/** What a discrepancy compares: the outage's start and end, its credit days, fee base and amount. */
export interface DiscrepancyFacts {
  start: Instant;
  /** Null when the recomputed outage goes on. */
  end: Instant | null;
  creditDays: number;
  monthlyFeeBase: Yen;
  amount: Yen;
}

/**
 * Rule 11: an approved notice never changes; when a later correction changes its outage, the notice (and
 * its claim) show what it said and what the outage now is. `after` is null when the outage is gone.
 */
export interface Discrepancy {
  before: DiscrepancyFacts;
  after: DiscrepancyFacts | null;
}

const discrepancyFactsOfNotice = ({
  outage,
  figures,
}: NoticeFacts): DiscrepancyFacts => ({
  start: outage.start,
  end: outage.end,
  creditDays: figures.creditDays,
  monthlyFeeBase: figures.monthlyFeeBase,
  amount: figures.amount,
});

const discrepancyFactsOfOutage = (outage: Outage): DiscrepancyFacts => ({
  start: outage.start,
  end: outage.end,
  creditDays: outage.creditDays,
  monthlyFeeBase: outage.monthlyFeeBase,
  amount: outage.creditAmount,
});

/**
 * Two sides of a discrepancy are the same when their facts are; while an outage goes on, its running
 * figures grow by the minute and are not facts, so they are not compared.
 */
function sameSide(
  a: DiscrepancyFacts | null,
  b: DiscrepancyFacts | null,
): boolean {
  if (a === null || b === null) return a === b;
  const facts =
    a.start === b.start &&
    a.end === b.end &&
    a.monthlyFeeBase === b.monthlyFeeBase;
  if (!facts || a.end === null) return facts;
  return a.creditDays === b.creditDays && a.amount === b.amount;
}

/** How an approved notice's outage differs from the recomputed one (null: it does not). */
export function discrepancyOf(
  notice: NoticeFacts,
  outage: Outage | null,
): Discrepancy | null {
  const before = discrepancyFactsOfNotice(notice);
  const after = outage === null ? null : discrepancyFactsOfOutage(outage);
  return sameSide(before, after) ? null : { before, after };
}

export const sameDiscrepancy = (
  a: Discrepancy | null,
  b: Discrepancy | null,
): boolean =>
  a === null || b === null
    ? a === b
    : sameSide(a.before, b.before) && sameSide(a.after, b.after);

/** `CN-2026-000001`: the year of the approval date (JST) and the approval's place in that year. */
export function formatNoticeNumber(year: number, serial: number): string {
  if (!Number.isSafeInteger(serial) || serial < 1 || serial > 999_999)
    throw new RangeError(`a notice serial is 1 to 999999, got ${serial}`);
  return `CN-${year}-${String(serial).padStart(6, '0')}`;
}

/** The year a notice approved on `date` is numbered in. */
export const numberingYearOf = (date: BusinessDate): number =>
  Number(date.slice(0, 4));

/** Policy `dualApprovalFromYen`, compared with the tax-inclusive total: how many finance users must approve. */
export const approvalsRequired = (
  totalAmount: Yen,
  dualApprovalFromYen: Yen,
): 1 | 2 => (totalAmount >= dualApprovalFromYen ? 2 : 1);
