/**
 * Customers and contracts: Art. 3 parameters, Art. 1 minimum period, Art. 5 fee changes, Art. 8
 * cancellation and the Art. 10 / Annex 2 charge, and rule 3 (no outage after the termination day).
 * Every expected figure is worked out by hand from SPEC.md in the comment beside it.
 */
import type request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expectProblem,
  makeTestApp,
  seedContract,
  type TestApp,
} from '../support/app';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
});
afterEach(() => t.close());

function expectFieldError(res: request.Response, path: string) {
  expectProblem(res, 422, 'validation-failed');
  expect(res.body.errors, JSON.stringify(res.body)).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ path, message: expect.any(String) }),
    ]),
  );
  // Only the field that is wrong is named.
  expect(
    res.body.errors.every((error: { path: string }) => error.path === path),
    JSON.stringify(res.body.errors),
  ).toBe(true);
}

const count = (table: string) =>
  (
    t.store.sqlite.prepare(`select count(*) as n from ${table}`).get() as {
      n: number;
    }
  ).n;

async function newCustomer(name = 'Example K.K.'): Promise<string> {
  return (await t.as('admin').post('/customers', { name }).expect(201)).body.id;
}

const contractBody = (
  customerId: string,
  overrides: Record<string, unknown> = {},
) => ({
  customerId,
  contractNumber: 'C-0001',
  licenses: 500,
  concurrentDevices: 2000,
  servers: 2,
  region: 'jp-east',
  redundancy: true,
  billingStartDate: '2026-01-31',
  monthlyFee: 100000,
  ...overrides,
});

describe('customers', () => {
  it('creates, lists and gets a customer', async () => {
    const created = await t
      .as('support')
      .post('/customers', {
        name: 'Kabushiki Gaisha A',
        email: 'info@a.example.jp',
        address: 'Chiyoda, Tokyo',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      name: 'Kabushiki Gaisha A',
      email: 'info@a.example.jp',
      address: 'Chiyoda, Tokyo',
    });
    // Instants come out in UTC: the test clock is 2026-02-01 00:00 JST.
    expect(created.body.createdAt).toBe('2026-01-31T15:00:00.000Z');
    await t.as('finance').post('/customers', { name: 'B Corp' }).expect(201);

    const listed = await t.as('finance').get('/customers').expect(200);
    expect(
      listed.body.map((customer: { name: string }) => customer.name).sort(),
    ).toEqual(['B Corp', 'Kabushiki Gaisha A']);
    const got = await t
      .as('admin')
      .get(`/customers/${created.body.id}`)
      .expect(200);
    expect(got.body).toEqual(created.body);
  });

  it('refuses a customer without a name with 422 naming name, and saves nothing', async () => {
    for (const body of [
      {},
      { name: '' },
      { name: '   ' },
      { email: 'x@example.jp' },
    ])
      expectFieldError(await t.as('admin').post('/customers', body), 'name');
    expect(count('customers')).toBe(0);
  });

  it('answers 404 for an unknown customer', async () => {
    expectProblem(
      await t.as('admin').get('/customers/does-not-exist'),
      404,
      'not-found',
    );
  });
});

