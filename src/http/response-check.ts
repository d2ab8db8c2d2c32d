/** With `checkResponses` (the tests): every JSON answer must be exactly what its endpoint's response schema describes. */
import { isDeepStrictEqual } from 'node:util';
import { fieldErrorsOf } from '../schemas/common';
import type { AnyEndpoint } from './endpoint';

/** Raised only with `checkResponses`: an answer its own schema does not describe. */
export class ResponseMismatch extends Error {}

/** Where two JSON values first differ, as a path (`outages[0].end`), or undefined when they are equal. */
function firstDifference(
  sent: unknown,
  described: unknown,
  path = '',
): string | undefined {
  if (isDeepStrictEqual(sent, described)) return undefined;
  if (
    sent === null ||
    described === null ||
    typeof sent !== 'object' ||
    typeof described !== 'object'
  )
    return path || '(body)';
  const keys = new Set([...Object.keys(sent), ...Object.keys(described)]);
  for (const key of keys) {
    const at = Array.isArray(sent)
      ? `${path}[${key}]`
      : path
        ? `${path}.${key}`
        : key;
    const difference = firstDifference(
      (sent as Record<string, unknown>)[key],
      (described as Record<string, unknown>)[key],
      at,
    );
    if (difference !== undefined) return difference;
  }
  return path || '(body)';
}

export function checkResponse(endpoint: AnyEndpoint, body: unknown): void {
  if (!endpoint.response) return;
  const where = `${endpoint.method.toUpperCase()} ${endpoint.path}`;
  // What the client receives: the JSON text, read back.
  const sent =
    body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  const parsed = endpoint.response.safeParse(sent);
  if (!parsed.success)
    throw new ResponseMismatch(
      `${where} answered what its response schema refuses: ${fieldErrorsOf(
        parsed.error,
      )
        .map((error) => `${error.path}: ${error.message}`)
        .join('; ')}`,
    );
  // A field the schema does not know would be dropped by parsing: the document would not describe it.
  const difference = firstDifference(sent, parsed.data);
  if (difference !== undefined)
    throw new ResponseMismatch(
      `${where} answered ${difference}, which its response schema does not describe`,
    );
}
