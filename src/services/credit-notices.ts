/**
 * Credit notices (SPEC.md, "The credit notice"; API.md): finance approves (one user, or two different ones
 * from `dualApprovalFromYen`), rejects or voids them; approval numbers the notice and freezes its
 * documents. Notices are prepared and follow corrections in the read model (`contract-outages.ts`), through
 * the one claim plan.
 */
import { and, asc, count, eq, exists, inArray, sql } from 'drizzle-orm';
import { inTransaction, type Store } from '../db/client';
import {
  approvalsOf,
  type CreditNoticeApprovalRow,
  type CreditNoticeRow,
  discrepancyOfRow,
  findNoticeDocument,
  findNoticeRow,
  freezeNoticeDocument,
  type NoticeDocumentRow,
  noticeFactsOfRow,
} from '../db/credit-notices';
import {
  claims,
  contracts,
  creditNoticeApprovals,
  creditNoticeNumberSequences,
  creditNotices,
  customers,
} from '../db/schema';
import type {
  CreditNoticeDocument,
  NoticeLanguage,
} from '../documents/credit-notice-document';
import {
  NOTICE_LANGUAGES,
  type NoticeRenderer,
} from '../documents/notice-renderer';
import type { PdfRenderer } from '../documents/pdf';
import { noticeWithdrawalText } from '../domain/claim-plan';
import {
  approvalsRequired,
  formatNoticeNumber,
  type NoticeStatus,
  numberingYearOf,
} from '../domain/credit-notices';
import { yen } from '../domain/money';
import {
  businessDateOf,
  formatInstant,
  type Instant,
  storedInstant,
} from '../domain/time';
import { notFound, ServiceError } from '../errors';
import { orNull } from '../lib/nullable';
import {
  type CreditNotice,
  type CreditNoticeListFilters,
  discrepancyJsonOf,
  NoticeComputation,
  type NoticeDocumentQuery,
} from '../schemas/credit-notices';
import {
  canSeeCustomer,
  recordAudit,
  requireRole,
  type ServiceContext,
} from './context';
import { applyClaimPlan, contractOutagesAsOf } from './contract-outages';
import { type Page, type PageRequest, TableOrder } from './paging';
import { enqueueWebhookEvent } from './webhooks';

/** The notice templates, compiled once at start, and the PDF printer (Chromium). */
export interface NoticeRenderers {
  html: NoticeRenderer;
  pdf: PdfRenderer;
}

/** What a customer may see of its own notices: those issued (approved, and approved then voided). */
const ISSUED: readonly NoticeStatus[] = ['approved', 'void'];

function resolutionOf(row: CreditNoticeRow): string | null {
  if (row.withdrawalCode !== null)
    return noticeWithdrawalText(row.withdrawalCode);
  return row.rejectReason;
}

const instantOrNull = (instant: number | null) =>
  instant === null ? null : formatInstant(storedInstant(instant));

function noticeJsonOf(
  ctx: Pick<ServiceContext, 'config'>,
  row: CreditNoticeRow,
  approvals: readonly CreditNoticeApprovalRow[],
  correctedByNoticeId: string | null,
): CreditNotice {
  return {
    id: row.id,
    claimId: row.claimId,
    contractId: row.contractId,
    customerId: row.customerId,
    status: row.status,
    number: row.number,
    creditDays: row.creditDays,
    monthlyFeeBase: row.monthlyFeeBase,
    amount: row.amount,
    // Held as the whole percent; shown as API.md's rate (10 / 100 is exactly the double 0.1).
    taxRate: row.taxRatePercent / 100,
    taxAmount: row.taxAmount,
    totalAmount: row.totalAmount,
    billingMonth: row.billingMonth,
    outage: {
      start: formatInstant(storedInstant(row.outageStart)),
      end: formatInstant(storedInstant(row.outageEnd)),
      clockStart: formatInstant(storedInstant(row.outageClockStart)),
      unavailableMs: row.outageUnavailableMs,
      incidentIds: row.outageIncidentIds,
    },
    computation: NoticeComputation.parse(row.computation),
    approvals: approvals.map((approval) => ({
      userId: approval.userId,
      at: formatInstant(storedInstant(approval.at)),
    })),
    approvalsRequired: approvalsRequired(
      yen(row.totalAmount),
      ctx.config.policy.dualApprovalFromYen,
    ),
    approvedAt: instantOrNull(row.approvedAt),
    correctsNoticeId: row.correctsNoticeId,
    correctedByNoticeId,
    resolution: resolutionOf(row),
    rejectedBy: row.rejectedBy,
    rejectedAt: instantOrNull(row.rejectedAt),
    voidReason: row.voidReason,
    voidedBy: row.voidedBy,
    voidedAt: instantOrNull(row.voidedAt),
    discrepancy: discrepancyJsonOf(discrepancyOfRow(row)),
    createdAt: formatInstant(storedInstant(row.createdAt)),
    updatedAt: formatInstant(storedInstant(row.updatedAt)),
  };
}

