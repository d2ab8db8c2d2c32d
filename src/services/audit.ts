import { and, eq } from 'drizzle-orm';
import { auditLog } from '../db/schema';
import { formatInstant, storedInstant } from '../domain/time';
import type { AuditEntry } from '../schemas/api';
import { requireRole, type ServiceContext } from './context';
import { type Page, type PageRequest, TableOrder } from './paging';

/** Newest first: the ids grow with every entry appended. */
const AUDIT_NEWEST_FIRST = new TableOrder(
  auditLog,
  'audit',
  [auditLog.id],
  'desc',
);

export function listAudit(
  ctx: ServiceContext,
  filter: { entityType?: string; entityId?: string } & PageRequest,
): Page<AuditEntry> {
  requireRole(ctx, 'admin', 'finance');
  return AUDIT_NEWEST_FIRST.pageOf(
    ctx.store.db,
    filter,
    and(
      filter.entityType
        ? eq(auditLog.entityType, filter.entityType)
        : undefined,
      filter.entityId ? eq(auditLog.entityId, filter.entityId) : undefined,
    ),
    (rows) =>
      rows.map((row) => ({ ...row, at: formatInstant(storedInstant(row.at)) })),
  );
}
