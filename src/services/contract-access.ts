/** Which stored contracts an actor may see. */
import { type ContractRecord, findContractRecord } from '../db/contracts';
import { notFound } from '../errors';
import { canSeeCustomer, type ServiceContext } from './context';

/** The contract if the actor may see it; otherwise "not found", whether or not it exists. */
export function findVisibleContract(
  ctx: ServiceContext,
  id: string,
): ContractRecord {
  const record = findContractRecord(ctx.store.db, id);
  if (!record || !canSeeCustomer(ctx.actor, record.row.customerId))
    throw notFound('contract', id);
  return record;
}
