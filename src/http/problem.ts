/** RFC 9457 problem documents: every refusal, one shape, one place. */
import type { Response } from 'express';
import {
  ERROR_STATUS,
  ERROR_TITLE,
  type ErrorCode,
  type ServiceError,
} from '../errors';
import type { FieldError } from '../schemas/common';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode | 'internal-error';
  errors?: FieldError[];
  [extension: string]: unknown;
}

export function problemOf(error: ServiceError): ProblemDocument {
  return {
    ...error.extensions,
    type: `urn:gengaku:problem:${error.code}`,
    title: ERROR_TITLE[error.code],
    status: ERROR_STATUS[error.code],
    detail: error.message,
    code: error.code,
    ...(error.errors ? { errors: error.errors } : {}),
  };
}

export const INTERNAL_PROBLEM: ProblemDocument = {
  type: 'urn:gengaku:problem:internal-error',
  title: 'Internal error',
  status: 500,
  detail: 'something went wrong on our side; it has been logged',
  code: 'internal-error',
};

export function sendProblem(
  res: Response,
  problem: ProblemDocument,
  headers: Record<string, string> = {},
): void {
  for (const [name, value] of Object.entries(headers))
    res.setHeader(name, value);
  if (problem.code === 'unauthenticated')
    res.setHeader('WWW-Authenticate', 'Bearer realm="gengaku"');
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(JSON.stringify(problem));
}
