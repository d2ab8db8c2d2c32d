/** A stored contract's outages, derived on read from its incidents, so a correction shows at once. */
import { eq } from 'drizzle-orm';
import { claims } from '../db/schema';
import { deriveOutages, type Outage } from '../domain/outages';
import { formatInstant, type Instant } from '../domain/time';
import type { ContractOutages } from '../schemas/api';
import { outageJsonOf } from '../schemas/outage';
import type { ServiceContext } from './context';
import { findVisibleContract, termsOf, type ContractRecord } from './contracts';
import { incidentsForContract } from './incidents';

export function deriveContractOutages(ctx: Pick<ServiceContext, 'store' | 'config'>, record: ContractRecord, asOf: Instant): Outage[] {
  const terms = termsOf(record);
  return deriveOutages({ contract: terms, incidents: incidentsForContract(ctx, terms), asOf, policy: ctx.config.policy });
}

/** The outage a claim is about: the one that contains the instant claimed, after any correction. */
export function outageForClaim<T extends { start: Instant; end: Instant | null }>(outages: readonly T[], outageStart: Instant): T | undefined {
  return outages.find((outage) => outage.start <= outageStart && outageStart < (outage.end ?? Infinity)) ?? outages.find((outage) => outage.start === outageStart);
}

export function outagesOf(ctx: Pick<ServiceContext, 'store' | 'config'>, record: ContractRecord, asOf: Instant): ContractOutages {
  const outages = deriveContractOutages(ctx, record, asOf);
  const claimed = new Set<Outage>();
  for (const claim of ctx.store.db.select({ outageStart: claims.outageStart }).from(claims).where(eq(claims.contractId, record.row.id)).all()) {
    const outage = outageForClaim(outages, claim.outageStart);
    if (outage) claimed.add(outage);
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
