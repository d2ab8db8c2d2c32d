/**
 * Finance's pages: the approval queue (credit notices pending approval, oldest first), each notice reviewed
 * with its rendered document beside its computation, and approved, rejected or voided there; the notices
 * by status; the month's report with its CSV; outages nobody has claimed yet; the audit log. Every action
 * is the API's use case.
 */
import type { Router } from 'express';
import { DateTime } from 'luxon';
import {
  NOTICE_STATUSES,
  type NoticeStatus,
} from '../../domain/credit-notices';
import { businessDateOf, ZONE } from '../../domain/time';
import { ServiceError } from '../../errors';
import { fieldErrorsOf } from '../../schemas/common';
import {
  type CreditNotice,
  CreditReportQuery,
  NoticeReasonInput,
} from '../../schemas/credit-notices';
import { listAudit } from '../../services/audit';
import { contractNumbersOf } from '../../services/contracts';
import {
  getCreditNotice,
  listCreditNotices,
  noticeQueueFigures,
  rejectCreditNotice,
  voidCreditNotice,
} from '../../services/credit-notices';
import { creditReport, creditReportCsv } from '../../services/credit-report';
import { customerNamesOf } from '../../services/customers';
import {
  listUnclaimedOutages,
  type UnclaimedOutage,
} from '../../services/deadlines';
import { incidentTitlesOf } from '../../services/incidents';
import { approveAndPrint } from '../../services/notice-printing';
import { DerivedOrder } from '../../services/paging';
import { userNamesOf } from '../../services/users';
import { hasMessage, isLang, LANGS, type Lang } from '../i18n';
import { sendNoticeDocument } from '../notice-document';
import { computationOf, noticeRow, noticeStatusView } from '../notice-view';
import { closesSoon, outageView } from '../outage-view';
import {
  fieldErrorsFor,
  type PageContext,
  page,
  parseWith,
  type WebDeps,
} from '../page';
import { listPage } from '../paging';

const FINANCE = ['finance', 'admin'] as const;
/** Approving, rejecting and voiding are finance's alone (the use cases say so too). */
const DECIDERS = ['finance'] as const;

/**
 * The unclaimed outages are derived whole (every contract's outages, as of now): the soonest deadline
 * first, those without one yet (still going on) last, then by contract and start.
 */
const DEADLINES_SOONEST_FIRST = new DerivedOrder<UnclaimedOutage>(
  'deadlines',
  ['number', 'string', 'string', 'string'],
  'asc',
  (entry) => [
    entry.outage.claimDeadline === null ? 1 : 0,
    entry.outage.claimDeadline ?? '',
    entry.contractNumber,
    entry.outage.start,
  ],
);

/** Notices as rows, each with its contract's number and customer's name. */
function noticeRows(p: PageContext, notices: readonly CreditNotice[]) {
  const numbers = contractNumbersOf(
    p.ctx,
    notices.map((notice) => notice.contractId),
  );
  const customers = customerNamesOf(
    p.ctx,
    notices.map((notice) => notice.customerId),
  );
  const approvers = userNamesOf(
    p.ctx,
    notices.flatMap((notice) => notice.approvals.map((a) => a.userId)),
  );
  return notices.map((notice) => ({
    ...noticeRow(p.lang, notice),
    contractNumber: numbers.get(notice.contractId) ?? notice.contractId,
    customerName: customers.get(notice.customerId) ?? '',
    approvers: notice.approvals.map(
      (approval) => approvers.get(approval.userId) ?? approval.userId,
    ),
    approvedByMe: notice.approvals.some(
      (approval) => approval.userId === p.user.actor.userId,
    ),
  }));
}

/** A form that takes a reason, as the review shows it again: what was typed, and the field's refusal. */
interface ReasonForm {
  reason: string;
  errors?: Record<string, string>;
}

