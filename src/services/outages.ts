/** GET /contracts/:id/outages: a contract's outages as of an instant (default now), derived on read so a correction shows at once. */
import type { Instant } from '../domain/time';
import { formatInstant } from '../domain/time';
import { notFound } from '../errors';
import type { ContractOutages } from '../schemas/api';
import { canSeeCustomer, type ServiceContext } from './context';
import { contractOutagesAsOf, outageJsonsOf } from './contract-outages';

export function contractOutages(
  ctx: ServiceContext,
  contractId: string,
  asOf: Instant | undefined,
): ContractOutages {
  const reading = contractOutagesAsOf(ctx, contractId, asOf ?? ctx.clock());
  // A contract the actor may not see is "not found", as one that does not exist.
  if (!canSeeCustomer(ctx.actor, reading.contract.row.customerId))
    throw notFound('contract', contractId);
  return {
    contractId,
    asOf: formatInstant(reading.asOf),
    policy: ctx.config.policy,
    outages: outageJsonsOf(reading),
  };
}