describe('POST /contracts (Art. 1, Art. 3)', () => {
  it('creates a contract with its minimum period end: billing start 2026-01-31 → 2026-02-28 (Art. 1)', async () => {
    const customerId = await newCustomer();
    const res = await t
      .as('admin')
      .post('/contracts', contractBody(customerId))
      .expect(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      customerId,
      contractNumber: 'C-0001',
      licenses: 500,
      concurrentDevices: 2000,
      servers: 2,
      region: 'jp-east',
      redundancy: true,
      billingStartDate: '2026-01-31',
      monthlyFee: 100000,
      currentMonthlyFee: 100000,
      feeChanges: [],
      options: [],
      minimumPeriodEnd: '2026-02-28',
      terminationEffectiveDate: null,
      cancellation: null,
    });
    const got = await t
      .as('finance')
      .get(`/contracts/${res.body.id}`)
      .expect(200);
    expect(got.body).toEqual(res.body);
  });

  it('accepts the bounds of Art. 3: 100 and 65,000 licences, 15,000 devices, 1 and 10 servers, a multi-region option', async () => {
    const customerId = await newCustomer();
    await t
      .as('admin')
      .post(
        '/contracts',
        contractBody(customerId, {
          contractNumber: 'LOW',
          licenses: 100,
          servers: 1,
          concurrentDevices: 5000,
        }),
      )
      .expect(201);
    const high = await t
      .as('admin')
      .post(
        '/contracts',
        contractBody(customerId, {
          contractNumber: 'HIGH',
          licenses: 65000,
          servers: 10,
          concurrentDevices: 15000,
          redundancy: false,
          billingStartDate: '2026-01-15',
          options: [
            {
              kind: 'multi-region',
              regions: ['jp-west'],
              monthlyFee: 20000,
              billingStartDate: '2026-01-20',
            },
          ],
        }),
      )
      .expect(201);
    // 2026-01-15 → the day before 15 February.
    expect(high.body.minimumPeriodEnd).toBe('2026-02-14');
    expect(high.body.options).toEqual([
      expect.objectContaining({
        kind: 'multi-region',
        regions: ['jp-west'],
        monthlyFee: 20000,
        billingStartDate: '2026-01-20',
        endDate: null,
      }),
    ]);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['licences below 100', { licenses: 50 }, 'licenses'],
    ['licences above 65,000', { licenses: 65100 }, 'licenses'],
    ['licences not a multiple of 100', { licenses: 150 }, 'licenses'],
    ['licences not an integer', { licenses: 100.5 }, 'licenses'],
    [
      '3,000 concurrent devices',
      { concurrentDevices: 3000 },
      'concurrentDevices',
    ],
    ['0 servers', { servers: 0 }, 'servers'],
    ['11 servers', { servers: 11 }, 'servers'],
    ['a region not configured', { region: 'us-east' }, 'region'],
    [
      'an option region equal to its own',
      {
        options: [
          {
            kind: 'multi-region',
            regions: ['jp-east'],
            monthlyFee: 20000,
            billingStartDate: '2026-02-01',
          },
        ],
      },
      'options[0].regions[0]',
    ],
    [
      'an option region not configured',
      {
        options: [
          {
            kind: 'multi-region',
            regions: ['jp-north'],
            monthlyFee: 20000,
            billingStartDate: '2026-02-01',
          },
        ],
      },
      'options[0].regions[0]',
    ],
    [
      'an impossible date',
      { billingStartDate: '2026-02-30' },
      'billingStartDate',
    ],
    [
      'a date in another format',
      { billingStartDate: '2026/01/31' },
      'billingStartDate',
    ],
    ['a fractional fee', { monthlyFee: 1.5 }, 'monthlyFee'],
    ['a negative fee', { monthlyFee: -1 }, 'monthlyFee'],
    ['a fee given as a string', { monthlyFee: '100000' }, 'monthlyFee'],
    ['redundancy not a boolean', { redundancy: 'yes' }, 'redundancy'],
    ['an unknown customer', { customerId: 'no-such-customer' }, 'customerId'],
  ];
  for (const [what, overrides, path] of invalid) {
    it(`refuses ${what} with 422 naming ${path}`, async () => {
      const customerId = await newCustomer();
      const res = await t
        .as('admin')
        .post('/contracts', contractBody(customerId, overrides));
      expectFieldError(res, path);
      expect(count('contracts')).toBe(0);
      expect(count('contract_options')).toBe(0);
    });
  }

  it('refuses a duplicate contract number with 409 conflict', async () => {
    const customerId = await newCustomer();
    await t
      .as('admin')
      .post('/contracts', contractBody(customerId))
      .expect(201);
    const res = await t
      .as('admin')
      .post('/contracts', contractBody(customerId, { licenses: 1000 }));
    expectProblem(res, 409, 'conflict');
    expect(count('contracts')).toBe(1);
  });
});

