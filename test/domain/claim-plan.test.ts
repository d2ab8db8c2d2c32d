import { describe, expect, it } from 'vitest';
import {
  applyClaimUpdate,
  applyNoticeUpdate,
  claimResolutionText,
  claimUpdateText,
  noticeUpdateText,
  planClaimUpdates,
  type StoredClaim,
} from '../../src/domain/claim-plan';
import { discrepancyOf, noticeFactsOf } from '../../src/domain/credit-notices';
import type { Outage } from '../../src/domain/outages';
import { instantOf, parseBusinessDate } from '../../src/domain/time';
import {
  H,
  outage,
  storedClaim,
  storedNotice,
  TAX_PERCENT,
} from './claim-plan-fixtures';

const plan = (claims: StoredClaim[], outages: Outage[], asOf: number) =>
  planClaimUpdates({
    claims,
    outages,
    asOf: instantOf(asOf),
    taxRatePercent: TAX_PERCENT,
  });

describe('planClaimUpdates: time alone', () => {
  it('plans nothing for a claim on an ongoing outage whose running figures grew', () => {
    const filed = outage({ start: 0, end: null, asOf: 30 * H });
    const claim = storedClaim('a', filed, 30 * H);
    const later = outage({ start: 0, end: null, asOf: 80 * H });
    expect(later.creditAmount).not.toBe(filed.creditAmount);
    const { updates, holders } = plan([claim], [later], 80 * H);
    expect(updates).toEqual([]);
    expect(holders.get(later)).toBe('a');
  });

  it('plans nothing for a rejected claim on an ongoing outage still under 24 h, however long it grows below it', () => {
    const cut = outage({
      start: 0,
      end: null,
      asOf: 30 * H,
      clockStart: 10 * H,
    });
    const claim = storedClaim('a', cut, 30 * H, {
      resolution: { code: 'no-longer-qualifies' },
    });
    for (const asOf of [31 * H, 33 * H + 59 * 60_000]) {
      const grown = outage({ start: 0, end: null, asOf, clockStart: 10 * H });
      expect(plan([claim], [grown], asOf).updates).toEqual([]);
    }
  });

  it('reinstates it when the ongoing outage grows back over 24 h', () => {
    const cut = outage({
      start: 0,
      end: null,
      asOf: 30 * H,
      clockStart: 10 * H,
    });
    const claim = storedClaim('a', cut, 30 * H, {
      resolution: { code: 'no-longer-qualifies' },
    });
    const over = outage({
      start: 0,
      end: null,
      asOf: 34 * H,
      clockStart: 10 * H,
    });
    const { updates } = plan([claim], [over], 34 * H);
    expect(updates).toMatchObject([
      {
        claimId: 'a',
        reason: 'reinstated',
        before: { status: 'rejected' },
        after: {
          status: 'awaiting-resolution',
          resolution: null,
          outage: { qualifies: true, knownUpTo: 34 * H, unavailableMs: 24 * H },
        },
        outage: over,
      },
    ]);
  });

  it('moves an awaiting claim to finance when its outage ends, and back when a correction says it goes on', () => {
    const ongoing = outage({ start: 0, end: null, asOf: 30 * H });
    const ended = outage({ start: 0, end: 50 * H });
    const awaiting = storedClaim('a', ongoing, 30 * H);
    const [end] = plan([awaiting], [ended], 60 * H).updates;
    expect(end).toMatchObject({
      reason: 'outage-ended',
      before: { status: 'awaiting-resolution' },
      after: { status: 'pending-approval', outage: { end: 50 * H } },
    });
    const pending = applyClaimUpdate(awaiting, end!);
    const reopened = outage({ start: 0, end: null, asOf: 70 * H });
    expect(plan([pending], [reopened], 70 * H).updates).toMatchObject([
      { reason: 'outage-resumed', after: { status: 'awaiting-resolution' } },
    ]);
  });
});