/** The notices as the API shows them, with their approvals and the notices correcting them. */
function noticeJsonsOf(
  ctx: Pick<ServiceContext, 'store' | 'config'>,
  rows: readonly CreditNoticeRow[],
): CreditNotice[] {
  if (rows.length === 0) return [];
  const { db } = ctx.store;
  const ids = rows.map((row) => row.id);
  const approvals = approvalsOf(db, ids);
  const corrections = new Map(
    db
      .select({
        id: creditNotices.id,
        corrects: creditNotices.correctsNoticeId,
      })
      .from(creditNotices)
      .where(inArray(creditNotices.correctsNoticeId, ids))
      .orderBy(asc(creditNotices.createdAt))
      .all()
      .map((row) => [row.corrects!, row.id]),
  );
  return rows.map((row) =>
    noticeJsonOf(
      ctx,
      row,
      approvals.get(row.id) ?? [],
      corrections.get(row.id) ?? null,
    ),
  );
}

const noticeJson = (
  ctx: Pick<ServiceContext, 'store' | 'config'>,
  row: CreditNoticeRow,
): CreditNotice => noticeJsonsOf(ctx, [row])[0]!;

/** Whether the actor may see a notice: a customer only its own issued ones. */
const maySee = (
  ctx: ServiceContext,
  row: Pick<CreditNoticeRow, 'customerId' | 'status'>,
) =>
  canSeeCustomer(ctx.actor, row.customerId) &&
  (ctx.actor.role !== 'customer' || ISSUED.includes(row.status));

/** The notice if the actor may see it; otherwise "not found". */
function visibleNotice(ctx: ServiceContext, id: string): CreditNoticeRow {
  const row = findNoticeRow(ctx.store.db, id);
  if (row === undefined || !maySee(ctx, row))
    throw notFound('credit notice', id);
  return row;
}

const NOTICES_BY_CREATION = new TableOrder(
  creditNotices,
  'credit-notices',
  [creditNotices.createdAt, creditNotices.id],
  'asc',
);

/**
 * Oldest first (finance's approval queue is `status: 'pending-approval'`). A customer sees its own approved
 * and void notices; finance and admin every notice.
 */
export function listCreditNotices(
  ctx: ServiceContext,
  query: CreditNoticeListFilters & PageRequest,
): Page<CreditNotice> {
  requireRole(ctx, 'finance', 'admin', 'customer');
  const customer = ctx.actor.role === 'customer';
  return NOTICES_BY_CREATION.pageOf(
    ctx.store.db,
    query,
    and(
      customer
        ? and(
            eq(creditNotices.customerId, ctx.actor.customerId!),
            inArray(creditNotices.status, [...ISSUED]),
          )
        : undefined,
      query.status === undefined
        ? undefined
        : eq(creditNotices.status, query.status),
    ),
    (rows) => noticeJsonsOf(ctx, rows),
  );
}

export interface NoticeQueueFigures {
  /** Notices pending approval. */
  count: number;
  /** Their credits, tax-exclusive, and what they come to with tax. */
  amount: number;
  totalAmount: number;
  /** Those one finance user approved, waiting for a second. */
  awaitingSecondApprover: number;
}

