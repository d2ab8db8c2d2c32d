/**
 * `/api/docs`: the API reference, rendered in the browser by Scalar from `/api/v1/openapi.json`,
 * nothing written by hand. Its script is served from this origin (no CDN: it works offline), and this
 * one route gets a CSP that lets it run: its inline start-up script by a nonce, and the styles it injects.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { renderApiReference } from '@scalar/client-side-rendering';
import express, { type Router } from 'express';
import helmet from 'helmet';

const require = createRequire(import.meta.url);
/** The standalone browser build of @scalar/api-reference (one file, no chunks to fetch). */
const SCALAR_BROWSER = join(
  dirname(require.resolve('@scalar/api-reference')),
  'browser',
);

const CONFIGURATION = {
  url: '/api/v1/openapi.json',
  withDefaultFonts: false,
  hideClientButton: true,
  telemetry: false,
  // Nothing that calls out to Scalar's services: the page works offline.
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: 'never',
  showToolbar: 'never',
  hideDarkModeToggle: true,
  forceDarkModeState: 'light',
} as const;

/** Scalar's page, with a language and our two small fixes for its accessibility (contrast, button names). */
function docsPage(nonce: string): string {
  return renderApiReference({
    config: CONFIGURATION,
    pageTitle: 'Gengaku API reference',
    cdn: '/api/docs/assets/standalone.js',
    nonce,
  })
    .replace('<html>', '<html lang="en">')
    .replace(
      '</head>',
      '  <link rel="stylesheet" href="/assets/docs.css">\n    <script src="/assets/docs.js" defer></script>\n  </head>',
    );
}

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
    (_req, res) => {
      res.type('html').send(docsPage(res.locals.cspNonce as string));
    },
  );
}
