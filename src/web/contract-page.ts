/** What both contract pages (support's and the customer's) show: the contract, its outages and its claims, newest first, each list paged. */
import { listClaims } from '../services/claims';
import { getContract } from '../services/contracts';
import { contractOutages } from '../services/outages';
import { claimView, outageView } from './outage-view';
import type { PageContext } from './page';
import { PAGE_SIZE, pageOf, pageRequestOf, pagerOf } from './paging';

export function contractPageData(p: PageContext, id: string) {
  // Visible or "not found", as in the API: another customer's contract is a 404 page.
  const contract = getContract(p.ctx, id);
  const now = p.deps.clock();
  const { outages } = contractOutages(p.ctx, id, undefined);
  const outagePage = pageOf(
    [...outages].reverse(),
    (outage) => outage.start,
    pageRequestOf(p.req),
  );
  const claimPage = pageOf(
    listClaims(p.ctx, { contractId: id }).reverse(),
    (claim) => claim.id,
    pageRequestOf(p.req, PAGE_SIZE, 'claims'),
  );
  return {
    contract,
    now,
    outages: outagePage.items.map((outage) => outageView(p.lang, outage, now)),
    total: outages.length,
    pager: pagerOf(p.req, outagePage),
    claims: claimPage.items.map((claim) => claimView(p.lang, claim)),
    claimsPager: pagerOf(p.req, claimPage, 'claims'),
  };
}
