/**
 * The role × endpoint matrix, driven by the endpoint table itself, so an endpoint added there is
 * covered at once: each role is either served (the sample call succeeds) or refused with 403, and a
 * refusal writes nothing. Without a token, every endpoint but the public ones is 401 and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/domain/roles';
import { endpoints } from '../../src/http/routes';
import { expectProblem } from '../support/app';
import {
  type Call,
  digest,
  freshToken,
  makeWorld,
  pathOf,
  SAMPLES,
  send,
  type World,
} from './support/world';

let w: World;
beforeAll(async () => {
  w = await makeWorld();
});
afterAll(() => w.t.close());

async function callOf(endpoint: (typeof endpoints)[number]): Promise<Call> {
  const sample = SAMPLES[endpoint.operationId];
  if (sample) return sample(w);
  if (endpoint.body)
    throw new Error(`${endpoint.operationId}: add a sample call to SAMPLES`);
  return {};
}

describe('every endpoint of the table, for every role', () => {
  for (const endpoint of endpoints) {
    const name = `${endpoint.method.toUpperCase()} ${endpoint.path}`;
    for (const role of ROLES) {
      const served =
        endpoint.roles === 'anyone' || endpoint.roles.includes(role);
      it(`${name}: ${served ? 'serves' : 'refuses'} ${role}`, async () => {
        const call = await callOf(endpoint);
        // A new user for each call: an endpoint that ends the caller's token ends only this one.
        const token = freshToken(w, role);
        const before = digest(w);
        const res = await send(
          w,
          endpoint,
          pathOf(endpoint, w, call.params, call.query),
          token,
          call.body,
        );
        const shown = `${name} as ${role} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
        expect(res.status, shown).toBeLessThan(500);
        if (served) {
          // The sample call is valid and its target fresh: a served role gets it done.
          expect(res.status, shown).toBeGreaterThanOrEqual(200);
          expect(res.status, shown).toBeLessThan(300);
        } else {
          expectProblem(res, 403, 'forbidden');
          expect(digest(w), shown).toEqual(before);
        }
      });
    }

    if (!endpoint.public)
      it(`${name}: refuses a client without a token with 401, writing nothing`, async () => {
        const call = await callOf(endpoint);
        const before = digest(w);
        const res = await send(
          w,
          endpoint,
          pathOf(endpoint, w, call.params, call.query),
          undefined,
          call.body,
        );
        expectProblem(res, 401, 'unauthenticated');
        expect(digest(w)).toEqual(before);
      });
  }
});
