/**
 * Incidents over HTTP: scope resolution (SPEC.md rule 2), preview, reading, corrections with an audited
 * reason (rule 11), and validation. Expected values are worked out by hand from SPEC.md and API.md.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, seedContract, type TestApp } from '../support/app';

let t: TestApp;
afterEach(() => t?.close());

/** A provider/total incident naming `contractId`: 10:00 JST 10 Jan to 15:00 JST 12 Jan, known at 10:30 JST. */
function namedIncident(
  contractId: string,
  overrides: Record<string, unknown> = {},
) {
  return {
    title: 'Gateway down',
    cause: 'provider',
    severity: 'total',
    scope: { contractIds: [contractId] },
    awareAt: '2026-01-10T10:30:00+09:00',
    intervals: [
      { start: '2026-01-10T10:00:00+09:00', end: '2026-01-12T15:00:00+09:00' },
    ],
    ...overrides,
  };
}

const sorted = (ids: string[]) => [...ids].sort();

/** The outage of API.md's example, for a ¥100,000 contract, as the API must show it (incidentIds aside). */
const EXAMPLE_OUTAGE = {
  start: '2026-01-10T01:00:00.000Z', // 10:00 JST
  end: '2026-01-12T06:00:00.000Z', // 15:00 JST
  ongoing: false,
  clockStart: '2026-01-10T01:30:00.000Z', // awareAt 10:30 JST
  unavailableMs: 52.5 * 3_600_000, // 01:30Z on the 10th to 06:00Z on the 12th
  qualifies: true,
  creditDays: 2,
  monthlyFeeBase: 100000,
  creditAmount: 6666, // floor(2 × 100000 / 30)
  thresholdAt: '2026-01-11T01:30:00.000Z',
  claimableFrom: '2026-01-12',
  claimDeadline: '2026-04-12',
};

describe('POST /incidents: the resolved scope (rule 2)', () => {
  it('affects the named contracts and those sharing a region (own or option), minus the excluded', async () => {
    t = makeTestApp();
    const east1 = await seedContract(t, {
      contractNumber: 'E-1',
      region: 'jp-east',
    });
    const east2 = await seedContract(t, {
      contractNumber: 'E-2',
      region: 'jp-east',
    });
    const west1 = await seedContract(t, {
      contractNumber: 'W-1',
      region: 'jp-west',
    });
    const westWithEast = await seedContract(t, {
      contractNumber: 'W-2',
      region: 'jp-west',
      options: [
        {
          kind: 'multi-region',
          regions: ['jp-east'],
          monthlyFee: 20000,
          billingStartDate: '2025-06-01',
        },
      ],
    });
    const west3 = await seedContract(t, {
      contractNumber: 'W-3',
      region: 'jp-west',
    });

    const created = await t
      .as('support')
      .post('/incidents', {
        ...namedIncident(west1.contractId),
        scope: {
          regions: ['jp-east'],
          contractIds: [west1.contractId],
          excludeContractIds: [east2.contractId],
        },
      })
      .expect(201);
    // E-1 by its own region, W-2 by its option's region, W-1 by name; E-2 excluded; W-3 untouched.
    expect(sorted(created.body.affectedContractIds)).toEqual(
      sorted([east1.contractId, westWithEast.contractId, west1.contractId]),
    );
    expect(created.body.affectedContractIds).not.toContain(west3.contractId);
    expect(created.body).toMatchObject({
      title: 'Gateway down',
      cause: 'provider',
      severity: 'total',
      qualifying: true,
      awareAt: '2026-01-10T01:30:00.000Z',
      intervals: [
        { start: '2026-01-10T01:00:00.000Z', end: '2026-01-12T06:00:00.000Z' },
      ],
      ongoing: false,
      version: 1,
    });
    expect(typeof created.body.id).toBe('string');

    // The same list when read back.
    const read = await t
      .as('support')
      .get(`/incidents/${created.body.id}`)
      .expect(200);
    expect(sorted(read.body.affectedContractIds)).toEqual(
      sorted(created.body.affectedContractIds),
    );
  });

  it('lets an exclusion win over a name, and admin may log incidents too', async () => {
    t = makeTestApp();
    const a = await seedContract(t);
    const b = await seedContract(t);
    const created = await t
      .as('admin')
      .post(
        '/incidents',
        namedIncident(a.contractId, {
          scope: {
            contractIds: [a.contractId, b.contractId],
            excludeContractIds: [a.contractId],
          },
        }),
      )
      .expect(201);
    expect(created.body.affectedContractIds).toEqual([b.contractId]);
    const outagesOfA = await t
      .as('support')
      .get(`/contracts/${a.contractId}/outages`)
      .expect(200);
    expect(outagesOfA.body.outages).toEqual([]);
  });

  it('refuses finance and customers', async () => {
    t = makeTestApp();
    const { customerId, contractId } = await seedContract(t);
    const finance = await t
      .as('finance')
      .post('/incidents', namedIncident(contractId))
      .expect(403);
    expect(finance.body.code).toBe('forbidden');
    await t
      .as({ token: t.customerToken(customerId) })
      .post('/incidents', namedIncident(contractId))
      .expect(403);
    await t
      .as('finance')
      .post('/incidents/preview', namedIncident(contractId))
      .expect(403);
  });
});