/** What finance's approval queue holds, counted over every notice pending approval (not one page). */
export function noticeQueueFigures(ctx: ServiceContext): NoticeQueueFigures {
  requireRole(ctx, 'finance', 'admin');
  const row = ctx.store.db
    .select({
      count: count(),
      amount: sql<number>`coalesce(sum(${creditNotices.amount}), 0)`,
      totalAmount: sql<number>`coalesce(sum(${creditNotices.totalAmount}), 0)`,
    })
    .from(creditNotices)
    .where(eq(creditNotices.status, 'pending-approval'))
    .get()!;
  return {
    ...row,
    awaitingSecondApprover: countNoticesAwaitingSecondApprover(ctx.store),
  };
}

export interface NoticeSummary {
  status: NoticeStatus;
  number: string | null;
}

/**
 * The status and number of the given notices that the actor may see, by id: how a list of claims names
 * each claim's notice. A customer sees only its own issued notices; the others are left out, as unknown ids.
 */
export function noticeSummariesOf(
  ctx: ServiceContext,
  ids: readonly string[],
): Map<string, NoticeSummary> {
  requireRole(ctx, 'finance', 'admin', 'customer');
  if (ids.length === 0) return new Map();
  const rows = ctx.store.db
    .select({
      id: creditNotices.id,
      customerId: creditNotices.customerId,
      status: creditNotices.status,
      number: creditNotices.number,
    })
    .from(creditNotices)
    .where(inArray(creditNotices.id, [...ids]))
    .all()
    .filter((row) => maySee(ctx, row));
  return new Map(
    rows.map((row) => [row.id, { status: row.status, number: row.number }]),
  );
}

export function getCreditNotice(ctx: ServiceContext, id: string): CreditNotice {
  requireRole(ctx, 'finance', 'admin', 'customer');
  return noticeJson(ctx, visibleNotice(ctx, id));
}

function noticeToDecide(ctx: ServiceContext, id: string): CreditNoticeRow {
  const row = findNoticeRow(ctx.store.db, id);
  if (row === undefined) throw notFound('credit notice', id);
  return row;
}

function notPending(row: CreditNoticeRow, action: string): ServiceError {
  const state =
    row.status === 'approved'
      ? `it was approved as ${row.number}`
      : row.status === 'void'
        ? `it was approved as ${row.number} and voided`
        : `it was rejected: ${resolutionOf(row)}`;
  return new ServiceError(
    'conflict',
    `credit notice ${row.id} is not pending approval, so it cannot be ${action}: ${state}`,
    undefined,
    { status: row.status },
  );
}

/** What a notice prints, as it stands (issued, a draft, rejected, or void). */
function documentOf(
  ctx: ServiceContext,
  row: CreditNoticeRow,
): CreditNoticeDocument {
  const { db } = ctx.store;
  const customer = db
    .select({ name: customers.name, address: customers.address })
    .from(customers)
    .where(eq(customers.id, row.customerId))
    .get()!;
  const contract = db
    .select({ contractNumber: contracts.contractNumber })
    .from(contracts)
    .where(eq(contracts.id, row.contractId))
    .get()!;
  const corrected =
    row.correctsNoticeId === null
      ? undefined
      : findNoticeRow(db, row.correctsNoticeId);
  const approvedAt = orNull(row.approvedAt, storedInstant);
  const { outage, figures } = noticeFactsOfRow(row);
  return {
    issuer: ctx.config.issuer ?? null,
    number: row.number,
    status: row.status,
    noticeDate: approvedAt === null ? null : businessDateOf(approvedAt),
    billingMonth: row.billingMonth,
    customer,
    contractNumber: contract.contractNumber,
    outage: {
      start: outage.start,
      end: outage.end,
      clockStart: outage.clockStart,
      unavailableMs: outage.unavailableMs,
    },
    creditDays: figures.creditDays,
    monthlyFeeBase: figures.monthlyFeeBase,
    amount: figures.amount,
    taxRatePercent: figures.taxRatePercent,
    taxAmount: figures.taxAmount,
    totalAmount: figures.totalAmount,
    rounding: NoticeComputation.parse(row.computation).policy.rounding,
    corrects:
      corrected?.number != null && corrected.approvedAt !== null
        ? {
            number: corrected.number,
            noticeDate: businessDateOf(storedInstant(corrected.approvedAt)),
          }
        : null,
    voidReason: row.voidReason,
  };
}

