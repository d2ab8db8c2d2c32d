/** The calculator: a scenario in, its outages out. Shared by the CLI and `POST /calculate`. */
import { deriveOutages } from './domain/outages';
import { formatInstant } from './domain/time';
import { outageJsonOf } from './schemas/outage';
import {
  type CalculationResult,
  contractTermsOf,
  incidentFactsOf,
  type Scenario,
} from './schemas/scenario';

export type { CalculationResult };

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