describe('POST /incidents/preview', () => {
  it('returns the affected contracts with their outages and saves nothing', async () => {
    t = makeTestApp();
    const named = await seedContract(t, {
      contractNumber: 'P-1',
      region: 'jp-west',
    });
    const bystander = await seedContract(t, {
      contractNumber: 'P-2',
      region: 'jp-west',
    });
    const countIncidents = async () =>
      (await t.as('admin').get('/incidents').expect(200)).body.length as number;
    const countAudit = async () =>
      (await t.as('admin').get('/audit?limit=1000').expect(200)).body
        .length as number;
    const incidentsBefore = await countIncidents();
    const auditBefore = await countAudit();

    const preview = await t
      .as('support')
      .post('/incidents/preview', namedIncident(named.contractId))
      .expect(200);
    expect(preview.body.affectedContractIds).toEqual([named.contractId]);
    expect(preview.body.contracts).toHaveLength(1);
    const entry = preview.body.contracts[0];
    expect(entry).toMatchObject({
      contractId: named.contractId,
      contractNumber: 'P-1',
      currentOutages: [],
    });
    expect(entry.outages).toHaveLength(1);
    expect(entry.outages[0]).toMatchObject({
      ...EXAMPLE_OUTAGE,
      claimStatus: 'claimable',
    });

    expect(await countIncidents()).toBe(incidentsBefore);
    expect(await countAudit()).toBe(auditBefore);
    expect(incidentsBefore).toBe(0);
    const outages = await t
      .as('support')
      .get(`/contracts/${named.contractId}/outages`)
      .expect(200);
    expect(outages.body.outages).toEqual([]);
    expect(
      (
        await t
          .as('support')
          .get(`/contracts/${bystander.contractId}/outages`)
          .expect(200)
      ).body.outages,
    ).toEqual([]);
  });

  it('shows what a new incident does to outages already there (currentOutages vs outages)', async () => {
    t = makeTestApp();
    const { contractId } = await seedContract(t);
    // Saved: 10:00 to 20:30 JST on 10 Jan, known 10:30 → 10 h, no credit.
    await t
      .as('support')
      .post(
        '/incidents',
        namedIncident(contractId, {
          intervals: [
            {
              start: '2026-01-10T10:00:00+09:00',
              end: '2026-01-10T20:30:00+09:00',
            },
          ],
        }),
      )
      .expect(201);
    // Draft: 20:00 on 10 Jan to 15:00 on 12 Jan, known 21:00 → overlaps, so one outage counted from 10:30.
    const preview = await t
      .as('support')
      .post(
        '/incidents/preview',
        namedIncident(contractId, {
          severity: 'equivalent',
          awareAt: '2026-01-10T21:00:00+09:00',
          intervals: [
            {
              start: '2026-01-10T20:00:00+09:00',
              end: '2026-01-12T15:00:00+09:00',
            },
          ],
        }),
      )
      .expect(200);
    const entry = preview.body.contracts[0];
    expect(entry.currentOutages).toHaveLength(1);
    expect(entry.currentOutages[0]).toMatchObject({
      start: '2026-01-10T01:00:00.000Z',
      end: '2026-01-10T11:30:00.000Z',
      unavailableMs: 10 * 3_600_000,
      qualifies: false,
      claimStatus: 'not-qualifying',
    });
    expect(entry.outages).toHaveLength(1);
    expect(entry.outages[0]).toMatchObject(EXAMPLE_OUTAGE);
    expect(
      (await t.as('support').get('/incidents').expect(200)).body,
    ).toHaveLength(1);
  });

  it('validates like POST /incidents', async () => {
    t = makeTestApp();
    const { contractId } = await seedContract(t);
    const response = await t
      .as('support')
      .post(
        '/incidents/preview',
        namedIncident(contractId, {
          scope: { contractIds: ['no-such-contract'] },
        }),
      )
      .expect(422);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(
      'scope.contractIds[0]',
    );
  });
});

