/**
 * What a credit notice document shows (SPEC.md, "The credit notice"): every value the templates print,
 * as data; the templates only format (yen, JST dates, durations) and escape. The notices use case builds
 * it from a stored notice; the renderer turns it into print-ready HTML (and PDF) in Japanese or English.
 */
import type {
  NoticeFigures,
  NoticeOutage,
  NoticeStatus,
} from '../domain/credit-notices';
import type { Rounding } from '../domain/money';
import type { BusinessDate } from '../domain/time';

export type NoticeLanguage = 'ja' | 'en';

/** The figures as the domain computes them (`NoticeFigures`: credit days, fee base, amount, tax, total, billing month). */
export interface CreditNoticeDocument extends NoticeFigures {
  /** 適格返還請求書 issuer: SLA_ISSUER_NAME and SLA_ISSUER_REGISTRATION (`T` + 13 digits); null until configured. */
  issuer: { name: string; registrationNumber: string } | null;
  /** `CN-2026-000001`, given at approval; null on a notice not approved yet (a draft). */
  number: string | null;
  status: NoticeStatus;
  /** The date of the reduction: the business date of the approval; null before it. */
  noticeDate: BusinessDate | null;
  customer: { name: string; address: string | null };
  contractNumber: string;
  /** The outage the reduction is for (SPEC.md rules 4–6). */
  outage: Omit<NoticeOutage, 'incidentIds'>;
  /** The rounding rule the amount used (policy `rounding`), named on the formula line. */
  rounding: Rounding;
  /** The approved notice this one corrects (消費税法 Art. 57-4(4)); null for a first notice. */
  corrects: { number: string; noticeDate: BusinessDate } | null;
  /** Why an approved notice was voided; null unless void. */
  voidReason: string | null;
}
