/**
 * Admin's pages: users (created with a password for the pages, the API token shown once; access revoked),
 * customers, new contracts, webhooks (the secret shown once) and their deliveries.
 */
import { randomBytes } from 'node:crypto';
import type { Router } from 'express';
import { ROLES } from '../../domain/roles';
import { CONCURRENT_DEVICE_CHOICES } from '../../domain/terms';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks';
import { ServiceError } from '../../errors';
import { ContractInput, CustomerInput, UserInput } from '../../schemas/api';
import type { FieldError } from '../../schemas/common';
import { WebhookInput } from '../../schemas/webhooks';
import { createContract } from '../../services/contracts';
import {
  createCustomer,
  customerNamesOf,
  listCustomers,
} from '../../services/customers';
import {
  type AccessRevocation,
  createUser,
  listUsers,
  revokeUserAccess,
} from '../../services/users';
import {
  createWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
} from '../../services/webhooks';
import {
  fieldErrorsFor,
  type PageContext,
  page,
  parseWith,
  type WebDeps,
} from '../page';
import { everyItem, listPage } from '../paging';

const ADMIN = ['admin'] as const;

/** A number typed in a form: digits (and thousands separators) only; anything else goes on as text for the schema to refuse. */
const numberField = (value: string | undefined) => {
  if (value === undefined) return undefined;
  const digits = value.replace(/[,_\s]/g, '');
  return /^-?\d+$/.test(digits) ? Number(digits) : value;
};

/**
 * Every customer, by name, for the forms that bind a user or a contract to one: a `<select>` must offer
 * them all. It grows with the customers (thousands is still one query a thousand); a search field replaces
 * it when a select of them all stops being usable.
 */
const customerChoices = (p: PageContext) =>
  everyItem((request) => listCustomers(p.ctx, request));

function renderUsers(
  p: PageContext,
  extra: {
    values?: Record<string, string>;
    errors?: FieldError[];
    problem?: string;
    created?: { email: string; token: string };
    revoked?: AccessRevocation;
    status?: number;
  } = {},
) {
  const shown = listPage(p, (request) => listUsers(p.ctx, request));
  const names = customerNamesOf(
    p.ctx,
    shown.items.flatMap((user) => user.customerId ?? []),
  );
  const values = extra.values ?? {};
  p.render(
    'admin/users',
    {
      titleKey: 'users.title',
      users: shown.items.map((user) => ({
        ...user,
        roleLabel: p.t(`roles.${user.role}`),
        customerName: user.customerId ? names.get(user.customerId) : null,
      })),
      pager: shown.pager,
      values,
      roles: ROLES.map((role) => ({
        value: role,
        label: p.t(`roles.${role}`),
        selected: role === (values.role ?? 'support'),
      })),
      customers: customerChoices(p).map((c) => ({
        value: c.id,
        label: c.name,
        selected: c.id === values.customerId,
      })),
      errors: fieldErrorsFor(p.lang, extra.errors),
      problem: extra.problem,
      created: extra.created,
      revoked: extra.revoked,
    },
    { status: extra.status },
  );
}

function renderCustomers(
  p: PageContext,
  extra: {
    values?: Record<string, string>;
    errors?: FieldError[];
    problem?: string;
    status?: number;
  } = {},
) {
  const shown = listPage(p, (request) => listCustomers(p.ctx, request));
  p.render(
    'admin/customers',
    {
      titleKey: 'customers.title',
      customers: shown.items,
      pager: shown.pager,
      values: extra.values ?? {},
      errors: fieldErrorsFor(p.lang, extra.errors),
      problem: extra.problem,
    },
    { status: extra.status },
  );
}

/** The option's fields are flat on the form: `options[0].monthlyFee` shows beside "optionFee". */
const contractFormPath = (path: string) =>
  path
    .replace(/^options\[0\]\.monthlyFee$/, 'optionFee')
    .replace(/^options\[0\]\.billingStartDate$/, 'optionStart')
    .replace(/^options(\[0\](\.regions.*)?)?$/, 'optionRegions');

