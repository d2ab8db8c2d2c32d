/** Qualifying outages nobody has claimed: every one, the nearest deadline first; a customer sees its own. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { listUnclaimedOutages } from '../../src/services/deadlines';
import {
  makeTestApp,
  seedContract,
  seedOutage,
  type TestApp,
} from '../support/app';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp({ now: '2026-03-01T12:00:00+09:00' });
});
afterEach(() => t.close());

const as = (
  role: 'finance' | 'customer',
  customerId: string | null = null,
) => ({
  store: t.store,
  clock: t.now,
  config: { policy: DEFAULT_POLICY, regions: ['jp-east', 'jp-west'] },
  actor: { userId: 'u', role, customerId },
});

describe('listUnclaimedOutages', () => {
  it('lists qualifying unclaimed outages by deadline, with the days left; claimed, short and expired ones are not there', async () => {
    const a = await seedContract(t, { contractNumber: 'A' });
    const b = await seedContract(t, { contractNumber: 'B' });
    await seedOutage(t, a.contractId, '2026-02-10', 30); // deadline 2026-05-11
    await seedOutage(t, b.contractId, '2026-01-05', 26); // deadline 2026-04-06
    await seedOutage(t, b.contractId, '2026-01-20', 5); // under 24 h
    await seedOutage(t, a.contractId, '2025-11-01', 25); // deadline 2026-02-02: expired
    await seedOutage(t, b.contractId, '2026-02-20', 48); // claimed below
    await t
      .as('support')
      .post('/claims', {
        contractId: b.contractId,
        outageStart: '2026-02-20T00:00:00+09:00',
      })
      .expect(201);

    const found = listUnclaimedOutages(as('finance'));
    expect(
      found.map((entry) => [
        entry.contractNumber,
        entry.outage.claimDeadline,
        entry.daysLeft,
      ]),
    ).toEqual([
      ['B', '2026-04-06', 36],
      ['A', '2026-05-11', 71],
    ]);
    expect(found[0]!.customerName).toBe('Example K.K.');
  });

  it('a customer sees its own contracts only', async () => {
    const mine = await seedContract(t, { contractNumber: 'MINE' });
    const theirs = await seedContract(t, { contractNumber: 'THEIRS' });
    await seedOutage(t, mine.contractId, '2026-02-10', 30);
    await seedOutage(t, theirs.contractId, '2026-02-10', 30);
    expect(
      listUnclaimedOutages(as('customer', mine.customerId)).map(
        (entry) => entry.contractNumber,
      ),
    ).toEqual(['MINE']);
  });
});
