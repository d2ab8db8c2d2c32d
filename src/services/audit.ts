import { and, eq } from 'drizzle-orm';
import { auditLog } from '../db/schema';
import { formatInstant } from '../domain/time';
import type { AuditEntry } from '../schemas/api';
import { requireRole, type ServiceContext } from './context';
import { KeysetOrder, type Page, type PageRequest } from './paging';

/** Newest first: the ids grow with every entry appended. */
const AUDIT_NEWEST_FIRST = new KeysetOrder<typeof auditLog.$inferSelect>(
  'audit',
  [auditLog.id],
  'desc',
  (row) => [row.id],
);

export function listAudit(
  ctx: ServiceContext,
  filter: { entityType?: string; entityId?: string } & PageRequest,
): Page<AuditEntry> {
  requireRole(ctx, 'admin', 'finance');
  return AUDIT_NEWEST_FIRST.page(
    filter,
    ({ after, orderBy, limit }) =>
      ctx.store.db
        .select()
        .from(auditLog)
        .where(
          and(
            filter.entityType
              ? eq(auditLog.entityType, filter.entityType)
              : undefined,
            filter.entityId
              ? eq(auditLog.entityId, filter.entityId)
              : undefined,
            after,
          ),
        )
        .orderBy(...orderBy)
        .limit(limit)
        .all(),
    (rows) => rows.map((row) => ({ ...row, at: formatInstant(row.at) })),
  );
}
