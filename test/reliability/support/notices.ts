/**
 * What must hold of credit notices in a database file after crashes, races and restores: numbers
 * consecutive within each year with no gap and no repeat, every issued notice with its frozen HTML whose
 * SHA-256 matches its bytes, and every approval with its audit row by the same user.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { expect } from 'vitest';

/** An approval the server answered 200 to: who approved, and the number if that approval issued it. */
export interface AcknowledgedApproval {
  noticeId: string;
  userId: string;
  number: string | null;
}

interface NumberedRow {
  id: string;
  number: string;
  status: string;
}

/** The numbers of each year are 1 … N, each once, and the year's sequence stands at N (none taken and lost). */
export function expectConsecutiveNumbers(db: Database.Database): void {
  const rows = db
    .prepare(
      'select id, number, status from credit_notices where number is not null',
    )
    .all() as NumberedRow[];
  const byYear = new Map<number, number[]>();
  for (const { number } of rows) {
    const match = /^CN-(\d{4})-(\d{6})$/.exec(number);
    expect(match, number).not.toBeNull();
    const year = Number(match![1]);
    byYear.set(year, [...(byYear.get(year) ?? []), Number(match![2])]);
  }
  const sequences = new Map(
    (
      db
        .prepare(
          'select year, last_number as last from credit_notice_number_sequences',
        )
        .all() as { year: number; last: number }[]
    ).map((row) => [row.year, row.last]),
  );
  expect([...sequences.keys()].sort()).toEqual([...byYear.keys()].sort());
  for (const [year, serials] of byYear) {
    expect(
      [...serials].sort((a, b) => a - b),
      `the numbers of ${year}`,
    ).toEqual(Array.from({ length: serials.length }, (_, i) => i + 1));
    expect(sequences.get(year), `the sequence of ${year}`).toBe(serials.length);
  }
}

/** Every issued notice (approved, or approved then voided) has its HTML in both languages, hashed right. */
export function expectFrozenDocuments(db: Database.Database): void {
  const issued = db
    .prepare('select id from credit_notices where number is not null')
    .all() as { id: string }[];
  const documents = db.prepare(
    "select lang, bytes, sha256 from credit_notice_documents where notice_id = ? and format = 'html' order by lang",
  );
  for (const { id } of issued) {
    const html = documents.all(id) as {
      lang: string;
      bytes: Buffer;
      sha256: string;
    }[];
    expect(
      html.map((document) => document.lang),
      `the frozen HTML of ${id}`,
    ).toEqual(['en', 'ja']);
    for (const document of html)
      expect(
        createHash('sha256').update(document.bytes).digest('hex'),
        `${id} ${document.lang}`,
      ).toBe(document.sha256);
  }
}

/**
 * Every stored approval has its audit row by the same user (the first of two approvals
 * `credit-notice.approval-recorded`, the one that issues `credit-notice.approved`), and every issued notice
 * exactly one `credit-notice.approved` row naming its number. Nothing half-written.
 */
export function expectApprovalsAudited(db: Database.Database): void {
  const approvals = db
    .prepare(
      'select notice_id as noticeId, user_id as userId from credit_notice_approvals',
    )
    .all() as { noticeId: string; userId: string }[];
  const audited = db.prepare(
    "select count(*) as n from audit_log where entity_type = 'credit-notice' and entity_id = ? and actor_id = ? and action in ('credit-notice.approval-recorded', 'credit-notice.approved')",
  );
  for (const { noticeId, userId } of approvals)
    expect(
      (audited.get(noticeId, userId) as { n: number }).n,
      `the audit row of ${userId}'s approval of ${noticeId}`,
    ).toBe(1);
  const issued = db
    .prepare('select id, number from credit_notices where number is not null')
    .all() as { id: string; number: string }[];
  const approvedEntries = db.prepare(
    `select json_extract("after", '$.number') as number from audit_log where action = 'credit-notice.approved' and entity_id = ?`,
  );
  for (const { id, number } of issued)
    expect(approvedEntries.all(id), `the approval audit of ${id}`).toEqual([
      { number },
    ]);
}

/** Each acknowledged approval is stored, by its user; one that issued its notice kept its number. */
export function expectAcknowledgedApprovals(
  db: Database.Database,
  acknowledged: readonly AcknowledgedApproval[],
): void {
  const approval = db.prepare(
    'select 1 as found from credit_notice_approvals where notice_id = ? and user_id = ?',
  );
  const notice = db.prepare(
    'select number, status from credit_notices where id = ?',
  );
  for (const { noticeId, userId, number } of acknowledged) {
    expect(
      approval.get(noticeId, userId),
      `acknowledged approval of ${noticeId} by ${userId}`,
    ).toEqual({ found: 1 });
    if (number === null) continue;
    // Issued as that number, and still issued (a later void keeps the number).
    const stored = notice.get(noticeId) as { number: string; status: string };
    expect(stored.number, `acknowledged issue of ${noticeId}`).toBe(number);
    expect(['approved', 'void']).toContain(stored.status);
  }
}

/** All four checks of the notices in a database file. */
export function expectNoticesIntact(
  db: Database.Database,
  acknowledged: readonly AcknowledgedApproval[],
): void {
  expectAcknowledgedApprovals(db, acknowledged);
  expectConsecutiveNumbers(db);
  expectFrozenDocuments(db);
  expectApprovalsAudited(db);
}
