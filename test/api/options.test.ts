/** Multi-region options ending: on their own (Art. 6(4)) or with their contract, charged per Art. 10(2) / Annex 2 (2). */
import { afterEach, describe, expect, it } from 'vitest';
import {
  expectProblem,
  makeTestApp,
  seedContract,
  type TestApp,
} from '../support/app';

let t: TestApp;
afterEach(() => t?.close());

const westOption = (billingStartDate: string, monthlyFee = 20000) => ({
  kind: 'multi-region',
  regions: ['jp-west'],
  monthlyFee,
  billingStartDate,
});

describe('cancelling an option', () => {
  it('takes effect by the Art. 8 rule and charges the rest of its own minimum period', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t, {
      billingStartDate: '2025-04-01',
      options: [westOption('2026-01-20')],
    });
    const optionId = (
      await t.as('admin').get(`/contracts/${contractId}`).expect(200)
    ).body.options[0].id;
    // Notice 2025-12-25 → effective 2026-01-24. Minimum period 2026-01-20 → 02-19 (31 days); the rest is
    // 01-25 … 02-19 = 7 + 19 = 26 days: floor(20,000 × 26 / 31) = floor(16,774.19) = 16,774.
    const res = await t
      .as('support')
      .post(`/contracts/${contractId}/options/${optionId}/cancellation`, {
        noticeReceivedDate: '2025-12-25',
      })
      .expect(201);
    expect(res.body).toEqual({
      optionId,
      noticeReceivedDate: '2025-12-25',
      requestedDate: null,
      effectiveDate: '2026-01-24',
      minimumPeriodEnd: '2026-02-19',
      earlyTerminationCharge: 16774,
    });
    const contract = (
      await t.as('finance').get(`/contracts/${contractId}`).expect(200)
    ).body;
    expect(contract.options[0]).toMatchObject({
      endDate: '2026-01-24',
      cancellation: res.body,
    });
    expect(contract.terminationEffectiveDate).toBeNull();

    expectProblem(
      await t
        .as('support')
        .post(`/contracts/${contractId}/options/${optionId}/cancellation`, {
          noticeReceivedDate: '2026-01-05',
        }),
      409,
      'conflict',
    );
    expectProblem(
      await t
        .as('support')
        .post(`/contracts/${contractId}/options/nope/cancellation`, {
          noticeReceivedDate: '2026-01-05',
        }),
      404,
      'not-found',
    );
    expectProblem(
      await t
        .as('finance')
        .post(`/contracts/${contractId}/options/${optionId}/cancellation`, {
          noticeReceivedDate: '2026-01-05',
        }),
      403,
      'forbidden',
    );
  });

  it('refuses an option ending before its billing start', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t, {
      billingStartDate: '2025-04-01',
      options: [westOption('2026-03-01')],
    });
    const optionId = (
      await t.as('admin').get(`/contracts/${contractId}`).expect(200)
    ).body.options[0].id;
    const res = await t
      .as('admin')
      .post(`/contracts/${contractId}/options/${optionId}/cancellation`, {
        noticeReceivedDate: '2026-01-05',
      });
    expectProblem(res, 422, 'validation-failed');
    expect(res.body.errors[0].path).toBe('noticeReceivedDate');
  });

  it('once ended, the option no longer keeps the contract up while its own region is down (rule 2)', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t, {
      region: 'jp-east',
      billingStartDate: '2025-04-01',
      options: [westOption('2025-04-01')],
    });
    await t
      .as('support')
      .post('/incidents', {
        title: 'Tokyo gateways down',
        cause: 'provider',
        severity: 'total',
        scope: { regions: ['jp-east'] },
        awareAt: '2026-01-10T10:00:00+09:00',
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-11T16:00:00+09:00',
          },
        ],
      })
      .expect(201);
    const qualifying = async () =>
      (
        await t
          .as('support')
          .get(`/contracts/${contractId}/outages`)
          .expect(200)
      ).body.outages.filter((o: { qualifies: boolean }) => o.qualifies);
    expect(await qualifying()).toEqual([]);
    const optionId = (
      await t.as('admin').get(`/contracts/${contractId}`).expect(200)
    ).body.options[0].id;
    // Notice 2025-12-01 → the option ended 2025-12-31, before the outage: 30 h down, one day, on ¥100,000 → ¥3,333.
    await t
      .as('admin')
      .post(`/contracts/${contractId}/options/${optionId}/cancellation`, {
        noticeReceivedDate: '2025-12-01',
      })
      .expect(201);
    expect(await qualifying()).toMatchObject([
      {
        unavailableMs: 30 * 3_600_000,
        creditDays: 1,
        monthlyFeeBase: 100000,
        creditAmount: 3333,
      },
    ]);
  });
});

describe('cancelling a contract with options', () => {
  it('ends its options with it and charges each for the rest of its minimum period', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t, {
      billingStartDate: '2026-01-15',
      monthlyFee: 100000,
      options: [westOption('2026-01-15')],
    });
    const optionId = (
      await t.as('admin').get(`/contracts/${contractId}`).expect(200)
    ).body.options[0].id;
    // Notice 2026-01-01 → effective 2026-01-31; 14 of 31 days: basic floor(100,000 × 14/31) = 45,161,
    // option floor(20,000 × 14/31) = floor(9,032.26) = 9,032; together 54,193.
    const res = await t
      .as('admin')
      .post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2026-01-01',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      effectiveDate: '2026-01-31',
      earlyTerminationCharge: 45161,
      options: [
        {
          optionId,
          effectiveDate: '2026-01-31',
          minimumPeriodEnd: '2026-02-14',
          earlyTerminationCharge: 9032,
        },
      ],
      totalEarlyTerminationCharge: 54193,
    });
    expect(
      (await t.as('admin').get(`/contracts/${contractId}`).expect(200)).body
        .options[0].endDate,
    ).toBe('2026-01-31');
  });
});

describe('an option ordered for later', () => {
  it('is not charged when its contract ends before it begins', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t, {
      billingStartDate: '2025-04-01',
      options: [westOption('2026-03-01')],
    });
    const res = await t
      .as('admin')
      .post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2026-01-10',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      effectiveDate: '2026-02-09',
      earlyTerminationCharge: 0,
      options: [{ earlyTerminationCharge: 0 }],
      totalEarlyTerminationCharge: 0,
    });
  });
});
