/** The calculator: a scenario in, its outages out. Shared by the CLI and `POST /calculate`. */
import { deriveOutages } from './domain/outages';
import type { Policy } from './domain/policy';
import { formatInstant } from './domain/time';
import { type OutageJson, outageJsonOf } from './schemas/outage';
import {
  contractTermsOf,
  incidentFactsOf,
  type Scenario,
} from './schemas/scenario';

export interface CalculationResult {
  outages: OutageJson[];
  asOf: string;
  policy: Policy;
}

export function calculate(scenario: Scenario): CalculationResult {
  const outages = deriveOutages({
    contract: contractTermsOf(scenario.contract),
    incidents: incidentFactsOf(scenario.incidents),
    asOf: scenario.asOf,
    policy: scenario.policy,
  });
  return {
    outages: outages.map(outageJsonOf),
    asOf: formatInstant(scenario.asOf),
    policy: scenario.policy,
  };
}