describe('GET /incidents and /incidents/:id', () => {
  it('lets support, admin and finance read; refuses customers; 404 for an unknown id', async () => {
    t = makeTestApp();
    const { customerId, contractId } = await seedContract(t);
    const first = await t
      .as('support')
      .post('/incidents', namedIncident(contractId))
      .expect(201);
    const second = await t
      .as('support')
      .post(
        '/incidents',
        namedIncident(contractId, {
          title: 'Later',
          awareAt: '2026-01-20T10:00:00+09:00',
          intervals: [
            {
              start: '2026-01-20T09:00:00+09:00',
              end: '2026-01-20T12:00:00+09:00',
            },
          ],
        }),
      )
      .expect(201);
    for (const role of ['support', 'admin', 'finance'] as const) {
      const list = await t.as(role).get('/incidents').expect(200);
      // Newest awareness first.
      expect(list.body.map((incident: { id: string }) => incident.id)).toEqual([
        second.body.id,
        first.body.id,
      ]);
      const one = await t
        .as(role)
        .get(`/incidents/${first.body.id}`)
        .expect(200);
      expect(one.body).toEqual(first.body);
    }
    const customer = { token: t.customerToken(customerId) };
    expect((await t.as(customer).get('/incidents').expect(403)).body.code).toBe(
      'forbidden',
    );
    await t.as(customer).get(`/incidents/${first.body.id}`).expect(403);
    const missing = await t
      .as('support')
      .get('/incidents/does-not-exist')
      .expect(404);
    expect(missing.body.code).toBe('not-found');
  });

  it('filters by the half-open span [from, to): an interval ending at `from` or starting at `to` is outside', async () => {
    t = makeTestApp();
    const { contractId } = await seedContract(t);
    // [01:00Z 10 Jan, 06:00Z 12 Jan)
    const id = (
      await t
        .as('support')
        .post('/incidents', namedIncident(contractId))
        .expect(201)
    ).body.id;
    const ids = async (query: string) =>
      (await t.as('finance').get(`/incidents?${query}`).expect(200)).body.map(
        (incident: { id: string }) => incident.id,
      );
    expect(await ids('from=2026-01-12T05:59:59.999Z')).toEqual([id]);
    expect(await ids('from=2026-01-12T06:00:00.000Z')).toEqual([]);
    expect(await ids('to=2026-01-10T01:00:00.001Z')).toEqual([id]);
    expect(await ids('to=2026-01-10T01:00:00.000Z')).toEqual([]);
    expect(
      await ids('from=2026-01-11T00:00:00Z&to=2026-01-11T01:00:00Z'),
    ).toEqual([id]);
    const bad = await t
      .as('finance')
      .get('/incidents?from=2026-01-11')
      .expect(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'query.from',
    ]);
  });

  it('filters by contract', async () => {
    t = makeTestApp();
    const a = await seedContract(t);
    const b = await seedContract(t);
    const forA = await t
      .as('support')
      .post('/incidents', namedIncident(a.contractId))
      .expect(201);
    await t
      .as('support')
      .post('/incidents', namedIncident(b.contractId))
      .expect(201);
    const list = await t
      .as('finance')
      .get(`/incidents?contractId=${a.contractId}`)
      .expect(200);
    expect(list.body.map((incident: { id: string }) => incident.id)).toEqual([
      forA.body.id,
    ]);
  });
});

