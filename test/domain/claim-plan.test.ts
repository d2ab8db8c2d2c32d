import { describe, expect, it } from 'vitest';
import {
  applyClaimUpdate,
  claimResolutionText,
  claimUpdateText,
  planClaimUpdates,
  type StoredClaim,
} from '../../src/domain/claim-plan';
import type { Outage } from '../../src/domain/outages';
import { H, outage, storedClaim, TAX_PERCENT } from './claim-plan-fixtures';

const plan = (claims: StoredClaim[], outages: Outage[], asOf: number) =>
  planClaimUpdates({ claims, outages, asOf, taxRatePercent: TAX_PERCENT });

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
      { ...before, claimDeadline: '2026-04-12' },
      60 * H,
    );
    const extended = { ...before, claimDeadline: '2026-04-13' };
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
