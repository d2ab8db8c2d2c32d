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

/** What a claim row says about its outage: the start claimed, and the Outage (API shape) as last computed. */
export interface ClaimAnchor {
  outageStart: Instant;
  outage?: unknown;
}

/**
 * The outage a claim is about, after any correction: the one that contains the instant claimed; failing
 * that (a correction moved the outage's start past it), the first one overlapping the outage as last
 * computed for the claim, so a claim keeps following its outage and that outage cannot be claimed twice.
 */
export function outageForClaim<T extends { start: Instant; end: Instant | null }>(outages: readonly T[], claim: ClaimAnchor): T | undefined {
  const { outageStart } = claim;
  const found = outages.find((outage) => outage.start <= outageStart && outageStart < (outage.end ?? Infinity)) ?? outages.find((outage) => outage.start === outageStart);
  if (found !== undefined) return found;
  const last = claim.outage as { start?: unknown; end?: unknown } | null | undefined;
  if (typeof last?.start !== 'string') return undefined;
  const lastStart = Date.parse(last.start);
  const lastEnd = typeof last.end === 'string' ? Date.parse(last.end) : Infinity;
  if (!(lastStart < lastEnd)) return undefined;
  return outages.find((outage) => outage.start < lastEnd && lastStart < (outage.end ?? Infinity));
}

export function outagesOf(ctx: Pick<ServiceContext, 'store' | 'config'>, record: ContractRecord, asOf: Instant): ContractOutages {
  const outages = deriveContractOutages(ctx, record, asOf);
  const claimed = new Set<Outage>();
  for (const claim of ctx.store.db.select({ outageStart: claims.outageStart, outage: claims.outage }).from(claims).where(eq(claims.contractId, record.row.id)).all()) {
    const outage = outageForClaim(outages, claim);
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
