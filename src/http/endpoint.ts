/** One definition per endpoint: Express registers it and the OpenAPI document describes it, from the same schemas. */

import type { z } from 'zod';
import type { Store } from '../db/client';
import type { Role } from '../domain/roles';
import type { Instant } from '../domain/time';
import type { ServiceContext } from '../services/context';
import type { NoticePrinting } from '../services/notice-printing';

export interface EndpointRequest<B, Q> {
  params: Record<string, string>;
  body: B;
  query: Q;
  header(name: string): string | undefined;
  /** The first of `types` the request's Accept header takes, by its preference; false when none. */
  accepts(types: string[]): string | false;
}

/** What the running server lends a handler besides the use cases. */
export interface EndpointServer {
  store: Store;
  clock: () => Instant;
  /** The notice templates and PDF printer, made once at start. */
  printing: NoticePrinting;
}

/** A handler's answer when it needs more than "the default status with this JSON". */
export class Reply {
  constructor(
    readonly body: unknown,
    readonly options: {
      status?: number;
      headers?: Record<string, string>;
      contentType?: string;
    } = {},
  ) {}
}

export interface Endpoint<B = unknown, Q = unknown> {
  method: 'get' | 'post' | 'patch';
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
  response?: z.ZodType;
  /** Other media types the answer may have besides JSON, for the OpenAPI document. */
  alsoProduces?: readonly string[];
  /** Media types the answer has instead of JSON (a document), for the OpenAPI document. */
  produces?: readonly string[];
  status?: number;
  /** Without a token (the token exchange). */
  public?: boolean;
  /** `ctx` is null for a public endpoint, which gets the server's parts alone. May answer a promise. */
  handle(
    ctx: ServiceContext | null,
    request: EndpointRequest<B, Q>,
    server: EndpointServer,
  ): unknown | Reply | Promise<unknown>;
}

/** Keeps the body and query types of one endpoint tied to its schemas. */
export function endpoint<B = undefined, Q = undefined>(
  definition: Endpoint<B, Q>,
): Endpoint<B, Q> {
  return definition;
}

// biome-ignore lint/suspicious/noExplicitAny: the table holds endpoints of every body and query type
export type AnyEndpoint = Endpoint<any, any>;