/** The next number of the approval's JST year, taken in the caller's transaction: consecutive, no gaps. */
function nextNoticeNumber(ctx: ServiceContext, approvedAt: Instant): string {
  const year = numberingYearOf(businessDateOf(approvedAt));
  const { lastNumber } = ctx.store.db
    .insert(creditNoticeNumberSequences)
    .values({ year, lastNumber: 1 })
    .onConflictDoUpdate({
      target: creditNoticeNumberSequences.year,
      set: { lastNumber: sql`${creditNoticeNumberSequences.lastNumber} + 1` },
    })
    .returning()
    .get();
  return formatNoticeNumber(year, lastNumber);
}

/**
 * The final approval, in the caller's transaction: the number, the approval time, the HTML frozen in both
 * languages with its SHA-256, the claim approved, the audit row and the webhook event.
 */
function issue(
  ctx: ServiceContext,
  row: CreditNoticeRow,
  html: NoticeRenderer,
): CreditNoticeRow {
  const { db } = ctx.store;
  const approvedAt = ctx.clock();
  const number = nextNoticeNumber(ctx, approvedAt);
  db.update(creditNotices)
    .set({ status: 'approved', number, approvedAt, updatedAt: approvedAt })
    .where(eq(creditNotices.id, row.id))
    .run();
  const approved = findNoticeRow(db, row.id)!;
  const document = documentOf(ctx, approved);
  for (const lang of NOTICE_LANGUAGES)
    freezeNoticeDocument(db, {
      noticeId: row.id,
      lang,
      format: 'html',
      bytes: Buffer.from(html.renderNoticeHtml(document, lang), 'utf8'),
      createdAt: approvedAt,
    });
  db.update(claims)
    .set({ status: 'approved', updatedAt: approvedAt })
    .where(eq(claims.id, row.claimId))
    .run();
  recordAudit(ctx, {
    action: 'claim.approved',
    entityType: 'claim',
    entityId: row.claimId,
    before: { status: 'pending-approval' },
    after: { status: 'approved', creditNoticeId: row.id },
    reason: `its credit notice was approved as ${number}`,
  });
  const json = noticeJson(ctx, approved);
  recordAudit(ctx, {
    action: 'credit-notice.approved',
    entityType: 'credit-notice',
    entityId: row.id,
    before: { status: row.status, number: null },
    after: json,
  });
  enqueueWebhookEvent(ctx, 'credit-notice.approved', json);
  return approved;
}

/**
 * POST /credit-notices/:id/approve. In one transaction: the contract's claims are brought up to date
 * first (finance approves the figures as they now stand), the approval recorded, and, when it is the last
 * one needed, the notice issued. Its PDFs are printed after the commit (`freezeNoticePdfs`).
 */
export function approveCreditNotice(
  ctx: ServiceContext,
  id: string,
  html: NoticeRenderer,
): CreditNotice {
  requireRole(ctx, 'finance');
  const outcome = inTransaction<
    { notice: CreditNotice } | { withdrawn: CreditNoticeRow }
  >(ctx.store, () => {
    const found = noticeToDecide(ctx, id);
    if (ctx.config.issuer === undefined)
      throw new ServiceError(
        'issuer-not-configured',
        'a credit notice names its issuer and registration number (適格返還請求書): set SLA_ISSUER_NAME and SLA_ISSUER_REGISTRATION and restart, then approve',
      );
    if (found.status !== 'pending-approval')
      throw notPending(found, 'approved');
    applyClaimPlan(
      ctx,
      contractOutagesAsOf(ctx, found.contractId, ctx.clock()),
    );
    const row = findNoticeRow(ctx.store.db, id)!;
    // A correction withdrew it: that is saved, and the approval refused below.
    if (row.status !== 'pending-approval') return { withdrawn: row };
    const approvals = approvalsOf(ctx.store.db, [id]).get(id)!;
    if (approvals.some((approval) => approval.userId === ctx.actor.userId))
      throw new ServiceError(
        'conflict',
        `you already approved credit notice ${id}: its total of ¥${row.totalAmount} needs a second approval by a different finance user`,
      );
    ctx.store.db
      .insert(creditNoticeApprovals)
      .values({ noticeId: id, userId: ctx.actor.userId, at: ctx.clock() })
      .run();
    const required = approvalsRequired(
      yen(row.totalAmount),
      ctx.config.policy.dualApprovalFromYen,
    );
    if (approvals.length + 1 < required) {
      recordAudit(ctx, {
        action: 'credit-notice.approval-recorded',
        entityType: 'credit-notice',
        entityId: id,
        after: { approvals: approvals.length + 1, approvalsRequired: required },
        reason: `a tax-inclusive total of ¥${row.totalAmount} is at least dualApprovalFromYen (¥${ctx.config.policy.dualApprovalFromYen}): a second finance user must approve`,
      });
      return { notice: noticeJson(ctx, row) };
    }
    return { notice: noticeJson(ctx, issue(ctx, row, html)) };
  });
  if ('withdrawn' in outcome) throw notPending(outcome.withdrawn, 'approved');
  return outcome.notice;
}