describe('PATCH /incidents/:id (rule 11)', () => {
  it('requires a reason', async () => {
    t = makeTestApp();
    const { contractId } = await seedContract(t);
    const created = await t
      .as('support')
      .post('/incidents', namedIncident(contractId))
      .expect(201);
    const response = await t
      .as('support')
      .patch(`/incidents/${created.body.id}`, { title: 'Renamed' })
      .expect(422);
    expect(response.body.code).toBe('validation-failed');
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(
      'reason',
    );
    const unchanged = await t
      .as('support')
      .get(`/incidents/${created.body.id}`)
      .expect(200);
    expect(unchanged.body).toMatchObject({ title: 'Gateway down', version: 1 });
  });

  it('corrects with a reason: version bumped, audited with before/after, outages recomputed at once', async () => {
    t = makeTestApp();
    const { contractId } = await seedContract(t);
    const created = await t
      .as('support')
      .post('/incidents', namedIncident(contractId))
      .expect(201);
    const id = created.body.id as string;
    const before = await t
      .as('support')
      .get(`/contracts/${contractId}/outages`)
      .expect(200);
    expect(before.body.outages).toHaveLength(1);
    expect(before.body.outages[0]).toMatchObject(EXAMPLE_OUTAGE);

    // The service came back a day later than logged: 15:00 JST on 13 Jan.
    const patched = await t
      .as('support')
      .patch(`/incidents/${id}`, {
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-13T15:00:00+09:00',
          },
        ],
        reason: 'monitoring showed a later recovery',
      })
      .expect(200);
    expect(patched.body).toMatchObject({
      id,
      version: 2,
      title: 'Gateway down',
      intervals: [
        { start: '2026-01-10T01:00:00.000Z', end: '2026-01-13T06:00:00.000Z' },
      ],
    });

    const audit = await t
      .as('admin')
      .get(`/audit?entityType=incident&entityId=${id}`)
      .expect(200);
    const correction = audit.body.find(
      (entry: { action: string }) => entry.action === 'incident.corrected',
    );
    expect(correction).toBeDefined();
    expect(correction.reason).toBe('monitoring showed a later recovery');
    expect(correction.entityId).toBe(id);
    expect(correction.before).toMatchObject({
      version: 1,
      intervals: [
        { start: '2026-01-10T01:00:00.000Z', end: '2026-01-12T06:00:00.000Z' },
      ],
    });
    expect(correction.after).toMatchObject({
      version: 2,
      intervals: [
        { start: '2026-01-10T01:00:00.000Z', end: '2026-01-13T06:00:00.000Z' },
      ],
    });
    // finance may read the audit log too
    await t
      .as('finance')
      .get(`/audit?entityType=incident&entityId=${id}`)
      .expect(200);

    // 01:30Z on the 10th to 06:00Z on the 13th = 76.5 h → 3 days → floor(3 × 100000 / 30) = 10000.
    const after = await t
      .as('support')
      .get(`/contracts/${contractId}/outages`)
      .expect(200);
    expect(after.body.outages).toHaveLength(1);
    expect(after.body.outages[0]).toMatchObject({
      start: '2026-01-10T01:00:00.000Z',
      end: '2026-01-13T06:00:00.000Z',
      unavailableMs: 76.5 * 3_600_000,
      creditDays: 3,
      creditAmount: 10000,
      claimableFrom: '2026-01-13',
      claimDeadline: '2026-04-13',
      incidentIds: [id],
    });
  });

  it('re-validates the corrected incident as a whole and never half-applies', async () => {
    t = makeTestApp();
    const { contractId } = await seedContract(t);
    const created = await t
      .as('support')
      .post('/incidents', namedIncident(contractId))
      .expect(201);
    const id = created.body.id as string;
    // awareAt moved before the first start.
    const early = await t
      .as('support')
      .patch(`/incidents/${id}`, {
        awareAt: '2026-01-10T09:00:00+09:00',
        reason: 'typo',
      })
      .expect(422);
    expect(early.body.errors.map((e: { path: string }) => e.path)).toContain(
      'awareAt',
    );
    // an end before its start
    const backwards = await t
      .as('support')
      .patch(`/incidents/${id}`, {
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-10T09:00:00+09:00',
          },
        ],
        reason: 'typo',
      })
      .expect(422);
    expect(
      backwards.body.errors.map((e: { path: string }) => e.path),
    ).toContain('intervals[0].end');
    // in the future of the server clock (2026-02-01 00:00 JST)
    const future = await t
      .as('support')
      .patch(`/incidents/${id}`, {
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-02-01T00:00:00.001+09:00',
          },
        ],
        reason: 'typo',
      })
      .expect(422);
    expect(future.body.errors.map((e: { path: string }) => e.path)).toContain(
      'intervals[0].end',
    );
    const unchanged = await t.as('support').get(`/incidents/${id}`).expect(200);
    expect(unchanged.body).toEqual(created.body);
    await t
      .as('support')
      .patch('/incidents/nope', { title: 'x', reason: 'y' })
      .expect(404);
    await t
      .as('finance')
      .patch(`/incidents/${id}`, { title: 'x', reason: 'y' })
      .expect(403);
  });

  it('moves a contract in or out of scope and recomputes both', async () => {
    t = makeTestApp();
    const a = await seedContract(t);
    const b = await seedContract(t);
    const created = await t
      .as('support')
      .post('/incidents', namedIncident(a.contractId))
      .expect(201);
    const patched = await t
      .as('admin')
      .patch(`/incidents/${created.body.id}`, {
        scope: { contractIds: [b.contractId] },
        reason: 'wrong contract',
      })
      .expect(200);
    expect(patched.body.affectedContractIds).toEqual([b.contractId]);
    expect(
      (
        await t
          .as('support')
          .get(`/contracts/${a.contractId}/outages`)
          .expect(200)
      ).body.outages,
    ).toEqual([]);
    expect(
      (
        await t
          .as('support')
          .get(`/contracts/${b.contractId}/outages`)
          .expect(200)
      ).body.outages[0],
    ).toMatchObject(EXAMPLE_OUTAGE);
  });
});

