/** GET /contracts/:id/outages: a contract's outages as of an instant (default now), derived on read so a correction shows at once. */
import type { Instant } from '../domain/time';
import { formatInstant } from '../domain/time';
import type { ContractOutages } from '../schemas/api';
import type { ServiceContext } from './context';
import { findVisibleContract } from './contract-access';
import { contractOutagesAsOf, outageJsonsOf } from './contract-outages';

export function contractOutages(
  ctx: ServiceContext,
  contractId: string,
  asOf: Instant | undefined,
): ContractOutages {
  findVisibleContract(ctx, contractId);
  const reading = contractOutagesAsOf(ctx, contractId, asOf ?? ctx.clock());
  return {
    contractId,
    asOf: formatInstant(reading.asOf),
    policy: ctx.config.policy,
    outages: outageJsonsOf(reading),
  };
}
