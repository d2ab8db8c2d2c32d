/** Login, logout and the language switch. */
import type { Router } from 'express';
import type { Role } from '../../domain/roles';
import { ServiceError } from '../../errors';
import { openSession, revokeSession } from '../../services/sessions';
import { authenticatePassword } from '../../services/sign-in';
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

function renderLogin(
  p: PageContext,
  extra: {
    email?: string;
    failed?: boolean;
    throttled?: boolean;
    status?: number;
  } = {},
) {
  p.render(
    'login',
    {
      titleKey: 'login.title',
      email: extra.email ?? '',
      next: localPath(p.query('next') ?? p.field('next'), ''),
      failed: extra.failed ?? false,
      throttled: extra.throttled ?? false,
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
        const previous = p.state.sessionId;
        // The same throttled check as POST /auth/tokens; the session is opened in the transaction that
        // uses up a one-time password, so that password signs in exactly once here too.
        const { user, session, now } = await authenticatePassword(
          deps.store,
          deps.clock,
          { email, password, clientKey: p.req.ip ?? 'unknown' },
          (user, now) => {
            if (previous) revokeSession(deps.store, now, previous);
            const session = openSession(
              deps.store,
              now,
              user.id,
              deps.sessionTtlMs,
            );
            return { user, session, now };
          },
        );
        setSessionCookie(p.req, p.res, session.id, session.expiresAt, now);
        p.res.redirect(303, localPath(p.field('next'), HOME[user.role]));
      } catch (error) {
        if (
          error instanceof ServiceError &&
          error.code === 'too-many-requests'
        ) {
          for (const [name, value] of Object.entries(error.headers ?? {}))
            p.res.setHeader(name, value);
          renderLogin(p, { email, throttled: true, status: 429 });
          return;
        }
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
