/** API tokens: who holds one (read on every request). */
import { eq, sql } from 'drizzle-orm';
import type { Db } from './client';
import { preparedPerConnection } from './prepared';
import { apiTokens, users } from './schema';

const statements = preparedPerConnection((db) => ({
  holder: db
    .select({
      userId: users.id,
      role: users.role,
      customerId: users.customerId,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, sql.placeholder('tokenHash')))
    .prepare(),
}));

/** The user holding the token of this hash, with the token's expiry and revocation; undefined when none. */
export function tokenHolder(db: Db, tokenHash: string) {
  return statements(db).holder.get({ tokenHash });
}
