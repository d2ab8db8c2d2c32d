/** What both contract pages (support's and the customer's) show: the contract, its outages and its claims, newest first, each list paged. */
import type { OutageJson } from '../schemas/outage';
import { listClaims } from '../services/claims';
import { getContract } from '../services/contracts';
import { contractOutages } from '../services/outages';
import { DerivedOrder } from '../services/paging';
import { claimView, outageView } from './outage-view';
import type { PageContext } from './page';
import { listPage } from './paging';

/** A contract's outages are derived whole on each read; the page shows the newest first. */
const OUTAGES_NEWEST_FIRST = new DerivedOrder<OutageJson>(
  'outages',
  ['string'],
  'desc',
  (outage) => [outage.start],
);

export function contractPageData(p: PageContext, id: string) {
  // Visible or "not found", as in the API: another customer's contract is a 404 page.
  const contract = getContract(p.ctx, id);
  const now = p.deps.clock();
  const { outages } = contractOutages(p.ctx, id, undefined);
  const outagePage = listPage(p, (request) =>
    OUTAGES_NEWEST_FIRST.page(outages, request),
  );
  const claimPage = listPage(
    p,
    (request) =>
      listClaims(p.ctx, { contractId: id, newestFirst: true, ...request }),
    { param: 'claims' },
  );
  return {
    contract,
    now,
    outages: outagePage.items.map((outage) => outageView(p.lang, outage, now)),
    // Known without counting: every outage is derived for the page anyway.
    total: outages.length,
    pager: outagePage.pager,
    claims: claimPage.items.map((claim) => claimView(p.lang, claim)),
    claimsPager: claimPage.pager,
  };
}
