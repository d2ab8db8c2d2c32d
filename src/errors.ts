/** One error type for every refusal a use case makes, with API.md's stable codes. */
import type { FieldError } from './schemas/common';

export const ERROR_STATUS = {
  'validation-failed': 422,
  'bad-request': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'already-claimed': 409,
  'claim-window-closed': 422,
  'outage-not-qualifying': 422,
  'precondition-failed': 412,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'pdf-unavailable': 503,
  'issuer-not-configured': 409,
  'method-not-allowed': 405,
  'too-many-requests': 429,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_TITLE: Record<ErrorCode, string> = {
  'validation-failed': 'The request has invalid fields',
  'bad-request': 'The request could not be read',
  unauthenticated: 'Authentication required',
  forbidden: 'Not allowed for this role',
  'not-found': 'Not found',
  conflict: 'Conflict with the current state',
  'already-claimed': 'This outage has already been claimed',
  'claim-window-closed': 'The claim window has closed',
  'outage-not-qualifying': 'The outage does not qualify for a credit',
  'precondition-failed': 'Changed by someone else since you read it',
  'payload-too-large': 'The request body is too large',
  'unsupported-media-type': 'The request body must be JSON',
  'pdf-unavailable':
    "PDF rendering is unavailable: install Debian's chromium and fonts-noto-cjk (the HTML document still works)",
  'issuer-not-configured':
    'The credit notice issuer is not configured: set SLA_ISSUER_NAME and SLA_ISSUER_REGISTRATION',
  'method-not-allowed': 'This path does not take this method',
  'too-many-requests': 'Too many attempts; try again later',
};

export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly errors?: FieldError[],
    /** Extension members of the problem document, e.g. the claim deadline. */
    readonly extensions?: Record<string, unknown>,
    /** Response headers that go with the refusal, e.g. `Retry-After` or `Allow`. */
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = 'ServiceError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Ids arrive from paths and bodies of any length; a message quotes at most this much of one. */
const QUOTED_ID_MAX = 64;

/** An id as a message may quote it: in full when short, else its start and an ellipsis. */
export function quoted(id: string): string {
  return id.length <= QUOTED_ID_MAX ? id : `${id.slice(0, QUOTED_ID_MAX)}…`;
}

export const notFound = (what: string, id: string) =>
  new ServiceError('not-found', `${what} ${quoted(id)} does not exist`);

/** The refusal of an input with `errors`, each named in the detail too. */
export const validationFailed = (errors: FieldError[]): ServiceError =>
  new ServiceError(
    'validation-failed',
    errors.map((error) => `${error.path}: ${error.message}`).join('; '),
    errors,
  );

export function invalid(path: string, message: string): ServiceError {
  return new ServiceError('validation-failed', `${path}: ${message}`, [
    { path, message },
  ]);
}
