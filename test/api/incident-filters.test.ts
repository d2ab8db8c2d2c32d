/** GET /incidents filters (ongoing, region, cause), and ending an incident in one step. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { ServiceError } from '../../src/errors';
import { endIncident } from '../../src/services/incidents';
import {
  expectProblem,
  makeTestApp,
  seedContract,
  type TestApp,
} from '../support/app';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp();
});
afterEach(() => t.close());

const incident = (fields: Record<string, unknown>) =>
  t
    .as('support')
    .post('/incidents', {
      title: 'incident',
      cause: 'provider',
      severity: 'total',
      awareAt: '2026-01-10T10:00:00+09:00',
      intervals: [
        {
          start: '2026-01-10T10:00:00+09:00',
          end: '2026-01-10T20:00:00+09:00',
        },
      ],
      ...fields,
    })
    .expect(201)
    .then((res) => res.body as { id: string; version: number });

describe('GET /incidents filters', () => {
  it('by ongoing, region (named, or a named contract of it) and cause, combined', async () => {
    const west = await seedContract(t, { region: 'jp-west' });
    const east = await incident({ scope: { regions: ['jp-east'] } });
    const westOpen = await incident({
      scope: { regions: ['jp-west'] },
      intervals: [{ start: '2026-01-10T10:00:00+09:00' }],
    });
    const westContract = await incident({
      scope: { contractIds: [west.contractId] },
      cause: 'maintenance',
    });
    const ids = async (query: string) =>
      (
        (await t.as('finance').get(`/incidents?${query}`).expect(200)).body as {
          id: string;
        }[]
      )
        .map((i) => i.id)
        .sort();
    expect(await ids('ongoing=true')).toEqual([westOpen.id]);
    expect(await ids('ongoing=false')).toEqual(
      [east.id, westContract.id].sort(),
    );
    expect(await ids('region=jp-west')).toEqual(
      [westOpen.id, westContract.id].sort(),
    );
    expect(await ids('cause=maintenance')).toEqual([westContract.id]);
    expect(await ids('region=jp-west&cause=provider')).toEqual([westOpen.id]);
  });

  it('a bad filter is named', async () => {
    expectProblem(
      await t.as('support').get('/incidents?cause=weather'),
      422,
      'validation-failed',
    );
    expectProblem(
      await t.as('support').get('/incidents?ongoing=maybe'),
      422,
      'validation-failed',
    );
  });
});

describe('ending an incident in one step', () => {
  it('refuses an incident that is not ongoing, and changes nothing', async () => {
    await seedContract(t);
    const over = await incident({ scope: { regions: ['jp-east'] } });
    const ctx = {
      store: t.store,
      clock: t.now,
      config: { policy: DEFAULT_POLICY, regions: ['jp-east', 'jp-west'] },
      actor: { userId: 'u', role: 'support' as const, customerId: null },
    };
    expect(() => endIncident(ctx, over.id, 'restored')).toThrow(ServiceError);
    const after = await t
      .as('support')
      .get(`/incidents/${over.id}`)
      .expect(200);
    expect(after.body.version).toBe(1);
  });

  it('closes every open interval at now, keeping the closed ones, as a new version', async () => {
    await seedContract(t);
    const open = await incident({
      scope: { regions: ['jp-east'] },
      intervals: [
        {
          start: '2026-01-10T10:00:00+09:00',
          end: '2026-01-10T12:00:00+09:00',
        },
        { start: '2026-01-20T10:00:00+09:00' },
      ],
    });
    const ctx = {
      store: t.store,
      clock: t.now,
      config: { policy: DEFAULT_POLICY, regions: ['jp-east', 'jp-west'] },
      actor: { userId: 'u', role: 'support' as const, customerId: null },
    };
    expect(() => endIncident(ctx, open.id, 'restored', 7)).toThrow(/version/);
    const ended = endIncident(ctx, open.id, 'restored', 1);
    expect(ended.ongoing).toBe(false);
    expect(ended.version).toBe(2);
    expect(ended.intervals).toEqual([
      { start: '2026-01-10T01:00:00.000Z', end: '2026-01-10T03:00:00.000Z' },
      {
        start: '2026-01-20T01:00:00.000Z',
        end: new Date(t.now()).toISOString(),
      },
    ]);
  });
});
