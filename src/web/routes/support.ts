/** Support's pages: incidents (list, log with a preview, timeline, corrections, ending), contracts, claims by mail. */
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { CAUSES } from '../../domain/incident';
import {
  type BusinessDate,
  endOfBusinessDate,
  parseBusinessDate,
  startOfBusinessDate,
} from '../../domain/time';
import { ServiceError } from '../../errors';
import type {
  Incident,
  IncidentPreview,
  IncidentSummary,
} from '../../schemas/api';
import type { FieldError } from '../../schemas/common';
import { createClaim } from '../../services/claims';
import {
  contractIdsByNumber,
  contractNumbersOf,
  getContract,
  listContracts,
} from '../../services/contracts';
import { customerNamesOf, getCustomer } from '../../services/customers';
import {
  createIncident,
  endIncident,
  getIncidentWithAffected,
  type IncidentFilter,
  listIncidents,
  patchIncident,
  previewCorrection,
  previewIncident,
} from '../../services/incidents';
import { contractOutages } from '../../services/outages';
import { contractPageData } from '../contract-page';
import {
  formatTick,
  fromLocalInput,
  instantOfField,
  toLocalInput,
} from '../format';
import {
  EMPTY_INCIDENT_FORM,
  fingerprintOf,
  type IncidentFormValues,
  incidentFormFromBody,
  incidentFormOf,
  incidentFormView,
  parseIncidentForm,
  toFormErrors,
} from '../incident-form';
import { outageView } from '../outage-view';
import { fieldErrorsFor, type PageContext, page, type WebDeps } from '../page';
import { listPage, pagerOf, readPage } from '../paging';
import { outageChanges } from '../preview';
import { timelineOf } from '../timeline';

const SUPPORT = ['support', 'admin'] as const;
/** The preview lists this many contracts; the rest are counted. */
const PREVIEW_CONTRACTS = 100;

/** Looks up the contract numbers typed into an incident form. */
const contractIdsOf = (page: PageContext) => (numbers: readonly string[]) =>
  contractIdsByNumber(page.ctx, numbers);

function previewView(page: PageContext, preview: IncidentPreview) {
  const contracts = preview.contracts.map((contract) => {
    const changes = outageChanges(contract.currentOutages, contract.outages);
    return {
      contractId: contract.contractId,
      contractNumber: contract.contractNumber,
      affected: preview.affectedContractIds.includes(contract.contractId),
      changes: changes
        .filter((change) => change.kind !== 'unchanged')
        .map((change) => ({
          ...change,
          kindLabel: page.t(`preview.kinds.${change.kind}`),
          isNew: change.kind === 'new',
        })),
      claimChanges: contract.claimChanges.map((change) => ({
        ...change,
        fromLabel: page.t(`claimStatuses.${change.from}`),
        toLabel: page.t(`claimStatuses.${change.to}`),
      })),
    };
  });
  const changed = contracts.filter(
    (contract) =>
      contract.changes.length > 0 || contract.claimChanges.length > 0,
  );
  return {
    affectedCount: preview.affectedContractIds.length,
    changedCount: changed.length,
    unchangedCount: contracts.length - changed.length,
    contracts: changed.slice(0, PREVIEW_CONTRACTS),
    more: Math.max(0, changed.length - PREVIEW_CONTRACTS),
  };
}

function errorList(page: PageContext, errors: readonly FieldError[]) {
  const byPath = fieldErrorsFor(page.lang, errors);
  return {
    byPath,
    list: Object.entries(byPath).map(([path, message]) => ({
      field: page.t(`fields.${path.replace(/\[\d+\]/g, '[]')}`),
      message,
    })),
  };
}

function renderNewForm(
  page: PageContext,
  values: IncidentFormValues,
  extra: {
    errors?: FieldError[];
    preview?: IncidentPreview;
    fingerprint?: string;
    problem?: string;
    status?: number;
  } = {},
) {
  const errors = errorList(page, extra.errors ?? []);
  page.render(
    'support/incident-new',
    {
      titleKey: 'incidentNew.title',
      form: incidentFormView(values, errors.byPath, page.deps.config.regions),
      errorList: errors.list,
      problem: extra.problem,
      preview: extra.preview ? previewView(page, extra.preview) : null,
      fingerprint: extra.fingerprint,
      action: '/support/incidents/new',
      saveLabel: page.t('incidentNew.save'),
    },
    { status: extra.status ?? (errors.list.length > 0 ? 422 : 200) },
  );
}

