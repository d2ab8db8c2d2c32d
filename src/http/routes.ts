/** Every endpoint of API.md. Routes validate, call a use case, answer. */
import { calculate } from '../calculator';
import { ServiceError } from '../errors';
import {
  AuditEntry,
  AuditQuery,
  Cancellation,
  CancellationInput,
  Claim,
  ClaimInput,
  ClaimListQuery,
  Contract,
  ContractInput,
  ContractListQuery,
  ContractOutages,
  Customer,
  CustomerInput,
  FeeChangeInput,
  Incident,
  IncidentCorrectionPreview,
  IncidentInput,
  IncidentListQuery,
  IncidentPatch,
  IncidentPreview,
  IncidentSummary,
  OptionCancellation,
  OutagesQuery,
  TokenRequest,
  TokenResponse,
  TokenRevocation,
  UsageCorrection,
  UsageInput,
  UsageListQuery,
  UsageObservation,
  User,
  UserInput,
} from '../schemas/api';
import {
  CreditNotice,
  CreditNoticeListFilters,
  CreditReport,
  CreditReportQuery,
  NoticeDocumentQuery,
  NoticeReasonInput,
} from '../schemas/credit-notices';
import { CalculationResult, Scenario } from '../schemas/scenario';
import { Webhook, WebhookDelivery, WebhookInput } from '../schemas/webhooks';
import { listAudit } from '../services/audit';
import { createClaim, getClaim, listClaims } from '../services/claims';
import type { ServiceContext } from '../services/context';
import {
  addFeeChange,
  cancelContract,
  cancelOption,
  createContract,
  getContract,
  listContracts,
} from '../services/contracts';
import {
  creditNoticeDocument,
  getCreditNotice,
  listCreditNotices,
  rejectCreditNotice,
  voidCreditNotice,
} from '../services/credit-notices';
import { creditReport, creditReportCsv } from '../services/credit-report';
import {
  createCustomer,
  getCustomer,
  listCustomers,
} from '../services/customers';
import {
  createIncident,
  getIncident,
  listIncidents,
  patchIncident,
  previewCorrection,
  previewIncident,
} from '../services/incidents';
import { approveAndPrint } from '../services/notice-printing';
import { contractOutages } from '../services/outages';
import { signInForToken } from '../services/sign-in';
import {
  contractUsage,
  correctUsage,
  listUsage,
  recordUsage,
} from '../services/usage';
import {
  createUser,
  listUsers,
  revokeToken,
  revokeUserTokens,
} from '../services/users';
import {
  createWebhook,
  listWebhookDeliveries,
  listWebhooks,
} from '../services/webhooks';
import {
  type AnyEndpoint,
  endpoint,
  FileReply,
  listEndpoint,
  Reply,
} from './endpoint';

const staff = ['admin', 'support', 'finance'] as const;
const everyone = ['admin', 'support', 'finance', 'customer'] as const;
const authed = (ctx: ServiceContext | null) => ctx!;

const withVersionTag = (incident: Incident) =>
  new Reply(incident, { headers: { ETag: `"${incident.version}"` } });

/** `If-Match: "3"`: the version the correction was made against. A weak tag never matches (RFC 9110 strong comparison). */
function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^\s*(W\/)?"(\d+)"\s*$/.exec(ifMatch);
  if (!match)
    throw new ServiceError(
      'bad-request',
      'If-Match must be the ETag of the incident, e.g. "3"',
    );
  return match[1] ? -1 : Number(match[2]);
}

