/**
 * The web pages, beside the API: server-rendered HTML for support, customers, finance and admin, with
 * sessions in the database, CSRF tokens on every form and a strict CSP. Every page calls the same use
 * cases as the API.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookieParser from 'cookie-parser';
import express, {
  type NextFunction,
  type Request,
  type Response,
  type Router,
} from 'express';
import helmet from 'helmet';
import { type AppConfig, DEFAULT_SESSION_TTL_HOURS } from '../config';
import type { Store } from '../db/client';
import { type Instant, MS_PER_HOUR } from '../domain/time';
import { ServiceError } from '../errors';
import type { NoticePrinting } from '../services/notice-printing';
import { CsrfRefused, csrfProtection } from './csrf';
import { hasMessage, translate } from './i18n';
import { PageContext, type WebDeps } from './page';
import { adminRoutes } from './routes/admin';
import { authRoutes } from './routes/auth';
import { docsRoutes } from './routes/docs';
import { financeRoutes } from './routes/finance';
import { portalRoutes } from './routes/portal';
import { supportRoutes } from './routes/support';
import { loadedWebState, loadSession } from './session';
import { createViews } from './views';

export interface WebSettings {
  /** How long a sign-in lasts (absolute, from login). */
  sessionTtlMs: number;
  /** Keys the CSRF tokens; random per start when absent (open forms then need a reload after a restart). */
  csrfSecret?: string;
}

export const DEFAULT_SESSION_TTL_MS = DEFAULT_SESSION_TTL_HOURS * MS_PER_HOUR;

const require = createRequire(import.meta.url);
const ASSETS = fileURLToPath(new URL('./assets', import.meta.url));
const HTMX = join(dirname(require.resolve('htmx.org/dist/htmx.min.js')));

/** The pages' CSP: scripts and styles from this origin only, nothing inline, no framing. */
const pageHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  referrerPolicy: { policy: 'same-origin' },
});

export function webRouter(deps: {
  store: Store;
  clock: () => Instant;
  config: AppConfig;
  /** The notice templates and PDF printer the API uses too. */
  printing: NoticePrinting;
  web?: Partial<WebSettings>;
}): Router {
  const web: WebDeps = {
    store: deps.store,
    clock: deps.clock,
    config: deps.config,
    printing: deps.printing,
    views: createViews(),
    csrf: csrfProtection(deps.web?.csrfSecret),
    sessionTtlMs: deps.web?.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
  };
  const router = express.Router();
  router.use(
    '/assets/vendor',
    express.static(HTMX, { index: false, maxAge: '1d' }),
  );
  router.use('/assets', express.static(ASSETS, { index: false, maxAge: '1h' }));
  docsRoutes(router);

  router.use(pageHeaders, (_req, res, next) => {
    // Pages show one person's data: never kept by a shared cache or the back button of a later user.
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(cookieParser());
  router.use(
    express.urlencoded({
      extended: false,
      limit: '200kb',
      parameterLimit: 2000,
    }),
  );
  router.use(loadSession(deps.store, deps.clock));
  router.use(web.csrf.check);

  authRoutes(router, web);
  supportRoutes(router, web);
  portalRoutes(router, web);
  financeRoutes(router, web);
  adminRoutes(router, web);

  // A browser asking for a page that does not exist gets a page; API clients keep their problem+json.
  router.use((req, res, next) => {
    if (req.accepts(['json', 'html']) !== 'html') return next();
    renderError(web, req, res, 404, 'not-found');
  });
  router.use(
    (error: unknown, req: Request, res: Response, next: NextFunction) => {
      if (error instanceof CsrfRefused)
        return renderError(web, req, res, 403, 'csrf');
      if (error instanceof ServiceError)
        return renderError(web, req, res, error.status, error.code);
      if ((error as { type?: string }).type === 'entity.too.large')
        return renderError(web, req, res, 413, 'payload-too-large');
      if (req.accepts(['json', 'html']) !== 'html') return next(error);
      req.log.error({ err: error }, 'unhandled error on a page');
      renderError(web, req, res, 500, 'internal');
    },
  );
  return router;
}

function renderError(
  web: WebDeps,
  req: Request,
  res: Response,
  status: number,
  code: string,
) {
  const state = loadedWebState(res);
  if (!state) return res.status(status).type('text').send(code);
  const page = new PageContext(web, req, res, state);
  const lang = state.lang;
  const known = hasMessage(lang, `errorPage.${code}.title`) ? code : 'other';
  page.render(
    'error',
    {
      titleKey: `errorPage.${known}.title`,
      status,
      message: translate(lang, `errorPage.${known}.body`),
      signedIn: Boolean(state.user),
    },
    { status },
  );
}
