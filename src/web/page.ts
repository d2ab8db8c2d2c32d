/** What every page handler gets: the signed-in user's service context, rendering with the shared parts, redirects. */
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import type { AppConfig } from '../config';
import type { Store } from '../db/client';
import type { Role } from '../domain/roles';
import type { Instant } from '../domain/time';
import { ServiceError } from '../errors';
import { type FieldError, fieldErrorsOf } from '../schemas/common';
import type { ServiceContext } from '../services/context';
import type { NoticePrinting } from '../services/notice-printing';
import type { SessionUser } from '../services/sessions';
import type { CsrfProtection } from './csrf';
import { hasMessage, type Lang, translate } from './i18n';
import { type WebState, webState } from './session';
import type { Views } from './views';

export interface WebDeps {
  store: Store;
  clock: () => Instant;
  config: AppConfig;
  printing: NoticePrinting;
  views: Views;
  csrf: CsrfProtection;
  sessionTtlMs: number;
}

interface NavItem {
  href: string;
  label: string;
  current: boolean;
}

const NAV: { href: string; key: string; roles: Role[] }[] = [
  {
    href: '/support/incidents',
    key: 'nav.incidents',
    roles: ['support', 'admin'],
  },
  {
    href: '/support/contracts',
    key: 'nav.contracts',
    roles: ['support', 'admin'],
  },
  { href: '/portal', key: 'nav.myContracts', roles: ['customer'] },
  { href: '/portal/claims', key: 'nav.myClaims', roles: ['customer'] },
  { href: '/portal/notices', key: 'nav.myNotices', roles: ['customer'] },
  { href: '/finance', key: 'nav.finance', roles: ['finance', 'admin'] },
  {
    href: '/finance/notices',
    key: 'nav.notices',
    roles: ['finance', 'admin'],
  },
  {
    href: '/finance/report',
    key: 'nav.report',
    roles: ['finance', 'admin'],
  },
  {
    href: '/finance/deadlines',
    key: 'nav.deadlines',
    roles: ['finance', 'admin'],
  },
  { href: '/admin/customers', key: 'nav.customers', roles: ['admin'] },
  { href: '/admin/users', key: 'nav.users', roles: ['admin'] },
  { href: '/admin/webhooks', key: 'nav.webhooks', roles: ['admin'] },
];

/** The landing page of each role. */
export const HOME: Record<Role, string> = {
  support: '/support/incidents',
  admin: '/support/incidents',
  finance: '/finance',
  customer: '/portal',
};

/** Field errors by field path, in the form's words (a known message is translated, others shown as they are). */
export function fieldErrorsFor(
  lang: Lang,
  errors: readonly FieldError[] = [],
): Record<string, string> {
  const byPath: Record<string, string> = {};
  for (const error of errors) {
    const key = `serviceMessages.${error.message}`;
    const text = hasMessage(lang, key) ? translate(lang, key) : error.message;
    byPath[error.path] = byPath[error.path]
      ? `${byPath[error.path]} ${text}`
      : text;
  }
  return byPath;
}

/** Parses a form with the API's own schema; refusals come back as field errors. */
export function parseWith<T>(
  schema: z.ZodType<T>,
  raw: unknown,
): { data: T; errors: null } | { data: null; errors: FieldError[] } {
  const parsed = schema.safeParse(raw);
  return parsed.success
    ? { data: parsed.data, errors: null }
    : { data: null, errors: fieldErrorsOf(parsed.error) };
}

export class PageContext {
  /** A notice this answer shows (a key of `notices.`), said by the handler rather than the URL. */
  private told: string | undefined;

  constructor(
    readonly deps: WebDeps,
    readonly req: Request,
    readonly res: Response,
    readonly state: WebState,
  ) {}

  get lang(): Lang {
    return this.state.lang;
  }

  get user(): SessionUser {
    return this.state.user!;
  }

  /** The use cases' context for the signed-in user: the same calls the API makes. */
  get ctx(): ServiceContext {
    return {
      store: this.deps.store,
      clock: this.deps.clock,
      config: this.deps.config,
      actor: this.user.actor,
    };
  }

  t(key: string, values?: Record<string, unknown>): string {
    return translate(this.lang, key, values);
  }

  /**
   * A use case's refusal, said in the page's language; the use case's own detail (the deadline, the
   * version) follows in brackets. Field errors are shown beside their fields instead.
   */
  problem(error: ServiceError): string {
    const title = this.t(`errors.${error.code}`);
    return error.code === 'validation-failed'
      ? title
      : `${title} (${error.message})`;
  }

