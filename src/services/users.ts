/** Users, their API tokens, passwords, and the first admin. */
import { and, eq, isNull } from 'drizzle-orm';
import { inTransaction, type Store } from '../db/client';
import { inList } from '../db/in-list';
import { apiTokens, customers, users } from '../db/schema';
import { tokenHolder } from '../db/tokens';
import { formatInstant, type Instant, storedInstant } from '../domain/time';
import { invalid, notFound, quoted, ServiceError } from '../errors';
import type { TokenRevocation, User, UserInput } from '../schemas/api';
import {
  type Actor,
  newId,
  recordAudit,
  requireRole,
  type ServiceContext,
} from './context';
import { type Page, type PageRequest, TableOrder } from './paging';
import { hashPassword, hashToken, newSecret } from './passwords';
import { revokeSessionsOf } from './sessions';

type UserRow = typeof users.$inferSelect;

export function userOf(row: UserRow): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    customerId: row.customerId,
    createdAt: formatInstant(storedInstant(row.createdAt)),
  };
}

/** A new random API token for the user, stored only as its hash; `expiresAt` null: it does not expire. */
export function issueToken(
  store: Store,
  userId: string,
  now: Instant,
  expiresAt: Instant | null = null,
  token: string = newSecret('gk'),
): string {
  store.db
    .insert(apiTokens)
    .values({
      id: newId(),
      userId,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt,
    })
    .run();
  return token;
}

export type CreatedUser = User & { token: string };

/**
 * Creates a user and its first API token, which is returned once and stored only as a hash. Hashing a
 * password is the one slow step (scrypt, off the event loop), so a user without one is created at once.
 */
export function createUser(
  ctx: ServiceContext,
  input: UserInput & { password?: undefined },
): CreatedUser;
export function createUser(
  ctx: ServiceContext,
  input: UserInput,
): CreatedUser | Promise<CreatedUser>;
export function createUser(
  ctx: ServiceContext,
  input: UserInput,
): CreatedUser | Promise<CreatedUser> {
  requireRole(ctx, 'admin');
  const create = (passwordHash: string | null) =>
    inTransaction(ctx.store, () =>
      insertUser(ctx.store, ctx.clock(), ctx.actor, input, { passwordHash }),
    );
  if (input.password === undefined) return create(null);
  return hashPassword(input.password).then(create);
}

function insertUser(
  store: Store,
  now: Instant,
  actor: Actor | null,
  input: UserInput,
  credentials: {
    passwordHash: string | null;
    passwordSingleUse?: boolean;
    token?: string;
  },
): CreatedUser {
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
    throw invalid(
      'customerId',
      `customer ${quoted(input.customerId)} does not exist`,
    );
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
    passwordHash: credentials.passwordHash,
    passwordSingleUse: credentials.passwordSingleUse ?? false,
    createdAt: now,
  };
  store.db.insert(users).values(row).run();
  const issued = issueToken(store, row.id, now, null, credentials.token);
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

/**
 * The names of the given users, by id: who approved, rejected or voided a credit notice, as finance's
 * pages show it. Unknown ids are left out.
 */
export function userNamesOf(
  ctx: ServiceContext,
  ids: readonly string[],
): Map<string, string> {
  requireRole(ctx, 'admin', 'finance');
  if (ids.length === 0) return new Map();
  const rows = ctx.store.db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(inList(users.id, ids))
    .all();
  return new Map(rows.map((row) => [row.id, row.name]));
}

export type TokenVerdict =
  | { actor: Actor; userId: string }
  | { refused: 'unknown' | 'revoked' | 'expired' };

/** Who a bearer token speaks for at `now`, or why it is refused. */
export function checkToken(
  store: Store,
  token: string,
  now: Instant,
): TokenVerdict {
  const row = tokenHolder(store.db, hashToken(token));
  if (!row) return { refused: 'unknown' };
  if (row.revokedAt !== null) return { refused: 'revoked' };
  if (row.expiresAt !== null && row.expiresAt <= now)
    return { refused: 'expired' };
  const actor = {
    userId: row.userId,
    role: row.role,
    customerId: row.customerId,
  };
  return { actor, userId: row.userId };
}

/** The actor behind a bearer token at `now`, or null when the token is unknown, revoked or expired. */
export function actorForToken(
  store: Store,
  token: string,
  now: Instant,
): Actor | null {
  const verdict = checkToken(store, token, now);
  return 'actor' in verdict ? verdict.actor : null;
}

/** `DELETE /auth/tokens/current`: the token the request came with stops working. */
export function revokeToken(ctx: ServiceContext, token: string): void {
  inTransaction(ctx.store, () => {
    const revoked = ctx.store.db
      .update(apiTokens)
      .set({ revokedAt: ctx.clock() })
      .where(
        and(
          eq(apiTokens.tokenHash, hashToken(token)),
          isNull(apiTokens.revokedAt),
        ),
      )
      .returning({ id: apiTokens.id, userId: apiTokens.userId })
      .all();
    for (const { id, userId } of revoked)
      recordAudit(ctx, {
        action: 'token.revoked',
        entityType: 'user',
        entityId: userId,
        after: { tokenId: id },
      });
  });
}

