/** The incident form (new and correction): what the fields hold, and how they become the API's IncidentInput. */
import { createHash } from 'node:crypto';
import { CAUSES, SEVERITIES } from '../domain/incident';
import type { Incident } from '../schemas/api';
import { IncidentInput } from '../schemas/api';
import { type FieldError, fieldErrorsOf } from '../schemas/common';
import { fromLocalInput, toLocalInput } from './format';
import type { PageContext } from './page';

export interface IncidentFormValues {
  title: string;
  description: string;
  cause: string;
  severity: string;
  regions: string[];
  /** Contract numbers, as people know contracts, separated by commas, spaces or lines. */
  contracts: string;
  exclude: string;
  awareAt: string;
  intervals: { start: string; end: string }[];
}

export const EMPTY_INCIDENT_FORM: IncidentFormValues = {
  title: '',
  description: '',
  cause: 'provider',
  severity: 'total',
  regions: [],
  contracts: '',
  exclude: '',
  awareAt: '',
  intervals: [{ start: '', end: '' }],
};

export function incidentFormFromBody(page: PageContext): IncidentFormValues {
  const starts = page.fields('start');
  const ends = page.fields('end');
  const intervals = starts
    .map((start, i) => ({ start: start.trim(), end: (ends[i] ?? '').trim() }))
    .filter((row) => row.start !== '' || row.end !== '');
  return {
    title: page.field('title') ?? '',
    description: page.field('description') ?? '',
    cause: page.field('cause') ?? '',
    severity: page.field('severity') ?? '',
    regions: page.fields('regions'),
    contracts: page.field('contracts') ?? '',
    exclude: page.field('exclude') ?? '',
    awareAt: page.field('awareAt') ?? '',
    intervals: intervals.length > 0 ? intervals : [{ start: '', end: '' }],
  };
}

export function incidentFormOf(
  incident: Incident,
  numberOf: (contractId: string) => string,
): IncidentFormValues {
  return {
    title: incident.title,
    description: incident.description ?? '',
    cause: incident.cause,
    severity: incident.severity,
    regions: incident.scope.regions,
    contracts: incident.scope.contractIds.map(numberOf).join(', '),
    exclude: incident.scope.excludeContractIds.map(numberOf).join(', '),
    awareAt: toLocalInput(incident.awareAt),
    intervals: incident.intervals.map((interval) => ({
      start: toLocalInput(interval.start),
      end: interval.end === null ? '' : toLocalInput(interval.end),
    })),
  };
}

const numbersIn = (text: string) =>
  text
    .split(/[\s,、]+/)
    .map((value) => value.trim())
    .filter(Boolean);

/** Where an API field error shows on the form. */
function formPath(path: string): string {
  if (path.startsWith('scope.contractIds')) return 'contracts';
  if (path.startsWith('scope.excludeContractIds')) return 'exclude';
  if (path.startsWith('scope.regions')) return 'regions';
  if (path === 'scope') return 'regions';
  return path;
}

export function toFormErrors(errors: readonly FieldError[]): FieldError[] {
  return errors.map((error) => ({ ...error, path: formPath(error.path) }));
}

/**
 * The form as the API's IncidentInput, parsed by the API's own schema; or the fields it refuses.
 * `idsByNumber` looks up the contract numbers typed in the scope fields, all at once.
 */
export function parseIncidentForm(
  values: IncidentFormValues,
  idsByNumber: (
    contractNumbers: readonly string[],
  ) => ReadonlyMap<string, string>,
):
  | { input: IncidentInput; errors: null }
  | { input: null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const known = idsByNumber([
    ...numbersIn(values.contracts),
    ...numbersIn(values.exclude),
  ]);
  const ids = (field: 'contracts' | 'exclude') =>
    numbersIn(values[field]).flatMap((number) => {
      const id = known.get(number);
      if (id === undefined)
        errors.push({ path: field, message: `unknown contract ${number}` });
      return id === undefined ? [] : [id];
    });
  // An empty field is a missing one ("is required"), as in a JSON body that leaves it out.
  const raw = {
    title: values.title === '' ? undefined : values.title,
    description: values.description === '' ? undefined : values.description,
    cause: (CAUSES as readonly string[]).includes(values.cause)
      ? values.cause
      : undefined,
    severity: (SEVERITIES as readonly string[]).includes(values.severity)
      ? values.severity
      : undefined,
    scope: {
      regions: values.regions,
      contractIds: ids('contracts'),
      excludeContractIds: ids('exclude'),
    },
    awareAt: values.awareAt === '' ? undefined : fromLocalInput(values.awareAt),
    intervals: values.intervals.map((interval) => ({
      start: interval.start === '' ? undefined : fromLocalInput(interval.start),
      end: interval.end === '' ? null : fromLocalInput(interval.end),
    })),
  };
  const parsed = IncidentInput.safeParse(raw);
  if (!parsed.success)
    errors.push(...toFormErrors(fieldErrorsOf(parsed.error)));
  if (errors.length > 0 || !parsed.success) return { input: null, errors };
  return { input: parsed.data, errors: null };
}

/** What was previewed, so "save" can tell when the form changed after the preview. */
export function fingerprintOf(input: IncidentInput): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

/** The values as the form template shows them, with each field's error beside it. */
export function incidentFormView(
  values: IncidentFormValues,
  errors: Record<string, string>,
  regions: readonly string[],
) {
  return {
    ...values,
    causes: CAUSES.map((cause) => ({
      value: cause,
      selected: cause === values.cause,
    })),
    severities: SEVERITIES.map((severity) => ({
      value: severity,
      selected: severity === values.severity,
    })),
    regionChoices: regions.map((region) => ({
      value: region,
      checked: values.regions.includes(region),
    })),
    intervals: values.intervals.map((interval, i) => ({
      ...interval,
      index: i,
      number: i + 1,
      startError: errors[`intervals[${i}].start`],
      endError: errors[`intervals[${i}].end`] ?? errors[`intervals[${i}]`],
    })),
    errors,
  };
}
