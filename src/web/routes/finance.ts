/**
 * Finance's pages as far as today's use cases go: claims waiting for approval, outages nobody has
 * claimed yet (soonest deadline first), and the audit log. The approval queue, the report and notice
 * actions join when credit notices land.
 */
import type { Router } from 'express';
import { listAudit } from '../../services/audit';
import { listClaims } from '../../services/claims';
import { listContracts } from '../../services/contracts';
import { listUnclaimedOutages } from '../../services/deadlines';
import { hasMessage } from '../i18n';
import { BANNER_DAYS, outageView } from '../outage-view';
import { type PageContext, page, type WebDeps } from '../page';
import { pageOf, pageRequestOf, pagerOf } from '../paging';

const FINANCE = ['finance', 'admin'] as const;
/** The audit log is read newest first, up to the API's own bound. */
const AUDIT_WINDOW = 1000;

function unclaimed(p: PageContext) {
  const now = p.deps.clock();
  return listUnclaimedOutages(p.ctx, now).map((entry) => ({
    ...entry,
    outage: outageView(p.lang, entry.outage, now),
  }));
}

export function financeRoutes(router: Router, deps: WebDeps) {
  router.get(
    '/finance',
    page(deps, FINANCE, (p) => {
      const numbers = new Map(
        listContracts(p.ctx).map((c) => [c.id, c.contractNumber]),
      );
      const pending = listClaims(p.ctx, { status: 'pending-approval' });
      const awaiting = listClaims(p.ctx, { status: 'awaiting-resolution' });
      const shown = pageOf(pending, (claim) => claim.id, pageRequestOf(p.req));
      const deadlines = unclaimed(p);
      p.render('finance/home', {
        titleKey: 'finance.title',
        pending: shown.items.map((claim) => ({
          ...claim,
          contractNumber: numbers.get(claim.contractId) ?? claim.contractId,
        })),
        pendingTotal: pending.length,
        pendingAmount: pending.reduce(
          (sum, claim) => sum + (claim.outage?.creditAmount ?? 0),
          0,
        ),
        awaitingTotal: awaiting.length,
        unclaimedTotal: deadlines.length,
        closingSoon: deadlines.filter(
          (entry) => entry.daysLeft !== null && entry.daysLeft <= BANNER_DAYS,
        ).length,
        pager: pagerOf(p.req, shown),
      });
    }),
  );

  router.get(
    '/finance/deadlines',
    page(deps, FINANCE, (p) => {
      const deadlines = unclaimed(p);
      const shown = pageOf(
        deadlines,
        (entry) => `${entry.contractId} ${entry.outage.start}`,
        pageRequestOf(p.req),
      );
      p.render('finance/deadlines', {
        titleKey: 'deadlines.title',
        // The contract pages are support's; an admin has them too.
        canOpenContracts: p.user.actor.role === 'admin',
        entries: shown.items,
        total: deadlines.length,
        totalAmount: deadlines.reduce(
          (sum, entry) => sum + entry.outage.creditAmount,
          0,
        ),
        pager: pagerOf(p.req, shown),
      });
    }),
  );

  router.get(
    '/finance/audit',
    page(deps, FINANCE, (p) => {
      const entityType = p.query('entityType');
      const entries = listAudit(p.ctx, { entityType, limit: AUDIT_WINDOW });
      const shown = pageOf(
        entries,
        (entry) => String(entry.id),
        pageRequestOf(p.req),
      );
      p.render('finance/audit', {
        titleKey: 'audit.title',
        entries: shown.items.map((entry) => ({
          ...entry,
          // Actions added later (credit notices) show as they are until the catalogues name them.
          actionLabel: hasMessage(p.lang, `auditActions.${entry.action}`)
            ? p.t(`auditActions.${entry.action}`)
            : entry.action,
        })),
        entityType: entityType ?? '',
        entityTypes: ['incident', 'claim', 'contract', 'customer', 'user'].map(
          (type) => ({
            value: type,
            label: p.t(`entityTypes.${type}`),
            selected: type === entityType,
          }),
        ),
        pager: pagerOf(p.req, shown),
      });
    }),
  );
}
