/** One definition per endpoint: Express registers it and the OpenAPI document describes it, from the same schemas. */

import type { Request } from 'express';
import { z } from 'zod';
import type { AppConfig } from '../config';
import type { Store } from '../db/client';
import type { Role } from '../domain/roles';
import type { Instant } from '../domain/time';
import { pageQueryFields } from '../schemas/common';
import type { ServiceContext } from '../services/context';
import type { NoticePrinting } from '../services/notice-printing';
import type { Page } from '../services/paging';

export interface EndpointRequest<B, Q> {
  params: Record<string, string>;
  body: B;
  query: Q;
  header(name: string): string | undefined;
  /** The bearer token the request was authenticated with; undefined on a public endpoint called without one. */
  bearerToken: string | undefined;
  /** The client's address (the socket's peer), for throttling sign-ins. */
  clientAddress: string;
  /** The whole URL the client asked for, as it saw it (scheme and host behind a trusted proxy). */
  url: URL;
  /** The first of `types` the request's Accept header takes, by its preference; false when none. */
  accepts(types: string[]): string | false;
}

/** The token of `Authorization: Bearer <token>`; undefined without one. */
export function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

/** What the running server lends a handler besides the use cases. */
export interface EndpointServer {
  store: Store;
  clock: () => Instant;
  config: AppConfig;
  /** The notice templates and PDF printer, made once at start. */
  printing: NoticePrinting;
}

/** A handler's answer when it needs more than "the default status with this JSON". */
export class Reply<T = unknown> {
  constructor(
    readonly body: T,
    readonly options: {
      status?: number;
      headers?: Record<string, string>;
      contentType?: string;
    } = {},
  ) {}
}

/** A document or file rather than JSON (a notice's HTML or PDF, a CSV): sent as it is, with its media type. */
export class FileReply extends Reply<string | Buffer> {
  constructor(
    body: string | Buffer,
    options: {
      contentType: string;
      status?: number;
      headers?: Record<string, string>;
    },
  ) {
    super(body, options);
  }
}

/**
 * What a handler gives back: the answer its response schema describes, plain or in a Reply, or a file;
 * at once or later.
 */
export type Answer<R> =
  | R
  | Reply<R>
  | FileReply
  | Promise<R | Reply<R> | FileReply>;

/** What the handler must give for a response schema: what the schema accepts (nothing without one). */
export type AnswerOf<S> = S extends z.ZodType ? z.input<S> : undefined;

export interface Endpoint<
  B = unknown,
  Q = unknown,
  S extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Express style, under /api/v1: `/contracts/:id`. */
  path: string;
  /** Stable name of the operation in the OpenAPI document: generated clients name their methods by it. */
  operationId: string;
  summary: string;
  /** More than the summary says, for the OpenAPI document. */
  description?: string;
  /** Who may call it: checked before the body is read, and again by the use case itself. */
  roles: readonly Role[] | 'anyone';
  tag: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** The answer's schema: the handler's return type is tied to it, and tests parse every answer with it. */
  response?: S;
  /** Other media types the answer may have besides JSON, for the OpenAPI document. */
  alsoProduces?: readonly string[];
  /** Media types the answer has instead of JSON (a document), for the OpenAPI document. */
  produces?: readonly string[];
  status?: number;
  /** Without a token (the token exchange). */
  public?: boolean;
  /** A list (API.md, "Lists"), made by `listEndpoint`: the document describes its `Link` header. */
  paged?: boolean;
  /**
   * `ctx` is null for a public endpoint, which gets the store, clock and configuration alone. Handlers
   * stay synchronous unless the use case must wait (hashing a password).
   */
  handle(
    ctx: ServiceContext | null,
    request: EndpointRequest<B, Q>,
    server: EndpointServer,
  ): Answer<AnswerOf<NoInfer<S>>>;
}

/** Keeps the body, query and answer types of one endpoint tied to its schemas. */
export function endpoint<
  B = undefined,
  Q = undefined,
  S extends z.ZodType | undefined = undefined,
>(definition: Endpoint<B, Q, S>): Endpoint<B, Q, S> {
  return definition;
}

type PageQueryFields = typeof pageQueryFields;
type ListQuery<F extends z.ZodRawShape> = z.output<
  z.ZodObject<Omit<F, keyof PageQueryFields> & PageQueryFields>
>;

/** The URL of the page after this one: the same filters and limit, starting at `cursor`. */
function nextPageUrl(url: URL, cursor: string): string {
  const next = new URL(url);
  next.searchParams.set('cursor', cursor);
  return next.href;
}

/**
 * A collection `GET`: its own filters (`filters`, optional) plus `limit` and `cursor`, answered as a JSON
 * array of one page of `item`s, with `Link: <next page>; rel="next"` while there is more. The OpenAPI
 * document describes all of it from this one declaration.
 */
export function listEndpoint<
  I extends z.ZodType,
  F extends z.ZodRawShape = Record<never, never>,
>(
  definition: Omit<
    Endpoint,
    'method' | 'body' | 'query' | 'response' | 'status' | 'paged' | 'handle'
  > & {
    filters?: z.ZodObject<F>;
    item: I;
    handle(
      ctx: ServiceContext | null,
      request: EndpointRequest<undefined, ListQuery<F>>,
      server: EndpointServer,
    ): Page<z.input<I>>;
  },
): Endpoint<undefined, ListQuery<F>, z.ZodArray<I>> {
  const { filters, item, handle, ...rest } = definition;
  return {
    ...rest,
    method: 'get',
    query: (filters ?? z.object({}))
      .extend(pageQueryFields)
      .strict() as unknown as z.ZodType<ListQuery<F>>,
    response: z.array(item),
    paged: true,
    handle: (ctx, request, server) => {
      const page = handle(ctx, request, server);
      return page.nextCursor === null
        ? new Reply(page.items)
        : new Reply(page.items, {
            headers: {
              Link: `<${nextPageUrl(request.url, page.nextCursor)}>; rel="next"`,
            },
          });
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the table holds endpoints of every body, query and answer type
export type AnyEndpoint = Endpoint<any, any, any>;