/** Parses the list filters; a bad one is reported beside its field and ignored. */
function incidentFilter(page: PageContext) {
  const filter: IncidentFilter = {};
  const errors: FieldError[] = [];
  const ongoing = page.query('ongoing');
  if (ongoing === 'true' || ongoing === 'false')
    filter.ongoing = ongoing === 'true';
  const region = page.query('region');
  if (region !== undefined) {
    if (page.deps.config.regions.includes(region)) filter.region = region;
    else errors.push({ path: 'region', message: 'unknown region' });
  }
  const cause = page.query('cause');
  if (cause !== undefined) {
    if ((CAUSES as readonly string[]).includes(cause))
      filter.cause = cause as IncidentFilter['cause'];
    else errors.push({ path: 'cause', message: 'unknown cause' });
  }
  for (const [name, apply] of [
    ['from', (date: BusinessDate) => (filter.from = startOfBusinessDate(date))],
    ['to', (date: BusinessDate) => (filter.to = endOfBusinessDate(date))],
  ] as const) {
    const value = page.query(name);
    if (value === undefined) continue;
    try {
      apply(parseBusinessDate(value));
    } catch {
      errors.push({ path: name, message: 'must be a date YYYY-MM-DD' });
    }
  }
  return {
    filter,
    errors,
    values: {
      ongoing: ongoing ?? '',
      region: region ?? '',
      cause: cause ?? '',
      from: page.query('from') ?? '',
      to: page.query('to') ?? '',
    },
  };
}

function incidentRow(page: PageContext, incident: Incident | IncidentSummary) {
  const starts = incident.intervals.map((interval) => interval.start).sort();
  const ends = incident.intervals.map((interval) => interval.end);
  return {
    ...incident,
    causeLabel: page.t(`causes.${incident.cause}`),
    severityLabel: page.t(`severities.${incident.severity}`),
    firstStart: starts[0],
    lastEnd: ends.includes(null) ? null : ends.sort().at(-1),
    affectedCount:
      'affectedContractCount' in incident
        ? incident.affectedContractCount
        : incident.affectedContractIds.length,
    regionsText: incident.scope.regions.join(', '),
  };
}

