import { and, desc, eq } from 'drizzle-orm';
import { auditLog } from '../db/schema';
import { formatInstant } from '../domain/time';
import type { AuditEntry } from '../schemas/api';
import { requireRole, type ServiceContext } from './context';

export function listAudit(
  ctx: ServiceContext,
  filter: { entityType?: string; entityId?: string; limit: number },
): AuditEntry[] {
  requireRole(ctx, 'admin', 'finance');
  return ctx.store.db
    .select()
    .from(auditLog)
    .where(
      and(
        filter.entityType
          ? eq(auditLog.entityType, filter.entityType)
          : undefined,
        filter.entityId ? eq(auditLog.entityId, filter.entityId) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(filter.limit)
    .all()
    .map((row) => ({ ...row, at: formatInstant(row.at) }));
}
