/** The session cookie: set at login, read on every page request, cleared at logout or when it has expired. */
import type { CookieOptions, NextFunction, Request, Response } from 'express';
import type { Store } from '../db/client';
import type { Instant } from '../domain/time';
import { type SessionUser, sessionUser } from '../services/sessions';
import { DEFAULT_LANG, isLang, type Lang } from './i18n';

/** What the web layer knows about the request, read once by `loadSession`. */
export interface WebState {
  user: SessionUser | null;
  /** The raw session id from a valid cookie (the CSRF tokens are bound to it). */
  sessionId: string | null;
  /** A session cookie came but its session had expired or was revoked. */
  sessionEnded: boolean;
  lang: Lang;
}

// Kept beside the response rather than in the untyped `res.locals`, so that nothing reads it back by a cast.
const states = new WeakMap<Response, WebState>();

/** The request's web state; undefined before `loadSession` has run (an error in an earlier middleware). */
export const loadedWebState = (res: Response): WebState | undefined =>
  states.get(res);

export function webState(res: Response): WebState {
  const state = states.get(res);
  if (state === undefined)
    throw new Error('loadSession reads the session before any page');
  return state;
}

/** `__Host-` binds a cookie to this origin over HTTPS; browsers refuse the prefix on plain HTTP. */
export const cookieName = (req: Request, name: string) =>
  req.secure ? `__Host-gengaku_${name}` : `gengaku_${name}`;

export const baseCookie = (req: Request): CookieOptions => ({
  httpOnly: true,
  sameSite: 'lax',
  secure: req.secure,
  path: '/',
});

const LANG_COOKIE_MAX_AGE_MS = 365 * 24 * 3_600_000;

export function setSessionCookie(
  req: Request,
  res: Response,
  id: string,
  expiresAt: Instant,
  now: Instant,
) {
  res.cookie(cookieName(req, 'session'), id, {
    ...baseCookie(req),
    maxAge: expiresAt - now,
  });
}

export function clearSessionCookie(req: Request, res: Response) {
  res.clearCookie(cookieName(req, 'session'), baseCookie(req));
}

export function setLangCookie(req: Request, res: Response, lang: Lang) {
  res.cookie(cookieName(req, 'lang'), lang, {
    ...baseCookie(req),
    maxAge: LANG_COOKIE_MAX_AGE_MS,
  });
}

/** Reads the session and language cookies into the request's web state. */
export function loadSession(store: Store, clock: () => Instant) {
  return (req: Request, res: Response, next: NextFunction) => {
    const cookies = (req.cookies ?? {}) as Record<string, string | undefined>;
    const raw = cookies[cookieName(req, 'session')];
    const user = raw ? sessionUser(store, clock(), raw) : null;
    if (raw && !user) clearSessionCookie(req, res);
    const lang = cookies[cookieName(req, 'lang')];
    const state: WebState = {
      user,
      sessionId: user ? raw! : null,
      sessionEnded: Boolean(raw) && !user,
      lang: isLang(lang) ? lang : DEFAULT_LANG,
    };
    states.set(res, state);
    next();
  };
}
