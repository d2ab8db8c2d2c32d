/** One definition per endpoint: Express registers it and the OpenAPI document describes it, from the same schemas. */

import { z } from 'zod';
import type { Store } from '../db/client';
import type { Role } from '../domain/roles';
import type { Instant } from '../domain/time';
import { pageQueryFields } from '../schemas/common';
import type { ServiceContext } from '../services/context';
import type { Page } from '../services/paging';

export interface EndpointRequest<B, Q> {
  params: Record<string, string>;
  body: B;
  query: Q;
  header(name: string): string | undefined;
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
  /** Who may call it: checked before the body is read, and again by the use case itself. */
  roles: readonly Role[] | 'anyone';
  tag: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  response?: z.ZodType;
  status?: number;
  /** Without a token (the token exchange). */
  public?: boolean;
  /** A list (API.md, "Lists"): `handle` answers a Page, sent as its items with a `Link` to the next one. */
  paged?: boolean;
  /** `ctx` is null for a public endpoint, which gets the store and clock alone. */
  handle(
    ctx: ServiceContext | null,
    request: EndpointRequest<B, Q>,
    server: { store: Store; clock: () => Instant },
  ): unknown | Reply;
}

/** Keeps the body and query types of one endpoint tied to its schemas. */
export function endpoint<B = undefined, Q = undefined>(
  definition: Endpoint<B, Q>,
): Endpoint<B, Q> {
  return definition;
}

type PageQueryFields = typeof pageQueryFields;
type ListQuery<F extends z.ZodRawShape> = z.output<
  z.ZodObject<Omit<F, keyof PageQueryFields> & PageQueryFields>
>;

/**
 * A collection `GET`: its own filters (`filters`, optional) plus `limit` and `cursor`, answered as a JSON
 * array of one page of `item`s, with `Link: <next page>; rel="next"` while there is more. The OpenAPI
 * document describes all of it from this one declaration.
 */
export function listEndpoint<T, F extends z.ZodRawShape = Record<never, never>>(
  definition: Omit<
    Endpoint,
    'method' | 'body' | 'query' | 'response' | 'status' | 'paged' | 'handle'
  > & {
    filters?: z.ZodObject<F>;
    item: z.ZodType<T>;
    handle(
      ctx: ServiceContext | null,
      request: EndpointRequest<undefined, ListQuery<F>>,
      server: { store: Store; clock: () => Instant },
    ): Page<T>;
  },
): Endpoint<undefined, ListQuery<F>> {
  const { filters, item, handle, ...rest } = definition;
  return {
    ...rest,
    method: 'get',
    query: (filters ?? z.object({}))
      .extend(pageQueryFields)
      .strict() as unknown as z.ZodType<ListQuery<F>>,
    response: z.array(item),
    paged: true,
    handle,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the table holds endpoints of every body and query type
export type AnyEndpoint = Endpoint<any, any>;
