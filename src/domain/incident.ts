import type { ContractTerms } from './contract';
import { allRegionsOf } from './contract';
import type { Instant } from './time';

export const CAUSES = [
  'provider',
  'customer',
  'third_party',
  'force_majeure',
  'maintenance',
] as const;
export type Cause = (typeof CAUSES)[number];
export const SEVERITIES = ['total', 'equivalent', 'partial'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A period of unavailability; `end` null means still down. */
export interface DownInterval {
  start: Instant;
  end: Instant | null;
}

export interface IncidentScope {
  regions: readonly string[];
  contractIds: readonly string[];
  excludeContractIds: readonly string[];
}

export interface IncidentFacts {
  id: string;
  cause: Cause;
  severity: Severity;
  /** When the provider became aware (Art. 11: the clock counts from here). */
  awareAt: Instant;
  intervals: readonly DownInterval[];
  /** Null: the incident names the contract it is evaluated against (the calculator's single contract). */
  scope: IncidentScope | null;
}

/**
 * Rule 1: only the provider's fault (当社の責に帰すべき事由) with the service 全く利用し得ない or
 * in a state of the same degree counts. Everything else is recorded and shown, and counts for nothing.
 */
export const QUALIFYING_CAUSE: Cause = 'provider';
export const QUALIFYING_SEVERITIES: readonly Severity[] = [
  'total',
  'equivalent',
];

/** Rule 1 (above). */
export function isQualifying(
  incident: Pick<IncidentFacts, 'cause' | 'severity'>,
): boolean {
  return (
    incident.cause === QUALIFYING_CAUSE &&
    QUALIFYING_SEVERITIES.includes(incident.severity)
  );
}

export type Relation = 'named' | 'regional' | 'none';

/**
 * How an incident bears on a contract (rule 2): it names it (down means the contract is down), it hits
 * some of the contract's regions (down only when every region the contract has is down), or neither.
 */
export function relationOf(
  incident: Pick<IncidentFacts, 'scope'>,
  contract: Pick<ContractTerms, 'id' | 'region' | 'options'>,
): Relation {
  const scope = incident.scope;
  if (scope === null) return 'named';
  if (contract.id !== null && scope.excludeContractIds.includes(contract.id))
    return 'none';
  if (contract.id !== null && scope.contractIds.includes(contract.id))
    return 'named';
  if (scope.regions.length === 0) return 'none';
  const regions = allRegionsOf(contract);
  return scope.regions.some((region) => regions.has(region))
    ? 'regional'
    : 'none';
}

/** Rule 2's resolved list: the contracts an incident is in scope for. */
export function isInScope(
  incident: Pick<IncidentFacts, 'scope'>,
  contract: Pick<ContractTerms, 'id' | 'region' | 'options'>,
): boolean {
  return relationOf(incident, contract) !== 'none';
}
