/** A stored contract's outages, derived on read from its incidents, so a correction shows at once. */
import { deriveOutages, type Outage } from '../domain/outages';
import { formatInstant, type Instant } from '../domain/time';
import { timedDerivation } from '../lib/metrics';
import type { ContractOutages } from '../schemas/api';
import { type OutageJson, outageJsonOf } from '../schemas/outage';
import { claimsAgainst } from './claims';
import type { ServiceContext } from './context';
import { type ContractRecord, findVisibleContract, termsOf } from './contracts';
import { incidentsForContract } from './incidents';

export function deriveContractOutages(
  ctx: Pick<ServiceContext, 'store' | 'config'>,
  record: ContractRecord,
  asOf: Instant,
): Outage[] {
  const terms = termsOf(record);
  return timedDerivation(() =>
    deriveOutages({
      contract: terms,
      incidents: incidentsForContract(ctx, terms),
      asOf,
      policy: ctx.config.policy,
    }),
  );
}

export function outagesOf(
  ctx: Pick<ServiceContext, 'store' | 'config'>,
  record: ContractRecord,
  asOf: Instant,
): ContractOutages {
  const outages = deriveContractOutages(ctx, record, asOf);
  return {
    contractId: record.row.id,
    asOf: formatInstant(asOf),
    policy: ctx.config.policy,
    outages: withClaimStatus(
      outages,
      claimsAgainst(ctx, record.row.id, outages).claimed,
    ),
  };
}

/** The outages as the API shows them, `claimed` where a claim has them. */
export function withClaimStatus(
  outages: readonly Outage[],
  claimed: ReadonlySet<Outage>,
): OutageJson[] {
  return outages.map((outage) => ({
    ...outageJsonOf(outage),
    ...(claimed.has(outage) ? { claimStatus: 'claimed' as const } : {}),
  }));
}

export function contractOutages(
  ctx: ServiceContext,
  contractId: string,
  asOf: Instant | undefined,
): ContractOutages {
  return outagesOf(
    ctx,
    findVisibleContract(ctx, contractId),
    asOf ?? ctx.clock(),
  );
}
