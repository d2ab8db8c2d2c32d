/**
 * The OpenAPI document as a client generator reads it: every operation named once, every example valid
 * against its own schema, a license and a server stated.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../src/http/routes';
import { makeTestApp, type TestApp } from '../support/app';

let t: TestApp;
let doc: any;
beforeAll(async () => {
  t = makeTestApp();
  doc = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body;
});
afterAll(() => t.close());

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

function operationsOf(document: any): { where: string; operation: any }[] {
  return Object.entries(document.paths as Record<string, any>).flatMap(
    ([path, item]) =>
      METHODS.filter((method) => method in item).map((method) => ({
        where: `${method.toUpperCase()} ${path}`,
        operation: item[method],
      })),
  );
}

/** JSON pointer escaping (RFC 6901). */
const escapePointer = (key: string) =>
  key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every `example` (and JSON Schema `examples` item) in the document, with the pointer of the schema it exemplifies. */
function examplesOf(
  node: unknown,
  pointer = '',
): { pointer: string; schemaPointer: string; value: unknown }[] {
  if (node === null || typeof node !== 'object') return [];
  const found: { pointer: string; schemaPointer: string; value: unknown }[] =
    [];
  const object = node as Record<string, unknown>;
  // A parameter or media type carries its example beside its schema; a schema carries its own.
  const schemaPointer = 'schema' in object ? `${pointer}/schema` : pointer;
  if ('example' in object)
    found.push({
      pointer: `${pointer}/example`,
      schemaPointer,
      value: object.example,
    });
  if (Array.isArray(object.examples) && !('schema' in object))
    for (const [index, value] of object.examples.entries())
      found.push({
        pointer: `${pointer}/examples/${index}`,
        schemaPointer,
        value,
      });
  for (const [key, value] of Object.entries(object))
    if (key !== 'example' && key !== 'examples')
      found.push(...examplesOf(value, `${pointer}/${escapePointer(key)}`));
  return found;
}

describe('the OpenAPI document for client generators', () => {
  it('names every operation with a unique operationId, the one the endpoint table gives it', () => {
    const operations = operationsOf(doc);
    expect(operations).toHaveLength(endpoints.length);
    const ids = operations.map(({ where, operation }) => {
      expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z0-9]*$/);
      return operation.operationId as string;
    });
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(
      new Set(endpoints.map((endpoint) => endpoint.operationId)),
    );
  });

  it('has only examples that are valid against their own schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    // The whole document as one schema resource, so every `#/components/...` reference resolves.
    ajv.addSchema(doc, 'openapi.json');
    const examples = examplesOf(doc);
    // The query instants (`asOf`, `from`, `to`) are among them: an example a person copies into a URL.
    expect(
      examples.filter((example) =>
        example.pointer.startsWith('/paths/~1incidents/get/parameters/'),
      ),
    ).not.toEqual([]);
    const invalid = examples.flatMap((example) => {
      const validate = ajv.compile({
        $ref: `openapi.json#${example.schemaPointer}`,
      });
      return validate(example.value)
        ? []
        : [
            `${example.pointer} ${JSON.stringify(example.value)}: ${ajv.errorsText(validate.errors)}`,
          ];
    });
    expect(invalid).toEqual([]);
  });

  it('states its license and a server', () => {
    expect(doc.info.license.name).toEqual(expect.any(String));
    // OpenAPI 3.1: a license has an SPDX identifier or a url, not both.
    expect(
      [doc.info.license.identifier, doc.info.license.url].filter(Boolean),
    ).toHaveLength(1);
    expect(doc.servers).toContainEqual(
      expect.objectContaining({ url: '/api/v1' }),
    );
  });
});
