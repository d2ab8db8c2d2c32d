/** OUTAGE_CACHE_CONTRACTS: how many contracts' outage sources the server keeps; a malformed value stops the start. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OUTAGE_CACHE_CONTRACTS,
  settingsFromEnv,
} from '../../src/config';

describe('the bound of the read model cache from the environment', () => {
  it('is the default when unset or empty, and what it says otherwise (0 keeps none)', () => {
    expect(settingsFromEnv({}).app.outageCacheContracts).toBe(
      DEFAULT_OUTAGE_CACHE_CONTRACTS,
    );
    expect(
      settingsFromEnv({ OUTAGE_CACHE_CONTRACTS: '' }).app.outageCacheContracts,
    ).toBe(DEFAULT_OUTAGE_CACHE_CONTRACTS);
    expect(
      settingsFromEnv({ OUTAGE_CACHE_CONTRACTS: '250' }).app
        .outageCacheContracts,
    ).toBe(250);
    expect(
      settingsFromEnv({ OUTAGE_CACHE_CONTRACTS: '0' }).app.outageCacheContracts,
    ).toBe(0);
  });

  it.each(['-1', '1.5', 'many'])(
    'stops the start with a clear message for %j',
    (value) => {
      expect(() => settingsFromEnv({ OUTAGE_CACHE_CONTRACTS: value })).toThrow(
        /OUTAGE_CACHE_CONTRACTS must be a whole number of contracts/,
      );
    },
  );
});
