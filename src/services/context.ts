/** What every use case receives: the store, the clock, who is acting, and the configuration. */
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config';
import type { Store } from '../db/client';
import { auditLog } from '../db/schema';
import type { Role } from '../domain/roles';
import { type Instant, instantOf } from '../domain/time';
import { ServiceError } from '../errors';

export interface Actor {
  userId: string;
  role: Role;
  /** The one customer a `customer` user belongs to; null for staff. */
  customerId: string | null;
}

export interface ServiceContext {
  store: Store;
  /** The server's clock: the only source of "now" (tests pass their own). */
  clock: () => Instant;
  actor: Actor;
  config: AppConfig;
}

/** The system's clock, as the server and the command line read it. */
export const systemClock = (): Instant => instantOf(Date.now());

export const newId = (): string => randomUUID();

export function requireRole(ctx: ServiceContext, ...roles: Role[]): void {
  if (!roles.includes(ctx.actor.role)) {
    throw new ServiceError(
      'forbidden',
      `this action needs the role ${roles.join(' or ')}; you are ${ctx.actor.role}`,
    );
  }
}

/** A customer sees only its own customer's data; anything else is "not found", so ids do not leak. */
export function canSeeCustomer(actor: Actor, customerId: string): boolean {
  return actor.role !== 'customer' || actor.customerId === customerId;
}

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

/** Appends to the audit log; call inside the transaction of the change it records. */
export function recordAudit(
  ctx: Pick<ServiceContext, 'store' | 'clock'> & { actor: Actor | null },
  entry: AuditEntry,
): void {
  ctx.store.db
    .insert(auditLog)
    .values({
      at: ctx.clock(),
      actorId: ctx.actor?.userId ?? null,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      before: entry.before ?? null,
      after: entry.after ?? null,
      reason: entry.reason ?? null,
    })
    .run();
}
