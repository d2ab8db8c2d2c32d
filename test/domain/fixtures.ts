/**
 * Shared test helpers. Instants are written the way SPEC.md and API.md write them (Japan time) and turned
 * into epoch milliseconds with plain `Date.parse`, never with the code under test. Calendar arithmetic used
 * for expected values is done on UTC `Date`s, independently of Luxon and of src/domain/time.ts.
 */
import type {
  ContractTerms,
  MultiRegionOption,
} from '../../src/domain/contract';
import type {
  Cause,
  DownInterval,
  IncidentFacts,
  IncidentScope,
  Severity,
} from '../../src/domain/incident';
import { deriveOutages, type Outage } from '../../src/domain/outages';
import { type PolicyInput, resolvePolicy } from '../../src/domain/policy';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** `2026-01-10T10:30` (or with seconds / milliseconds) read as Japan time (UTC+9, no DST). */
export function jst(local: string): number {
  const full = /T\d{2}:\d{2}$/.test(local) ? `${local}:00` : local;
  const value = Date.parse(`${full}+09:00`);
  if (Number.isNaN(value)) throw new Error(`bad test instant ${local}`);
  return value;
}

/** An instant written as UTC ISO text, e.g. as API.md shows it. */
export function utc(text: string): number {
  const value = Date.parse(text);
  if (Number.isNaN(value) || !text.endsWith('Z'))
    throw new Error(`bad test instant ${text}`);
  return value;
}

export function contractTerms(
  overrides: Partial<ContractTerms> = {},
): ContractTerms {
  return {
    id: null,
    billingStartDate: '2025-04-01',
    terminationEffectiveDate: null,
    monthlyFee: 100_000,
    feeChanges: [],
    region: 'jp-east',
    options: [],
    ...overrides,
  };
}

export function multiRegion(
  overrides: Partial<MultiRegionOption> = {},
): MultiRegionOption {
  return {
    kind: 'multi-region',
    regions: ['jp-west'],
    monthlyFee: 20_000,
    billingStartDate: null,
    endDate: null,
    ...overrides,
  };
}

/** A down interval written in Japan time; `end` null = still down. */
export function down(start: string, end: string | null): DownInterval {
  return { start: jst(start), end: end === null ? null : jst(end) };
}

export function incident(
  id: string,
  facts: {
    awareAt: string;
    intervals: DownInterval[];
    cause?: Cause;
    severity?: Severity;
    scope?: Partial<IncidentScope> | null;
  },
): IncidentFacts {
  return {
    id,
    cause: facts.cause ?? 'provider',
    severity: facts.severity ?? 'total',
    awareAt: jst(facts.awareAt),
    intervals: facts.intervals,
    scope:
      facts.scope == null
        ? null
        : {
            regions: facts.scope.regions ?? [],
            contractIds: facts.scope.contractIds ?? [],
            excludeContractIds: facts.scope.excludeContractIds ?? [],
          },
  };
}

export function outagesOf(input: {
  incidents: IncidentFacts[];
  asOf: string;
  contract?: Partial<ContractTerms>;
  policy?: PolicyInput;
}): Outage[] {
  return deriveOutages({
    contract: contractTerms(input.contract),
    incidents: input.incidents,
    asOf: jst(input.asOf),
    policy: resolvePolicy(input.policy ?? {}),
  });
}

/** The API.md "Scenario (calculator input)" example, as the rules core's terms. */
export function apiExampleIncidents(): IncidentFacts[] {
  return [
    incident('INC-1', {
      awareAt: '2026-01-10T10:30',
      intervals: [down('2026-01-10T10:00', '2026-01-10T20:30')],
    }),
    incident('INC-2', {
      severity: 'equivalent',
      awareAt: '2026-01-10T21:00',
      intervals: [down('2026-01-10T20:00', '2026-01-12T15:00')],
    }),
  ];
}

/** The Outage API.md shows for that example, with its instants as epoch milliseconds. */
export function apiExampleOutage(): Outage {
  return {
    start: utc('2026-01-10T01:00:00.000Z'),
    end: utc('2026-01-12T06:00:00.000Z'),
    ongoing: false,
    clockStart: utc('2026-01-10T01:30:00.000Z'),
    unavailableMs: 189_000_000,
    qualifies: true,
    creditDays: 2,
    monthlyFeeBase: 100_000,
    creditAmount: 6666,
    thresholdAt: utc('2026-01-11T01:30:00.000Z'),
    claimableFrom: '2026-01-12',
    claimDeadline: '2026-04-12',
    incidentIds: ['INC-1', 'INC-2'],
    claimStatus: 'claimable',
  };
}

// ---- independent calendar arithmetic (UTC Date, no Luxon) ----

export function dateOfUtc(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function utcDate(isoDate: string): Date {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}

export function plusDays(isoDate: string, days: number): string {
  return dateOfUtc(new Date(utcDate(isoDate).getTime() + days * DAY));
}

/** Every calendar date from `first` through `last`, inclusive. */
export function datesFrom(first: string, last: string): string[] {
  const dates: string[] = [];
  for (let day = first; day <= last; day = plusDays(day, 1)) dates.push(day);
  return dates;
}

/** `date` moved `months` months on, clamped to the end of a shorter month (2026-01-31 + 1 → 2026-02-28). */
export function plusMonthsClamped(isoDate: string, months: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return dateOfUtc(new Date(Date.UTC(y, m - 1 + months, Math.min(d, lastDay))));
}
