/**
 * Two server processes on one database file, each with its own read model cache: a write answered by one
 * shows in the other's next read of the contract, though the other had just read it (and kept it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, type Server, scratch } from '../support/server';

const space = scratch('cache');
let writer: Server;
let reader: Server;
let customerId: string;
beforeAll(async () => {
  const databasePath = space.path('cache.db');
  // One after the other: the first creates the database and the admin, the second finds them.
  writer = await space.start(databasePath);
  reader = await space.start(databasePath);
  customerId = (await writer.call('POST', '/customers', { name: 'Cache K.K.' }))
    .body.id;
}, 90_000);
afterAll(() => space.cleanUp());

async function outagesOn(server: Server, contractId: string) {
  const answer = await server.call('GET', `/contracts/${contractId}/outages`);
  expect(answer.status).toBe(200);
  return answer.body.outages.map(
    (outage: { start: string; creditAmount: number }) => [
      outage.start,
      outage.creditAmount,
    ],
  );
}

describe('the read model over two server processes', () => {
  it("shows the other process's incident, correction and fee change at once", async () => {
    const contract = await writer.call('POST', '/contracts', {
      customerId,
      contractNumber: 'CACHE-1',
      licenses: 100,
      concurrentDevices: 2000,
      servers: 1,
      region: 'jp-east',
      redundancy: false,
      billingStartDate: '2025-01-01',
      monthlyFee: 30000,
    });
    expect(contract.status).toBe(201);
    const contractId: string = contract.body.id;
    expect(await outagesOn(reader, contractId)).toEqual([]);
    expect(await outagesOn(reader, contractId)).toEqual([]);

    // 48 hours, ended a week ago: two days of credit at 30,000 yen a month.
    const startMs = Math.floor(Date.now() / HOUR) * HOUR - 9 * 24 * HOUR;
    const start = new Date(startMs).toISOString();
    const incident = await writer.call('POST', '/incidents', {
      title: 'Gateway down',
      cause: 'provider',
      severity: 'total',
      scope: { contractIds: [contractId] },
      awareAt: start,
      intervals: [{ start, end: new Date(startMs + 48 * HOUR).toISOString() }],
    });
    expect(incident.status).toBe(201);
    expect(await outagesOn(reader, contractId)).toEqual([[start, 2000]]);

    const corrected = await writer.call(
      'PATCH',
      `/incidents/${incident.body.id}`,
      {
        intervals: [
          { start, end: new Date(startMs + 72 * HOUR).toISOString() },
        ],
        reason: 'it lasted three days',
      },
    );
    expect(corrected.status).toBe(200);
    expect(await outagesOn(reader, contractId)).toEqual([[start, 3000]]);

    const fee = await writer.call(
      'POST',
      `/contracts/${contractId}/fee-changes`,
      { effectiveDate: '2025-02-01', monthlyFee: 60000 },
    );
    expect(fee.status).toBe(201);
    expect(await outagesOn(reader, contractId)).toEqual([[start, 6000]]);
  });
});