describe('planClaimUpdates: corrections', () => {
  it('rejects the later of two claims whose outages a correction merged, naming the claim that keeps it', () => {
    const first = outage({ start: 0, end: 36 * H });
    const second = outage({ start: 48 * H, end: 84 * H });
    const merged = outage({ start: 0, end: 84 * H });
    const claims = [
      storedClaim('a', first, 40 * H),
      storedClaim('b', second, 90 * H),
    ];
    const { updates, holders } = plan(claims, [merged], 100 * H);
    expect(holders.get(merged)).toBe('a');
    expect(updates).toMatchObject([
      {
        claimId: 'a',
        reason: 'follows',
        after: { status: 'pending-approval', outage: { creditDays: 3 } },
      },
      {
        claimId: 'b',
        reason: 'merged',
        after: {
          status: 'rejected',
          resolution: { code: 'merged', intoClaimId: 'a' },
          // It keeps the outage it followed.
          outage: claims[1]!.outage,
        },
        outage: null,
      },
    ]);
  });

  it('rejects a claim whose outage vanished, or no longer qualifies', () => {
    const gone = outage({ start: 100 * H, end: 140 * H });
    const shrunk = outage({ start: 0, end: 30 * H });
    const short = outage({ start: 0, end: 5 * H });
    const { updates } = plan(
      [storedClaim('a', shrunk, 40 * H), storedClaim('b', gone, 150 * H)],
      [short],
      200 * H,
    );
    expect(updates.map((u) => [u.claimId, u.reason, u.after.status])).toEqual([
      ['a', 'no-longer-qualifies', 'rejected'],
      ['b', 'removed', 'rejected'],
    ]);
  });

  it('follows a back-dated fee change, and a change of the incidents that make the outage', () => {
    const before = outage({ start: 0, end: 50 * H });
    const claim = storedClaim('a', before, 60 * H);
    const dearer = outage({ start: 0, end: 50 * H, fee: 300_000 });
    expect(plan([claim], [dearer], 70 * H).updates).toMatchObject([
      { reason: 'follows', after: { outage: { creditAmount: 20_000 } } },
    ]);
    const joined = outage({ start: 0, end: 50 * H, incidentIds: ['i1', 'i2'] });
    const [follows] = plan([claim], [joined], 70 * H).updates;
    expect(follows).toMatchObject({ reason: 'follows' });
    // The same incidents in another order are the same outage.
    const reordered = outage({
      start: 0,
      end: 50 * H,
      incidentIds: ['i2', 'i1'],
    });
    expect(
      plan([applyClaimUpdate(claim, follows!)], [reordered], 80 * H).updates,
    ).toEqual([]);
  });

  it('follows a deadline that a change of policy moved', () => {
    const before = outage({ start: 0, end: 50 * H });
    const claim = storedClaim(
      'a',
      { ...before, claimDeadline: parseBusinessDate('2026-04-12') },
      60 * H,
    );
    const extended = {
      ...before,
      claimDeadline: parseBusinessDate('2026-04-13'),
    };
    expect(plan([claim], [extended], 70 * H).updates).toMatchObject([
      { reason: 'follows', after: { outage: { claimDeadline: '2026-04-13' } } },
    ]);
  });

  it('never changes an approved claim, which keeps its outage ahead of an open one filed earlier', () => {
    const merged = outage({ start: 0, end: 80 * H });
    const open = storedClaim('open', outage({ start: 0, end: 36 * H }), 40 * H);
    const approved = storedClaim(
      'approved',
      outage({ start: 48 * H, end: 80 * H }),
      90 * H,
      { status: 'approved' },
    );
    const { updates, holders } = plan([open, approved], [merged], 100 * H);
    expect(holders.get(merged)).toBe('approved');
    expect(updates.map((u) => [u.claimId, u.reason])).toEqual([
      ['open', 'merged'],
    ]);
  });
});