export const endpoints: AnyEndpoint[] = [
  endpoint({
    method: 'post',
    path: '/auth/tokens',
    operationId: 'createToken',
    tag: 'users',
    summary: 'Exchange an email and password for a new API token',
    roles: 'anyone',
    public: true,
    body: TokenRequest,
    response: TokenResponse,
    status: 201,
    handle: (_ctx, { body, clientAddress }, { store, clock, config }) =>
      signInForToken(store, clock, config, {
        ...body,
        clientKey: clientAddress,
      }),
  }),
  endpoint({
    method: 'delete',
    path: '/auth/tokens/current',
    operationId: 'revokeCurrentToken',
    tag: 'users',
    summary: 'Sign out: the token this request carries stops working',
    roles: everyone,
    status: 204,
    handle: (ctx, { bearerToken }) => {
      revokeToken(authed(ctx), bearerToken!);
    },
  }),
  endpoint({
    method: 'post',
    path: '/users',
    operationId: 'createUser',
    tag: 'users',
    summary: 'Create a user; its API token is shown once',
    roles: ['admin'],
    body: UserInput,
    response: User,
    status: 201,
    handle: (ctx, { body }) => createUser(authed(ctx), body),
  }),
  listEndpoint({
    path: '/users',
    operationId: 'listUsers',
    tag: 'users',
    summary: 'List users, oldest first',
    roles: ['admin'],
    item: User,
    handle: (ctx, { query }) => listUsers(authed(ctx), query),
  }),
  endpoint({
    method: 'delete',
    path: '/users/:id/tokens',
    operationId: 'revokeUserTokens',
    tag: 'users',
    summary:
      "Revoke every API token of a user (each answers 401 from now on); the user's password still works",
    roles: ['admin'],
    response: TokenRevocation,
    handle: (ctx, { params }) => revokeUserTokens(authed(ctx), params.id!),
  }),

  endpoint({
    method: 'post',
    path: '/customers',
    operationId: 'createCustomer',
    tag: 'customers',
    summary: 'Create a customer',
    roles: staff,
    body: CustomerInput,
    response: Customer,
    status: 201,
    handle: (ctx, { body }) => createCustomer(authed(ctx), body),
  }),
  listEndpoint({
    path: '/customers',
    operationId: 'listCustomers',
    tag: 'customers',
    summary: 'List customers by name',
    roles: staff,
    item: Customer,
    handle: (ctx, { query }) => listCustomers(authed(ctx), query),
  }),
  endpoint({
    method: 'get',
    path: '/customers/:id',
    operationId: 'getCustomer',
    tag: 'customers',
    summary: 'Get a customer',
    roles: staff,
    response: Customer,
    handle: (ctx, { params }) => getCustomer(authed(ctx), params.id!),
  }),

  endpoint({
    method: 'post',
    path: '/contracts',
    operationId: 'createContract',
    tag: 'contracts',
    summary: 'Create a contract (Art. 3 parameters, options)',
    roles: ['admin'],
    body: ContractInput,
    response: Contract,
    status: 201,
    handle: (ctx, { body }) => createContract(authed(ctx), body),
  }),
  listEndpoint({
    path: '/contracts',
    operationId: 'listContracts',
    tag: 'contracts',
    summary: 'List contracts by number (a customer: its own)',
    roles: everyone,
    filters: ContractListQuery,
    item: Contract,
    handle: (ctx, { query }) => listContracts(authed(ctx), query),
  }),
  endpoint({
    method: 'get',
    path: '/contracts/:id',
    operationId: 'getContract',
    tag: 'contracts',
    summary: 'Get a contract',
    roles: everyone,
    response: Contract,
    handle: (ctx, { params }) => getContract(authed(ctx), params.id!),
  }),
  endpoint({
    method: 'post',
    path: '/contracts/:id/fee-changes',
    operationId: 'addFeeChange',
    tag: 'contracts',
    summary: 'Change the basic monthly fee from a date on (Art. 5)',
    roles: ['admin'],
    body: FeeChangeInput,
    response: Contract,
    status: 201,
    handle: (ctx, { params, body }) =>
      addFeeChange(authed(ctx), params.id!, body),
  }),
  endpoint({
    method: 'post',
    path: '/contracts/:id/cancellation',
    operationId: 'cancelContract',
    tag: 'contracts',
    summary: 'Cancel a contract (Art. 8; Art. 10 / Annex 2 charge)',
    roles: ['admin', 'support'],
    body: CancellationInput,
    response: Cancellation,
    status: 201,
    handle: (ctx, { params, body }) =>
      cancelContract(authed(ctx), params.id!, body),
  }),
  endpoint({
    method: 'post',
    path: '/contracts/:id/options/:optionId/cancellation',
    operationId: 'cancelOption',
    tag: 'contracts',
    summary: 'Cancel a multi-region option (Art. 6(4); Art. 10(2) charge)',
    roles: ['admin', 'support'],
    body: CancellationInput,
    response: OptionCancellation,
    status: 201,
    handle: (ctx, { params, body }) =>
      cancelOption(authed(ctx), params.id!, params.optionId!, body),
  }),
  endpoint({
    method: 'get',
    path: '/contracts/:id/outages',
    operationId: 'listContractOutages',
    tag: 'outages',
    summary: "A contract's outages as of an instant (default now)",
    roles: everyone,
    query: OutagesQuery,
    response: ContractOutages,
    handle: (ctx, { params, query }) =>
      contractOutages(authed(ctx), params.id!, query.asOf),
  }),
  endpoint({
    method: 'post',
    path: '/contracts/:id/usage',
    operationId: 'recordUsage',
    tag: 'usage',
    summary: "Record a month's peak of concurrent devices (Annex 1)",
    roles: ['admin', 'support'],
    body: UsageInput,
    response: UsageObservation,
    status: 201,
    handle: (ctx, { params, body }) =>
      recordUsage(authed(ctx), params.id!, body),
  }),
  endpoint({
    method: 'patch',
    path: '/contracts/:id/usage/:month',
    operationId: 'correctUsage',
    tag: 'usage',
    summary: "Correct a month's recorded peak; the reason is audited",
    roles: ['admin', 'support'],
    body: UsageCorrection,
    response: UsageObservation,
    handle: (ctx, { params, body }) =>
      correctUsage(authed(ctx), params.id!, params.month!, body),
  }),
  listEndpoint({
    path: '/contracts/:id/usage',
    operationId: 'listContractUsage',
    tag: 'usage',
    summary: "A contract's monthly peaks, by month",
    roles: everyone,
    item: UsageObservation,
    handle: (ctx, { params, query }) =>
      contractUsage(authed(ctx), params.id!, query),
  }),
  listEndpoint({
    path: '/usage',
    operationId: 'listUsage',
    tag: 'usage',
    summary:
      'Monthly peaks of every contract, by month; flagged=true lists those above the contracted number',
    roles: staff,
    filters: UsageListQuery,
    item: UsageObservation,
    handle: (ctx, { query }) =>
      listUsage(authed(ctx), {
        ...query,
        flagged:
          query.flagged === undefined ? undefined : query.flagged === 'true',
      }),
  }),

  endpoint({
    method: 'post',
    path: '/incidents',
    operationId: 'createIncident',
    tag: 'incidents',
    summary: 'Log an incident',
    roles: ['support', 'admin'],
    body: IncidentInput,
    response: Incident,
    status: 201,
    handle: (ctx, { body }) => createIncident(authed(ctx), body),
  }),
  endpoint({
    method: 'post',
    path: '/incidents/preview',
    operationId: 'previewIncident',
    tag: 'incidents',
    summary:
      'The affected contracts and their outages if the incident were saved; nothing is saved',
    roles: ['support', 'admin'],
    body: IncidentInput,
    response: IncidentPreview,
    handle: (ctx, { body }) => previewIncident(authed(ctx), body),
  }),
  listEndpoint({
    path: '/incidents',
    operationId: 'listIncidents',
    tag: 'incidents',
    summary:
      'List incidents, newest awareness first, each with the number of contracts in scope',
    roles: ['support', 'admin', 'finance'],
    filters: IncidentListQuery,
    item: IncidentSummary,
    handle: (ctx, { query }) =>
      listIncidents(authed(ctx), {
        ...query,
        ongoing:
          query.ongoing === undefined ? undefined : query.ongoing === 'true',
      }),
  }),
  endpoint({
    method: 'post',
    path: '/incidents/:id/preview',
    operationId: 'previewIncidentCorrection',
    tag: 'incidents',
    summary:
      'What a correction would do to the outages of the contracts it affects, before or after; nothing is saved',
    roles: ['support', 'admin'],
    body: IncidentCorrectionPreview,
    response: IncidentPreview,
    handle: (ctx, { params, body }) => {
      const { reason: _reason, ...changes } = body;
      return previewCorrection(authed(ctx), params.id!, changes);
    },
  }),
  endpoint({
    method: 'get',
    path: '/incidents/:id',
    operationId: 'getIncident',
    tag: 'incidents',
    summary:
      'Get an incident; its ETag is its version, for If-Match on a correction',
    roles: ['support', 'admin', 'finance'],
    response: Incident,
    handle: (ctx, { params }) =>
      withVersionTag(getIncident(authed(ctx), params.id!)),
  }),
  endpoint({
    method: 'patch',
    path: '/incidents/:id',
    operationId: 'correctIncident',
    tag: 'incidents',
    summary: 'Correct an incident; the reason is required and audited',
    roles: ['support', 'admin'],
    body: IncidentPatch,
    response: Incident,
    handle: (ctx, { params, body, header }) =>
      withVersionTag(
        patchIncident(
          authed(ctx),
          params.id!,
          body,
          expectedVersion(header('if-match')),
        ),
      ),
  }),

  endpoint({
    method: 'post',
    path: '/claims',
    operationId: 'createClaim',
    tag: 'claims',
    summary:
      'File a claim for an outage (Idempotency-Key makes a retry return the same claim)',
    roles: ['customer', 'support', 'admin'],
    body: ClaimInput,
    response: Claim,
    status: 201,
    handle: (ctx, { body, header }) => {
      const { claim, replayed } = createClaim(
        authed(ctx),
        body,
        header('idempotency-key'),
      );
      return new Reply(claim, {
        status: 201,
        headers: replayed ? { 'Idempotent-Replayed': 'true' } : {},
      });
    },
  }),
  listEndpoint({
    path: '/claims',
    operationId: 'listClaims',
    tag: 'claims',
    summary: 'List claims in the order they were filed (a customer: its own)',
    roles: everyone,
    filters: ClaimListQuery,
    item: Claim,
    handle: (ctx, { query }) => listClaims(authed(ctx), query),
  }),
  endpoint({
    method: 'get',
    path: '/claims/:id',
    operationId: 'getClaim',
    tag: 'claims',
    summary: 'Get a claim',
    roles: everyone,
    response: Claim,
    handle: (ctx, { params }) => getClaim(authed(ctx), params.id!),
  }),

  listEndpoint({
    path: '/credit-notices',
    operationId: 'listCreditNotices',
    tag: 'credit-notices',
    summary:
      'List credit notices, oldest first (a customer: its own approved and void ones)',
    roles: ['finance', 'admin', 'customer'],
    filters: CreditNoticeListFilters,
    item: CreditNotice,
    handle: (ctx, { query }) => listCreditNotices(authed(ctx), query),
  }),
  endpoint({
    method: 'get',
    path: '/credit-notices/:id',
    operationId: 'getCreditNotice',
    tag: 'credit-notices',
    summary: 'Get a credit notice',
    roles: ['finance', 'admin', 'customer'],
    response: CreditNotice,
    handle: (ctx, { params }) => getCreditNotice(authed(ctx), params.id!),
  }),
  endpoint({
    method: 'get',
    path: '/credit-notices/:id/document',
    operationId: 'getCreditNoticeDocument',
    tag: 'credit-notices',
    summary:
      'The notice as print-ready A4 HTML or PDF: once approved, the frozen document byte for byte (ETag: its SHA-256); before, a draft rendered now',
    roles: ['finance', 'admin', 'customer'],
    query: NoticeDocumentQuery,
    produces: ['text/html', 'application/pdf'],
    handle: async (ctx, { params, query }, { printing }) => {
      const file = await creditNoticeDocument(
        authed(ctx),
        params.id!,
        query,
        printing,
      );
      return new FileReply(file.body, {
        contentType: file.contentType,
        headers: {
          'Content-Disposition': `${query.format === 'pdf' ? 'attachment' : 'inline'}; filename="${file.fileName}"`,
          ...(file.sha256 === null
            ? { 'Cache-Control': 'no-store' }
            : { ETag: `"${file.sha256}"` }),
        },
      });
    },
  }),
  endpoint({
    method: 'post',
    path: '/credit-notices/:id/approve',
    operationId: 'approveCreditNotice',
    tag: 'credit-notices',
    summary:
      'Approve a credit notice; the last approval needed numbers it and freezes its documents',
    description:
      "A notice whose tax-inclusive total (totalAmount) is the policy's dualApprovalFromYen or more needs the approvals of two different finance users: after the first it stays pending-approval with one entry in approvals. The contract's claims are brought up to date first, so the figures approved are the current ones. 409 issuer-not-configured until SLA_ISSUER_NAME and SLA_ISSUER_REGISTRATION are set",
    roles: ['finance'],
    response: CreditNotice,
    handle: (ctx, { params }, { printing }) =>
      approveAndPrint(authed(ctx), params.id!, printing),
  }),
  endpoint({
    method: 'post',
    path: '/credit-notices/:id/reject',
    operationId: 'rejectCreditNotice',
    tag: 'credit-notices',
    summary:
      'Reject a credit notice pending approval, with the reason; its claim is rejected (final)',
    roles: ['finance'],
    body: NoticeReasonInput,
    response: CreditNotice,
    handle: (ctx, { params, body }) =>
      rejectCreditNotice(authed(ctx), params.id!, body.reason),
  }),
  endpoint({
    method: 'post',
    path: '/credit-notices/:id/void',
    operationId: 'voidCreditNotice',
    tag: 'credit-notices',
    summary:
      "Void an approved credit notice found wrong, with the reason; a correcting notice for the claim's recomputed outage is prepared (correctsNoticeId)",
    roles: ['finance'],
    body: NoticeReasonInput,
    response: CreditNotice,
    handle: (ctx, { params, body }) =>
      voidCreditNotice(authed(ctx), params.id!, body.reason),
  }),
  endpoint({
    method: 'get',
    path: '/reports/credits',
    operationId: 'getCreditReport',
    tag: 'reports',
    summary:
      'The credit notices approved in a JST month, voids included and marked; CSV for Excel with Accept: text/csv',
    roles: ['finance', 'admin'],
    query: CreditReportQuery,
    response: CreditReport,
    alsoProduces: ['text/csv'],
    handle: (ctx, { query, accepts }) => {
      const report = creditReport(authed(ctx), query.month);
      if (accepts(['application/json', 'text/csv']) !== 'text/csv')
        return report;
      return new FileReply(creditReportCsv(report), {
        contentType: 'text/csv; charset=utf-8',
        headers: {
          'Content-Disposition': `attachment; filename="credits-${query.month}.csv"`,
        },
      });
    },
  }),

  endpoint({
    method: 'post',
    path: '/webhooks',
    operationId: 'createWebhook',
    tag: 'webhooks',
    summary:
      'Register a receiver of credit-notice events; its secret signs every delivery and is never shown again',
    roles: ['admin'],
    body: WebhookInput,
    response: Webhook,
    status: 201,
    handle: (ctx, { body }) => createWebhook(authed(ctx), body),
  }),
  listEndpoint({
    path: '/webhooks',
    operationId: 'listWebhooks',
    tag: 'webhooks',
    summary: 'List webhooks, oldest first',
    roles: ['admin'],
    item: Webhook,
    handle: (ctx, { query }) => listWebhooks(authed(ctx), query),
  }),
  listEndpoint({
    path: '/webhooks/:id/deliveries',
    operationId: 'listWebhookDeliveries',
    tag: 'webhooks',
    summary: "A webhook's deliveries, newest first, each with every attempt",
    roles: ['admin'],
    item: WebhookDelivery,
    handle: (ctx, { params, query }) =>
      listWebhookDeliveries(authed(ctx), params.id!, query),
  }),

  endpoint({
    method: 'post',
    path: '/calculate',
    operationId: 'calculate',
    tag: 'calculator',
    summary: 'Derive the outages of a scenario',
    roles: everyone,
    body: Scenario,
    response: CalculationResult,
    handle: (_ctx, { body }) => calculate(body),
  }),
  listEndpoint({
    path: '/audit',
    operationId: 'listAudit',
    tag: 'audit',
    summary: 'The audit log, newest first',
    roles: ['admin', 'finance'],
    filters: AuditQuery,
    item: AuditEntry,
    handle: (ctx, { query }) => listAudit(authed(ctx), query),
  }),
];
