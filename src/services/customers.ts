import { eq } from 'drizzle-orm';
import { inTransaction } from '../db/client';
import { inList } from '../db/in-list';
import { customers } from '../db/schema';
import { formatInstant, storedInstant } from '../domain/time';
import { notFound } from '../errors';
import type { Customer, CustomerInput } from '../schemas/api';
import {
  newId,
  recordAudit,
  requireRole,
  type ServiceContext,
} from './context';
import { type Page, type PageRequest, TableOrder } from './paging';

type CustomerRow = typeof customers.$inferSelect;

export function customerOf(row: CustomerRow): Customer {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    address: row.address,
    createdAt: formatInstant(storedInstant(row.createdAt)),
  };
}

export function createCustomer(
  ctx: ServiceContext,
  input: CustomerInput,
): Customer {
  requireRole(ctx, 'admin', 'support', 'finance');
  return inTransaction(ctx.store, () => {
    const row: CustomerRow = {
      id: newId(),
      name: input.name,
      email: input.email ?? null,
      address: input.address ?? null,
      createdAt: ctx.clock(),
    };
    ctx.store.db.insert(customers).values(row).run();
    recordAudit(ctx, {
      action: 'customer.created',
      entityType: 'customer',
      entityId: row.id,
      after: customerOf(row),
    });
    return customerOf(row);
  });
}

const CUSTOMERS_BY_NAME = new TableOrder(
  customers,
  'customers',
  [customers.name, customers.id],
  'asc',
);

export function listCustomers(
  ctx: ServiceContext,
  page: PageRequest,
): Page<Customer> {
  requireRole(ctx, 'admin', 'support', 'finance');
  return CUSTOMERS_BY_NAME.pageOf(ctx.store.db, page, undefined, (rows) =>
    rows.map(customerOf),
  );
}

/**
 * The names of the given customers, by id: how a page names the customers of the rows it shows without
 * loading every customer. Unknown ids are left out.
 */
export function customerNamesOf(
  ctx: ServiceContext,
  ids: readonly string[],
): Map<string, string> {
  requireRole(ctx, 'admin', 'support', 'finance');
  if (ids.length === 0) return new Map();
  const rows = ctx.store.db
    .select({ id: customers.id, name: customers.name })
    .from(customers)
    .where(inList(customers.id, ids))
    .all();
  return new Map(rows.map((row) => [row.id, row.name]));
}

export function getCustomer(ctx: ServiceContext, id: string): Customer {
  requireRole(ctx, 'admin', 'support', 'finance');
  const row = ctx.store.db
    .select()
    .from(customers)
    .where(eq(customers.id, id))
    .get();
  if (!row) throw notFound('customer', id);
  return customerOf(row);
}