describe('the words of a plan', () => {
  const ended = outage({ start: 0, end: 4.5 * H });
  const ongoing = outage({ start: 0, end: null, asOf: 20 * H });
  const stored = (o: Outage, at: number) => storedClaim('x', o, at).outage;

  it('renders each resolution from its code and the outage the claim follows', () => {
    expect(
      claimResolutionText(
        { code: 'merged', intoClaimId: 'c-1' },
        stored(ended, 10 * H),
      ),
    ).toBe('a correction merged its outage into the outage of claim c-1');
    expect(
      claimResolutionText({ code: 'removed' }, stored(ended, 10 * H)),
    ).toBe('a correction removed its outage');
    expect(
      claimResolutionText(
        { code: 'no-longer-qualifies' },
        stored(ended, 10 * H),
      ),
    ).toBe(
      'after a correction the outage no longer qualifies: its unavailable time is 4 h 30 min',
    );
    // An ongoing outage's time is the one stored, as of when it was computed: the words do not grow.
    expect(
      claimResolutionText(
        { code: 'no-longer-qualifies' },
        stored(ongoing, 20 * H),
      ),
    ).toBe(
      'after a correction the outage no longer qualifies: its unavailable time was 20 h 0 min at 1970-01-01T20:00:00.000Z, and it goes on',
    );
  });

  it('renders each update from its reason', () => {
    const claim = storedClaim('a', ongoing, 20 * H);
    const over = outage({ start: 0, end: 30 * H });
    const [ending] = plan([claim], [over], 40 * H).updates;
    expect(claimUpdateText(ending!)).toBe('its outage ended');
    const [removed] = plan([claim], [], 40 * H).updates;
    expect(claimUpdateText(removed!)).toBe('a correction removed its outage');
  });
});