describe('POST /incidents validation: 422 validation-failed naming the field, never 500', () => {
  const pathsOf = (body: { errors?: { path: string }[] }) =>
    (body.errors ?? []).map((error) => error.path);

  async function refused(
    body: unknown,
  ): Promise<{ code: string; errors?: { path: string; message: string }[] }> {
    const response = await t.as('support').post('/incidents', body as object);
    expect(response.status).toBe(422);
    expect(response.headers['content-type']).toMatch(
      /application\/problem\+json/,
    );
    expect(response.body.code).toBe('validation-failed');
    return response.body;
  }

  it('checks each field against the schema, the rules and the store', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t);
    const base = namedIncident(contractId);
    const at = (start: string, end?: string | null) => [
      { start, ...(end === undefined ? {} : { end }) },
    ];

    expect(
      pathsOf(
        await refused({
          ...base,
          intervals: at(
            '2026-01-10T10:00:00+09:00',
            '2026-01-10T10:00:00+09:00',
          ),
        }),
      ),
    ).toContain('intervals[0].end');
    expect(
      pathsOf(
        await refused({
          ...base,
          intervals: at(
            '2026-01-10T10:00:00+09:00',
            '2026-01-10T01:00:00.000Z',
          ),
        }),
      ),
    ).toContain('intervals[0].end');
    // awareAt one millisecond before the first start (of two intervals)
    expect(
      pathsOf(
        await refused({
          ...base,
          awareAt: '2026-01-10T09:59:59.999+09:00',
          intervals: [
            {
              start: '2026-01-11T10:00:00+09:00',
              end: '2026-01-11T12:00:00+09:00',
            },
            {
              start: '2026-01-10T10:00:00+09:00',
              end: '2026-01-10T12:00:00+09:00',
            },
          ],
        }),
      ),
    ).toEqual(['awareAt']);
    expect(pathsOf(await refused({ ...base, cause: 'gremlins' }))).toContain(
      'cause',
    );
    expect(
      pathsOf(await refused({ ...base, severity: 'catastrophic' })),
    ).toContain('severity');
    expect(
      pathsOf(await refused({ ...base, awareAt: '2026-01-10T10:30:00' })),
    ).toContain('awareAt');
    expect(
      pathsOf(
        await refused({
          ...base,
          intervals: at('2026-01-10T10:00:00', '2026-01-12T15:00:00+09:00'),
        }),
      ),
    ).toContain('intervals[0].start');
    expect(
      pathsOf(
        await refused({
          ...base,
          intervals: at(
            '2026-02-30T10:00:00+09:00',
            '2026-03-01T10:00:00+09:00',
          ),
          awareAt: '2026-03-01T00:00:00+09:00',
        }),
      ),
    ).toContain('intervals[0].start');
    expect(
      pathsOf(await refused({ ...base, awareAt: '2026-01-32T10:30:00+09:00' })),
    ).toContain('awareAt');
    expect(pathsOf(await refused({ ...base, scope: {} }))).toEqual(['scope']);
    expect(
      pathsOf(
        await refused({ ...base, scope: { excludeContractIds: [contractId] } }),
      ),
    ).toEqual(['scope']);
    expect(
      pathsOf(
        await refused({
          ...base,
          scope: { contractIds: [contractId, 'no-such-contract'] },
        }),
      ),
    ).toEqual(['scope.contractIds[1]']);
    expect(
      pathsOf(
        await refused({
          ...base,
          scope: { contractIds: [contractId], excludeContractIds: ['ghost'] },
        }),
      ),
    ).toEqual(['scope.excludeContractIds[0]']);
    expect(
      pathsOf(
        await refused({ ...base, scope: { regions: ['jp-east', 'jp-north'] } }),
      ),
    ).toEqual(['scope.regions[1]']);
    expect(pathsOf(await refused({ ...base, intervals: [] }))).toContain(
      'intervals',
    );

    // the future, against the server clock 2026-02-01T00:00:00+09:00
    expect(
      pathsOf(
        await refused({ ...base, awareAt: '2026-02-01T00:00:00.001+09:00' }),
      ),
    ).toEqual(['awareAt']);
    expect(
      pathsOf(
        await refused({
          ...base,
          intervals: at(
            '2026-01-31T10:00:00+09:00',
            '2026-02-01T09:00:00+09:00',
          ),
          awareAt: '2026-01-31T11:00:00+09:00',
        }),
      ),
    ).toEqual(['intervals[0].end']);
    expect(
      pathsOf(
        await refused({
          ...base,
          intervals: at('2026-02-02T00:00:00+09:00', null),
          awareAt: '2026-02-02T00:00:00+09:00',
        }),
      ),
    ).toEqual(['awareAt', 'intervals[0].start']);

    // nothing was saved by any of these
    expect((await t.as('support').get('/incidents').expect(200)).body).toEqual(
      [],
    );
  });

  it('accepts the boundary values: end one ms after start, awareAt at the first start, now itself', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t);
    await t
      .as('support')
      .post(
        '/incidents',
        namedIncident(contractId, {
          awareAt: '2026-01-10T10:00:00+09:00',
          intervals: [
            {
              start: '2026-01-10T10:00:00+09:00',
              end: '2026-01-10T10:00:00.001+09:00',
            },
          ],
        }),
      )
      .expect(201);
    await t
      .as('support')
      .post(
        '/incidents',
        namedIncident(contractId, {
          awareAt: '2026-02-01T00:00:00+09:00',
          intervals: [
            {
              start: '2026-01-31T00:00:00+09:00',
              end: '2026-02-01T00:00:00+09:00',
            },
          ],
        }),
      )
      .expect(201);
    // an open interval: still down
    const open = await t
      .as('support')
      .post(
        '/incidents',
        namedIncident(contractId, {
          awareAt: '2026-01-31T12:00:00Z',
          intervals: [{ start: '2026-01-31T12:00:00Z' }],
        }),
      )
      .expect(201);
    expect(open.body).toMatchObject({
      ongoing: true,
      intervals: [{ start: '2026-01-31T12:00:00.000Z', end: null }],
    });
  });

  it('answers garbage with a 4xx problem, never 500', async () => {
    t = makeTestApp();
    const { contractId } = await seedContract(t);
    const base = namedIncident(contractId);
    const bodies: unknown[] = [
      {},
      { ...base, intervals: 'yesterday' },
      { ...base, intervals: [{}] },
      { ...base, intervals: [null] },
      { ...base, scope: null },
      { ...base, scope: { regions: 'jp-east' } },
      { ...base, scope: { contractIds: [42] } },
      { ...base, awareAt: 1768008600000 },
      { ...base, awareAt: '' },
      { ...base, awareAt: '2026-01-10T10:30:00+25:00' },
      { ...base, awareAt: '+275760-09-13T00:00:00Z' },
      { ...base, title: '' },
      { ...base, title: '   ' },
      { ...base, unknownField: true },
    ];
    for (const body of bodies) {
      const response = await t.as('support').post('/incidents', body as object);
      expect(response.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(response.status, JSON.stringify(body)).toBeLessThan(500);
      expect(response.body.code, JSON.stringify(body)).toBeTypeOf('string');
    }
    const notJson = await t
      .as('support')
      .post('/incidents')
      .set('Content-Type', 'application/json')
      .send('{"title":');
    expect(notJson.status).toBe(400);
    const array = await t.as('support').post('/incidents', [base]);
    expect(array.status).toBe(422);
  });
});