/** POST /credit-notices/:id/reject: the notice is rejected, and its claim, by a person: final. */
export function rejectCreditNotice(
  ctx: ServiceContext,
  id: string,
  reason: string,
): CreditNotice {
  requireRole(ctx, 'finance');
  return inTransaction(ctx.store, () => {
    const row = noticeToDecide(ctx, id);
    if (row.status !== 'pending-approval') throw notPending(row, 'rejected');
    const now = ctx.clock();
    const { db } = ctx.store;
    db.update(creditNotices)
      .set({
        status: 'rejected',
        rejectedBy: ctx.actor.userId,
        rejectedAt: now,
        rejectReason: reason,
        updatedAt: now,
      })
      .where(eq(creditNotices.id, id))
      .run();
    db.update(claims)
      .set({
        status: 'rejected',
        resolution: reason,
        resolvedBy: ctx.actor.userId,
        resolutionCode: null,
        resolutionParams: null,
        updatedAt: now,
      })
      .where(eq(claims.id, row.claimId))
      .run();
    recordAudit(ctx, {
      action: 'claim.rejected',
      entityType: 'claim',
      entityId: row.claimId,
      before: { status: 'pending-approval' },
      after: { status: 'rejected', creditNoticeId: id },
      reason,
    });
    const json = noticeJson(ctx, findNoticeRow(db, id)!);
    recordAudit(ctx, {
      action: 'credit-notice.rejected',
      entityType: 'credit-notice',
      entityId: id,
      before: { status: row.status },
      after: json,
      reason,
    });
    return json;
  });
}

/**
 * POST /credit-notices/:id/void: an approved notice found wrong is voided, never edited (消費税法
 * Art. 57-4(4)); its claim follows its outage again, through the plan, and gets a correcting notice for
 * the outage as now computed, or, when that no longer qualifies, is rejected with the reason.
 */
export function voidCreditNotice(
  ctx: ServiceContext,
  id: string,
  reason: string,
): CreditNotice {
  requireRole(ctx, 'finance');
  return inTransaction(ctx.store, () => {
    const row = noticeToDecide(ctx, id);
    if (row.status !== 'approved')
      throw new ServiceError(
        'conflict',
        row.status === 'void'
          ? `credit notice ${id} (${row.number}) is already void`
          : `only an approved credit notice is voided; ${id} is ${row.status}${row.status === 'pending-approval' ? ': reject it instead' : ''}`,
        undefined,
        { status: row.status },
      );
    const now = ctx.clock();
    ctx.store.db
      .update(creditNotices)
      .set({
        status: 'void',
        voidedBy: ctx.actor.userId,
        voidedAt: now,
        voidReason: reason,
        updatedAt: now,
      })
      .where(eq(creditNotices.id, id))
      .run();
    recordAudit(ctx, {
      action: 'credit-notice.voided',
      entityType: 'credit-notice',
      entityId: id,
      before: { status: 'approved', number: row.number },
      after: { status: 'void', number: row.number },
      reason,
    });
    applyClaimPlan(ctx, contractOutagesAsOf(ctx, row.contractId, now));
    const json = noticeJson(ctx, findNoticeRow(ctx.store.db, id)!);
    enqueueWebhookEvent(ctx, 'credit-notice.voided', json);
    return json;
  });
}

