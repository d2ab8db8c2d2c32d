import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/db/client';
import { users } from '../../src/db/schema';
import { instantOf } from '../../src/domain/time';
import { signInForToken } from '../../src/services/sign-in';
import { actorForToken, ensureFirstAdmin } from '../../src/services/users';

let store: Store;
afterEach(() => store?.close());

const config = { tokenTtlDays: 30 };
const at = (now: number) => () => instantOf(now);

describe('the first admin', () => {
  it('without SLA_BOOTSTRAP_TOKEN gets a one-time password, hashed with scrypt, that logs in exactly once', async () => {
    store = openStore(':memory:');
    const first = await ensureFirstAdmin(store, instantOf(0), undefined);
    expect(first.kind).toBe('password');
    if (first.kind !== 'password') return;
    const row = store.db.select().from(users).get()!;
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(row.passwordHash).not.toContain(first.password);
    expect(row.passwordSingleUse).toBe(true);
    const credentials = {
      email: 'admin@gengaku.local',
      password: first.password,
      clientKey: 'test',
    };
    await expect(
      signInForToken(store, at(1), config, {
        ...credentials,
        password: `${first.password}!`,
      }),
    ).rejects.toThrow(/wrong password/);
    const { token } = await signInForToken(store, at(1), config, credentials);
    expect(actorForToken(store, token, instantOf(2))).toMatchObject({
      role: 'admin',
    });
    // Exchanged once: the same password is refused from now on, and the token it gave still works.
    await expect(
      signInForToken(store, at(3), config, credentials),
    ).rejects.toThrow(/wrong password/);
    expect(store.db.select().from(users).get()!.passwordHash).toBeNull();
    expect(actorForToken(store, token, instantOf(4))).toMatchObject({
      role: 'admin',
    });
    expect(await ensureFirstAdmin(store, instantOf(5), undefined)).toEqual({
      kind: 'exists',
    });
    expect(store.db.select().from(users).all()).toHaveLength(1);
  });

  it('gives exactly one token when two exchanges of the one-time password race', async () => {
    store = openStore(':memory:');
    const first = await ensureFirstAdmin(store, instantOf(0), undefined);
    if (first.kind !== 'password') throw new Error(first.kind);
    const credentials = {
      email: 'admin@gengaku.local',
      password: first.password,
      clientKey: 'test',
    };
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map(() => signInForToken(store, at(1), config, credentials)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const tokens = store.sqlite
      .prepare(
        'select count(*) as n from api_tokens where expires_at is not null',
      )
      .get() as { n: number };
    expect(tokens.n).toBe(1);
  });

  it('with SLA_BOOTSTRAP_TOKEN authenticates with that token, and only while no admin exists', () => {
    store = openStore(':memory:');
    expect(ensureFirstAdmin(store, instantOf(0), 'gk_bootstrap').kind).toBe(
      'token',
    );
    expect(actorForToken(store, 'gk_bootstrap', instantOf(1))).toMatchObject({
      role: 'admin',
    });
    expect(ensureFirstAdmin(store, instantOf(1), 'gk_other')).toEqual({
      kind: 'exists',
    });
    expect(actorForToken(store, 'gk_other', instantOf(2))).toBeNull();
  });
});
