/** The Express application: security headers, JSON, bearer auth, the endpoint table, problem+json errors. */
import express, {
  type NextFunction,
  type Request,
  type Response,
} from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { AppConfig } from '../config';
import type { Store } from '../db/client';
import type { Instant } from '../domain/time';
import { ServiceError } from '../errors';
import { fieldErrorsOf } from '../schemas/common';
import { requireRole, type ServiceContext } from '../services/context';
import type { Page } from '../services/paging';
import { actorForToken } from '../services/users';
import { type AnyEndpoint, Reply } from './endpoint';
import { openApiDocument } from './openapi';
import { INTERNAL_PROBLEM, problemOf, sendProblem } from './problem';
import { endpoints } from './routes';

export interface AppDeps {
  store: Store;
  clock: () => Instant;
  config: AppConfig;
  logger: Logger;
}

function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

function contextFor(deps: AppDeps, req: Request): ServiceContext {
  const token = bearerToken(req);
  if (token === undefined)
    throw new ServiceError(
      'unauthenticated',
      'send Authorization: Bearer <token>',
    );
  const actor = actorForToken(deps.store, token);
  if (actor === null)
    throw new ServiceError(
      'unauthenticated',
      'the token is unknown or revoked',
    );
  return { store: deps.store, clock: deps.clock, actor, config: deps.config };
}

function parseWith<T>(
  schema:
    | {
        safeParse(
          value: unknown,
        ):
          | { success: true; data: T }
          | { success: false; error: import('zod').ZodError };
      }
    | undefined,
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
  throw new ServiceError(
    'validation-failed',
    errors.map((error) => `${error.path}: ${error.message}`).join('; '),
    errors,
  );
}

function mount(router: express.Router, deps: AppDeps, endpoint: AnyEndpoint) {
  router[endpoint.method](endpoint.path, (req: Request, res: Response) => {
    const ctx = endpoint.public ? null : contextFor(deps, req);
    // A role the endpoint does not serve is refused before its body is read: 403, never a 422 about fields it may not send.
    if (ctx !== null && endpoint.roles !== 'anyone')
      requireRole(ctx, ...endpoint.roles);
    if (
      endpoint.body &&
      req.body === undefined &&
      !req.is('application/json')
    ) {
      throw new ServiceError(
        'unsupported-media-type',
        'send the body as JSON with Content-Type: application/json',
      );
    }
    const body = parseWith(endpoint.body, req.body ?? undefined, 'body');
    const query = parseWith(endpoint.query, req.query, 'query');
    const result = endpoint.handle(
      ctx,
      {
        params: req.params as Record<string, string>,
        body,
        query,
        header: (name) => req.get(name),
      },
      deps,
    );
    if (endpoint.paged) {
      const page = result as Page<unknown>;
      if (page.nextCursor !== null)
        res.setHeader(
          'Link',
          `<${nextPageUrl(req, page.nextCursor)}>; rel="next"`,
        );
      res.status(200).json(page.items);
      return;
    }
    const reply =
      result instanceof Reply
        ? result
        : new Reply(result, { status: endpoint.status ?? 200 });
    for (const [name, value] of Object.entries(reply.options.headers ?? {}))
      res.setHeader(name, value);
    res.status(reply.options.status ?? endpoint.status ?? 200);
    if (reply.options.contentType)
      res.type(reply.options.contentType).send(reply.body);
    else res.json(reply.body);
  });
}

/** This request's URL, with every filter and the limit as sent, starting at `cursor`. */
function nextPageUrl(req: Request, cursor: string): string {
  const url = new URL(req.originalUrl, `${req.protocol}://${req.get('host')}`);
  url.searchParams.set('cursor', cursor);
  return url.href;
}

/** Express's own errors for unreadable requests (bodies, undecodable path parameters), mapped to our codes. */
function bodyParserProblem(error: unknown): ServiceError | undefined {
  const type = (error as { type?: string }).type;
  if (type === 'entity.parse.failed')
    return new ServiceError(
      'bad-request',
      `the body is not valid JSON: ${(error as Error).message}`,
    );
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

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
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

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  const document = openApiDocument(endpoints);
  api.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  for (const endpoint of endpoints) mount(api, deps, endpoint);
  api.use((req, _res, next) =>
    next(
      new ServiceError(
        'not-found',
        `no endpoint ${req.method} ${req.baseUrl}${req.path}`,
      ),
    ),
  );
  app.use('/api/v1', api);

  app.use((req, _res, next) =>
    next(new ServiceError('not-found', `nothing at ${req.path}`)),
  );
  app.use(
    (error: unknown, req: Request, res: Response, _next: NextFunction) => {
      const known =
        error instanceof ServiceError ? error : bodyParserProblem(error);
      if (known) {
        sendProblem(res, problemOf(known));
        return;
      }
      req.log.error({ err: error }, 'unhandled error');
      sendProblem(res, INTERNAL_PROBLEM);
    },
  );
  return app;
}
