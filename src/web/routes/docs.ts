/**
 * `/api/docs`: the API reference, rendered in the browser by Scalar from `/api/v1/openapi.json`. Its
 * script is served from this origin (no CDN: it works offline), and this one route gets a CSP that lets
 * it run: its inline start-up script by a nonce, and the styles it injects.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { apiReference } from '@scalar/express-api-reference';
import express, { type Router } from 'express';
import helmet from 'helmet';

const require = createRequire(import.meta.url);
/** The standalone browser build of @scalar/api-reference (one file, no chunks to fetch). */
const SCALAR_BROWSER = join(
  dirname(require.resolve('@scalar/api-reference')),
  'browser',
);

export function docsRoutes(router: Router) {
  router.use(
    '/api/docs/assets',
    express.static(SCALAR_BROWSER, { index: false, maxAge: '1d' }),
  );
  router.get(
    '/api/docs',
    (_req, res, next) => {
      res.locals.cspNonce = randomBytes(16).toString('base64');
      next();
    },
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: [
            "'self'",
            (_req, res) =>
              `'nonce-${(res as express.Response).locals.cspNonce}'`,
          ],
          // Scalar sets styles from script at run time.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          workerSrc: ["'self'", 'blob:'],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
    }),
    (req, res, next) =>
      apiReference({
        url: '/api/v1/openapi.json',
        pageTitle: 'Gengaku API',
        cdn: '/api/docs/assets/standalone.js',
        nonce: res.locals.cspNonce as string,
        withDefaultFonts: false,
        hideClientButton: true,
        telemetry: false,
      } as Parameters<typeof apiReference>[0])(req as never, res, next),
  );
}
