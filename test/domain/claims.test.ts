import { describe, expect, it } from 'vitest';
import {
  assignClaims,
  type ClaimedOutageRef,
  outageOfClaim,
} from '../../src/domain/claims';
import { instantOf } from '../../src/domain/time';

const H = 3_600_000;
const outage = (start: number, end: number | null, qualifies = true) => ({
  start: instantOf(start * H),
  end: end === null ? null : instantOf(end * H),
  qualifies,
});
const claim = (
  id: string,
  start: number,
  end: number | null,
  decided = false,
): ClaimedOutageRef => ({
  id,
  outageStart: instantOf(start * H),
  lastOutage: { start: start * H, end: end === null ? Infinity : end * H },
  decided,
});

describe('outageOfClaim', () => {
  it('follows an outage whose start a correction moved past the instant claimed', () => {
    const moved = outage(3, 40);
    expect(outageOfClaim([moved], claim('a', 0, 40))).toBe(moved);
  });

  it('prefers the outage overlapping most of the last known one over one containing the instant claimed', () => {
    const blip = outage(0, 1, false);
    const real = outage(3, 40);
    expect(
      outageOfClaim([blip, real], {
        outageStart: instantOf(0),
        lastOutage: { start: 3 * H, end: 40 * H },
      }),
    ).toBe(real);
  });

  it('falls back to the outage containing the instant claimed when nothing is known of the last outage', () => {
    const real = outage(0, 30);
    expect(
      outageOfClaim([real], {
        outageStart: instantOf(5 * H),
        lastOutage: null,
      }),
    ).toBe(real);
    expect(
      outageOfClaim([real], {
        outageStart: instantOf(30 * H),
        lastOutage: null,
      }),
    ).toBeUndefined();
  });
});

describe('outageOfClaim, when two outages overlap the last known one equally', () => {
  it('picks the earlier, whatever order the outages come in', () => {
    const early = outage(0, 5);
    const late = outage(5, 10);
    const last = claim('a', 0, 10);
    expect(outageOfClaim([early, late], last)).toBe(early);
    expect(outageOfClaim([late, early], last)).toBe(early);
  });
});

describe('assignClaims', () => {
  it('keeps one claim per outage when a correction merges two claimed outages: the first filed keeps it', () => {
    const merged = outage(0, 80);
    const verdicts = assignClaims(
      [merged],
      [claim('first', 0, 36), claim('second', 48, 80)],
    );
    expect(verdicts.get('first')).toEqual({ kind: 'follows', outage: merged });
    expect(verdicts.get('second')).toEqual({
      kind: 'merged',
      outage: merged,
      intoClaimId: 'first',
    });
  });

  it('lets a decided claim keep its outage ahead of an open one filed earlier', () => {
    const merged = outage(0, 80);
    const verdicts = assignClaims(
      [merged],
      [claim('open', 0, 36), claim('approved', 48, 80, true)],
    );
    expect(verdicts.get('approved')).toEqual({
      kind: 'follows',
      outage: merged,
    });
    expect(verdicts.get('open')).toMatchObject({
      kind: 'merged',
      intoClaimId: 'approved',
    });
  });

  it('says when an outage vanished or no longer qualifies', () => {
    const short = outage(0, 5, false);
    const verdicts = assignClaims(
      [short],
      [claim('shrunk', 0, 30), claim('gone', 100, 140)],
    );
    expect(verdicts.get('shrunk')).toEqual({
      kind: 'no-longer-qualifies',
      outage: short,
    });
    expect(verdicts.get('gone')).toEqual({ kind: 'removed' });
  });

  it('does not depend on the order of the outages', () => {
    const a = outage(0, 30);
    const b = outage(40, 70);
    const claims = [claim('x', 0, 30), claim('y', 40, 70)];
    expect(assignClaims([a, b], claims)).toEqual(assignClaims([b, a], claims));
  });
});