interface NoticeFormState {
  /** A use case's refusal of an action, shown at the top of the decision (the form may be gone by now). */
  problem?: string;
  rejectForm?: ReasonForm;
  voidForm?: ReasonForm;
  status?: number;
}

/** The document's language in the review: the `doc` query's, else the page's. */
const documentLang = (p: PageContext): Lang => {
  const doc = p.query('doc');
  return isLang(doc) ? doc : p.lang;
};

/** The review of one notice: its document beside its computation, its approvals, and what can be done now. */
function renderNotice(p: PageContext, id: string, form: NoticeFormState = {}) {
  const notice = getCreditNotice(p.ctx, id);
  const [row] = noticeRows(p, [notice]);
  const related = [notice.correctsNoticeId, notice.correctedByNoticeId]
    .filter((other): other is string => other !== null)
    .map((other) => getCreditNotice(p.ctx, other));
  const relatedRow = (other: string | null) => {
    const found = related.find((notice) => notice.id === other);
    return found ? noticeRow(p.lang, found) : null;
  };
  const people = userNamesOf(
    p.ctx,
    [
      ...notice.approvals.map((approval) => approval.userId),
      notice.rejectedBy,
      notice.voidedBy,
    ].filter((user): user is string => user !== null),
  );
  const titles = incidentTitlesOf(p.ctx, notice.outage.incidentIds);
  const role = p.user.actor.role;
  const pending = notice.status === 'pending-approval';
  const approvedByMe = notice.approvals.some(
    (approval) => approval.userId === p.user.actor.userId,
  );
  // The next notice to review: the oldest other one still pending.
  const next = listCreditNotices(p.ctx, {
    status: 'pending-approval',
    limit: 2,
  }).items.find((other) => other.id !== notice.id);
  const docLang = documentLang(p);
  p.render(
    'finance/notice',
    {
      titleKey: 'review.title',
      wide: true,
      // Not `notice`: the layout's name for the message a page shows.
      creditNotice: row,
      computation: computationOf(notice),
      incidents: notice.outage.incidentIds.map((incidentId) => ({
        id: incidentId,
        title: titles.get(incidentId) ?? incidentId,
      })),
      // The incident pages are support's; an admin has them too.
      canOpenIncidents: role === 'admin',
      approvals: notice.approvals.map((approval, index) => ({
        ...approval,
        ordinal: index + 1,
        name: people.get(approval.userId) ?? approval.userId,
        isMe: approval.userId === p.user.actor.userId,
      })),
      approvalsMissing: notice.approvalsRequired - notice.approvals.length,
      dualApprovalFromYen: p.deps.config.policy.dualApprovalFromYen,
      rejectedByName: notice.rejectedBy && people.get(notice.rejectedBy),
      voidedByName: notice.voidedBy && people.get(notice.voidedBy),
      corrects: relatedRow(notice.correctsNoticeId),
      correctedBy: relatedRow(notice.correctedByNoticeId),
      issuerMissing: p.deps.config.issuer === undefined,
      canDecide: role === 'finance',
      canApprove: role === 'finance' && pending && !approvedByMe,
      waitingForSecond: pending && approvedByMe,
      isPending: pending,
      isApproved: notice.status === 'approved',
      isVoid: notice.status === 'void',
      isRejected: notice.status === 'rejected',
      docLang,
      documentLangs: LANGS.map((lang) => ({
        lang,
        label: p.t(`review.documentIn.${lang}`),
        href: `/finance/notices/${notice.id}?doc=${lang}`,
        current: lang === docLang,
      })),
      nextId: next?.id,
      ...form,
    },
    { status: form.status },
  );
}

/** A use case's refusal on the review page; a notice that does not exist stays a 404 page. */
function refusalOf(error: unknown): ServiceError {
  if (!(error instanceof ServiceError) || error.code === 'not-found')
    throw error;
  return error;
}

/**
 * Rejecting or voiding: the reason parsed with the API's schema, then the use case; a refusal is shown in
 * the form it came from, with what was typed.
 */
