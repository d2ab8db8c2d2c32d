/**
 * CSRF protection for every form (csrf-csrf, double submit): a random value in a cookie, HMAC-bound to
 * the session, must come back in the form's `_csrf` field. A cross-site form post cannot read the cookie,
 * so it cannot send the matching field.
 */
import { randomBytes } from 'node:crypto';
import { doubleCsrf } from 'csrf-csrf';
import type { NextFunction, Request, Response } from 'express';
import { baseCookie, cookieName, webState } from './session';

const CSRF_FIELD = '_csrf';

export class CsrfRefused extends Error {}

export function csrfProtection(secret = randomBytes(32).toString('hex')) {
  const make = (secure: boolean) =>
    doubleCsrf({
      getSecret: () => secret,
      // Bound to the session: a token from before login (or from another session) is worthless after it.
      getSessionIdentifier: (req) =>
        req.res ? (webState(req.res).sessionId ?? '') : '',
      cookieName: cookieName({ secure } as Request, 'csrf'),
      cookieOptions: { sameSite: 'lax', secure, httpOnly: true, path: '/' },
      getCsrfTokenFromRequest: (req) =>
        (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD] as
          | string
          | undefined,
    });
  const plain = make(false);
  const secure = make(true);
  const forRequest = (req: Request) => (req.secure ? secure : plain);
  return {
    /** Refuses a form post whose token does not match its cookie and session. */
    check(req: Request, _res: Response, next: NextFunction) {
      if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
      if (forRequest(req).validateRequest(req)) return next();
      next(new CsrfRefused('the form is stale or did not come from this site'));
    },
    /** The token for the forms of the page being rendered (and its cookie). */
    token(req: Request, res: Response): string {
      return forRequest(req).generateCsrfToken(req, res, {
        cookieOptions: baseCookie(req),
      });
    },
  };
}
export type CsrfProtection = ReturnType<typeof csrfProtection>;