function renderNewContract(
  p: PageContext,
  extra: {
    values?: Record<string, string | string[]>;
    errors?: FieldError[];
    problem?: string;
    status?: number;
  } = {},
) {
  const values = extra.values ?? {
    licenses: '500',
    concurrentDevices: '2000',
    servers: '2',
    redundancy: 'yes',
  };
  const optionRegions = (values.optionRegions as string[] | undefined) ?? [];
  p.render(
    'admin/contract-new',
    {
      titleKey: 'contractNew.title',
      values,
      customers: customerChoices(p).map((c) => ({
        value: c.id,
        label: c.name,
        selected: c.id === values.customerId,
      })),
      regions: p.deps.config.regions.map((region) => ({
        value: region,
        selected: region === values.region,
        checked: optionRegions.includes(region),
      })),
      deviceChoices: CONCURRENT_DEVICE_CHOICES.map((n) => ({
        value: String(n),
        selected: String(n) === values.concurrentDevices,
      })),
      errors: fieldErrorsFor(
        p.lang,
        extra.errors?.map((error) => ({
          ...error,
          path: contractFormPath(error.path),
        })),
      ),
      problem: extra.problem,
    },
    { status: extra.status },
  );
}

/** A webhook secret when the form leaves it empty: 32 random characters, well inside the accepted length. */
const newWebhookSecret = () => `whsec_${randomBytes(20).toString('base64url')}`;

function renderWebhooks(
  p: PageContext,
  extra: {
    values?: { url: string; events: string[] };
    errors?: FieldError[];
    problem?: string;
    created?: { url: string; secret: string };
    status?: number;
  } = {},
) {
  const shown = listPage(p, (request) => listWebhooks(p.ctx, request));
  const chosen = extra.values?.events ?? [...WEBHOOK_EVENT_TYPES];
  p.render(
    'admin/webhooks',
    {
      titleKey: 'webhooks.title',
      webhooks: shown.items,
      pager: shown.pager,
      url: extra.values?.url ?? '',
      events: WEBHOOK_EVENT_TYPES.map((type) => ({
        value: type,
        checked: chosen.includes(type),
      })),
      errors: fieldErrorsFor(
        p.lang,
        extra.errors?.map((error) => ({
          ...error,
          path: error.path.replace(/^events\[\d+\]$/, 'events'),
        })),
      ),
      problem: extra.problem,
      created: extra.created,
    },
    { status: extra.status },
  );
}

