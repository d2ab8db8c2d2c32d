/**
 * The customer portal: my contracts, their outages with credits and claim deadlines, claiming, my claims,
 * and my credit notices to download.
 */
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { ServiceError } from '../../errors';
import type { Claim } from '../../schemas/api';
import { claimTotals, createClaim, listClaims } from '../../services/claims';
import {
  contractNumbersOf,
  countContracts,
  getContract,
  listContracts,
} from '../../services/contracts';
import {
  listCreditNotices,
  noticeSummariesOf,
} from '../../services/credit-notices';
import {
  listUnclaimedOutages,
  type UnclaimedOutage,
} from '../../services/deadlines';
import { contractPageData } from '../contract-page';
import { instantOfField } from '../format';
import { LANGS } from '../i18n';
import { sendNoticeDocument } from '../notice-document';
import { noticeRow, noticeStatusView } from '../notice-view';
import { claimView, closesSoon, outageView } from '../outage-view';
import { type PageContext, page, type WebDeps } from '../page';
import { listPage } from '../paging';

const CUSTOMER = ['customer'] as const;

/** Of the unclaimed outages, those whose claim window closes soon, soonest first: the banner on the portal's pages. */
function closingSoon(p: PageContext, unclaimed: readonly UnclaimedOutage[]) {
  const now = p.deps.clock();
  return unclaimed.filter(closesSoon).map((entry) => ({
    ...entry,
    outage: outageView(p.lang, entry.outage, now),
  }));
}

/** Claims as rows, each with its contract's number and, once issued, its credit notice's number. */
function claimRows(p: PageContext, claims: readonly Claim[]) {
  const numbers = contractNumbersOf(
    p.ctx,
    claims.map((claim) => claim.contractId),
  );
  const notices = noticeSummariesOf(
    p.ctx,
    claims.flatMap((claim) => claim.creditNoticeId ?? []),
  );
  return claims.map((claim) => {
    const notice =
      claim.creditNoticeId === null
        ? undefined
        : notices.get(claim.creditNoticeId);
    return {
      ...claimView(p.lang, claim),
      contractNumber: numbers.get(claim.contractId) ?? claim.contractId,
      notice: notice && {
        ...notice,
        ...noticeStatusView(p.lang, notice.status),
      },
    };
  });
}

/** How many of my claims the home page names: the recent ones shown, with a link to all. */
const RECENT_CLAIMS = 5;

function renderContract(
  p: PageContext,
  id: string,
  extra: { problem?: string; status?: number } = {},
) {
  const data = contractPageData(p, id);
  p.render(
    'portal/contract',
    {
      titleKey: 'portalContract.title',
      ...data,
      // A key per button: a double submit files one claim (createClaim's Idempotency-Key).
      outages: data.outages.map((outage) => ({
        ...outage,
        idempotencyKey: randomUUID(),
      })),
      closing: closingSoon(p, listUnclaimedOutages(p.ctx)),
      problem: extra.problem,
    },
    { status: extra.status },
  );
}

export function portalRoutes(router: Router, deps: WebDeps) {
  router.get(
    '/portal',
    page(deps, CUSTOMER, (p) => {
      const unclaimed = listUnclaimedOutages(p.ctx);
      const claimableCount = new Map<string, number>();
      for (const entry of unclaimed)
        claimableCount.set(
          entry.contractId,
          (claimableCount.get(entry.contractId) ?? 0) + 1,
        );
      const shown = listPage(p, (request) => listContracts(p.ctx, request));
      const claims = claimTotals(p.ctx);
      const recent = listClaims(p.ctx, {
        newestFirst: true,
        limit: RECENT_CLAIMS,
      });
      p.render('portal/home', {
        titleKey: 'portal.title',
        contracts: shown.items.map((contract) => ({
          ...contract,
          claimable: claimableCount.get(contract.id) ?? 0,
        })),
        total: countContracts(p.ctx),
        pager: shown.pager,
        closing: closingSoon(p, unclaimed),
        claimableTotal: unclaimed.length,
        recentClaims: claimRows(p, recent.items),
        claimsTotal: Object.values(claims).reduce(
          (sum, { count }) => sum + count,
          0,
        ),
        openClaims:
          claims['awaiting-resolution'].count +
          claims['pending-approval'].count,
      });
    }),
  );

  router.get(
    '/portal/contracts/:id',
    page(deps, CUSTOMER, (p) => renderContract(p, p.req.params.id as string)),
  );

  router.post(
    '/portal/contracts/:id/claims',
    page(deps, CUSTOMER, (p) => {
      const id = p.req.params.id as string;
      const outageStart = instantOfField(p.field('outageStart'));
      // An unknown contract (or another customer's) is a 404 page, like the API's; the rest is said on the page.
      getContract(p.ctx, id);
      try {
        if (outageStart === null)
          throw new ServiceError(
            'validation-failed',
            'outageStart: is required',
            [{ path: 'outageStart', message: 'is required' }],
          );
        createClaim(
          p.ctx,
          { contractId: id, outageStart },
          p.field('idempotencyKey'),
        );
        p.redirect(`/portal/contracts/${id}`, 'claimFiled');
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        renderContract(p, id, {
          problem: p.problem(error),
          status: error.status,
        });
      }
    }),
  );

  router.get(
    '/portal/claims',
    page(deps, CUSTOMER, (p) => {
      const shown = listPage(p, (request) =>
        listClaims(p.ctx, { newestFirst: true, ...request }),
      );
      p.render('portal/claims', {
        titleKey: 'portalClaims.title',
        claims: claimRows(p, shown.items),
        pager: shown.pager,
      });
    }),
  );

  router.get(
    '/portal/notices',
    page(deps, CUSTOMER, (p) => {
      const shown = listPage(p, (request) => listCreditNotices(p.ctx, request));
      const numbers = contractNumbersOf(
        p.ctx,
        shown.items.map((notice) => notice.contractId),
      );
      // The notices these correct, and those correcting them, where issued: named by their numbers.
      const related = noticeSummariesOf(
        p.ctx,
        shown.items.flatMap((notice) =>
          [notice.correctsNoticeId, notice.correctedByNoticeId].filter(
            (id): id is string => id !== null,
          ),
        ),
      );
      const numberOf = (id: string | null) =>
        id === null ? null : (related.get(id)?.number ?? null);
      p.render('portal/notices', {
        titleKey: 'myNotices.title',
        notices: shown.items.map((notice) => ({
          ...noticeRow(p.lang, notice),
          contractNumber: numbers.get(notice.contractId) ?? notice.contractId,
          correctsNumber: numberOf(notice.correctsNoticeId),
          correctedByNumber: numberOf(notice.correctedByNoticeId),
          documents: LANGS.map((lang) => ({
            lang,
            label: p.t(`myNotices.documentIn.${lang}`),
            html: `/portal/notices/${notice.id}/document?lang=${lang}&format=html`,
            pdf: `/portal/notices/${notice.id}/document?lang=${lang}&format=pdf`,
          })),
        })),
        anyVoid: shown.items.some((notice) => notice.status === 'void'),
        pager: shown.pager,
      });
    }),
  );

  router.get(
    '/portal/notices/:id/document',
    page(deps, CUSTOMER, (p) =>
      sendNoticeDocument(p, p.req.params.id as string, 'attachment'),
    ),
  );
}
