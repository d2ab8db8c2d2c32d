/** Users, their API tokens, passwords, and the first admin. */
import { and, eq, isNull } from 'drizzle-orm';
import { inTransaction, type Store } from '../db/client';
import { apiTokens, customers, users } from '../db/schema';
import { formatInstant, type Instant } from '../domain/time';
import { invalid, ServiceError } from '../errors';
import type { User, UserInput } from '../schemas/api';
import {
  type Actor,
  newId,
  recordAudit,
  requireRole,
  type ServiceContext,
} from './context';
import { type Page, type PageRequest, TableOrder } from './paging';
import {
  hashPassword,
  hashToken,
  newSecret,
  verifyPassword,
} from './passwords';

type UserRow = typeof users.$inferSelect;

export function userOf(row: UserRow): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    customerId: row.customerId,
    createdAt: formatInstant(row.createdAt),
  };
}

function issueToken(store: Store, userId: string, now: Instant): string {
  const token = newSecret('gk');
  store.db
    .insert(apiTokens)
    .values({
      id: newId(),
      userId,
      tokenHash: hashToken(token),
      createdAt: now,
    })
    .run();
  return token;
}

/** Creates a user and its first API token, which is returned once and stored only as a hash. */
export function createUser(
  ctx: ServiceContext,
  input: UserInput,
): User & { token: string } {
  requireRole(ctx, 'admin');
  return inTransaction(ctx.store, () =>
    insertUser(ctx.store, ctx.clock(), ctx.actor, input),
  );
}

function insertUser(
  store: Store,
  now: Instant,
  actor: Actor | null,
  input: UserInput,
  token?: string,
): User & { token: string } {
  if (input.role === 'customer' && input.customerId === undefined)
    throw invalid('customerId', 'required for a customer user');
  if (input.role !== 'customer' && input.customerId !== undefined)
    throw invalid('customerId', 'only a customer user belongs to a customer');
  if (
    input.customerId !== undefined &&
    !store.db
      .select({ id: customers.id })
      .from(customers)
      .where(eq(customers.id, input.customerId))
      .get()
  ) {
    throw invalid('customerId', `customer ${input.customerId} does not exist`);
  }
  const email = input.email.toLowerCase();
  if (
    store.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, email))
      .get()
  ) {
    throw new ServiceError(
      'conflict',
      `a user with the email ${email} already exists`,
      [{ path: 'email', message: 'already in use' }],
    );
  }
  const row: UserRow = {
    id: newId(),
    name: input.name,
    email,
    role: input.role,
    customerId: input.customerId ?? null,
    passwordHash:
      input.password === undefined ? null : hashPassword(input.password),
    createdAt: now,
  };
  store.db.insert(users).values(row).run();
  let issued: string;
  if (token === undefined) {
    issued = issueToken(store, row.id, now);
  } else {
    store.db
      .insert(apiTokens)
      .values({
        id: newId(),
        userId: row.id,
        tokenHash: hashToken(token),
        createdAt: now,
      })
      .run();
    issued = token;
  }
  recordAudit(
    { store, clock: () => now, actor },
    {
      action: 'user.created',
      entityType: 'user',
      entityId: row.id,
      after: userOf(row),
    },
  );
  return { ...userOf(row), token: issued };
}

const USERS_BY_CREATION = new TableOrder(
  users,
  'users',
  [users.createdAt, users.id],
  'asc',
);

export function listUsers(ctx: ServiceContext, page: PageRequest): Page<User> {
  requireRole(ctx, 'admin');
  return USERS_BY_CREATION.pageOf(ctx.store.db, page, undefined, (rows) =>
    rows.map(userOf),
  );
}

/** The actor behind a bearer token, or null when the token is unknown or revoked. */
export function actorForToken(store: Store, token: string): Actor | null {
  const row = store.db
    .select({
      userId: users.id,
      role: users.role,
      customerId: users.customerId,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.tokenHash, hashToken(token)),
        isNull(apiTokens.revokedAt),
      ),
    )
    .get();
  return row ?? null;
}

const DECOY_HASH = hashPassword('not a password anyone has');

/** Email and password for a new API token (for people who log in rather than configure a token). */
export function exchangePassword(
  store: Store,
  now: Instant,
  email: string,
  password: string,
): { token: string; user: User } {
  const row = store.db
    .select()
    .from(users)
    .where(eq(users.email, email.toLowerCase()))
    .get();
  // Hash even for an unknown email, so the answer's timing does not tell which emails exist.
  const valid = verifyPassword(password, row?.passwordHash ?? DECOY_HASH);
  if (!row || row.passwordHash === null || !valid) {
    throw new ServiceError(
      'unauthenticated',
      'unknown email or wrong password',
    );
  }
  const token = inTransaction(store, () => issueToken(store, row.id, now));
  return { token, user: userOf(row) };
}

export type BootstrapResult =
  | { kind: 'exists' }
  | { kind: 'token'; user: User }
  | { kind: 'password'; user: User; password: string };

/**
 * At start, when no admin exists yet: with `SLA_BOOTSTRAP_TOKEN`, an admin whose API token is that
 * value; without it, an admin with a one-time password for the caller to print.
 */
export function ensureFirstAdmin(
  store: Store,
  now: Instant,
  bootstrapToken: string | undefined,
): BootstrapResult {
  return inTransaction(store, () => {
    if (
      store.db
        .select({ id: users.id })
        .from(users)
        .where(eq(users.role, 'admin'))
        .get()
    )
      return { kind: 'exists' } as const;
    const base = {
      name: 'Administrator',
      email: 'admin@gengaku.local',
      role: 'admin' as const,
    };
    if (bootstrapToken !== undefined && bootstrapToken !== '') {
      const { token: _token, ...user } = insertUser(
        store,
        now,
        null,
        base,
        bootstrapToken,
      );
      return { kind: 'token', user } as const;
    }
    const password = newSecret('pw').slice(0, 27);
    const { token: _token, ...user } = insertUser(store, now, null, {
      ...base,
      password,
    });
    return { kind: 'password', user, password } as const;
  });
}