function reasonAction(
  deps: WebDeps,
  form: 'rejectForm' | 'voidForm',
  decide: (ctx: PageContext['ctx'], id: string, reason: string) => unknown,
  done: string,
) {
  return page(deps, DECIDERS, (p) => {
    const id = p.req.params.id as string;
    const reason = p.field('reason') ?? '';
    const parsed = parseWith(NoticeReasonInput, { reason });
    if (parsed.errors)
      return renderNotice(p, id, {
        [form]: { reason, errors: fieldErrorsFor(p.lang, parsed.errors) },
        status: 422,
      });
    try {
      decide(p.ctx, id, parsed.data.reason);
      p.redirect(`/finance/notices/${id}`, done);
    } catch (error) {
      const refused = refusalOf(error);
      renderNotice(p, id, {
        [form]: { reason },
        problem: p.problem(refused),
        status: refused.status,
      });
    }
  });
}

/** The report's month: the query's, else the JST month of today. */
const reportMonth = (p: PageContext) =>
  p.query('month') ?? businessDateOf(p.deps.clock()).slice(0, 7);

/** `YYYY-MM` moved by `months`, in JST calendar months. */
const shiftMonth = (month: string, months: number) =>
  DateTime.fromISO(`${month}-01`, { zone: ZONE })
    .plus({ months })
    .toFormat('yyyy-MM');

const isNoticeStatus = (value: unknown): value is NoticeStatus =>
  (NOTICE_STATUSES as readonly unknown[]).includes(value);