describe('previewing a correction', () => {
  it('shows the outages before and after for the contracts affected before or after, and saves nothing', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const first = await seedContract(t, { contractNumber: 'P-1' });
    const second = await seedContract(t, { contractNumber: 'P-2' });
    const created = await t
      .as('support')
      .post('/incidents', {
        title: 'Gateway down',
        cause: 'provider',
        severity: 'total',
        scope: { contractIds: [first.contractId] },
        awareAt: '2026-01-10T10:30:00+09:00',
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-12T15:00:00+09:00',
          },
        ],
      })
      .expect(201);
    const audit = (await t.as('admin').get('/audit').expect(200)).body.length;

    // Moved to the other contract and cut to 5 h: P-1 loses its outage, P-2 gains a short one.
    const preview = await t
      .as('support')
      .post(`/incidents/${created.body.id}/preview`, {
        scope: { contractIds: [second.contractId] },
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-10T15:00:00+09:00',
          },
        ],
      })
      .expect(200);
    expect(preview.body.affectedContractIds).toEqual([second.contractId]);
    const byNumber = Object.fromEntries(
      preview.body.contracts.map((c: { contractNumber: string }) => [
        c.contractNumber,
        c,
      ]),
    );
    expect(byNumber['P-1'].currentOutages).toHaveLength(1);
    expect(byNumber['P-1'].outages).toEqual([]);
    expect(byNumber['P-2'].currentOutages).toEqual([]);
    expect(byNumber['P-2'].outages).toMatchObject([
      { unavailableMs: 4.5 * 3_600_000, qualifies: false },
    ]);
    expect(byNumber['P-1'].claimChanges).toEqual([]);

    expect(
      (await t.as('support').get(`/incidents/${created.body.id}`).expect(200))
        .body.version,
    ).toBe(1);
    expect((await t.as('admin').get('/audit').expect(200)).body.length).toBe(
      audit,
    );
    const bad = await t
      .as('support')
      .post(`/incidents/${created.body.id}/preview`, {
        intervals: [
          {
            start: '2026-01-10T10:00:00+09:00',
            end: '2026-01-10T09:00:00+09:00',
          },
        ],
      })
      .expect(422);
    expect(bad.body.errors[0].path).toBe('intervals[0].end');
  });
});