describe('planClaimUpdates: credit notices', () => {
  const ended = outage({ start: 0, end: 48 * H });
  const longer = outage({ start: 0, end: 72 * H });
  const short = outage({ start: 0, end: 10 * H });

  it('prepares a notice for a claim that goes to finance, showing its figures', () => {
    const claim = storedClaim('a', ended, 50 * H);
    const { updates, noticeUpdates } = plan([claim], [ended], 60 * H);
    expect(updates).toEqual([]);
    expect(noticeUpdates).toEqual([
      {
        claimId: 'a',
        noticeId: null,
        reason: 'prepared',
        correctsNoticeId: null,
        before: null,
        after: {
          status: 'pending-approval',
          facts: noticeFactsOf(ended, TAX_PERCENT),
          withdrawal: null,
          discrepancy: null,
        },
        withdrawsApprovals: false,
        outage: ended,
      },
    ]);
  });

  it('plans nothing for a notice that already shows its outage, nor for a claim still waiting', () => {
    const pending = storedClaim('a', ended, 50 * H, {
      notice: storedNotice('a', ended, { approvals: 1 }),
    });
    const ongoing = outage({ start: 100 * H, end: null, asOf: 130 * H });
    const awaiting = storedClaim('b', ongoing, 130 * H);
    const later = outage({ start: 100 * H, end: null, asOf: 200 * H });
    expect(
      plan([pending, awaiting], [ended, later], 200 * H).noticeUpdates,
    ).toEqual([]);
  });

  it('follows new figures and withdraws approvals given to the old ones', () => {
    const claim = storedClaim('a', ended, 50 * H, {
      notice: storedNotice('a', ended, { approvals: 1 }),
    });
    const [update] = plan([claim], [longer], 80 * H).noticeUpdates;
    expect(update).toMatchObject({
      noticeId: 'n-a',
      reason: 'follows',
      withdrawsApprovals: true,
      after: { facts: { figures: { creditDays: 3, amount: 10_000 } } },
    });
    expect(noticeUpdateText(update!)).toMatch(/approvals .* withdrawn/);
    // Only the incidents changed: nothing printed did, so the approval holds.
    const [relabelled] = plan(
      [claim],
      [{ ...ended, incidentIds: ['i1', 'i2'] }],
      80 * H,
    ).noticeUpdates;
    expect(relabelled).toMatchObject({
      reason: 'follows',
      withdrawsApprovals: false,
    });
  });

  it('withdraws the notice when its claim is rejected or its outage goes on, and reinstates it', () => {
    const claim = storedClaim('a', ended, 50 * H, {
      notice: storedNotice('a', ended, { approvals: 1 }),
    });
    const [cut] = plan([claim], [short], 80 * H).noticeUpdates;
    expect(cut).toMatchObject({
      reason: 'withdrawn',
      withdrawsApprovals: true,
      after: {
        status: 'rejected',
        withdrawal: 'no-longer-qualifies',
        facts: noticeFactsOf(ended, TAX_PERCENT),
      },
    });
    const resumed = outage({ start: 0, end: null, asOf: 80 * H });
    expect(plan([claim], [resumed], 80 * H).noticeUpdates).toMatchObject([
      { reason: 'withdrawn', after: { withdrawal: 'outage-ongoing' } },
    ]);
    const withdrawn = storedClaim('a', short, 80 * H, {
      resolution: { code: 'no-longer-qualifies' },
      notice: storedNotice('a', ended, { withdrawal: 'no-longer-qualifies' }),
    });
    expect(plan([withdrawn], [longer], 90 * H).noticeUpdates).toMatchObject([
      {
        reason: 'reinstated',
        after: {
          status: 'pending-approval',
          withdrawal: null,
          facts: noticeFactsOf(longer, TAX_PERCENT),
        },
      },
    ]);
  });

  it('withdraws the notice of a claim merged into another', () => {
    const first = storedClaim('a', ended, 50 * H, {
      notice: storedNotice('a', ended),
    });
    const secondOutage = outage({ start: 60 * H, end: 100 * H });
    const second = storedClaim('b', secondOutage, 110 * H, {
      notice: storedNotice('b', secondOutage),
    });
    const merged = outage({ start: 0, end: 100 * H });
    expect(
      plan([first, second], [merged], 120 * H).noticeUpdates.map((u) => [
        u.claimId,
        u.reason,
        u.after.withdrawal,
      ]),
    ).toEqual([
      ['a', 'follows', null],
      ['b', 'withdrawn', 'merged'],
    ]);
  });

  it('never changes an approved notice but its discrepancy, set and cleared, and never its claim', () => {
    const approved = storedClaim('a', ended, 50 * H, {
      status: 'approved',
      notice: storedNotice('a', ended, { status: 'approved', approvals: 1 }),
    });
    const { updates, noticeUpdates } = plan([approved], [longer], 80 * H);
    expect(updates).toEqual([]);
    expect(noticeUpdates).toHaveLength(1);
    const [found] = noticeUpdates;
    expect(found!.after).toEqual({
      ...found!.before,
      discrepancy: discrepancyOf(approved.notice!.facts, longer),
    });
    const withDiscrepancy = applyNoticeUpdate(approved, found!, 'unused');
    expect(plan([withDiscrepancy], [longer], 90 * H).noticeUpdates).toEqual([]);
    const [cleared] = plan([withDiscrepancy], [ended], 90 * H).noticeUpdates;
    expect(cleared!.after.discrepancy).toBeNull();
    expect(noticeUpdateText(cleared!)).toMatch(/restored/);
  });

  it('lets a claim whose approved notice was voided follow its outage again, with a correcting notice', () => {
    const voided = storedClaim('a', ended, 50 * H, {
      status: 'approved',
      notice: storedNotice('a', ended, { status: 'void', approvals: 1 }),
    });
    const { updates, noticeUpdates } = plan([voided], [longer], 80 * H);
    expect(updates).toMatchObject([
      {
        reason: 'notice-voided',
        before: { status: 'approved' },
        after: { status: 'pending-approval' },
      },
    ]);
    expect(noticeUpdates).toMatchObject([
      {
        noticeId: null,
        reason: 'prepared',
        correctsNoticeId: 'n-a',
        after: { facts: noticeFactsOf(longer, TAX_PERCENT) },
      },
    ]);
    // No longer qualifying: the claim is rejected with the reason, and no notice is prepared.
    const gone = plan([voided], [short], 80 * H);
    expect(gone.updates).toMatchObject([
      { reason: 'no-longer-qualifies', after: { status: 'rejected' } },
    ]);
    expect(gone.noticeUpdates).toEqual([]);
  });
});
