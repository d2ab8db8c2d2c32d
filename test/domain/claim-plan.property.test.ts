/**
 * Properties of planClaimUpdates over random corrections: claims stored while following one set of outages
 * (or another, or an older state of the same), planned against a recomputed set on the same hour grid, in
 * every status a claim can have, with every resolution a correction can give.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyClaimUpdate,
  applyNoticeUpdate,
  type ClaimResolution,
  type ClaimStatus,
  planClaimUpdates,
  type StoredClaim,
  type StoredNotice,
} from '../../src/domain/claim-plan';
import { outageOfClaim } from '../../src/domain/claims';
import { noticeFactsOf } from '../../src/domain/credit-notices';
import type { Outage } from '../../src/domain/outages';
import { instantOf } from '../../src/domain/time';
import {
  H,
  outage,
  storedClaim,
  storedNotice,
  TAX_PERCENT,
} from './claim-plan-fixtures';

const RUNS = 400;

/** Disjoint outages by start, the last one perhaps still going on at asOf. */
const outagesArb = fc
  .record({
    specs: fc.array(
      fc.record({
        gap: fc.integer({ min: 1, max: 48 }),
        length: fc.integer({ min: 1, max: 96 }),
        knownAfter: fc.option(fc.integer({ min: 0, max: 30 }), {
          nil: null,
          freq: 6,
        }),
        fee: fc.constantFrom(100_000, 300_000),
        incidentIds: fc.subarray(['i1', 'i2', 'i3'], { minLength: 1 }),
      }),
      { maxLength: 5 },
    ),
    lastOngoing: fc.boolean(),
    tail: fc.integer({ min: 0, max: 48 }),
  })
  .map(({ specs, lastOngoing, tail }) => {
    let t = 0;
    const spans = specs.map((spec) => {
      const start = t + spec.gap * H;
      t = start + spec.length * H;
      return { spec, start, end: t };
    });
    const asOf = lastOngoing ? t : t + tail * H;
    const outages = spans.map(({ spec, start, end }, i) => {
      const known =
        spec.knownAfter === null ? null : start + spec.knownAfter * H;
      return outage({
        start,
        end: lastOngoing && i === spans.length - 1 ? null : end,
        asOf,
        clockStart: known !== null && known < end ? known : null,
        fee: spec.fee,
        incidentIds: spec.incidentIds,
      });
    });
    return { outages, asOf };
  });

const claimSpecArb = fc.record({
  from: fc.constantFrom('before', 'after'),
  index: fc.nat(),
  status: fc.constantFrom<ClaimStatus>(
    'awaiting-resolution',
    'pending-approval',
    'approved',
    'rejected',
  ),
  resolution: fc.constantFrom('merged', 'removed', 'no-longer-qualifies'),
  into: fc.nat(),
  /** none; a notice as its status has it; or one with a first approval (approved claims: voided). */
  notice: fc.constantFrom('none', 'kept', 'approved-once'),
});

/** The notice a claim in `status` can have when it last followed `followed`. */
function noticeOf(
  claimId: string,
  followed: Outage,
  status: ClaimStatus,
  resolution: ClaimResolution | undefined,
  kind: 'none' | 'kept' | 'approved-once',
): StoredNotice | null {
  if (kind === 'none' || followed.end === null || !followed.qualifies)
    return null;
  switch (status) {
    case 'awaiting-resolution':
      return null;
    case 'pending-approval':
      return storedNotice(claimId, followed, {
        approvals: kind === 'approved-once' ? 1 : 0,
      });
    case 'approved':
      return storedNotice(claimId, followed, {
        status: kind === 'approved-once' ? 'void' : 'approved',
        approvals: 1,
      });
    case 'rejected':
      return storedNotice(claimId, followed, {
        withdrawal: resolution!.code,
      });
  }
}

const scenarioArb = fc
  .record({
    before: outagesArb,
    after: outagesArb,
    specs: fc.array(claimSpecArb, { maxLength: 6 }),
  })
  .map(({ before, after, specs }) => {
    const claims: StoredClaim[] = [];
    specs.forEach((spec, i) => {
      const { outages, asOf } = spec.from === 'before' ? before : after;
      const followed = outages[spec.index % Math.max(outages.length, 1)];
      if (followed === undefined) return;
      const resolution: ClaimResolution | undefined =
        spec.status !== 'rejected'
          ? undefined
          : spec.resolution === 'merged'
            ? { code: 'merged', intoClaimId: `c${spec.into % specs.length}` }
            : { code: spec.resolution };
      claims.push(
        storedClaim(`c${i}`, followed, asOf, {
          status: spec.status,
          resolution,
          notice: noticeOf(
            `c${i}`,
            followed,
            spec.status,
            resolution,
            spec.notice,
          ),
        }),
      );
    });
    return { claims, outages: after.outages, asOf: instantOf(after.asOf) };
  })
  .chain((scenario) =>
    fc
      .shuffledSubarray(scenario.outages, {
        minLength: scenario.outages.length,
      })
      .map((shuffled) => ({ ...scenario, shuffled })),
  );

