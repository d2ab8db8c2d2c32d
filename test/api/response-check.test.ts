/**
 * Typed endpoint handlers (issue 13, item 5): with `checkResponses`, which test/support/app.ts turns on
 * for every API test, an answer its endpoint's response schema does not describe fails loudly.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { checkResponse, ResponseMismatch } from '../../src/http/response-check';
import { endpoints } from '../../src/http/routes';

const getCustomer = endpoints.find((e) => e.operationId === 'getCustomer')!;
const customer = {
  id: 'c1',
  name: 'Example K.K.',
  email: null,
  address: null,
  createdAt: '2026-01-10T01:00:00.000Z',
};

describe('checkResponse', () => {
  it('passes an answer its schema describes exactly', () => {
    expect(() => checkResponse(getCustomer, customer)).not.toThrow();
  });

  it('refuses a field of the wrong type, naming it', () => {
    expect(() => checkResponse(getCustomer, { ...customer, name: 5 })).toThrow(
      ResponseMismatch,
    );
    expect(() => checkResponse(getCustomer, { ...customer, name: 5 })).toThrow(
      /GET \/customers\/:id .*name/,
    );
  });

  it('refuses a field the schema does not describe, which parsing alone would drop', () => {
    expect(() =>
      checkResponse(getCustomer, { ...customer, passwordHash: 'scrypt$…' }),
    ).toThrow(/passwordHash, which its response schema does not describe/);
  });

  it('judges what the client receives: the JSON text, not the object before serialising', () => {
    const calculate = endpoints.find((e) => e.operationId === 'calculate')!;
    const answer = {
      outages: [],
      asOf: '2026-01-01T00:00:00.000Z',
      policy: DEFAULT_POLICY,
    };
    expect(() => checkResponse(calculate, answer)).not.toThrow();
    // An Infinity goes out as null, which the policy's integer refuses.
    expect(() =>
      checkResponse(calculate, {
        ...answer,
        policy: { ...DEFAULT_POLICY, mergeGapMs: Infinity },
      }),
    ).toThrow(/policy.mergeGapMs/);
  });
});
