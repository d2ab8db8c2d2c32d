/**
 * GET /contracts/:id/outages and POST /calculate: outages derived from stored incidents (SPEC.md rules
 * 1–9). Every expected figure is worked out by hand in the comments.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, seedContract, type TestApp } from '../support/app';

let t: TestApp;
afterEach(() => t?.close());

const HOUR = 3_600_000;
const q = (instant: string) => encodeURIComponent(instant);

function incident(scope: object, overrides: Record<string, unknown> = {}) {
  return {
    title: 'Outage',
    cause: 'provider',
    severity: 'total',
    scope,
    awareAt: '2026-01-10T10:30:00+09:00',
    intervals: [
      { start: '2026-01-10T10:00:00+09:00', end: '2026-01-12T15:00:00+09:00' },
    ],
    ...overrides,
  };
}

async function log(body: object): Promise<string> {
  const response = await t.as('support').post('/incidents', body).expect(201);
  return response.body.id;
}

async function outagesOf(contractId: string, asOf?: string) {
  const response = await t
    .as('support')
    .get(
      `/contracts/${contractId}/outages${asOf === undefined ? '' : `?asOf=${q(asOf)}`}`,
    )
    .expect(200);
  return response.body;
}

describe('GET /contracts/:id/outages', () => {
  it('answers { asOf, policy, outages } with the default policy, asOf defaulting to the server clock', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t);
    const id = await log(incident({ contractIds: [contractId] }));
    const body = await outagesOf(contractId);
    expect(body.asOf).toBe('2026-01-31T15:00:00.000Z');
    expect(body.policy).toMatchObject({
      claimableFrom: 'outageEnded',
      multiRegionFailover: true,
      extendOverHolidays: false,
      mergeGapMs: 0,
      rounding: 'floor',
    });
    // API.md's Outage: 10:00 JST 10 Jan to 15:00 JST 12 Jan, known 10:30 → 52.5 h, 2 days, ¥6,666.
    expect(body.outages).toEqual([
      {
        start: '2026-01-10T01:00:00.000Z',
        end: '2026-01-12T06:00:00.000Z',
        ongoing: false,
        clockStart: '2026-01-10T01:30:00.000Z',
        unavailableMs: 189000000,
        qualifies: true,
        creditDays: 2,
        monthlyFeeBase: 100000,
        creditAmount: 6666,
        thresholdAt: '2026-01-11T01:30:00.000Z',
        claimableFrom: '2026-01-12',
        claimDeadline: '2026-04-12',
        incidentIds: [id],
        claimStatus: 'claimable',
      },
    ]);
    const explicit = await outagesOf(contractId, '2026-03-01T00:00:00+09:00');
    expect(explicit.asOf).toBe('2026-02-28T15:00:00.000Z');
  });

  it('shows an open interval as an ongoing outage counted up to asOf', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t);
    await log(
      incident(
        { contractIds: [contractId] },
        {
          awareAt: '2026-01-30T10:30:00+09:00',
          intervals: [{ start: '2026-01-30T10:00:00+09:00' }],
        },
      ),
    );
    // Now = 2026-01-31T15:00Z; clock from 2026-01-30T01:30Z → 37.5 h → 1 day, ¥3,333; no end, so no claim window yet.
    const now = await outagesOf(contractId);
    expect(now.outages).toHaveLength(1);
    expect(now.outages[0]).toMatchObject({
      start: '2026-01-30T01:00:00.000Z',
      end: null,
      ongoing: true,
      clockStart: '2026-01-30T01:30:00.000Z',
      unavailableMs: 37.5 * HOUR,
      qualifies: true,
      creditDays: 1,
      creditAmount: 3333,
      thresholdAt: '2026-01-31T01:30:00.000Z',
      claimableFrom: null,
      claimDeadline: null,
      claimStatus: 'claimable',
    });
    // As of one millisecond before 24 h of known time, it does not qualify yet.
    const earlier = await outagesOf(contractId, '2026-01-31T01:29:59.999Z');
    expect(earlier.outages[0]).toMatchObject({
      end: null,
      ongoing: true,
      unavailableMs: 24 * HOUR - 1,
      qualifies: false,
      creditDays: 0,
      thresholdAt: null,
      claimStatus: 'not-qualifying',
    });
    const exactly = await outagesOf(contractId, '2026-01-31T01:30:00.000Z');
    expect(exactly.outages[0]).toMatchObject({
      unavailableMs: 24 * HOUR,
      qualifies: true,
      creditDays: 1,
      thresholdAt: '2026-01-31T01:30:00.000Z',
    });
  });

  it('gives no qualifying outage for customer-caused or partial incidents, and they do not extend a real one', async () => {
    t = makeTestApp();
    const { contractId } = await seedContract(t);
    const customerCaused = await t
      .as('support')
      .post(
        '/incidents',
        incident({ contractIds: [contractId] }, { cause: 'customer' }),
      )
      .expect(201);
    expect(customerCaused.body.qualifying).toBe(false);
    const partial = await t
      .as('support')
      .post(
        '/incidents',
        incident({ contractIds: [contractId] }, { severity: 'partial' }),
      )
      .expect(201);
    expect(partial.body.qualifying).toBe(false);
    for (const cause of ['third_party', 'force_majeure', 'maintenance']) {
      await log(incident({ contractIds: [contractId] }, { cause }));
    }
    const body = await outagesOf(contractId);
    expect(
      body.outages.filter((outage: { qualifies: boolean }) => outage.qualifies),
    ).toEqual([]);
    expect(
      body.outages.reduce(
        (sum: number, outage: { creditAmount: number }) =>
          sum + outage.creditAmount,
        0,
      ),
    ).toBe(0);

    // A provider outage of 20 h (10:00 10 Jan to 06:00 11 Jan, known from the start), followed at once by 12 h the
    // customer caused: only the 20 h count, so nothing qualifies (with the customer's hours it would be 32 h).
    const other = await seedContract(t);
    await log(
      incident(
        { contractIds: [other.contractId] },
        {
          awareAt: '2026-01-10T10:00:00+09:00',
          intervals: [
            {
              start: '2026-01-10T10:00:00+09:00',
              end: '2026-01-11T06:00:00+09:00',
            },
          ],
        },
      ),
    );
    await log(
      incident(
        { contractIds: [other.contractId] },
        {
          cause: 'customer',
          awareAt: '2026-01-11T06:00:00+09:00',
          intervals: [
            {
              start: '2026-01-11T06:00:00+09:00',
              end: '2026-01-11T18:00:00+09:00',
            },
          ],
        },
      ),
    );
    const mixed = await outagesOf(other.contractId);
    expect(mixed.outages).toHaveLength(1);
    expect(mixed.outages[0]).toMatchObject({
      start: '2026-01-10T01:00:00.000Z',
      end: '2026-01-10T21:00:00.000Z',
      unavailableMs: 20 * HOUR,
      qualifies: false,
      claimStatus: 'not-qualifying',
    });
  });

  it('merges outages that touch and keeps apart those a millisecond apart (rule 4)', async () => {
    t = makeTestApp();
    const touching = await seedContract(t);
    const apart = await seedContract(t);
    const first = {
      awareAt: '2026-01-10T10:00:00+09:00',
      intervals: [
        {
          start: '2026-01-10T10:00:00+09:00',
          end: '2026-01-10T22:00:00+09:00',
        },
      ],
    };
    await log(
      incident({ contractIds: [touching.contractId, apart.contractId] }, first),
    );
    await log(
      incident(
        { contractIds: [touching.contractId] },
        {
          awareAt: '2026-01-10T22:00:00+09:00',
          intervals: [
            {
              start: '2026-01-10T22:00:00+09:00',
              end: '2026-01-11T12:00:00+09:00',
            },
          ],
        },
      ),
    );
    await log(
      incident(
        { contractIds: [apart.contractId] },
        {
          awareAt: '2026-01-10T22:00:00.001+09:00',
          intervals: [
            {
              start: '2026-01-10T22:00:00.001+09:00',
              end: '2026-01-11T12:00:00+09:00',
            },
          ],
        },
      ),
    );
    // 12 h + 14 h = 26 h → 1 day.
    const merged = await outagesOf(touching.contractId);
    expect(merged.outages).toHaveLength(1);
    expect(merged.outages[0]).toMatchObject({
      start: '2026-01-10T01:00:00.000Z',
      end: '2026-01-11T03:00:00.000Z',
      unavailableMs: 26 * HOUR,
      qualifies: true,
      creditDays: 1,
      creditAmount: 3333,
    });
    const separate = await outagesOf(apart.contractId);
    expect(
      separate.outages.map(
        (outage: {
          start: string;
          unavailableMs: number;
          qualifies: boolean;
        }) => [outage.start, outage.unavailableMs, outage.qualifies],
      ),
    ).toEqual([
      ['2026-01-10T01:00:00.000Z', 12 * HOUR, false],
      ['2026-01-10T13:00:00.001Z', 14 * HOUR - 1, false],
    ]);
  });

  it('counts from the clock start of rule 5, not from the earliest awareAt (SPEC.md example)', async () => {
    t = makeTestApp();
    const { contractId } = await seedContract(t);
    // A: known since December, down again 10:00 JST 11 Jan; C: down from 00:00 JST 11 Jan, known 20:00; both end 08:00 12 Jan.
    await log(
      incident(
        { contractIds: [contractId] },
        {
          awareAt: '2025-12-05T10:00:00+09:00',
          intervals: [
            {
              start: '2025-12-05T09:00:00+09:00',
              end: '2025-12-05T12:00:00+09:00',
            },
            {
              start: '2026-01-11T10:00:00+09:00',
              end: '2026-01-12T08:00:00+09:00',
            },
          ],
        },
      ),
    );
    await log(
      incident(
        { contractIds: [contractId] },
        {
          awareAt: '2026-01-11T20:00:00+09:00',
          intervals: [
            {
              start: '2026-01-11T00:00:00+09:00',
              end: '2026-01-12T08:00:00+09:00',
            },
          ],
        },
      ),
    );
    const body = await outagesOf(contractId);
    const january = body.outages.find(
      (outage: { start: string }) =>
        outage.start === '2026-01-10T15:00:00.000Z',
    );
    // Clock starts 10:00 JST = 01:00Z on the 11th; 22 h to 08:00 JST on the 12th: no credit.
    expect(january).toMatchObject({
      end: '2026-01-11T23:00:00.000Z',
      clockStart: '2026-01-11T01:00:00.000Z',
      unavailableMs: 22 * HOUR,
      qualifies: false,
      creditDays: 0,
    });
  });

  it('sets claimStatus claimable up to the last millisecond of the deadline, expired after, claimed after a claim', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t);
    await log(incident({ contractIds: [contractId] }));
    // Claimable 2026-01-12 → deadline 2026-04-12, which ends at 00:00 JST 13 Apr = 2026-04-12T15:00:00Z.
    expect(
      (await outagesOf(contractId, '2026-04-12T14:59:59.999Z')).outages[0]
        .claimStatus,
    ).toBe('claimable');
    expect(
      (await outagesOf(contractId, '2026-04-12T23:59:59.999+09:00')).outages[0]
        .claimStatus,
    ).toBe('claimable');
    expect(
      (await outagesOf(contractId, '2026-04-12T15:00:00.000Z')).outages[0]
        .claimStatus,
    ).toBe('expired');
    expect(
      (await outagesOf(contractId, '2026-04-13T00:00:00+09:00')).outages[0]
        .claimStatus,
    ).toBe('expired');
    await t
      .as('support')
      .post('/claims', { contractId, outageStart: '2026-01-10T01:00:00.000Z' })
      .expect(201);
    expect((await outagesOf(contractId)).outages[0].claimStatus).toBe(
      'claimed',
    );
  });

  it('lets a customer see its own contract only; bad asOf is 422; unknown contract 404', async () => {
    t = makeTestApp();
    const mine = await seedContract(t);
    const theirs = await seedContract(t);
    await log(incident({ contractIds: [mine.contractId, theirs.contractId] }));
    const customer = { token: t.customerToken(mine.customerId) };
    const own = await t
      .as(customer)
      .get(`/contracts/${mine.contractId}/outages`)
      .expect(200);
    expect(own.body.outages).toHaveLength(1);
    expect(
      (
        await t
          .as(customer)
          .get(`/contracts/${theirs.contractId}/outages`)
          .expect(404)
      ).body.code,
    ).toBe('not-found');
    await t
      .as('finance')
      .get(`/contracts/${theirs.contractId}/outages`)
      .expect(200);
    await t.as('support').get('/contracts/nope/outages').expect(404);
    const bad = await t
      .as('support')
      .get(`/contracts/${mine.contractId}/outages?asOf=2026-02-01T00:00:00`)
      .expect(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'query.asOf',
    ]);
    await t
      .as('support')
      .get(`/contracts/${mine.contractId}/outages?asOf=yesterday`)
      .expect(422);
  });
});

describe('regional incidents and the multi-region option (rules 2 and 5)', () => {
  // East: down 00:00 JST 10 Jan (09T15:00Z) to 22:00 JST 12 Jan (12T13:00Z), known 06:00 JST (09T21:00Z).
  const east = {
    title: 'jp-east down',
    awareAt: '2026-01-10T06:00:00+09:00',
    intervals: [
      { start: '2026-01-10T00:00:00+09:00', end: '2026-01-12T22:00:00+09:00' },
    ],
  };
  // West: down 03:00 JST 10 Jan (09T18:00Z) to 12:00 JST 12 Jan (12T03:00Z), known 09:00 JST (10T00:00Z).
  const west = {
    title: 'jp-west down',
    awareAt: '2026-01-10T09:00:00+09:00',
    intervals: [
      { start: '2026-01-10T03:00:00+09:00', end: '2026-01-12T12:00:00+09:00' },
    ],
  };
  const westOption = (billingStartDate: string) => [
    {
      kind: 'multi-region',
      regions: ['jp-west'],
      monthlyFee: 20000,
      billingStartDate,
    },
  ];

  it('takes down a single-region contract, but a multi-region one only when both regions are down', async () => {
    t = makeTestApp();
    const single = await seedContract(t, { region: 'jp-east' });
    const multi = await seedContract(t, {
      region: 'jp-east',
      options: westOption('2025-06-01'),
    });
    const westOnly = await seedContract(t, { region: 'jp-west' });

    const eastId = await log(incident({ regions: ['jp-east'] }, east));
    // Single: 09T21:00Z to 12T13:00Z = 64 h → 2 days of ¥100,000 → ¥6,666.
    const singleOutages = (await outagesOf(single.contractId)).outages;
    expect(singleOutages).toEqual([
      {
        start: '2026-01-09T15:00:00.000Z',
        end: '2026-01-12T13:00:00.000Z',
        ongoing: false,
        clockStart: '2026-01-09T21:00:00.000Z',
        unavailableMs: 64 * HOUR,
        qualifies: true,
        creditDays: 2,
        monthlyFeeBase: 100000,
        creditAmount: 6666,
        thresholdAt: '2026-01-10T21:00:00.000Z',
        claimableFrom: '2026-01-12',
        claimDeadline: '2026-04-12',
        incidentIds: [eastId],
        claimStatus: 'claimable',
      },
    ]);
    // With jp-west still up, the multi-region contract can fail over: no outage at all.
    expect((await outagesOf(multi.contractId)).outages).toEqual([]);
    expect((await outagesOf(westOnly.contractId)).outages).toEqual([]);

    const westId = await log(incident({ regions: ['jp-west'] }, west));
    // Both down from 09T18:00Z to 12T03:00Z. Known in both from max(09T21:00Z, 10T00:00Z) = 10T00:00Z:
    // 51 h → 2 days of (¥100,000 + ¥20,000 option) → ¥8,000. (Not from the earliest awareAt: that would give 54 h.)
    const multiOutages = (await outagesOf(multi.contractId)).outages;
    expect(multiOutages).toHaveLength(1);
    expect(multiOutages[0]).toMatchObject({
      start: '2026-01-09T18:00:00.000Z',
      end: '2026-01-12T03:00:00.000Z',
      ongoing: false,
      clockStart: '2026-01-10T00:00:00.000Z',
      unavailableMs: 51 * HOUR,
      qualifies: true,
      creditDays: 2,
      monthlyFeeBase: 120000,
      creditAmount: 8000,
      thresholdAt: '2026-01-11T00:00:00.000Z',
      claimableFrom: '2026-01-12',
      claimDeadline: '2026-04-12',
      claimStatus: 'claimable',
    });
    expect([...multiOutages[0].incidentIds].sort()).toEqual(
      [eastId, westId].sort(),
    );
    // The single-region jp-east contract is unaffected by jp-west.
    expect((await outagesOf(single.contractId)).outages).toEqual(singleOutages);
    // The jp-west contract: 09T18:00Z to 12T03:00Z, known from 10T00:00Z → 51 h, ¥6,666.
    expect((await outagesOf(westOnly.contractId)).outages[0]).toMatchObject({
      clockStart: '2026-01-10T00:00:00.000Z',
      unavailableMs: 51 * HOUR,
      creditAmount: 6666,
      incidentIds: [westId],
    });
  });

  it('does not count the second region while its option has not started yet', async () => {
    t = makeTestApp();
    const later = await seedContract(t, {
      region: 'jp-east',
      options: westOption('2026-03-01'),
    });
    const eastId = await log(incident({ regions: ['jp-east'] }, east));
    // In January the contract has jp-east only: down like a single-region contract; base without the option.
    expect((await outagesOf(later.contractId)).outages).toEqual([
      expect.objectContaining({
        start: '2026-01-09T15:00:00.000Z',
        clockStart: '2026-01-09T21:00:00.000Z',
        unavailableMs: 64 * HOUR,
        monthlyFeeBase: 100000,
        creditAmount: 6666,
        incidentIds: [eastId],
      }),
    ]);
  });

  it('ignores a non-qualifying outage of the other region', async () => {
    t = makeTestApp();
    const multi = await seedContract(t, {
      region: 'jp-east',
      options: westOption('2025-06-01'),
    });
    await log(incident({ regions: ['jp-east'] }, east));
    await log(
      incident({ regions: ['jp-west'] }, { ...west, cause: 'third_party' }),
    );
    expect((await outagesOf(multi.contractId)).outages).toEqual([]);
  });

  it('with multiRegionFailover off, only the contract’s own region counts', async () => {
    t = makeTestApp({ policy: { multiRegionFailover: false } });
    const multi = await seedContract(t, {
      region: 'jp-east',
      options: westOption('2025-06-01'),
    });
    await log(incident({ regions: ['jp-east'] }, east));
    const body = await outagesOf(multi.contractId);
    expect(body.policy.multiRegionFailover).toBe(false);
    // 64 h → 2 days of ¥120,000 → ¥8,000.
    expect(body.outages).toEqual([
      expect.objectContaining({
        clockStart: '2026-01-09T21:00:00.000Z',
        unavailableMs: 64 * HOUR,
        monthlyFeeBase: 120000,
        creditAmount: 8000,
      }),
    ]);
  });

  it('treats a contract named by a regional incident as down regardless of its other region', async () => {
    t = makeTestApp();
    const multi = await seedContract(t, {
      region: 'jp-east',
      options: westOption('2025-06-01'),
    });
    await log(incident({ contractIds: [multi.contractId] }, east));
    expect((await outagesOf(multi.contractId)).outages).toEqual([
      expect.objectContaining({ unavailableMs: 64 * HOUR, creditAmount: 8000 }),
    ]);
  });
});

describe('POST /calculate', () => {
  const scenario = {
    asOf: '2026-02-01T00:00:00+09:00',
    contract: {
      billingStartDate: '2025-04-01',
      terminationEffectiveDate: null,
      monthlyFee: 100000,
      options: [],
    },
    incidents: [
      {
        id: 'INC-1',
        cause: 'provider',
        severity: 'total',
        awareAt: '2026-01-10T10:30:00+09:00',
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-10T20:30:00+09:00',
          },
        ],
      },
      {
        id: 'INC-2',
        cause: 'provider',
        severity: 'equivalent',
        awareAt: '2026-01-10T21:00:00+09:00',
        intervals: [
          {
            start: '2026-01-10T20:00:00+09:00',
            end: '2026-01-12T15:00:00+09:00',
          },
        ],
      },
    ],
    policy: {},
  };

  it("returns exactly API.md's Outage for API.md's scenario, for every role", async () => {
    t = makeTestApp();
    const { customerId } = await seedContract(t);
    const expected = {
      start: '2026-01-10T01:00:00.000Z',
      end: '2026-01-12T06:00:00.000Z',
      ongoing: false,
      clockStart: '2026-01-10T01:30:00.000Z',
      unavailableMs: 189000000,
      qualifies: true,
      creditDays: 2,
      monthlyFeeBase: 100000,
      creditAmount: 6666,
      thresholdAt: '2026-01-11T01:30:00.000Z',
      claimableFrom: '2026-01-12',
      claimDeadline: '2026-04-12',
      incidentIds: ['INC-1', 'INC-2'],
      claimStatus: 'claimable',
    };
    for (const who of [
      'admin',
      'support',
      'finance',
      { token: t.customerToken(customerId) },
    ] as const) {
      const response = await t.as(who).post('/calculate', scenario).expect(200);
      expect(response.body.outages).toEqual([expected]);
    }
    // With API.md's optional multi-region option active, the base is ¥120,000 → floor(2 × 120000 / 30) = 8000.
    const withOption = await t
      .as('support')
      .post('/calculate', {
        ...scenario,
        contract: {
          ...scenario.contract,
          options: [
            {
              kind: 'multi-region',
              monthlyFee: 20000,
              regions: ['jp-west'],
              billingStartDate: '2026-01-01',
              endDate: null,
            },
          ],
        },
      })
      .expect(200);
    expect(withOption.body.outages[0]).toMatchObject({
      monthlyFeeBase: 120000,
      creditAmount: 8000,
    });
  });

  it('refuses a bad scenario with 422 and field paths', async () => {
    t = makeTestApp();
    const paths = async (body: unknown) => {
      const response = await t.as('support').post('/calculate', body as object);
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('validation-failed');
      return response.body.errors.map((e: { path: string }) => e.path);
    };
    expect(await paths({ ...scenario, asOf: '2026-02-01T00:00:00' })).toEqual([
      'asOf',
    ]);
    expect(
      await paths({
        ...scenario,
        incidents: [
          scenario.incidents[0],
          {
            ...scenario.incidents[1],
            intervals: [
              {
                start: '2026-01-10T20:00:00+09:00',
                end: '2026-01-10T19:00:00+09:00',
              },
            ],
          },
        ],
      }),
    ).toEqual(['incidents[1].intervals[0].end']);
    expect(
      await paths({
        ...scenario,
        incidents: [
          { ...scenario.incidents[0], awareAt: '2026-01-10T09:00:00+09:00' },
        ],
      }),
    ).toEqual(['incidents[0].awareAt']);
    expect(
      await paths({
        ...scenario,
        incidents: [{ ...scenario.incidents[0], cause: 'cosmic-rays' }],
      }),
    ).toEqual(['incidents[0].cause']);
    expect(
      await paths({
        ...scenario,
        contract: { ...scenario.contract, billingStartDate: '2025-02-29' },
      }),
    ).toEqual(['contract.billingStartDate']);
    expect(
      await paths({
        ...scenario,
        contract: { ...scenario.contract, monthlyFee: -1 },
      }),
    ).toEqual(['contract.monthlyFee']);
    expect(
      await paths({
        ...scenario,
        incidents: [
          { ...scenario.incidents[0], scope: { regions: ['jp-east'] } },
        ],
      }),
    ).toEqual(['contract.region']);
    expect(await paths({ ...scenario, policy: { mergeGapMs: -5 } })).toEqual([
      'policy.mergeGapMs',
    ]);
    expect(
      await paths({ ...scenario, policy: { noSuchPolicy: true } }),
    ).toEqual(['policy.noSuchPolicy']);
    expect(await paths({ contract: scenario.contract, incidents: [] })).toEqual(
      ['asOf'],
    );
  });
});
