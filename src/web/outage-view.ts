/** How an outage reads on a page: its status in words, why it does not qualify, the days left to claim and their urgency. */
import { type Instant, storedBusinessDate } from '../domain/time';
import type { Claim } from '../schemas/api';
import type { OutageJson } from '../schemas/outage';
import { daysToDeadline } from '../services/deadlines';
import type { Lang } from './i18n';
import { translate } from './i18n';

/** A deadline within this many days is announced in a banner (and coloured). */
const BANNER_DAYS = 14;
const URGENT_DAYS = 7;

/** An unclaimed outage whose claim window closes within BANNER_DAYS: the banner names it. */
export const closesSoon = ({ daysLeft }: { daysLeft: number | null }) =>
  daysLeft !== null && daysLeft <= BANNER_DAYS;

export type Urgency = 'urgent' | 'soon' | 'ok' | 'none';

function urgencyOf(daysLeft: number | null): Urgency {
  if (daysLeft === null) return 'none';
  if (daysLeft <= URGENT_DAYS) return 'urgent';
  if (daysLeft <= BANNER_DAYS) return 'soon';
  return 'ok';
}

const BADGE: Record<OutageJson['claimStatus'], string> = {
  claimable: 'info',
  claimed: 'ok',
  expired: 'danger',
  'not-qualifying': 'muted',
};

export function outageView(lang: Lang, outage: OutageJson, now: Instant) {
  const daysLeft =
    outage.claimStatus === 'claimable' && outage.claimDeadline !== null
      ? daysToDeadline(storedBusinessDate(outage.claimDeadline), now)
      : null;
  return {
    ...outage,
    statusLabel: translate(lang, `outageStatuses.${outage.claimStatus}`),
    statusBadge: BADGE[outage.claimStatus],
    whyNot: outage.qualifies
      ? null
      : translate(
          lang,
          outage.clockStart === null ? 'outage.neverKnown' : 'outage.under24h',
        ),
    daysLeft,
    daysLeftText:
      daysLeft === null
        ? null
        : daysLeft === 0
          ? translate(lang, 'outage.lastDay')
          : translate(lang, 'outage.daysLeft', { count: daysLeft }),
    urgency: urgencyOf(daysLeft),
    claimable: outage.claimStatus === 'claimable',
  };
}

const CLAIM_BADGE: Record<Claim['status'], string> = {
  'awaiting-resolution': 'warn',
  'pending-approval': 'info',
  approved: 'ok',
  rejected: 'danger',
};

export function claimView(lang: Lang, claim: Claim) {
  return {
    ...claim,
    statusLabel: translate(lang, `claimStatuses.${claim.status}`),
    statusBadge: CLAIM_BADGE[claim.status],
  };
}