function applied(
  claims: readonly StoredClaim[],
  plan: ReturnType<typeof planClaimUpdates>,
): StoredClaim[] {
  const byId = new Map(plan.updates.map((update) => [update.claimId, update]));
  const noticeById = new Map(
    plan.noticeUpdates.map((update) => [update.claimId, update]),
  );
  return claims.map((claim) => {
    const update = byId.get(claim.id);
    const updated =
      update === undefined ? claim : applyClaimUpdate(claim, update);
    const notice = noticeById.get(claim.id);
    return notice === undefined
      ? updated
      : applyNoticeUpdate(updated, notice, `new-${claim.id}`);
  });
}

/** Its notice approved: it never changes. */
const isDecided = (claim: StoredClaim) =>
  claim.status === 'approved' && claim.notice?.status !== 'void';

const isOpen = (claim: StoredClaim) =>
  claim.status === 'awaiting-resolution' || claim.status === 'pending-approval';

describe('planClaimUpdates properties', () => {
  it('never updates a claim whose notice is approved, and changes an approved notice only in its discrepancy', () => {
    fc.assert(
      fc.property(scenarioArb, ({ claims, outages, asOf }) => {
        const approved = new Set(claims.filter(isDecided).map((c) => c.id));
        const { updates, noticeUpdates } = planClaimUpdates({
          claims,
          outages,
          asOf,
          taxRatePercent: TAX_PERCENT,
        });
        expect(updates.filter((u) => approved.has(u.claimId))).toEqual([]);
        for (const update of noticeUpdates.filter(
          (u) => u.before?.status === 'approved',
        )) {
          expect(update.reason).toBe('discrepancy');
          expect({ ...update.after, discrepancy: null }).toEqual({
            ...update.before,
            discrepancy: null,
          });
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves every claim with finance with a notice pending approval that shows its outage, and no other claim with one', () => {
    fc.assert(
      fc.property(scenarioArb, ({ claims, outages, asOf }) => {
        const after = applied(
          claims,
          planClaimUpdates({
            claims,
            outages,
            asOf,
            taxRatePercent: TAX_PERCENT,
          }),
        );
        for (const claim of after.filter((c) => !isDecided(c))) {
          if (claim.status === 'pending-approval') {
            const followed = outages.find(
              (o) => o.start === claim.outage.start,
            )!;
            expect(claim.notice).toMatchObject({
              status: 'pending-approval',
              withdrawal: null,
              facts: noticeFactsOf(followed, TAX_PERCENT),
            });
          } else {
            expect(claim.notice?.status).not.toBe('pending-approval');
          }
          if (claim.notice?.status === 'rejected')
            expect(claim.notice.withdrawal).not.toBeNull();
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('is idempotent: once applied, planning again gives no updates', () => {
    fc.assert(
      fc.property(scenarioArb, ({ claims, outages, asOf }) => {
        const after = applied(
          claims,
          planClaimUpdates({
            claims,
            outages,
            asOf,
            taxRatePercent: TAX_PERCENT,
          }),
        );
        expect(
          planClaimUpdates({
            claims: after,
            outages,
            asOf,
            taxRatePercent: TAX_PERCENT,
          }).updates,
        ).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves at most one open-or-approved claim per outage, each open one on a qualifying outage it follows', () => {
    fc.assert(
      fc.property(scenarioArb, ({ claims, outages, asOf }) => {
        const after = applied(
          claims,
          planClaimUpdates({
            claims,
            outages,
            asOf,
            taxRatePercent: TAX_PERCENT,
          }),
        );
        for (const candidate of outages) {
          const open = after.filter(
            (c) => isOpen(c) && c.outage.start === candidate.start,
          );
          const approved = after.filter(
            (c) =>
              c.status === 'approved' &&
              outageOfClaim(outages, {
                outageStart: c.outage.start,
                lastOutage: {
                  start: c.outage.start,
                  end: c.outage.end ?? c.outage.knownUpTo,
                },
              }) === candidate,
          );
          // Two approved claims on one outage can only come from the input: approved claims never change.
          expect(
            open.length + Math.min(approved.length, 1),
          ).toBeLessThanOrEqual(1);
        }
        for (const claim of after.filter(isOpen)) {
          const followed = outages.find((o) => o.start === claim.outage.start);
          expect(followed?.qualifies).toBe(true);
          expect(claim.outage.end).toBe(followed!.end);
          expect(claim.status).toBe(
            followed!.ongoing ? 'awaiting-resolution' : 'pending-approval',
          );
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('does not depend on the order of the outages', () => {
    fc.assert(
      fc.property(scenarioArb, ({ claims, outages, shuffled, asOf }) => {
        const plan = planClaimUpdates({
          claims,
          outages,
          asOf,
          taxRatePercent: TAX_PERCENT,
        });
        const reordered = planClaimUpdates({
          claims,
          outages: shuffled as Outage[],
          asOf,
          taxRatePercent: TAX_PERCENT,
        });
        expect(reordered.updates).toEqual(plan.updates);
        expect(reordered.noticeUpdates).toEqual(plan.noticeUpdates);
        expect([...reordered.holders].sort(byStart)).toEqual(
          [...plan.holders].sort(byStart),
        );
      }),
      { numRuns: RUNS },
    );
  });
});

const byStart = (a: [Outage, string], b: [Outage, string]) =>
  a[0].start - b[0].start;