export function supportRoutes(router: Router, deps: WebDeps) {
  router.get(
    '/support/incidents',
    page(deps, SUPPORT, (p) => {
      const { filter, errors, values } = incidentFilter(p);
      const shown = listPage(p, (request) =>
        listIncidents(p.ctx, { ...filter, ...request }),
      );
      p.render('support/incidents', {
        titleKey: 'incidents.title',
        filters: {
          ...values,
          regions: p.deps.config.regions.map((region) => ({
            value: region,
            selected: region === values.region,
          })),
          causes: CAUSES.map((cause) => ({
            value: cause,
            selected: cause === values.cause,
          })),
          errors: fieldErrorsFor(p.lang, errors),
        },
        incidents: shown.items.map((incident) => incidentRow(p, incident)),
        pager: shown.pager,
      });
    }),
  );

  router.get(
    '/support/incidents/new',
    page(deps, SUPPORT, (p) => renderNewForm(p, EMPTY_INCIDENT_FORM)),
  );

  router.post(
    '/support/incidents/new',
    page(deps, SUPPORT, (p) => {
      const values = incidentFormFromBody(p);
      const action = p.field('action');
      if (action === 'addInterval') {
        renderNewForm(p, {
          ...values,
          intervals: [...values.intervals, { start: '', end: '' }],
        });
        return;
      }
      const parsed = parseIncidentForm(values, contractIdsOf(p));
      if (parsed.errors) {
        renderNewForm(p, values, { errors: parsed.errors });
        return;
      }
      const fingerprint = fingerprintOf(parsed.input);
      try {
        // Saving is offered only with a preview of exactly what is saved: a form changed since is previewed again.
        if (action === 'save' && p.field('previewed') === fingerprint) {
          const incident = createIncident(p.ctx, parsed.input);
          p.redirect(`/support/incidents/${incident.id}`, 'incidentCreated');
          return;
        }
        const preview = previewIncident(p.ctx, parsed.input);
        renderNewForm(p, values, { preview, fingerprint });
      } catch (error) {
        if (!(error instanceof ServiceError) || error.status >= 500)
          throw error;
        renderNewForm(p, values, {
          errors: error.errors ? toFormErrors(error.errors) : [],
          problem: p.problem(error),
          status: error.status,
        });
      }
    }),
  );

  router.get(
    '/support/incidents/:id',
    page(deps, SUPPORT, (p) => renderIncident(p, p.req.params.id as string)),
  );

  router.post(
    '/support/incidents/:id/correct',
    page(deps, SUPPORT, (p) => {
      const id = p.req.params.id as string;
      const values = incidentFormFromBody(p);
      const action = p.field('action');
      const reason = p.field('reason');
      const version = Number(p.field('version'));
      if (action === 'addInterval') {
        renderIncident(p, id, {
          values: {
            ...values,
            intervals: [...values.intervals, { start: '', end: '' }],
          },
          reason,
        });
        return;
      }
      const parsed = parseIncidentForm(values, contractIdsOf(p));
      const errors = parsed.errors ? [...parsed.errors] : [];
      if (action === 'save' && reason === undefined)
        errors.push({ path: 'reason', message: 'is required' });
      if (errors.length > 0 || !parsed.input) {
        renderIncident(p, id, { values, reason, errors, status: 422 });
        return;
      }
      const fingerprint = fingerprintOf(parsed.input);
      try {
        // As for a new incident: saved only as previewed.
        if (action === 'save' && p.field('previewed') === fingerprint) {
          patchIncident(
            p.ctx,
            id,
            { ...parsed.input, reason: reason! },
            Number.isInteger(version) ? version : undefined,
          );
          p.redirect(`/support/incidents/${id}`, 'incidentCorrected');
          return;
        }
        const preview = previewCorrection(p.ctx, id, parsed.input);
        renderIncident(p, id, { values, reason, preview, fingerprint });
      } catch (error) {
        if (!(error instanceof ServiceError) || error.code === 'not-found')
          throw error;
        renderIncident(p, id, {
          values,
          reason,
          errors: error.errors ? toFormErrors(error.errors) : [],
          problem: p.problem(error),
          status: error.status,
        });
      }
    }),
  );

  router.post(
    '/support/incidents/:id/end',
    page(deps, SUPPORT, (p) => {
      const id = p.req.params.id as string;
      const reason = p.field('endReason');
      const version = Number(p.field('version'));
      if (reason === undefined) {
        renderIncident(p, id, {
          endErrors: { endReason: p.t('serviceMessages.is required') },
          status: 422,
        });
        return;
      }
      try {
        endIncident(
          p.ctx,
          id,
          reason,
          Number.isInteger(version) ? version : undefined,
        );
        p.redirect(`/support/incidents/${id}`, 'incidentEnded');
      } catch (error) {
        if (!(error instanceof ServiceError) || error.code === 'not-found')
          throw error;
        renderIncident(p, id, {
          problem: p.problem(error),
          status: error.status,
        });
      }
    }),
  );

  router.get(
    '/support/contracts',
    page(deps, SUPPORT, (p) => {
      const search = p.query('q');
      const shown = listPage(p, (request) =>
        listContracts(p.ctx, { search, ...request }),
      );
      const customers = customerNamesOf(
        p.ctx,
        shown.items.map((contract) => contract.customerId),
      );
      p.render('support/contracts', {
        titleKey: 'contracts.title',
        q: search ?? '',
        contracts: shown.items.map((contract) => ({
          ...contract,
          customerName: customers.get(contract.customerId) ?? '',
        })),
        pager: shown.pager,
        canCreate: p.user.actor.role === 'admin',
      });
    }),
  );

  router.get(
    '/support/contracts/:id',
    page(deps, SUPPORT, (p) =>
      renderSupportContract(p, p.req.params.id as string),
    ),
  );

  router.post(
    '/support/contracts/:id/claims',
    page(deps, SUPPORT, (p) => {
      const id = p.req.params.id as string;
      const outageStart = p.field('outageStart') ?? '';
      const receivedAt = p.field('receivedAt');
      // The form as posted, shown again beside its outage when it comes back refused.
      const claimForm = {
        outageStart,
        receivedAt: receivedAt ?? '',
        note: p.field('note') ?? '',
      };
      getContract(p.ctx, id);
      const errors: FieldError[] = [];
      if (receivedAt === undefined)
        errors.push({ path: 'receivedAt', message: 'is required' });
      const parsed =
        errors.length > 0
          ? null
          : parseClaimFields(outageStart, receivedAt!, errors);
      if (!parsed) {
        renderSupportContract(p, id, {
          claimForm,
          errors,
          status: 422,
        });
        return;
      }
      try {
        createClaim(
          p.ctx,
          {
            contractId: id,
            outageStart: parsed.outageStart,
            receivedAt: parsed.receivedAt,
            note: p.field('note'),
          },
          p.field('idempotencyKey'),
        );
        p.redirect(`/support/contracts/${id}`, 'claimRecorded');
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        renderSupportContract(p, id, {
          claimForm,
          errors: error.errors ?? [],
          problem: p.problem(error),
          status: error.status,
        });
      }
    }),
  );
}

