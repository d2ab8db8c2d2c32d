import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/db/client';
import { users } from '../../src/db/schema';
import {
  actorForToken,
  ensureFirstAdmin,
  exchangePassword,
} from '../../src/services/users';

let store: Store;
afterEach(() => store?.close());

describe('the first admin', () => {
  it('without SLA_BOOTSTRAP_TOKEN gets a one-time password that logs in, hashed with scrypt', () => {
    store = openStore(':memory:');
    const first = ensureFirstAdmin(store, 0, undefined);
    expect(first.kind).toBe('password');
    if (first.kind !== 'password') return;
    const row = store.db.select().from(users).get()!;
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(row.passwordHash).not.toContain(first.password);
    const { token } = exchangePassword(
      store,
      1,
      'admin@gengaku.local',
      first.password,
    );
    expect(actorForToken(store, token)).toMatchObject({ role: 'admin' });
    expect(() =>
      exchangePassword(store, 1, 'admin@gengaku.local', `${first.password}!`),
    ).toThrow(/wrong password/);
    expect(ensureFirstAdmin(store, 2, undefined)).toEqual({ kind: 'exists' });
    expect(store.db.select().from(users).all()).toHaveLength(1);
  });

  it('with SLA_BOOTSTRAP_TOKEN authenticates with that token, and only while no admin exists', () => {
    store = openStore(':memory:');
    expect(ensureFirstAdmin(store, 0, 'gk_bootstrap').kind).toBe('token');
    expect(actorForToken(store, 'gk_bootstrap')).toMatchObject({
      role: 'admin',
    });
    expect(ensureFirstAdmin(store, 1, 'gk_other')).toEqual({ kind: 'exists' });
    expect(actorForToken(store, 'gk_other')).toBeNull();
  });
});
