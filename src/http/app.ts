/** The Express application: security headers, bearer auth, then each endpoint's JSON body, the endpoint table, problem+json errors. */
import express, {
  type NextFunction,
  type Request,
  type Response,
} from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { z } from 'zod';
import { type AppConfig, DEFAULT_CHROMIUM_PATH } from '../config';
import type { Store } from '../db/client';
import { readiness } from '../db/migrations';
import { createNoticeRenderer } from '../documents/notice-renderer';
import { createPdfRenderer } from '../documents/pdf';
import type { Instant } from '../domain/time';
import { invalid, quoted, ServiceError, validationFailed } from '../errors';
import { fieldErrorsOf } from '../schemas/common';
import { requireRole, type ServiceContext } from '../services/context';
import {
  createNoticePrinting,
  type NoticePrinting,
} from '../services/notice-printing';
import { checkToken } from '../services/users';
import { type WebSettings, webRouter } from '../web';
import {
  type AnyEndpoint,
  bearerToken,
  type EndpointServer,
  Reply,
} from './endpoint';
import { createMetrics, labelRoute } from './metrics';
import { openApiDocument } from './openapi';
import { INTERNAL_PROBLEM, problemOf, sendProblem } from './problem';
import { checkResponse, ResponseMismatch } from './response-check';
import { endpoints } from './routes';

export interface AppDeps {
  store: Store;
  clock: () => Instant;
  config: AppConfig;
  logger: Logger;
  /**
   * The notice templates and PDF printer, made once at start (`createNoticePrinting`); without them the
   * app makes its own, printing with the default Chromium.
   */
  printing?: NoticePrinting;
  /**
   * Parse every JSON answer with its endpoint's response schema and fail (500, naming the mismatch)
   * when it does not match. The tests turn it on; a server has no need to pay for it.
   */
  checkResponses?: boolean;
  /** The bearer token of GET /metrics (SLA_METRICS_TOKEN); without one, /metrics answers 404. */
  metricsToken?: string;
  /** Express's `trust proxy`: behind a TLS-terminating proxy, so `req.secure` (Secure cookies) reads X-Forwarded-Proto. */
  trustProxy?: string;
  web?: Partial<WebSettings>;
}

/** Where the endpoint table is mounted. */
const API_BASE = '/api/v1';

/** The largest body any endpoint reads. */
const BODY_LIMIT = '1mb';

const TOKEN_REFUSALS = {
  unknown: 'the token is unknown',
  revoked: 'the token has been revoked; sign in again for a new one',
  expired: 'the token has expired; sign in again for a new one',
} as const;

function contextFor(deps: AppDeps, token: string | undefined): ServiceContext {
  if (token === undefined)
    throw new ServiceError(
      'unauthenticated',
      'send Authorization: Bearer <token>',
    );
  const verdict = checkToken(deps.store, token, deps.clock());
  if ('refused' in verdict)
    throw new ServiceError('unauthenticated', TOKEN_REFUSALS[verdict.refused]);
  return {
    store: deps.store,
    clock: deps.clock,
    actor: verdict.actor,
    config: deps.config,
  };
}

function parseWith<T>(
  schema: z.ZodType<T> | undefined,
  value: unknown,
  where: 'body' | 'query',
): T {
  if (schema === undefined) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = fieldErrorsOf(
    result.error,
    where === 'query' ? ['query'] : [],
  );
  throw validationFailed(errors);
}

const readText = express.text({
  type: 'application/json',
  limit: BODY_LIMIT,
  defaultCharset: 'utf-8',
});

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * The JSON object a body endpoint needs, read only now (after authentication and the role check), with
 * a message that says what was wrong with it.
 */
