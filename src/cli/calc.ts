/** `cli calc FILE`: one scenario or an array of them (`-` reads stdin); bad input exits 2 naming scenario and field. */
import { readFileSync } from 'node:fs';
import { type CalculationResult, calculate } from '../calculator';
import { fieldErrorsOf } from '../schemas/common';
import { Scenario } from '../schemas/scenario';

export class InputError extends Error {}

export function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read ${file === '-' ? 'standard input' : file}: ${(error as Error).message}`,
    );
  }
}

export function calculateText(
  text: string,
): CalculationResult | CalculationResult[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`not valid JSON: ${(error as Error).message}`);
  }
  const many = Array.isArray(json);
  const scenarios = many ? (json as unknown[]) : [json];
  const problems: string[] = [];
  const parsed = scenarios.map((raw, index) => {
    const result = Scenario.safeParse(raw);
    if (!result.success) {
      for (const error of fieldErrorsOf(result.error))
        problems.push(`scenario ${index}: ${error.path}: ${error.message}`);
      return undefined;
    }
    return result.data;
  });
  if (problems.length > 0) throw new InputError(problems.join('\n'));
  const results = parsed.map((scenario) => calculate(scenario!));
  return many ? results : results[0]!;
}
