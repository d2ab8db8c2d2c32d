/**
 * Where the project's run-time assets are (`migrations/`, `templates/`), found the same way whether the code
 * runs from source (`tsx src/…`, any depth below `src/`) or from the build (`node dist/…`, one bundled file):
 * walk up from this module's own file to the directory holding the project's `package.json`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'gengaku';

function isProjectRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown })
        .name === PACKAGE_NAME
    );
  } catch {
    return false;
  }
}

/** The project directory above `from`: the first one up whose package.json is Gengaku's. */
export function findProjectDir(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (isProjectRoot(dir)) return dir;
    if (dirname(dir) === dir)
      throw new Error(
        `cannot find Gengaku's package.json above ${from}: run the code from inside its project directory`,
      );
  }
}

export const PROJECT_DIR = findProjectDir(
  dirname(fileURLToPath(import.meta.url)),
);

/** The SQL migrations drizzle-kit writes and `openStore` applies. */
export const MIGRATIONS_DIR = join(PROJECT_DIR, 'migrations');

/** The Handlebars templates of the documents Gengaku prints. */
export const TEMPLATES_DIR = join(PROJECT_DIR, 'templates');
/** The credit notice templates: a folder of their own, with their own partials and helpers. */
export const NOTICE_TEMPLATES_DIR = join(TEMPLATES_DIR, 'notices');
