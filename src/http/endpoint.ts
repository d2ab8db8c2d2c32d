/** One definition per endpoint: Express registers it and the OpenAPI document describes it, from the same schemas. */

import type { z } from 'zod';
import type { Store } from '../db/client';
import type { Role } from '../domain/roles';
import type { Instant } from '../domain/time';
import type { ServiceContext } from '../services/context';

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

// biome-ignore lint/suspicious/noExplicitAny: the table holds endpoints of every body and query type
export type AnyEndpoint = Endpoint<any, any>;