describe('concurrent corrections', () => {
  it('refuses a correction made against an older version (If-Match), and a repeated correction changes nothing', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t);
    const created = await t
      .as('support')
      .post('/incidents', {
        title: 'Gateway down',
        cause: 'provider',
        severity: 'total',
        scope: { contractIds: [contractId] },
        awareAt: '2026-01-10T10:30:00+09:00',
        intervals: [{ start: '2026-01-10T10:00:00+09:00' }],
      })
      .expect(201);
    const id = created.body.id;
    const read = await t.as('support').get(`/incidents/${id}`).expect(200);
    expect(read.headers.etag).toBe('"1"');

    const fix = {
      intervals: [
        {
          start: '2026-01-10T10:00:00+09:00',
          end: '2026-01-12T15:00:00+09:00',
        },
      ],
      reason: 'restored at 15:00',
    };
    const first = await t
      .as('support')
      .patch(`/incidents/${id}`, fix)
      .set('If-Match', '"1"')
      .expect(200);
    expect(first.headers.etag).toBe('"2"');
    const stale = await t
      .as('admin')
      .patch(`/incidents/${id}`, { title: 'Renamed', reason: 'clearer' })
      .set('If-Match', '"1"')
      .expect(412);
    expect(stale.body.code).toBe('precondition-failed');
    await t
      .as('admin')
      .patch(`/incidents/${id}`, { title: 'Renamed', reason: 'clearer' })
      .set('If-Match', 'W/"2"')
      .expect(412);
    expect(
      (await t.as('support').get(`/incidents/${id}`).expect(200)).body.title,
    ).toBe('Gateway down');

    const audit = (
      await t
        .as('admin')
        .get(`/audit?entityType=incident&entityId=${id}`)
        .expect(200)
    ).body.length;
    // The first request retried, with its If-Match: the correction is already there, so it answers as done.
    const again = await t
      .as('support')
      .patch(`/incidents/${id}`, fix)
      .set('If-Match', '"1"')
      .expect(200);
    expect(again.body.version).toBe(2);
    expect(
      (
        await t
          .as('admin')
          .get(`/audit?entityType=incident&entityId=${id}`)
          .expect(200)
      ).body.length,
    ).toBe(audit);
  });
});