async function readJsonObject(req: Request, res: Response): Promise<object> {
  const declared =
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0;
  const empty = () =>
    new ServiceError(
      'bad-request',
      'the body is empty: this endpoint needs a JSON object (Content-Type: application/json)',
    );
  if (!declared) throw empty();
  if (!req.is('application/json'))
    throw new ServiceError(
      'unsupported-media-type',
      `send the body as JSON with Content-Type: application/json, not ${quoted(req.get('content-type') ?? 'none')}`,
    );
  await new Promise<void>((resolve, reject) =>
    readText(req, res, (error?: unknown) =>
      error ? reject(error) : resolve(),
    ),
  );
  const text = typeof req.body === 'string' ? req.body : '';
  if (text.trim() === '') throw empty();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ServiceError(
      'bad-request',
      `the body is not valid JSON: ${(error as Error).message.slice(0, 200)}`,
    );
  }
  // Readable JSON of the wrong shape is invalid input (422), like a wrong field; `null` is JSON too.
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalid('(body)', `must be a JSON object, not ${kindOf(value)}`);
  return value;
}

function mount(
  router: express.Router,
  deps: AppDeps,
  server: EndpointServer,
  endpoint: AnyEndpoint,
) {
  const route = `${API_BASE}${endpoint.path}`;
  router[endpoint.method](
    endpoint.path,
    async (req: Request, res: Response) => {
      labelRoute(res, route);
      const token = bearerToken(req);
      const ctx = endpoint.public ? null : contextFor(deps, token);
      // A role the endpoint does not serve is refused before its body is read: 403, never a 422 about fields it may not send.
      if (ctx !== null && endpoint.roles !== 'anyone')
        requireRole(ctx, ...endpoint.roles);
      const body = endpoint.body
        ? parseWith(endpoint.body, await readJsonObject(req, res), 'body')
        : undefined;
      const query = parseWith(endpoint.query, req.query, 'query');
      const result = await endpoint.handle(
        ctx,
        {
          params: req.params as Record<string, string>,
          body,
          query,
          header: (name) => req.get(name),
          bearerToken: token,
          clientAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
          accepts: (types) => req.accepts(types),
          // Only a list with a next page reads it: parsed then, not on every request.
          get url() {
            return new URL(
              req.originalUrl,
              `${req.protocol}://${req.get('host')}`,
            );
          },
        },
        server,
      );
      const reply =
        result instanceof Reply
          ? result
          : new Reply(result, { status: endpoint.status ?? 200 });
      for (const [name, value] of Object.entries(reply.options.headers ?? {}))
        res.setHeader(name, value);
      res.status(reply.options.status ?? endpoint.status ?? 200);
      if (reply.options.contentType) {
        res.type(reply.options.contentType).send(reply.body);
        return;
      }
      if (deps.checkResponses) checkResponse(endpoint, reply.body);
      if (reply.body === undefined) res.end();
      else res.json(reply.body);
    },
  );
}

/**
 * A known path called with a method it does not have: 405 with `Allow` (RFC 9110 §15.5.6). OPTIONS
 * answers the same list with 204.
 */
function mountMethodNotAllowed(
  router: express.Router,
  methodsByPath: Map<string, Set<string>>,
) {
  for (const [path, methods] of methodsByPath) {
    if (methods.has('GET')) methods.add('HEAD');
    const allow = [...methods].sort().join(', ');
    router.all(path, (req, res) => {
      if (req.method === 'OPTIONS') {
        res.setHeader('Allow', allow);
        res.status(204).end();
        return;
      }
      throw new ServiceError(
        'method-not-allowed',
        `${req.method} is not a method of this path; it takes ${allow}`,
        undefined,
        undefined,
        { Allow: allow },
      );
    });
  }
}

