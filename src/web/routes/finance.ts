/**
 * Finance's pages as far as today's use cases go: claims waiting for approval, outages nobody has
 * claimed yet (soonest deadline first), and the audit log. The approval queue, the report and notice
 * actions join when credit notices land.
 */
import type { Router } from 'express';
import { listAudit } from '../../services/audit';
import { claimTotals, listClaims } from '../../services/claims';
import { contractNumbersOf } from '../../services/contracts';
import {
  listUnclaimedOutages,
  type UnclaimedOutage,
} from '../../services/deadlines';
import { DerivedOrder } from '../../services/paging';
import { hasMessage } from '../i18n';
import { BANNER_DAYS, outageView } from '../outage-view';
import { page, type WebDeps } from '../page';
import { listPage } from '../paging';

const FINANCE = ['finance', 'admin'] as const;

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

export function financeRoutes(router: Router, deps: WebDeps) {
  router.get(
    '/finance',
    page(deps, FINANCE, (p) => {
      const totals = claimTotals(p.ctx);
      const shown = listPage(p, (request) =>
        listClaims(p.ctx, { status: 'pending-approval', ...request }),
      );
      const numbers = contractNumbersOf(
        p.ctx,
        shown.items.map((claim) => claim.contractId),
      );
      const deadlines = listUnclaimedOutages(p.ctx);
      p.render('finance/home', {
        titleKey: 'finance.title',
        pending: shown.items.map((claim) => ({
          ...claim,
          contractNumber: numbers.get(claim.contractId) ?? claim.contractId,
        })),
        pendingTotal: totals['pending-approval'].count,
        pendingAmount: totals['pending-approval'].amount,
        awaitingTotal: totals['awaiting-resolution'].count,
        unclaimedTotal: deadlines.length,
        closingSoon: deadlines.filter(
          (entry) => entry.daysLeft !== null && entry.daysLeft <= BANNER_DAYS,
        ).length,
        pager: shown.pager,
      });
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
        pager: shown.pager,
      });
    }),
  );
}
