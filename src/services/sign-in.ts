/**
 * Signing in with an email and a password: one check, throttled, shared by `POST /auth/tokens` and the
 * web login. Wrong passwords are counted per account and per client address (rate-limiter-flexible,
 * in memory: a restart forgets the counts); a success clears the account's count.
 */
import { and, eq } from 'drizzle-orm';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { type AppConfig, DEFAULT_TOKEN_TTL_DAYS } from '../config';
import { inTransaction, type Store } from '../db/client';
import { users } from '../db/schema';
import { addMs, formatInstant, type Instant, MS_PER_DAY } from '../domain/time';
import { ServiceError } from '../errors';
import type { User } from '../schemas/api';
import { hashPassword, verifyPassword } from './passwords';
import { issueToken, userOf } from './users';

/** Attempts allowed in a window before further ones answer 429 (a success frees the account's). */
export const SIGN_IN_LIMITS = {
  perAccount: { attempts: 5, windowSeconds: 15 * 60 },
  perAddress: { attempts: 20, windowSeconds: 60 * 60 },
} as const;

export interface PasswordCredentials {
  email: string;
  password: string;
  /** Who is asking, for the per-address count: the client's IP address. */
  clientKey: string;
}

interface Throttle {
  byAccount: RateLimiterMemory;
  byAddress: RateLimiterMemory;
}

const limiter = ({
  attempts,
  windowSeconds,
}: {
  attempts: number;
  windowSeconds: number;
}) =>
  new RateLimiterMemory({
    points: attempts,
    duration: windowSeconds,
    blockDuration: windowSeconds,
  });

// One throttle per open database, i.e. per running server: every caller of authenticatePassword on
// that database shares the counts, and a test's fresh database starts with none.
const throttles = new WeakMap<Store, Throttle>();
function throttleOf(store: Store): Throttle {
  let throttle = throttles.get(store);
  if (!throttle) {
    throttle = {
      byAccount: limiter(SIGN_IN_LIMITS.perAccount),
      byAddress: limiter(SIGN_IN_LIMITS.perAddress),
    };
    throttles.set(store, throttle);
  }
  return throttle;
}

function tooManyAttempts(refusal: unknown): ServiceError {
  if (!(refusal instanceof RateLimiterRes)) throw refusal;
  const retryAfter = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
  return new ServiceError(
    'too-many-requests',
    `too many sign-in attempts; try again in ${retryAfter} seconds`,
    undefined,
    undefined,
    { 'Retry-After': String(retryAfter) },
  );
}

let decoyHash: Promise<string> | undefined;

/**
 * Checks an email and password, throttled. Every attempt is counted first (so parallel guesses cannot
 * slip past the count); a success takes its attempt back. A one-time password (the first admin's) is
 * cleared in the same transaction that runs `issue`, so it can be exchanged exactly once: give `issue`
 * the write of whatever the sign-in grants (a token, a session).
 */
export function authenticatePassword(
  store: Store,
  clock: () => Instant,
  credentials: PasswordCredentials,
): Promise<User>;
export function authenticatePassword<T>(
  store: Store,
  clock: () => Instant,
  credentials: PasswordCredentials,
  issue: (user: User, now: Instant) => T,
): Promise<T>;
export async function authenticatePassword<T>(
  store: Store,
  clock: () => Instant,
  { email, password, clientKey }: PasswordCredentials,
  issue?: (user: User, now: Instant) => T,
): Promise<T | User> {
  const account = email.trim().toLowerCase();
  const { byAccount, byAddress } = throttleOf(store);
  try {
    await Promise.all([
      byAccount.consume(account),
      byAddress.consume(clientKey),
    ]);
  } catch (refusal) {
    throw tooManyAttempts(refusal);
  }
  const row = store.db
    .select()
    .from(users)
    .where(eq(users.email, account))
    .get();
  // Hash even for an unknown email, so the answer's timing does not tell which emails exist.
  decoyHash ??= hashPassword('not a password anyone has');
  const valid = await verifyPassword(
    password,
    row?.passwordHash ?? (await decoyHash),
  );
  const refused = new ServiceError(
    'unauthenticated',
    'unknown email or wrong password',
  );
  if (!row || row.passwordHash === null || !valid) throw refused;
  const granted = inTransaction(store, () => {
    if (row.passwordSingleUse) {
      // Only the first of two racing exchanges finds the hash still there.
      const consumed = store.db
        .update(users)
        .set({ passwordHash: null, passwordSingleUse: false })
        .where(
          and(eq(users.id, row.id), eq(users.passwordHash, row.passwordHash!)),
        )
        .run().changes;
      if (consumed === 0) throw refused;
    }
    const user = userOf(row);
    return issue ? issue(user, clock()) : user;
  });
  await Promise.all([byAccount.delete(account), byAddress.reward(clientKey)]);
  return granted;
}

export interface IssuedToken {
  token: string;
  expiresAt: string;
  user: User;
}

/** `POST /auth/tokens`: a password exchanged for an API token that expires after the configured days. */
export function signInForToken(
  store: Store,
  clock: () => Instant,
  config: Pick<AppConfig, 'tokenTtlDays'>,
  credentials: PasswordCredentials,
): Promise<IssuedToken> {
  const ttl = (config.tokenTtlDays ?? DEFAULT_TOKEN_TTL_DAYS) * MS_PER_DAY;
  return authenticatePassword(store, clock, credentials, (user, now) => {
    const expiresAt = addMs(now, ttl);
    return {
      token: issueToken(store, user.id, now, expiresAt),
      expiresAt: formatInstant(expiresAt),
      user,
    };
  });
}
