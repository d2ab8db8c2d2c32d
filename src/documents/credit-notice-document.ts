/**
 * What a credit notice document shows (SPEC.md, "The credit notice"): every value the templates print,
 * as data; the templates only format (yen, JST dates, durations) and escape. The notices use case builds
 * it from a stored notice; the renderer turns it into print-ready HTML (and PDF) in Japanese or English.
 */
import type { Yen } from '../domain/money';
import type { BusinessDate, Instant } from '../domain/time';

export type NoticeLanguage = 'ja' | 'en';

export type NoticeDocumentStatus =
  | 'pending-approval'
  | 'approved'
  | 'rejected'
  | 'void';

export interface CreditNoticeDocument {
  /** 適格返還請求書 issuer: SLA_ISSUER_NAME and SLA_ISSUER_REGISTRATION (`T` + 13 digits); null until configured. */
  issuer: { name: string; registrationNumber: string } | null;
  /** `CN-2026-000001`, given at approval; null on a notice not approved yet (a draft). */
  number: string | null;
  status: NoticeDocumentStatus;
  /** The date of the reduction: the business date of the approval; null before it. */
  noticeDate: BusinessDate | null;
  /** The month of the fee reduced: the business month of the outage's clock start, `YYYY-MM`. */
  billingMonth: string;
  customer: { name: string; address: string | null };
  contractNumber: string;
  /** The outage the reduction is for (SPEC.md rules 4–6). */
  outage: {
    start: Instant;
    end: Instant;
    clockStart: Instant;
    unavailableMs: number;
  };
  /** floor(unavailable ms / 24 h). */
  creditDays: number;
  /** 月額費用: the basic fee plus active multi-region options on the clock-start date (rule 7). */
  monthlyFeeBase: Yen;
  /** The reduction, tax-exclusive: rounding(creditDays × monthlyFeeBase / 30). */
  amount: Yen;
  /** The consumption tax rate in whole percent (10), never a float. */
  taxRatePercent: number;
  /** floor(amount × taxRatePercent / 100), once per notice. */
  taxAmount: Yen;
  totalAmount: Yen;
  /** The rounding rule the amount used (policy `rounding`), named on the formula line. */
  rounding: 'floor' | 'ceil' | 'half-up';
  /** The approved notice this one corrects (消費税法 Art. 57-4(4)); null for a first notice. */
  corrects: { number: string; noticeDate: BusinessDate } | null;
  /** Why an approved notice was voided; null unless void. */
  voidReason: string | null;
}