function existingUser(ctx: ServiceContext, userId: string): UserRow {
  const row = ctx.store.db
    .select()
    .from(users)
    .where(eq(users.id, userId))
    .get();
  if (!row) throw notFound('user', userId);
  return row;
}

function revokeAllTokensOf(store: Store, userId: string, now: Instant): number {
  return store.db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .run().changes;
}

/** An admin ends every token of a user (a lost laptop, someone leaving): each of them answers 401 from now on. */
export function revokeUserTokens(
  ctx: ServiceContext,
  userId: string,
): TokenRevocation {
  requireRole(ctx, 'admin');
  return inTransaction(ctx.store, () => {
    const row = existingUser(ctx, userId);
    const revokedTokens = revokeAllTokensOf(ctx.store, row.id, ctx.clock());
    recordAudit(ctx, {
      action: 'user.tokens-revoked',
      entityType: 'user',
      entityId: row.id,
      after: { revokedTokens },
    });
    return { userId: row.id, revokedTokens };
  });
}

export interface AccessRevocation extends TokenRevocation {
  /** Whose access ended, by name. */
  name: string;
  /** How many web sessions (signed-in browsers) ended. */
  endedSessions: number;
}

/**
 * An admin locks a user out of everything a credential opened (someone leaving, a shared laptop): every
 * API token and every web session ends at once, in one transaction. The password still works, so the
 * user can sign in again unless the admin also changes it.
 */
export function revokeUserAccess(
  ctx: ServiceContext,
  userId: string,
): AccessRevocation {
  requireRole(ctx, 'admin');
  return inTransaction(ctx.store, () => {
    const row = existingUser(ctx, userId);
    const now = ctx.clock();
    const revokedTokens = revokeAllTokensOf(ctx.store, row.id, now);
    const endedSessions = revokeSessionsOf(ctx.store, row.id, now);
    recordAudit(ctx, {
      action: 'user.access-revoked',
      entityType: 'user',
      entityId: row.id,
      after: { revokedTokens, endedSessions },
    });
    return { userId: row.id, name: row.name, revokedTokens, endedSessions };
  });
}

/**
 * Rotation (the bootstrap token, or any token that may have leaked): every token of the user is revoked
 * and one new token that does not expire is issued, in one transaction, so the user is never left without one.
 */
export function rotateUserTokens(
  ctx: ServiceContext,
  email: string,
): TokenRevocation & { token: string } {
  requireRole(ctx, 'admin');
  return inTransaction(ctx.store, () => {
    const row = ctx.store.db
      .select()
      .from(users)
      .where(eq(users.email, email.toLowerCase()))
      .get();
    if (!row)
      throw new ServiceError(
        'not-found',
        `no user has the email ${quoted(email)}`,
      );
    const now = ctx.clock();
    const revokedTokens = revokeAllTokensOf(ctx.store, row.id, now);
    const token = issueToken(ctx.store, row.id, now);
    recordAudit(ctx, {
      action: 'user.tokens-rotated',
      entityType: 'user',
      entityId: row.id,
      after: { revokedTokens },
    });
    return { userId: row.id, revokedTokens, token };
  });
}

export type BootstrapResult =
  | { kind: 'exists' }
  | { kind: 'token'; user: User }
  | { kind: 'password'; user: User; password: string };

const FIRST_ADMIN = {
  name: 'Administrator',
  email: 'admin@gengaku.local',
  role: 'admin' as const,
};

function firstAdminExists(store: Store): boolean {
  return (
    store.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.role, 'admin'))
      .get() !== undefined
  );
}

/**
 * At start, when no admin exists yet: with `SLA_BOOTSTRAP_TOKEN`, an admin whose API token is that
 * value; without it (undefined), an admin with a one-time password for the caller to print, which can
 * be exchanged once (hashing it is the slow step, so that case answers a promise).
 */
export function ensureFirstAdmin(
  store: Store,
  now: Instant,
  bootstrapToken: string,
): BootstrapResult;
export function ensureFirstAdmin(
  store: Store,
  now: Instant,
  bootstrapToken: string | undefined,
): BootstrapResult | Promise<BootstrapResult>;
export function ensureFirstAdmin(
  store: Store,
  now: Instant,
  bootstrapToken: string | undefined,
): BootstrapResult | Promise<BootstrapResult> {
  if (bootstrapToken !== undefined) {
    if (bootstrapToken.trim() === '')
      throw new Error('the bootstrap token must not be empty');
    return inTransaction(store, () => {
      if (firstAdminExists(store)) return { kind: 'exists' } as const;
      const { token: _token, ...user } = insertUser(
        store,
        now,
        null,
        FIRST_ADMIN,
        { passwordHash: null, token: bootstrapToken },
      );
      return { kind: 'token', user } as const;
    });
  }
  if (firstAdminExists(store)) return { kind: 'exists' };
  const password = newSecret('pw').slice(0, 27);
  return hashPassword(password).then((passwordHash) =>
    inTransaction(store, (): BootstrapResult => {
      // Checked again inside the transaction: another process may have made the admin meanwhile.
      if (firstAdminExists(store)) return { kind: 'exists' };
      const { token: _token, ...user } = insertUser(
        store,
        now,
        null,
        { ...FIRST_ADMIN, password },
        { passwordHash, passwordSingleUse: true },
      );
      return { kind: 'password', user, password };
    }),
  );
}
