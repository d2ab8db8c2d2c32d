/** The customer portal: my contracts, their outages with credits and claim deadlines, claiming, my claims. */
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { ServiceError } from '../../errors';
import { createClaim, listClaims } from '../../services/claims';
import { getContract, listContracts } from '../../services/contracts';
import { listUnclaimedOutages } from '../../services/deadlines';
import { contractPageData } from '../contract-page';
import { BANNER_DAYS, claimView, outageView } from '../outage-view';
import { type PageContext, page, type WebDeps } from '../page';
import { pageOf, pageRequestOf, pagerOf } from '../paging';

const CUSTOMER = ['customer'] as const;

/** The outages whose claim window closes within BANNER_DAYS, soonest first: the banner on every portal page. */
function closingSoon(p: PageContext) {
  return listUnclaimedOutages(p.ctx)
    .filter((entry) => entry.daysLeft !== null && entry.daysLeft <= BANNER_DAYS)
    .map((entry) => ({
      ...entry,
      outage: outageView(p.lang, entry.outage, p.deps.clock()),
    }));
}

/** My claims, newest first, each with its contract's number. */
function claimRows(p: PageContext, numberOf: (id: string) => string) {
  return listClaims(p.ctx, {})
    .reverse()
    .map((claim) => ({
      ...claimView(p.lang, claim),
      contractNumber: numberOf(claim.contractId),
    }));
}

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
      closing: closingSoon(p),
      problem: extra.problem,
    },
    { status: extra.status },
  );
}

export function portalRoutes(router: Router, deps: WebDeps) {
  router.get(
    '/portal',
    page(deps, CUSTOMER, (p) => {
      const contracts = listContracts(p.ctx);
      const unclaimed = listUnclaimedOutages(p.ctx);
      const claimableCount = new Map<string, number>();
      for (const entry of unclaimed)
        claimableCount.set(
          entry.contractId,
          (claimableCount.get(entry.contractId) ?? 0) + 1,
        );
      const shown = pageOf(
        contracts,
        (contract) => contract.id,
        pageRequestOf(p.req),
      );
      const numbers = new Map(contracts.map((c) => [c.id, c.contractNumber]));
      const claims = claimRows(p, (id) => numbers.get(id) ?? id);
      p.render('portal/home', {
        titleKey: 'portal.title',
        contracts: shown.items.map((contract) => ({
          ...contract,
          claimable: claimableCount.get(contract.id) ?? 0,
        })),
        total: contracts.length,
        pager: pagerOf(p.req, shown),
        closing: closingSoon(p),
        claimableTotal: unclaimed.length,
        recentClaims: claims.slice(0, 5),
        claimsTotal: claims.length,
        openClaims: claims.filter(
          (claim) => claim.status !== 'approved' && claim.status !== 'rejected',
        ).length,
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
      const outageStart = Date.parse(p.field('outageStart') ?? '');
      // An unknown contract (or another customer's) is a 404 page, like the API's; the rest is said on the page.
      getContract(p.ctx, id);
      try {
        if (Number.isNaN(outageStart))
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
      const numbers = new Map(
        listContracts(p.ctx).map((c) => [c.id, c.contractNumber]),
      );
      const claims = claimRows(p, (id) => numbers.get(id) ?? id);
      const shown = pageOf(claims, (claim) => claim.id, pageRequestOf(p.req));
      p.render('portal/claims', {
        titleKey: 'portalClaims.title',
        claims: shown.items,
        total: claims.length,
        pager: pagerOf(p.req, shown),
      });
    }),
  );
}
