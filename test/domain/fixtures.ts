/**
 * Shared test helpers. Instants are written the way SPEC.md and API.md write them (Japan time) and turned
 * into epoch milliseconds with plain `Date.parse`, never with the code under test. Calendar arithmetic used
 * for expected values is done on UTC `Date`s, independently of Luxon and of src/domain/time.ts.
 *
 * The rules core takes only checked values (Instant, BusinessDate, Yen); tests write plain numbers and
 * text (`Written<T>`), which these helpers pass through the checks (`instantOf`, `parseBusinessDate`,
 * `yen`), as the edges do.
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
import { type Yen, yen } from '../../src/domain/money';
import { deriveOutages, type Outage } from '../../src/domain/outages';
import { type PolicyInput, resolvePolicy } from '../../src/domain/policy';
import {
  type BusinessDate,
  type Instant,
  instantOf,
  parseBusinessDate,
} from '../../src/domain/time';

/** A value of the rules core as a test writes it: instants as epoch ms, dates as text, yen as numbers. */
export type Written<T> = T extends Instant
  ? number
  : T extends BusinessDate
    ? string
    : T extends Yen
      ? number
      : T extends readonly (infer Item)[]
        ? readonly Written<Item>[]
        : T extends object
          ? { [K in keyof T]: Written<T[K]> }
          : T;

/** Epoch milliseconds a test computed, checked. */
export const instant = (ms: number): Instant => instantOf(ms);

/** A business date written `YYYY-MM-DD`, checked. */
export const date = (text: string): BusinessDate => parseBusinessDate(text);
/** A business date or null. */
export const dateOrNull = (text: string | null): BusinessDate | null =>
  text === null ? null : date(text);

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** `2026-01-10T10:30` (or with seconds / milliseconds) read as Japan time (UTC+9, no DST). */
export function jst(local: string): Instant {
  const full = /T\d{2}:\d{2}$/.test(local) ? `${local}:00` : local;
  const value = Date.parse(`${full}+09:00`);
  if (Number.isNaN(value)) throw new Error(`bad test instant ${local}`);
  return instantOf(value);
}

/** An instant written as UTC ISO text, e.g. as API.md shows it. */
export function utc(text: string): Instant {
  const value = Date.parse(text);
  if (Number.isNaN(value) || !text.endsWith('Z'))
    throw new Error(`bad test instant ${text}`);
  return instantOf(value);
}

/** A multi-region option as written, checked. */
export const optionOf = (
  option: Written<MultiRegionOption>,
): MultiRegionOption => ({
  kind: option.kind,
  regions: option.regions,
  monthlyFee: yen(option.monthlyFee),
  billingStartDate: dateOrNull(option.billingStartDate),
  endDate: dateOrNull(option.endDate),
});

export function contractTerms(
  overrides: Partial<Written<ContractTerms>> = {},
): ContractTerms {
  const terms: Written<ContractTerms> = {
    id: null,
    billingStartDate: '2025-04-01',
    terminationEffectiveDate: null,
    monthlyFee: 100_000,
    feeChanges: [],
    region: 'jp-east',
    options: [],
    ...overrides,
  };
  return {
    id: terms.id,
    billingStartDate: date(terms.billingStartDate),
    terminationEffectiveDate: dateOrNull(terms.terminationEffectiveDate),
    monthlyFee: yen(terms.monthlyFee),
    feeChanges: terms.feeChanges.map((change) => ({
      effectiveDate: date(change.effectiveDate),
      monthlyFee: yen(change.monthlyFee),
    })),
    region: terms.region,
    options: terms.options.map(optionOf),
  };
}

export function multiRegion(
  overrides: Partial<Written<MultiRegionOption>> = {},
): Written<MultiRegionOption> {
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
  contract?: Partial<Written<ContractTerms>>;
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
    monthlyFeeBase: yen(100_000),
    creditAmount: yen(6666),
    thresholdAt: utc('2026-01-11T01:30:00.000Z'),
    claimableFrom: date('2026-01-12'),
    claimDeadline: date('2026-04-12'),
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