export function adminRoutes(router: Router, deps: WebDeps) {
  router.get(
    '/admin',
    page(deps, ADMIN, (p) => p.redirect('/admin/users')),
  );
  router.get(
    '/admin/users',
    page(deps, ADMIN, (p) => renderUsers(p)),
  );
  router.post(
    '/admin/users',
    page(deps, ADMIN, async (p) => {
      const values = {
        name: p.field('name') ?? '',
        email: p.field('email') ?? '',
        role: p.field('role') ?? '',
        customerId: p.field('customerId') ?? '',
      };
      const parsed = parseWith(UserInput, {
        name: values.name,
        email: values.email,
        role: values.role,
        customerId:
          values.role === 'customer'
            ? values.customerId || undefined
            : undefined,
        password: p.field('password'),
      });
      if (parsed.errors)
        return renderUsers(p, { values, errors: parsed.errors, status: 422 });
      try {
        const user = await createUser(p.ctx, parsed.data);
        // The API token exists only in this answer: shown once, never stored in clear.
        renderUsers(p, {
          created: { email: user.email, token: user.token! },
          status: 201,
        });
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        renderUsers(p, {
          values,
          errors: error.errors,
          problem: p.problem(error),
          status: error.status,
        });
      }
    }),
  );

  router.get(
    '/admin/customers',
    page(deps, ADMIN, (p) => renderCustomers(p)),
  );
  router.post(
    '/admin/customers',
    page(deps, ADMIN, (p) => {
      const values = {
        name: p.field('name') ?? '',
        email: p.field('email') ?? '',
        address: p.field('address') ?? '',
      };
      const parsed = parseWith(CustomerInput, {
        name: values.name,
        email: p.field('email'),
        address: p.field('address'),
      });
      if (parsed.errors)
        return renderCustomers(p, {
          values,
          errors: parsed.errors,
          status: 422,
        });
      try {
        createCustomer(p.ctx, parsed.data);
        p.redirect('/admin/customers', 'customerCreated');
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        renderCustomers(p, {
          values,
          errors: error.errors,
          problem: p.problem(error),
          status: error.status,
        });
      }
    }),
  );

  router.get(
    '/admin/contracts/new',
    page(deps, ADMIN, (p) => renderNewContract(p)),
  );
  router.post(
    '/admin/contracts/new',
    page(deps, ADMIN, (p) => {
      const names = [
        'customerId',
        'contractNumber',
        'licenses',
        'concurrentDevices',
        'servers',
        'region',
        'redundancy',
        'billingStartDate',
        'monthlyFee',
        'optionFee',
        'optionStart',
      ] as const;
      const values: Record<string, string | string[]> = Object.fromEntries(
        names.map((name) => [name, p.field(name) ?? '']),
      );
      values.optionRegions = p.fields('optionRegions');
      const withOption = (values.optionRegions as string[]).length > 0;
      const parsed = parseWith(ContractInput, {
        customerId: p.field('customerId'),
        contractNumber: p.field('contractNumber'),
        licenses: numberField(p.field('licenses')),
        concurrentDevices: numberField(p.field('concurrentDevices')),
        servers: numberField(p.field('servers')),
        region: p.field('region'),
        redundancy: p.field('redundancy') === 'yes',
        billingStartDate: p.field('billingStartDate'),
        monthlyFee: numberField(p.field('monthlyFee')),
        options: withOption
          ? [
              {
                kind: 'multi-region',
                regions: values.optionRegions,
                monthlyFee: numberField(p.field('optionFee')),
                billingStartDate:
                  p.field('optionStart') ?? p.field('billingStartDate'),
              },
            ]
          : [],
      });
      if (parsed.errors)
        return renderNewContract(p, {
          values,
          errors: parsed.errors,
          status: 422,
        });
      try {
        const contract = createContract(p.ctx, parsed.data);
        p.redirect(`/support/contracts/${contract.id}`, 'contractCreated');
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        renderNewContract(p, {
          values,
          errors: error.errors,
          problem: p.problem(error),
          status: error.status,
        });
      }
    }),
  );

  router.post(
    '/admin/users/:id/revoke',
    page(deps, ADMIN, (p) => {
      renderUsers(p, {
        revoked: revokeUserAccess(p.ctx, p.req.params.id as string),
      });
    }),
  );

  router.get(
    '/admin/webhooks',
    page(deps, ADMIN, (p) => renderWebhooks(p)),
  );
  router.post(
    '/admin/webhooks',
    page(deps, ADMIN, (p) => {
      const values = { url: p.field('url') ?? '', events: p.fields('events') };
      const secret = p.field('secret') ?? newWebhookSecret();
      const parsed = parseWith(WebhookInput, {
        url: p.field('url'),
        events: values.events,
        secret,
      });
      if (parsed.errors)
        return renderWebhooks(p, {
          values,
          errors: parsed.errors,
          status: 422,
        });
      const webhook = createWebhook(p.ctx, parsed.data);
      // The secret exists in clear only in this answer and the receiver's configuration.
      renderWebhooks(p, {
        created: { url: webhook.url, secret },
        status: 201,
      });
    }),
  );

  router.get(
    '/admin/webhooks/:id',
    page(deps, ADMIN, (p) => {
      const webhook = getWebhook(p.ctx, p.req.params.id as string);
      const shown = listPage(p, (request) =>
        listWebhookDeliveries(p.ctx, webhook.id, request),
      );
      p.render('admin/webhook', {
        titleKey: 'webhookDeliveries.title',
        webhook,
        deliveries: shown.items.map((delivery) => ({
          ...delivery,
          statusLabel: p.t(`deliveryStatuses.${delivery.status}`),
          statusBadge:
            delivery.status === 'delivered'
              ? 'ok'
              : delivery.status === 'failed'
                ? 'danger'
                : 'warn',
          attempts: delivery.attempts.map((attempt) => ({
            ...attempt,
            outcomeLabel: p.t(`attemptOutcomes.${attempt.outcome}`),
            succeeded: attempt.outcome === 'succeeded',
          })),
        })),
        pager: shown.pager,
      });
    }),
  );
}
