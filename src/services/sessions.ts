/** Browser sessions of the web pages: a random id in the cookie, its SHA-256 in the database, an absolute expiry. */
import { and, eq, gt, isNull } from 'drizzle-orm';
import { inTransaction, type Store } from '../db/client';
import { sessions, users } from '../db/schema';
import { addMs, type Instant, storedInstant } from '../domain/time';
import type { Actor } from './context';
import { hashToken, newSecret } from './passwords';

export interface SessionUser {
  actor: Actor;
  name: string;
  email: string;
  expiresAt: Instant;
}

/** Starts a session for a user who has just proved who they are; the id is returned once, for the cookie. */
export function openSession(
  store: Store,
  now: Instant,
  userId: string,
  ttlMs: number,
): { id: string; expiresAt: Instant } {
  const id = newSecret('gs');
  const expiresAt = addMs(now, ttlMs);
  inTransaction(store, () =>
    store.db
      .insert(sessions)
      .values({ idHash: hashToken(id), userId, createdAt: now, expiresAt })
      .run(),
  );
  return { id, expiresAt };
}

/** Who a session cookie belongs to, or null when it is unknown, revoked, or expired. */
export function sessionUser(
  store: Store,
  now: Instant,
  id: string,
): SessionUser | null {
  const row = store.db
    .select({
      userId: users.id,
      role: users.role,
      customerId: users.customerId,
      name: users.name,
      email: users.email,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.idHash, hashToken(id)),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
      ),
    )
    .get();
  if (!row) return null;
  const { userId, role, customerId, name, email, expiresAt } = row;
  return {
    actor: { userId, role, customerId },
    name,
    email,
    expiresAt: storedInstant(expiresAt),
  };
}

/** Logout: the session is revoked, so its cookie is worthless even if it was copied. */
export function revokeSession(store: Store, now: Instant, id: string): void {
  inTransaction(store, () =>
    store.db
      .update(sessions)
      .set({ revokedAt: now })
      .where(
        and(eq(sessions.idHash, hashToken(id)), isNull(sessions.revokedAt)),
      )
      .run(),
  );
}

/** Ends every session of a user still open at `now`, inside the caller's transaction; how many ended. */
export function revokeSessionsOf(
  store: Store,
  userId: string,
  now: Instant,
): number {
  return store.db
    .update(sessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
      ),
    )
    .run().changes;
}