describe('fee changes (Art. 5)', () => {
  const incident = (contractId: string, start: string, end: string) => ({
    title: 'Gateway down',
    cause: 'provider',
    severity: 'total',
    scope: { contractIds: [contractId] },
    awareAt: start,
    intervals: [{ start, end }],
  });

  it('shows a fee change, and a past outage keeps the fee then in effect while a later one uses the new fee', async () => {
    const { contractId } = await seedContract(t, {
      billingStartDate: '2025-04-01',
      monthlyFee: 100000,
    });
    const changed = await t
      .as('admin')
      .post(`/contracts/${contractId}/fee-changes`, {
        effectiveDate: '2026-01-15',
        monthlyFee: 150000,
      })
      .expect(201);
    expect(changed.body.feeChanges).toEqual([
      { effectiveDate: '2026-01-15', monthlyFee: 150000 },
    ]);
    // Today (2026-02-01) the new fee is in effect; the contract's own fee is unchanged.
    expect(changed.body).toMatchObject({
      monthlyFee: 100000,
      currentMonthlyFee: 150000,
    });
    const got = await t
      .as('support')
      .get(`/contracts/${contractId}`)
      .expect(200);
    expect(got.body.feeChanges).toEqual([
      { effectiveDate: '2026-01-15', monthlyFee: 150000 },
    ]);

    // Before the change: 5 January, 48 h → 2 days × 100,000 / 30 = 6,666.67 → 6,666.
    await t
      .as('support')
      .post(
        '/incidents',
        incident(
          contractId,
          '2026-01-05T10:00:00+09:00',
          '2026-01-07T10:00:00+09:00',
        ),
      )
      .expect(201);
    // After it: 20 January, 48 h → 2 days × 150,000 / 30 = 10,000.
    await t
      .as('support')
      .post(
        '/incidents',
        incident(
          contractId,
          '2026-01-20T10:00:00+09:00',
          '2026-01-22T10:00:00+09:00',
        ),
      )
      .expect(201);
    const outages = await t
      .as('support')
      .get(`/contracts/${contractId}/outages`)
      .expect(200);
    expect(outages.body.outages).toHaveLength(2);
    expect(outages.body.outages[0]).toMatchObject({
      start: '2026-01-05T01:00:00.000Z',
      creditDays: 2,
      monthlyFeeBase: 100000,
      creditAmount: 6666,
    });
    expect(outages.body.outages[1]).toMatchObject({
      start: '2026-01-20T01:00:00.000Z',
      creditDays: 2,
      monthlyFeeBase: 150000,
      creditAmount: 10000,
    });
  });

  it('counts the new fee from 00:00 JST of its effective date, not from 00:00 UTC', async () => {
    const { contractId } = await seedContract(t, {
      billingStartDate: '2025-04-01',
      monthlyFee: 100000,
    });
    await t
      .as('admin')
      .post(`/contracts/${contractId}/fee-changes`, {
        effectiveDate: '2026-01-15',
        monthlyFee: 150000,
      })
      .expect(201);
    // Clock start 2026-01-15 05:00 JST = 2026-01-14 20:00 UTC: the business date is the 15th → the new fee.
    await t
      .as('support')
      .post(
        '/incidents',
        incident(
          contractId,
          '2026-01-15T05:00:00+09:00',
          '2026-01-16T05:00:00+09:00',
        ),
      )
      .expect(201);
    const outages = await t
      .as('support')
      .get(`/contracts/${contractId}/outages`)
      .expect(200);
    // 24 h → 1 day × 150,000 / 30 = 5,000.
    expect(outages.body.outages).toEqual([
      expect.objectContaining({
        creditDays: 1,
        monthlyFeeBase: 150000,
        creditAmount: 5000,
      }),
    ]);
  });

  it('refuses a fee change on or before the billing start, a second one on the same date, and bad fields', async () => {
    const { contractId } = await seedContract(t, {
      billingStartDate: '2025-04-01',
    });
    expectFieldError(
      await t.as('admin').post(`/contracts/${contractId}/fee-changes`, {
        effectiveDate: '2025-04-01',
        monthlyFee: 1,
      }),
      'effectiveDate',
    );
    expectFieldError(
      await t.as('admin').post(`/contracts/${contractId}/fee-changes`, {
        effectiveDate: '2026-02-30',
        monthlyFee: 1,
      }),
      'effectiveDate',
    );
    expectFieldError(
      await t.as('admin').post(`/contracts/${contractId}/fee-changes`, {
        effectiveDate: '2026-03-01',
        monthlyFee: -5,
      }),
      'monthlyFee',
    );
    await t
      .as('admin')
      .post(`/contracts/${contractId}/fee-changes`, {
        effectiveDate: '2026-03-01',
        monthlyFee: 1,
      })
      .expect(201);
    expectProblem(
      await t.as('admin').post(`/contracts/${contractId}/fee-changes`, {
        effectiveDate: '2026-03-01',
        monthlyFee: 2,
      }),
      409,
      'conflict',
    );
    expect(count('contract_fee_changes')).toBe(1);
    expectProblem(
      await t.as('admin').post('/contracts/no-such-contract/fee-changes', {
        effectiveDate: '2026-03-01',
        monthlyFee: 2,
      }),
      404,
      'not-found',
    );
  });
});

