/** Stored credit notices: rows, and the rules core's view of them (what each shows, its approvals). */
import { createHash } from 'node:crypto';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { NoticeState, StoredNotice } from '../domain/claim-plan';
import type { Discrepancy, NoticeFacts } from '../domain/credit-notices';
import { yen } from '../domain/money';
import { storedInstant } from '../domain/time';
import type { Db } from './client';
import { inList } from './in-list';
import {
  creditNoticeApprovals,
  creditNoticeDocuments,
  creditNotices,
} from './schema';

export type CreditNoticeRow = typeof creditNotices.$inferSelect;
export type CreditNoticeApprovalRow = typeof creditNoticeApprovals.$inferSelect;

export function noticeFactsOfRow(row: CreditNoticeRow): NoticeFacts {
  return {
    outage: {
      start: storedInstant(row.outageStart),
      end: storedInstant(row.outageEnd),
      clockStart: storedInstant(row.outageClockStart),
      unavailableMs: row.outageUnavailableMs,
      incidentIds: row.outageIncidentIds,
    },
    figures: {
      creditDays: row.creditDays,
      monthlyFeeBase: yen(row.monthlyFeeBase),
      amount: yen(row.amount),
      taxRatePercent: row.taxRatePercent,
      taxAmount: yen(row.taxAmount),
      totalAmount: yen(row.totalAmount),
      billingMonth: row.billingMonth,
    },
  };
}

const StoredInstant = z.number().transform(storedInstant);
const StoredYen = z.number().transform(yen);
const StoredDiscrepancySide = z.object({
  start: StoredInstant,
  end: StoredInstant.nullable(),
  creditDays: z.number(),
  monthlyFeeBase: StoredYen,
  amount: StoredYen,
});
const StoredDiscrepancy = z
  .object({
    before: StoredDiscrepancySide,
    after: StoredDiscrepancySide.nullable(),
  })
  .nullable();

/** The discrepancy as stored: the rules core's own shape (instants in epoch ms), read through its checks. */
export const discrepancyOfRow = (row: CreditNoticeRow): Discrepancy | null =>
  StoredDiscrepancy.parse(row.discrepancy ?? null);

export function storedNoticeOf(
  row: CreditNoticeRow,
  approvals: number,
): StoredNotice {
  return {
    id: row.id,
    status: row.status,
    facts: noticeFactsOfRow(row),
    withdrawal: row.withdrawalCode,
    discrepancy: discrepancyOfRow(row),
    approvals,
  };
}

/** The columns that hold a notice's state: its status, what it shows, why it was withdrawn, its discrepancy. */
export function noticeStateColumns({
  status,
  facts: { outage, figures },
  withdrawal,
  discrepancy,
}: NoticeState): Pick<
  CreditNoticeRow,
  | 'status'
  | 'creditDays'
  | 'monthlyFeeBase'
  | 'amount'
  | 'taxRatePercent'
  | 'taxAmount'
  | 'totalAmount'
  | 'billingMonth'
  | 'outageStart'
  | 'outageEnd'
  | 'outageClockStart'
  | 'outageUnavailableMs'
  | 'outageIncidentIds'
  | 'withdrawalCode'
  | 'discrepancy'
> {
  return {
    status,
    ...figures,
    outageStart: outage.start,
    outageEnd: outage.end,
    outageClockStart: outage.clockStart,
    outageUnavailableMs: outage.unavailableMs,
    outageIncidentIds: [...outage.incidentIds],
    withdrawalCode: withdrawal,
    discrepancy,
  };
}

export function findNoticeRow(db: Db, id: string): CreditNoticeRow | undefined {
  return db.select().from(creditNotices).where(eq(creditNotices.id, id)).get();
}

/** The approvals of each notice, in the order given. */
export function approvalsOf(
  db: Db,
  noticeIds: readonly string[],
): Map<string, CreditNoticeApprovalRow[]> {
  const byNotice = new Map<string, CreditNoticeApprovalRow[]>(
    noticeIds.map((id) => [id, []]),
  );
  if (noticeIds.length === 0) return byNotice;
  const rows = db
    .select()
    .from(creditNoticeApprovals)
    .where(inArray(creditNoticeApprovals.noticeId, [...noticeIds]))
    .orderBy(asc(creditNoticeApprovals.id))
    .all();
  for (const row of rows) byNotice.get(row.noticeId)?.push(row);
  return byNotice;
}

/** The rules core's view of the notices of these ids. */
export function storedNoticesByIds(
  db: Db,
  ids: readonly string[],
): Map<string, StoredNotice> {
  if (ids.length === 0) return new Map();
  const rows = db
    .select()
    .from(creditNotices)
    .where(inList(creditNotices.id, ids))
    .all();
  const approvals = new Map(
    db
      .select({ noticeId: creditNoticeApprovals.noticeId, n: count() })
      .from(creditNoticeApprovals)
      .where(inList(creditNoticeApprovals.noticeId, ids))
      .groupBy(creditNoticeApprovals.noticeId)
      .all()
      .map((row) => [row.noticeId, row.n]),
  );
  return new Map(
    rows.map((row) => [
      row.id,
      storedNoticeOf(row, approvals.get(row.id) ?? 0),
    ]),
  );
}

export type NoticeDocumentRow = typeof creditNoticeDocuments.$inferSelect;

export function findNoticeDocument(
  db: Db,
  noticeId: string,
  lang: NoticeDocumentRow['lang'],
  format: NoticeDocumentRow['format'],
): NoticeDocumentRow | undefined {
  return db
    .select()
    .from(creditNoticeDocuments)
    .where(
      and(
        eq(creditNoticeDocuments.noticeId, noticeId),
        eq(creditNoticeDocuments.lang, lang),
        eq(creditNoticeDocuments.format, format),
      ),
    )
    .get();
}

/** Stores a frozen document with its SHA-256; one already stored is kept (write-once), and returned. */
export function freezeNoticeDocument(
  db: Db,
  document: Omit<NoticeDocumentRow, 'sha256'>,
): NoticeDocumentRow {
  db.insert(creditNoticeDocuments)
    .values({
      ...document,
      sha256: createHash('sha256').update(document.bytes).digest('hex'),
    })
    .onConflictDoNothing()
    .run();
  return findNoticeDocument(
    db,
    document.noticeId,
    document.lang,
    document.format,
  )!;
}