export function financeRoutes(router: Router, deps: WebDeps) {
  router.get(
    '/finance',
    page(deps, FINANCE, (p) => {
      const figures = noticeQueueFigures(p.ctx);
      const shown = listPage(p, (request) =>
        listCreditNotices(p.ctx, { status: 'pending-approval', ...request }),
      );
      const deadlines = listUnclaimedOutages(p.ctx);
      p.render('finance/home', {
        titleKey: 'queue.title',
        pending: noticeRows(p, shown.items),
        figures,
        oldestId:
          shown.pager.firstHref === null ? shown.items[0]?.id : undefined,
        issuerMissing: p.deps.config.issuer === undefined,
        unclaimedTotal: deadlines.length,
        closingSoon: deadlines.filter(closesSoon).length,
        pager: shown.pager,
      });
    }),
  );

  router.get(
    '/finance/notices',
    page(deps, FINANCE, (p) => {
      const requested = p.query('status');
      const status = isNoticeStatus(requested) ? requested : 'approved';
      const shown = listPage(p, (request) =>
        listCreditNotices(p.ctx, { status, ...request }),
      );
      p.render('finance/notices', {
        titleKey: 'noticeList.title',
        status,
        tabs: (
          ['approved', 'void', 'pending-approval', 'rejected'] as const
        ).map((value) => ({
          href: `/finance/notices?status=${value}`,
          label: p.t(`noticeStatuses.${value}`),
          current: value === status,
        })),
        notices: noticeRows(p, shown.items),
        pager: shown.pager,
      });
    }),
  );

  router.get(
    '/finance/notices/:id',
    page(deps, FINANCE, (p) => renderNotice(p, p.req.params.id as string)),
  );

  router.get(
    '/finance/notices/:id/document',
    page(deps, FINANCE, (p) =>
      sendNoticeDocument(p, p.req.params.id as string, 'inline'),
    ),
  );

  router.post(
    '/finance/notices/:id/approve',
    page(deps, DECIDERS, (p) => {
      const id = p.req.params.id as string;
      try {
        const notice = approveAndPrint(p.ctx, id, p.deps.printing);
        p.redirect(
          `/finance/notices/${id}`,
          notice.status === 'approved' ? 'noticeApproved' : 'approvalRecorded',
        );
      } catch (error) {
        const refused = refusalOf(error);
        renderNotice(p, id, {
          problem: p.problem(refused),
          status: refused.status,
        });
      }
    }),
  );

  router.post(
    '/finance/notices/:id/reject',
    reasonAction(deps, 'rejectForm', rejectCreditNotice, 'noticeRejected'),
  );
  router.post(
    '/finance/notices/:id/void',
    reasonAction(deps, 'voidForm', voidCreditNotice, 'noticeVoided'),
  );

  router.get(
    '/finance/report',
    page(deps, FINANCE, (p) => {
      const typed = reportMonth(p);
      const parsed = parseWith(CreditReportQuery, { month: typed });
      if (parsed.errors)
        return p.render(
          'finance/report',
          {
            titleKey: 'report.title',
            selectedMonth: typed,
            errors: fieldErrorsFor(
              p.lang,
              parsed.errors.map((error) => ({
                ...error,
                path: 'month',
              })),
            ),
          },
          { status: 422 },
        );
      const { month } = parsed.data;
      const report = creditReport(p.ctx, month);
      p.render('finance/report', {
        titleKey: 'report.title',
        selectedMonth: month,
        report: {
          ...report,
          notices: report.notices.map((row) => ({
            ...row,
            ...noticeStatusView(p.lang, row.status),
          })),
        },
        previousMonth: shiftMonth(month, -1),
        nextMonth: shiftMonth(month, 1),
        errors: {},
      });
    }),
  );

  router.get(
    '/finance/report.csv',
    page(deps, FINANCE, (p) => {
      const parsed = CreditReportQuery.safeParse({ month: reportMonth(p) });
      if (!parsed.success)
        throw new ServiceError(
          'validation-failed',
          'month must be a month YYYY-MM',
          fieldErrorsOf(parsed.error),
        );
      const { month } = parsed.data;
      // The API's CSV (GET /reports/credits with Accept: text/csv), byte for byte.
      p.res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader(
          'Content-Disposition',
          `attachment; filename="credits-${month}.csv"`,
        )
        .send(creditReportCsv(creditReport(p.ctx, month)));
    }),
  );

  router.get(
    '/finance/deadlines',
    page(deps, FINANCE, (p) => {
      const deadlines = listUnclaimedOutages(p.ctx);
      const shown = listPage(p, (request) =>
        DEADLINES_SOONEST_FIRST.page(deadlines, request),
      );
      const now = p.deps.clock();
      p.render('finance/deadlines', {
        titleKey: 'deadlines.title',
        // The contract pages are support's; an admin has them too.
        canOpenContracts: p.user.actor.role === 'admin',
        entries: shown.items.map((entry) => ({
          ...entry,
          outage: outageView(p.lang, entry.outage, now),
        })),
        // Known without counting: the whole list is derived for the page anyway.
        total: deadlines.length,
        totalAmount: deadlines.reduce(
          (sum, entry) => sum + entry.outage.creditAmount,
          0,
        ),
        pager: shown.pager,
      });
    }),
  );

  router.get(
    '/finance/audit',
    page(deps, FINANCE, (p) => {
      const entityType = p.query('entityType');
      const shown = listPage(p, (request) =>
        listAudit(p.ctx, { entityType, ...request }),
      );
      p.render('finance/audit', {
        titleKey: 'audit.title',
        entries: shown.items.map((entry) => ({
          ...entry,
          // An action the catalogues do not name yet shows as it is.
          actionLabel: hasMessage(p.lang, `auditActions.${entry.action}`)
            ? p.t(`auditActions.${entry.action}`)
            : entry.action,
        })),
        entityType: entityType ?? '',
        entityTypes: [
          'incident',
          'claim',
          'credit-notice',
          'contract',
          'customer',
          'user',
          'webhook',
        ].map((type) => ({
          value: type,
          label: p.t(`entityTypes.${type}`),
          selected: type === entityType,
        })),
        pager: shown.pager,
      });
    }),
  );
}