describe('cancellation (Art. 8, Art. 10 / Annex 2)', () => {
  it('takes effect 30 days after the notice arrives: 2026-01-10 → 2026-02-09', async () => {
    const { contractId } = await seedContract(t, {
      billingStartDate: '2025-04-01',
    });
    const res = await t
      .as('support')
      .post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2026-01-10',
      })
      .expect(201);
    // Minimum period of a 2025-04-01 start: through 2025-04-30, long past → no charge.
    expect(res.body).toEqual({
      noticeReceivedDate: '2026-01-10',
      requestedDate: null,
      effectiveDate: '2026-02-09',
      minimumPeriodEnd: '2025-04-30',
      earlyTerminationCharge: 0,
      options: [],
      totalEarlyTerminationCharge: 0,
    });
    const got = await t
      .as('finance')
      .get(`/contracts/${contractId}`)
      .expect(200);
    expect(got.body.terminationEffectiveDate).toBe('2026-02-09');
    expect(got.body.cancellation).toEqual(res.body);
  });

  it('takes the later of notice + 30 days and the requested date', async () => {
    const later = await seedContract(t, { billingStartDate: '2025-04-01' });
    const res = await t
      .as('admin')
      .post(`/contracts/${later.contractId}/cancellation`, {
        noticeReceivedDate: '2026-01-10',
        requestedDate: '2026-03-31',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      requestedDate: '2026-03-31',
      effectiveDate: '2026-03-31',
    });

    const earlier = await seedContract(t, { billingStartDate: '2025-04-01' });
    const res2 = await t
      .as('admin')
      .post(`/contracts/${earlier.contractId}/cancellation`, {
        noticeReceivedDate: '2026-01-10',
        requestedDate: '2026-01-20',
      })
      .expect(201);
    expect(res2.body).toMatchObject({
      requestedDate: '2026-01-20',
      effectiveDate: '2026-02-09',
    });
  });

  it("charges nothing when the effective date is the minimum period's last day", async () => {
    // Billing start 2026-01-15: minimum period 2026-01-15 .. 2026-02-14. Notice on 2026-01-15 → 2026-02-14: not before it.
    const { contractId } = await seedContract(t, {
      billingStartDate: '2026-01-15',
      monthlyFee: 100000,
    });
    const res = await t
      .as('admin')
      .post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2026-01-15',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      effectiveDate: '2026-02-14',
      minimumPeriodEnd: '2026-02-14',
      earlyTerminationCharge: 0,
    });
  });

  it('charges nothing when the effective date is after the minimum period', async () => {
    // Billing start 2025-12-20: minimum period through 2026-01-19. Notice 2025-12-21 → 2026-01-20, one day after it.
    const { contractId } = await seedContract(t, {
      billingStartDate: '2025-12-20',
      monthlyFee: 100000,
    });
    const res = await t
      .as('admin')
      .post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2025-12-21',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      effectiveDate: '2026-01-20',
      minimumPeriodEnd: '2026-01-19',
      earlyTerminationCharge: 0,
    });
  });

  it("charges Annex 2's example: billing start 2026-01-15, effective 2026-01-31, ¥100,000 → ¥45,161", async () => {
    // The notice must arrive by 2026-01-01 for 30 days to end on the 31st: before the billing start.
    // Remaining days 2026-02-01 .. 02-14 = 14; period days 2026-01-15 .. 02-14 = 17 + 14 = 31.
    // floor(100,000 × 14 / 31) = floor(45,161.29) = 45,161.
    const { contractId } = await seedContract(t, {
      billingStartDate: '2026-01-15',
      monthlyFee: 100000,
    });
    const res = await t
      .as('admin')
      .post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2026-01-01',
      })
      .expect(201);
    expect(res.body).toEqual({
      noticeReceivedDate: '2026-01-01',
      requestedDate: null,
      effectiveDate: '2026-01-31',
      minimumPeriodEnd: '2026-02-14',
      earlyTerminationCharge: 45161,
      options: [],
      totalEarlyTerminationCharge: 45161,
    });
  });

  it('prorates by the days of a February minimum period (28), not by 30', async () => {
    // Billing start 2026-02-01: minimum period 02-01 .. 02-28 (28 days). Notice 2026-01-05 → 2026-02-04.
    // Remaining 02-05 .. 02-28 = 24 days: floor(100,000 × 24 / 28) = floor(85,714.28) = 85,714.
    const { contractId } = await seedContract(t, {
      billingStartDate: '2026-02-01',
      monthlyFee: 100000,
    });
    const res = await t
      .as('admin')
      .post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2026-01-05',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      effectiveDate: '2026-02-04',
      minimumPeriodEnd: '2026-02-28',
      earlyTerminationCharge: 85714,
    });
  });

  it('refuses a cancellation that would take effect before the billing start', async () => {
    // Notice 2025-12-01 → 2025-12-31, before a 2026-02-01 billing start: the contract cannot end before it begins.
    const { contractId } = await seedContract(t, {
      billingStartDate: '2026-02-01',
    });
    expectProblem(
      await t.as('admin').post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2025-12-01',
      }),
      422,
      'validation-failed',
    );
    const got = await t.as('admin').get(`/contracts/${contractId}`).expect(200);
    expect(got.body).toMatchObject({
      terminationEffectiveDate: null,
      cancellation: null,
    });
  });

  it('refuses a second cancellation with 409 and keeps the first', async () => {
    const { contractId } = await seedContract(t, {
      billingStartDate: '2025-04-01',
    });
    await t
      .as('admin')
      .post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2026-01-10',
      })
      .expect(201);
    expectProblem(
      await t.as('admin').post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2026-01-20',
      }),
      409,
      'conflict',
    );
    const got = await t.as('admin').get(`/contracts/${contractId}`).expect(200);
    expect(got.body.terminationEffectiveDate).toBe('2026-02-09');
  });

  it('refuses bad dates with 422 naming the field', async () => {
    const { contractId } = await seedContract(t, {
      billingStartDate: '2025-04-01',
    });
    expectFieldError(
      await t.as('admin').post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2026-02-30',
      }),
      'noticeReceivedDate',
    );
    expectFieldError(
      await t.as('admin').post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2026-01-10',
        requestedDate: 'soon',
      }),
      'requestedDate',
    );
    expectFieldError(
      await t.as('admin').post(`/contracts/${contractId}/cancellation`, {}),
      'noticeReceivedDate',
    );
    const got = await t.as('admin').get(`/contracts/${contractId}`).expect(200);
    expect(got.body.cancellation).toBeNull();
  });

  it('clips outages at the end of the termination day (rule 3)', async () => {
    t.setNow('2026-03-01T00:00:00+09:00');
    const { contractId } = await seedContract(t, {
      billingStartDate: '2025-04-01',
      monthlyFee: 90000,
    });
    await t
      .as('admin')
      .post(`/contracts/${contractId}/cancellation`, {
        noticeReceivedDate: '2026-01-10',
      })
      .expect(201);
    // Down from 2026-02-08 00:00 JST to 2026-02-12 00:00 JST, known from the start. The contract is active
    // through 2026-02-09 (until 2026-02-10 00:00 JST = 2026-02-09T15:00Z): 48 h count, not 96.
    await t
      .as('support')
      .post('/incidents', {
        title: 'Down across the termination day',
        cause: 'provider',
        severity: 'total',
        scope: { contractIds: [contractId] },
        awareAt: '2026-02-08T00:00:00+09:00',
        intervals: [
          {
            start: '2026-02-08T00:00:00+09:00',
            end: '2026-02-12T00:00:00+09:00',
          },
        ],
      })
      .expect(201);
    const outages = await t
      .as('support')
      .get(`/contracts/${contractId}/outages`)
      .expect(200);
    // 2 days × 90,000 / 30 = 6,000.
    expect(outages.body.outages).toEqual([
      expect.objectContaining({
        start: '2026-02-07T15:00:00.000Z',
        end: '2026-02-09T15:00:00.000Z',
        unavailableMs: 172_800_000,
        creditDays: 2,
        creditAmount: 6000,
      }),
    ]);
  });
});
