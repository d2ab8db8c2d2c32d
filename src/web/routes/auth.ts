/** Login, logout and the language switch. */
import type { Router } from 'express';
import type { Role } from '../../domain/roles';
import { ServiceError } from '../../errors';
import { openSession, revokeSession } from '../../services/sessions';
import { checkPassword } from '../../services/users';
import { isLang } from '../i18n';
import {
  HOME,
  localPath,
  type PageContext,
  publicPage,
  type WebDeps,
} from '../page';
import {
  clearSessionCookie,
  setLangCookie,
  setSessionCookie,
} from '../session';

/**
 * The web login's one password check. Kept to this single awaited call so that the throttled
 * `authenticatePassword` of the sign-in hardening can take its place.
 */
async function verifyLogin(deps: WebDeps, email: string, password: string) {
  return checkPassword(deps.store, email, password);
}

function renderLogin(
  p: PageContext,
  extra: { email?: string; failed?: boolean; status?: number } = {},
) {
  p.render(
    'login',
    {
      titleKey: 'login.title',
      email: extra.email ?? '',
      next: localPath(p.query('next') ?? p.field('next'), ''),
      failed: extra.failed ?? false,
      ended: p.query('ended') === '1',
    },
    { status: extra.status },
  );
}

export function authRoutes(router: Router, deps: WebDeps) {
  router.get(
    '/',
    publicPage(deps, (p) => {
      const role: Role | undefined = p.state.user?.actor.role;
      p.res.redirect(303, role ? HOME[role] : '/login');
    }),
  );

  router.get(
    '/login',
    publicPage(deps, (p) => {
      if (p.state.user)
        return p.res.redirect(303, HOME[p.state.user.actor.role]);
      renderLogin(p);
    }),
  );

  router.post(
    '/login',
    publicPage(deps, async (p) => {
      const email = p.field('email') ?? '';
      const password = (p.req.body as Record<string, unknown>)?.password;
      try {
        if (typeof password !== 'string' || password === '' || email === '')
          throw new ServiceError(
            'unauthenticated',
            'email and password are required',
          );
        const user = await verifyLogin(deps, email, password);
        const now = deps.clock();
        if (p.state.sessionId)
          revokeSession(deps.store, now, p.state.sessionId);
        const session = openSession(
          deps.store,
          now,
          user.id,
          deps.sessionTtlMs,
        );
        setSessionCookie(p.req, p.res, session.id, session.expiresAt, now);
        p.res.redirect(303, localPath(p.field('next'), HOME[user.role]));
      } catch (error) {
        if (
          !(error instanceof ServiceError) ||
          error.code !== 'unauthenticated'
        )
          throw error;
        renderLogin(p, { email, failed: true, status: 401 });
      }
    }),
  );

  router.post(
    '/logout',
    publicPage(deps, (p) => {
      if (p.state.sessionId)
        revokeSession(deps.store, deps.clock(), p.state.sessionId);
      clearSessionCookie(p.req, p.res);
      p.redirect('/login', 'signedOut');
    }),
  );

  router.post(
    '/lang',
    publicPage(deps, (p) => {
      const lang = p.field('lang');
      if (isLang(lang)) setLangCookie(p.req, p.res, lang);
      p.res.redirect(303, localPath(p.field('next'), '/'));
    }),
  );
}
