/** A stored contract's outages, derived on read from its incidents, so a correction shows at once. */
import { assignClaims } from '../domain/claims';
import { deriveOutages, type Outage } from '../domain/outages';
import { formatInstant, type Instant } from '../domain/time';
import type { ContractOutages } from '../schemas/api';
import { outageJsonOf } from '../schemas/outage';
import { claimRefsOf } from './claims';
import type { ServiceContext } from './context';
import { findVisibleContract, termsOf, type ContractRecord } from './contracts';
import { incidentsForContract } from './incidents';

export function deriveContractOutages(ctx: Pick<ServiceContext, 'store' | 'config'>, record: ContractRecord, asOf: Instant): Outage[] {
  const terms = termsOf(record);
  return deriveOutages({ contract: terms, incidents: incidentsForContract(ctx, terms), asOf, policy: ctx.config.policy });
}

export function outagesOf(ctx: Pick<ServiceContext, 'store' | 'config'>, record: ContractRecord, asOf: Instant): ContractOutages {
  const outages = deriveContractOutages(ctx, record, asOf);
  const claimed = new Set<Outage>();
  for (const verdict of assignClaims(outages, claimRefsOf(ctx, record.row.id)).values()) {
    if (verdict.kind === 'follows') claimed.add(verdict.outage);
  }
  return {
    contractId: record.row.id,
    asOf: formatInstant(asOf),
    policy: ctx.config.policy,
    outages: outages.map((outage) => ({ ...outageJsonOf(outage), ...(claimed.has(outage) ? { claimStatus: 'claimed' as const } : {}) })),
  };
}

export function contractOutages(ctx: ServiceContext, contractId: string, asOf: Instant | undefined): ContractOutages {
  return outagesOf(ctx, findVisibleContract(ctx, contractId), asOf ?? ctx.clock());
}
