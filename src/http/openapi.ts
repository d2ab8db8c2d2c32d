/** The OpenAPI 3.1 document, generated from the endpoint table and its zod schemas. */
import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { AppConfig } from '../config';
import { ERROR_STATUS } from '../errors';
import { Problem } from '../schemas/api';
import type { AnyEndpoint } from './endpoint';

/** API.md, "Lists": the header that leads to the next page. */
const NEXT_PAGE_LINK = {
  description:
    'Present while there is a next page: `<URL of the next page>; rel="next"` (RFC 8288), the same filters and limit with its cursor',
  schema: { type: 'string' as const },
};

export function openApiDocument(
  endpoints: readonly AnyEndpoint[],
  config: Pick<AppConfig, 'regions'>,
) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
  });
  const problem = {
    description: 'RFC 9457 problem',
    content: { 'application/problem+json': { schema: Problem } },
  };
  for (const endpoint of endpoints) {
    const path = endpoint.path.replace(/:(\w+)/g, '{$1}');
    const params = [...endpoint.path.matchAll(/:(\w+)/g)].map(
      (match) => match[1]!,
    );
    registry.registerPath({
      method: endpoint.method,
      path,
      operationId: endpoint.operationId,
      summary: endpoint.summary,
      description: [
        endpoint.roles === 'anyone'
          ? 'Anyone'
          : `Roles: ${endpoint.roles.join(', ')}`,
        endpoint.description,
      ]
        .filter(Boolean)
        .join('. '),
      tags: [endpoint.tag],
      security: endpoint.public ? [] : [{ [bearer.name]: [] }],
      request: {
        ...(params.length > 0
          ? {
              params: z.object(
                Object.fromEntries(params.map((name) => [name, z.string()])),
              ),
            }
          : {}),
        ...(endpoint.query ? { query: endpoint.query as z.ZodObject } : {}),
        ...(endpoint.body
          ? {
              body: {
                // Without a JSON body the request is refused (415), whatever its fields' defaults.
                required: true,
                content: { 'application/json': { schema: endpoint.body } },
              },
            }
          : {}),
      },
      responses: {
        [endpoint.status ?? 200]: {
          description: endpoint.paged ? 'One page of the list' : 'OK',
          ...(endpoint.produces
            ? {
                content: Object.fromEntries(
                  endpoint.produces.map((type) => [
                    type,
                    { schema: z.string().meta({ format: 'binary' }) },
                  ]),
                ),
              }
            : endpoint.response
              ? {
                  content: {
                    'application/json': { schema: endpoint.response },
                    ...Object.fromEntries(
                      (endpoint.alsoProduces ?? []).map((type) => [
                        type,
                        { schema: z.string() },
                      ]),
                    ),
                  },
                }
              : {}),
          ...(endpoint.paged ? { headers: { Link: NEXT_PAGE_LINK } } : {}),
        },
        ...Object.fromEntries(
          [...new Set(Object.values(ERROR_STATUS))].map((status) => [
            status,
            problem,
          ]),
        ),
      },
    });
  }
  const document = new OpenApiGeneratorV31(
    registry.definitions,
  ).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Gengaku API',
      version: '1',
      description:
        'SLA outage credit tracker: incidents in, outages, claims and credits out.',
      // The package is private (package.json: "private": true); SPDX names such a license LicenseRef-….
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [
      {
        url: '/api/v1',
        description:
          'This server: the API lives under /api/v1 beside this document',
      },
    ],
  });
  // The regions are configuration, not code: the document lists this server's (Art. 3 (4)).
  const region = document.components?.schemas?.Region;
  if (region && !('$ref' in region)) region.enum = [...config.regions];
  return document;
}