/** An issued notice's PDF in `lang`: the one stored, or printed once from its frozen HTML and stored. */
async function frozenPdf(
  ctx: Pick<ServiceContext, 'store' | 'clock'>,
  noticeId: string,
  lang: NoticeLanguage,
  pdf: PdfRenderer,
): Promise<NoticeDocumentRow> {
  const { db } = ctx.store;
  const stored = findNoticeDocument(db, noticeId, lang, 'pdf');
  if (stored !== undefined) return stored;
  const html = findNoticeDocument(db, noticeId, lang, 'html');
  if (html === undefined)
    throw new Error(`credit notice ${noticeId} has no frozen ${lang} HTML`);
  const bytes = await pdf.renderPdf(html.bytes.toString('utf8'));
  // Chromium stamps the time into each PDF: whichever print is stored first is the one kept and served.
  return inTransaction(ctx.store, () =>
    freezeNoticeDocument(db, {
      noticeId,
      lang,
      format: 'pdf',
      bytes,
      createdAt: ctx.clock(),
    }),
  );
}

/** After an approval commits: prints the notice's PDFs from its frozen HTML and stores them, once. */
export async function freezeNoticePdfs(
  ctx: Pick<ServiceContext, 'store' | 'clock'>,
  noticeId: string,
  pdf: PdfRenderer,
): Promise<void> {
  for (const lang of NOTICE_LANGUAGES)
    await frozenPdf(ctx, noticeId, lang, pdf);
}

export interface NoticeFile {
  body: Buffer | string;
  contentType: string;
  fileName: string;
  /** The SHA-256 of a frozen document; null for a draft rendered now. */
  sha256: string | null;
}

const CONTENT_TYPES = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
} as const;

/**
 * GET /credit-notices/:id/document: an issued notice's frozen document, byte for byte (its PDF printed
 * once from the frozen HTML on first request if it is not stored yet); any other notice rendered now,
 * as a draft.
 */
export async function creditNoticeDocument(
  ctx: ServiceContext,
  id: string,
  { lang, format }: NoticeDocumentQuery,
  renderers: NoticeRenderers,
): Promise<NoticeFile> {
  requireRole(ctx, 'finance', 'admin', 'customer');
  const row = visibleNotice(ctx, id);
  const contentType = CONTENT_TYPES[format];
  if (row.number !== null) {
    const frozen =
      format === 'html'
        ? findNoticeDocument(ctx.store.db, id, lang, 'html')
        : await frozenPdf(ctx, id, lang, renderers.pdf);
    if (frozen === undefined)
      throw new Error(`credit notice ${id} has no frozen ${lang} HTML`);
    return {
      body: frozen.bytes,
      contentType,
      fileName: `${row.number}.${lang}.${format}`,
      sha256: frozen.sha256,
    };
  }
  const html = renderers.html.renderNoticeHtml(documentOf(ctx, row), lang);
  return {
    body: format === 'html' ? html : await renderers.pdf.renderPdf(html),
    contentType,
    fileName: `credit-notice-${row.status === 'rejected' ? 'rejected' : 'draft'}-${id}.${lang}.${format}`,
    sha256: null,
  };
}

/** For the metrics: notices waiting for finance. */
export function countNoticesPendingApproval(store: Pick<Store, 'db'>): number {
  return (
    store.db
      .select({ n: count() })
      .from(creditNotices)
      .where(eq(creditNotices.status, 'pending-approval'))
      .get()?.n ?? 0
  );
}

/** For the metrics: notices pending approval that one finance user approved, waiting for a second. */
export function countNoticesAwaitingSecondApprover(
  store: Pick<Store, 'db'>,
): number {
  return (
    store.db
      .select({ n: count() })
      .from(creditNotices)
      .where(
        and(
          eq(creditNotices.status, 'pending-approval'),
          exists(
            store.db
              .select({ one: sql`1` })
              .from(creditNoticeApprovals)
              .where(eq(creditNoticeApprovals.noticeId, creditNotices.id)),
          ),
        ),
      )
      .get()?.n ?? 0
  );
}