/** Express's own errors for unreadable requests (bodies, undecodable path parameters), mapped to our codes. */
function bodyParserProblem(error: unknown): ServiceError | undefined {
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large')
    return new ServiceError(
      'payload-too-large',
      'the body is larger than 1 MB',
    );
  if (type === 'encoding.unsupported' || type === 'charset.unsupported')
    return new ServiceError('unsupported-media-type', (error as Error).message);
  // Any other client error the framework raises (a body that fails to decompress, a malformed %-escape in
  // the path, an aborted upload): the request is at fault, so it is a 4xx problem, never a 500.
  const status = (error as { status?: unknown }).status;
  if (
    error instanceof Error &&
    typeof status === 'number' &&
    status >= 400 &&
    status < 500
  ) {
    if (status === 413)
      return new ServiceError('payload-too-large', error.message);
    if (status === 415)
      return new ServiceError('unsupported-media-type', error.message);
    return new ServiceError('bad-request', error.message);
  }
  return undefined;
}

/** `TRUST_PROXY`: true/false, a hop count, or addresses/subnets as Express reads them. */
function trustProxyValue(text: string): boolean | number | string {
  if (text === 'true') return true;
  if (text === 'false') return false;
  return /^\d+$/.test(text) ? Number(text) : text;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  const metrics = createMetrics({
    read: deps,
    logger: deps.logger,
    token: deps.metricsToken,
  });
  app.use(metrics.measure);
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (deps.trustProxy !== undefined)
    app.set('trust proxy', trustProxyValue(deps.trustProxy));
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: deps.logger,
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );

  app.get('/healthz', (_req, res) => {
    try {
      deps.store.sqlite.prepare('select 1').get();
      res.json({ status: 'ok' });
    } catch (error) {
      deps.logger.error({ err: error }, 'health check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  });

  // Ready to serve: this code's migrations are all applied, and the database takes writes.
  app.get('/readyz', (_req, res) => {
    const ready = readiness(deps.store.sqlite);
    if (!ready.ready) deps.logger.warn({ readiness: ready }, 'not ready');
    res.status(ready.ready ? 200 : 503).json(ready);
  });

  app.get('/metrics', metrics.serve);

  const api = express.Router();
  // Generated on first request rather than at start (tens of ms of zod-to-openapi).
  let document: ReturnType<typeof openApiDocument> | undefined;
  api.get('/openapi.json', (_req, res) => {
    document ??= openApiDocument(endpoints, deps.config);
    res.json(document);
  });
  const methodsByPath = new Map<string, Set<string>>([
    ['/openapi.json', new Set(['GET'])],
  ]);
  const server: EndpointServer = {
    store: deps.store,
    clock: deps.clock,
    config: deps.config,
    printing:
      deps.printing ??
      createNoticePrinting({
        html: createNoticeRenderer(),
        pdf: createPdfRenderer({ executablePath: DEFAULT_CHROMIUM_PATH }),
        onError: (error, noticeId) =>
          deps.logger.warn(
            { err: error, noticeId },
            'printing the PDFs of an approved credit notice failed',
          ),
      }),
  };
  for (const endpoint of endpoints) {
    mount(api, deps, server, endpoint);
    const methods = methodsByPath.get(endpoint.path) ?? new Set<string>();
    methods.add(endpoint.method.toUpperCase());
    methodsByPath.set(endpoint.path, methods);
  }
  mountMethodNotAllowed(api, methodsByPath);
  api.use((req, _res, next) =>
    next(
      new ServiceError(
        'not-found',
        `no endpoint ${req.method} ${quoted(`${req.baseUrl}${req.path}`)}`,
      ),
    ),
  );
  app.use(API_BASE, api);
  app.use(webRouter({ ...deps, printing: server.printing }));

  app.use((req, _res, next) =>
    next(new ServiceError('not-found', `nothing at ${quoted(req.path)}`)),
  );
  app.use(
    (error: unknown, req: Request, res: Response, _next: NextFunction) => {
      const known =
        error instanceof ServiceError ? error : bodyParserProblem(error);
      if (known) {
        sendProblem(res, problemOf(known), known.headers);
        return;
      }
      req.log.error({ err: error }, 'unhandled error');
      sendProblem(
        res,
        error instanceof ResponseMismatch
          ? { ...INTERNAL_PROBLEM, detail: error.message }
          : INTERNAL_PROBLEM,
      );
    },
  );
  return app;
}
