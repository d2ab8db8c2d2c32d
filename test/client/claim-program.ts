/**
 * A client's program, written against the TypeScript types openapi-typescript generates from the served
 * OpenAPI document (`generated/gengaku-api.d.ts`, made by client.test.ts): support logs an incident that
 * takes a contract down for 30 hours, reads the contract's outages, and files a claim for the one that
 * qualifies. Only public packages and the generated types: what a real client would write.
 */
import createClient from 'openapi-fetch';
import type { operations, paths } from './generated/gengaku-api';

type IncidentInput =
  operations['createIncident']['requestBody']['content']['application/json'];
type Claim =
  operations['createClaim']['responses'][201]['content']['application/json'];

export async function logIncidentAndFileClaim(options: {
  baseUrl: string;
  token: string;
  contractId: string;
}): Promise<{ incidentId: string; claim: Claim }> {
  const client = createClient<paths>({
    baseUrl: `${options.baseUrl}/api/v1`,
    headers: { Authorization: `Bearer ${options.token}` },
  });
  const incident: IncidentInput = {
    title: 'Core gateway failure',
    cause: 'provider',
    severity: 'total',
    scope: { contractIds: [options.contractId] },
    awareAt: '2026-01-10T10:00:00+09:00',
    intervals: [
      { start: '2026-01-10T10:00:00+09:00', end: '2026-01-11T16:00:00+09:00' },
    ],
  };
  const logged = await client.POST('/incidents', { body: incident });
  if (logged.data === undefined)
    throw new Error(`createIncident: ${logged.error.detail}`);

  const read = await client.GET('/contracts/{id}/outages', {
    params: {
      path: { id: options.contractId },
      query: { asOf: '2026-02-01T00:00:00+09:00' },
    },
  });
  if (read.data === undefined)
    throw new Error(`listContractOutages: ${read.error.detail}`);
  const outage = read.data.outages.find((candidate) => candidate.qualifies);
  if (outage === undefined) throw new Error('no qualifying outage');

  const filed = await client.POST('/claims', {
    body: { contractId: options.contractId, outageStart: outage.start },
    headers: { 'Idempotency-Key': `claim-${logged.data.id}` },
  });
  if (filed.data === undefined)
    throw new Error(`createClaim: ${filed.error.detail}`);
  return { incidentId: logged.data.id, claim: filed.data };
}
