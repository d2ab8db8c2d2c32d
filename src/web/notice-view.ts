/**
 * How a credit notice reads on a page: its status in words, and its computation step by step, each figure
 * as the notice stores it (nothing is computed again here: the notice holds what finance approves).
 */
import type { NoticeStatus } from '../domain/credit-notices';
import { wholePercentOf } from '../domain/money';
import type { CreditNotice } from '../schemas/credit-notices';
import { type Lang, translate } from './i18n';

const NOTICE_BADGE: Record<NoticeStatus, string> = {
  'pending-approval': 'info',
  approved: 'ok',
  rejected: 'danger',
  void: 'muted',
};

export function noticeStatusView(lang: Lang, status: NoticeStatus) {
  return {
    statusLabel: translate(lang, `noticeStatuses.${status}`),
    statusBadge: NOTICE_BADGE[status],
  };
}

/** A notice as a row of a list. */
export function noticeRow(lang: Lang, notice: CreditNotice) {
  return {
    ...notice,
    ...noticeStatusView(lang, notice.status),
    taxPercent: wholePercentOf(notice.taxRate),
    dualApproval: notice.approvalsRequired > 1,
  };
}

/** A policy setting as the computation shows it: its name (as in SPEC.md and SLA_POLICY) and value. */
function policyValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The computation beside the rendered notice: the figures it rests on, the rule of each step. */
export function computationOf(notice: CreditNotice) {
  const { outage, computation } = notice;
  return {
    outage,
    creditDays: notice.creditDays,
    monthlyFeeBase: notice.monthlyFeeBase,
    amount: notice.amount,
    taxPercent: wholePercentOf(notice.taxRate),
    taxAmount: notice.taxAmount,
    totalAmount: notice.totalAmount,
    rounding: computation.policy.rounding,
    /** The outage as computed when the notice was prepared (its threshold and claim window). */
    computed: computation.outage,
    policy: Object.entries(computation.policy).map(([name, value]) => ({
      name,
      value: policyValue(value),
    })),
  };
}