function parseClaimFields(
  outageStart: string,
  receivedAtLocal: string,
  errors: FieldError[],
) {
  const start = instantOfField(outageStart);
  const receivedAt = instantOfField(fromLocalInput(receivedAtLocal));
  if (start === null)
    errors.push({ path: 'outageStart', message: 'is required' });
  if (receivedAt === null)
    errors.push({ path: 'receivedAt', message: 'must be a date and time' });
  return start === null || receivedAt === null
    ? null
    : { outageStart: start, receivedAt };
}

function renderIncident(
  p: PageContext,
  id: string,
  extra: {
    values?: IncidentFormValues;
    reason?: string;
    errors?: FieldError[];
    preview?: IncidentPreview;
    fingerprint?: string;
    problem?: string;
    endErrors?: Record<string, string>;
    status?: number;
  } = {},
) {
  const { incident, affected } = readPage(
    p,
    (request) => getIncidentWithAffected(p.ctx, id, request),
    { size: 10 },
  );
  const numbers = contractNumbersOf(p.ctx, [
    ...incident.scope.contractIds,
    ...incident.scope.excludeContractIds,
  ]);
  const numberOf = (contractId: string) =>
    numbers.get(contractId) ?? contractId;
  const now = p.deps.clock();
  const rows = affected.items.map(({ contractId, contractNumber }) => {
    const outages = contractOutages(
      p.ctx,
      contractId,
      undefined,
    ).outages.filter((outage) => outage.incidentIds.includes(incident.id));
    return {
      contractId,
      contractNumber,
      outages: outages.map((outage) => outageView(p.lang, outage, now)),
    };
  });
  const timeline = timelineOf({
    intervals: incident.intervals,
    awareAt: incident.awareAt,
    rows: rows.map((row) => ({
      label: row.contractNumber,
      outages: row.outages,
    })),
    now,
    tickLabel: (at, startOfDay) => formatTick(p.lang, at, startOfDay),
  });
  const errors = errorList(p, extra.errors ?? []);
  const values = extra.values ?? incidentFormOf(incident, numberOf);
  p.render(
    'support/incident',
    {
      titleKey: 'incident.title',
      incident: incidentRow(p, incident),
      scopeContracts: incident.scope.contractIds.map(numberOf).join(', '),
      scopeExcluded: incident.scope.excludeContractIds.map(numberOf).join(', '),
      timeline: {
        ...timeline,
        rows: timeline.rows.map((row, index) => ({
          ...row,
          label: index === 0 ? p.t('timeline.intervals') : row.label,
        })),
      },
      affected: rows,
      affectedTotal: incident.affectedContractIds.length,
      pager: pagerOf(p.req, affected),
      form: incidentFormView(values, errors.byPath, p.deps.config.regions),
      errorList: errors.list,
      reason: extra.reason ?? '',
      reasonError: errors.byPath.reason,
      problem: extra.problem,
      preview: extra.preview ? previewView(p, extra.preview) : null,
      fingerprint: extra.fingerprint,
      correction: true,
      endErrors: extra.endErrors ?? {},
      action: `/support/incidents/${incident.id}/correct`,
      saveLabel: p.t('incident.saveCorrection'),
      nowLocal: toLocalInput(now),
    },
    { status: extra.status },
  );
}

function renderSupportContract(
  p: PageContext,
  id: string,
  extra: {
    claimForm?: { outageStart: string; receivedAt: string; note: string };
    errors?: FieldError[];
    problem?: string;
    status?: number;
  } = {},
) {
  const data = contractPageData(p, id);
  const errors = fieldErrorsFor(p.lang, extra.errors ?? []);
  // The form of a claimable outage: as it was posted when it came back refused, blank otherwise.
  const claimFormFor = (start: string) => {
    const posted =
      extra.claimForm?.outageStart === start ? extra.claimForm : null;
    return {
      idempotencyKey: randomUUID(),
      receivedAt: posted?.receivedAt ?? toLocalInput(data.now),
      note: posted?.note ?? '',
      errors: posted ? errors : {},
    };
  };
  p.render(
    'support/contract',
    {
      titleKey: 'contract.title',
      ...data,
      contract: {
        ...data.contract,
        customerName: getCustomer(p.ctx, data.contract.customerId).name,
      },
      outages: data.outages.map((outage) => ({
        ...outage,
        claimForm: outage.claimable ? claimFormFor(outage.start) : null,
      })),
      problem: extra.problem,
    },
    { status: extra.status },
  );
}