  /** Shows a notice (a key of `notices.` in the catalogues) on the page this answer renders. */
  tell(notice: string) {
    this.told = notice;
  }

  /** A query parameter as one string (a repeated one counts as absent). */
  query(name: string): string | undefined {
    const value = this.req.query[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  /** The posted form field, trimmed; absent and blank are both undefined. */
  field(name: string): string | undefined {
    const value = (this.req.body as Record<string, unknown> | undefined)?.[
      name
    ];
    if (typeof value !== 'string') return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  /** Every value posted under `name` (checkboxes, repeated rows). */
  fields(name: string): string[] {
    const value = (this.req.body as Record<string, unknown> | undefined)?.[
      name
    ];
    if (value === undefined) return [];
    return (Array.isArray(value) ? value : [value]).map((item) => String(item));
  }

  /**
   * Where the language switch returns to: this page, or, for the answer to a form post (whose URL only
   * takes posts), the page the form was on.
   */
  private returnPath(): string {
    if (this.req.method === 'GET') return this.req.originalUrl;
    const referer = this.req.get('Referer');
    if (referer === undefined) return '/';
    try {
      const url = new URL(referer);
      return url.host === this.req.get('Host')
        ? localPath(url.pathname + url.search, '/')
        : '/';
    } catch {
      return '/';
    }
  }

  /** What every page shows: language, user, navigation, the CSRF token for its forms, a notice. */
  private base(title: string): Record<string, unknown> {
    const { user, lang } = this.state;
    const path = this.req.baseUrl + this.req.path;
    const items = user
      ? NAV.filter((item) => item.roles.includes(user.actor.role))
      : [];
    // The section the page belongs to: the longest entry its path starts with.
    const current = items
      .filter((item) => path === item.href || path.startsWith(`${item.href}/`))
      .sort((a, b) => b.href.length - a.href.length)[0];
    const nav: NavItem[] = items.map((item) => ({
      href: item.href,
      label: translate(lang, item.key),
      current: item === current,
    }));
    const notice = this.told ?? this.query('notice');
    return {
      lang,
      otherLang: lang === 'ja' ? 'en' : 'ja',
      title,
      user: user
        ? {
            name: user.name,
            email: user.email,
            role: user.actor.role,
          }
        : null,
      nav,
      csrfToken: this.deps.csrf.token(this.req, this.res),
      here: this.returnPath(),
      notice:
        notice && hasMessage(lang, `notices.${notice}`)
          ? translate(lang, `notices.${notice}`)
          : null,
    };
  }

  /** Renders a page (a path under templates/pages) in the layout. */
  render(
    name: string,
    data: Record<string, unknown> & { titleKey: string },
    options: { status?: number } = {},
  ) {
    const context = { ...this.base(this.t(data.titleKey)), ...data };
    const html = this.deps.views.render(name, context);
    this.res
      .status(options.status ?? 200)
      .type('html')
      .send(html);
  }

  /** Post/redirect/get, with a notice the next page shows (a key of `notices.` in the catalogues). */
  redirect(path: string, notice?: string) {
    const url = notice
      ? `${path}${path.includes('?') ? '&' : '?'}notice=${encodeURIComponent(notice)}`
      : path;
    this.res.redirect(303, url);
  }
}

type Handler = (page: PageContext) => unknown;

/** A path inside this site, safe to return to after login (never another origin). */
export function localPath(value: unknown, fallback: string): string {
  return typeof value === 'string' &&
    value.startsWith('/') &&
    !value.startsWith('//') &&
    !value.startsWith('/\\')
    ? value
    : fallback;
}

/** A page for signed-in users of these roles; others are sent to login (anonymous) or refused (403). */
export function page(deps: WebDeps, roles: readonly Role[], handler: Handler) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const state = webState(res);
    if (!state.user) {
      const params = new URLSearchParams({ next: req.originalUrl });
      if (state.sessionEnded) params.set('ended', '1');
      res.redirect(303, `/login?${params}`);
      return;
    }
    if (!roles.includes(state.user.actor.role)) {
      next(
        new ServiceError(
          'forbidden',
          `this page is for ${roles.join(', ')}; you are ${state.user.actor.role}`,
        ),
      );
      return;
    }
    await handler(new PageContext(deps, req, res, state));
  };
}

/** A page anyone may open (login, the language switch). */
export function publicPage(deps: WebDeps, handler: Handler) {
  return async (req: Request, res: Response) => {
    await handler(new PageContext(deps, req, res, webState(res)));
  };
}
