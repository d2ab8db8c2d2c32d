/**
 * A fixed credit notice: API.md's scenario (down 2026-01-10 10:00 to 2026-01-12 15:00 JST, known at 10:30,
 * 52 h 30 min unavailable, 2 credit days, monthly fee ¥100,000 → ¥6,666, tax ¥666, total ¥7,332), approved
 * on 2026-01-20 as CN-2026-000001. Instants are written in Japan time and read with plain `Date.parse`.
 */
import type { CreditNoticeDocument } from '../../src/documents/credit-notice-document';
import { yen } from '../../src/domain/money';
import { instantOf, parseBusinessDate } from '../../src/domain/time';

export const jst = (local: string) => instantOf(Date.parse(`${local}+09:00`));

export const APPROVED_NOTICE: CreditNoticeDocument = {
  issuer: {
    name: '株式会社ゲンガク通信',
    registrationNumber: 'T1234567890123',
  },
  number: 'CN-2026-000001',
  status: 'approved',
  noticeDate: parseBusinessDate('2026-01-20'),
  billingMonth: '2026-01',
  customer: {
    name: 'Aozora Logistics K.K.',
    address: '東京都港区芝浦1-2-3',
  },
  contractNumber: 'FM-2025-0101',
  outage: {
    start: jst('2026-01-10T10:00:00'),
    end: jst('2026-01-12T15:00:00'),
    clockStart: jst('2026-01-10T10:30:00'),
    unavailableMs: 52.5 * 3_600_000,
  },
  creditDays: 2,
  monthlyFeeBase: yen(100_000),
  amount: yen(6_666),
  taxRatePercent: 10,
  taxAmount: yen(666),
  totalAmount: yen(7_332),
  rounding: 'floor',
  corrects: null,
  voidReason: null,
};

/** The same notice before approval: no number, no date. */
export const DRAFT_NOTICE: CreditNoticeDocument = {
  ...APPROVED_NOTICE,
  number: null,
  status: 'pending-approval',
  noticeDate: null,
};
