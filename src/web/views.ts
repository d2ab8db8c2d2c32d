/**
 * Server-side rendering with Handlebars: pages in `templates/pages/`, wrapped in a layout from
 * `templates/layouts/`, sharing partials from `templates/partials/`. Compiled once, on first use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Handlebars from 'handlebars';
import { type Instant, storedInstant } from '../domain/time';
import { TEMPLATES_DIR } from '../paths';
import {
  formatDate,
  formatDateTime,
  formatDuration,
  formatMonth,
  formatNumber,
  formatYen,
  toLocalInput,
} from './format';
import { type Lang, translate } from './i18n';

type Template = Handlebars.TemplateDelegate;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.name.endsWith('.hbs') ? [path] : [];
  });
}

/**
 * An instant as a page's model holds it: the API's ISO text, or epoch ms the services made (checked as a
 * stored value is, since the template system knows no types).
 */
const instantOrText = (value: unknown): Instant | string =>
  typeof value === 'number' ? storedInstant(value) : String(value);

/** The reader's language, from the root context every page is rendered with. */
const langOf = (options: Handlebars.HelperOptions): Lang =>
  (options.data?.root as { lang?: Lang } | undefined)?.lang ?? 'ja';

function registerHelpers(hb: typeof Handlebars) {
  hb.registerHelper('t', function (this: unknown, key: unknown, options) {
    return translate(langOf(options), String(key), options.hash);
  });
  hb.registerHelper('dateTime', (value: unknown, options) =>
    value === null || value === undefined || value === ''
      ? ''
      : formatDateTime(langOf(options), instantOrText(value)),
  );
  hb.registerHelper('date', (value: unknown, options) =>
    typeof value === 'string' ? formatDate(langOf(options), value) : '',
  );
  hb.registerHelper('month', (value: unknown, options) =>
    typeof value === 'string' ? formatMonth(langOf(options), value) : '',
  );
  hb.registerHelper('yen', (value: unknown, options) =>
    typeof value === 'number' ? formatYen(langOf(options), value) : '',
  );
  hb.registerHelper('duration', (value: unknown, options) =>
    typeof value === 'number' ? formatDuration(langOf(options), value) : '',
  );
  hb.registerHelper('localInput', (value: unknown) =>
    typeof value === 'string' || typeof value === 'number'
      ? toLocalInput(instantOrText(value))
      : '',
  );
  hb.registerHelper('number', (value: unknown, options) =>
    typeof value === 'number' ? formatNumber(langOf(options), value) : '',
  );
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('not', (a: unknown) => !a);
  hb.registerHelper('or', (...args: unknown[]) =>
    args.slice(0, -1).some(Boolean),
  );
  hb.registerHelper('and', (...args: unknown[]) =>
    args.slice(0, -1).every(Boolean),
  );
  hb.registerHelper(
    'includes',
    (list: unknown, value: unknown) =>
      Array.isArray(list) && list.includes(value),
  );
  /** `{{concat "causes." cause}}`: a message key built from a value. */
  hb.registerHelper('concat', (...args: unknown[]) =>
    args.slice(0, -1).join(''),
  );
}

export interface Views {
  /** The page `name` (a path under templates/pages, without .hbs) inside the layout. */
  render(name: string, context: Record<string, unknown>): string;
}

export function createViews(root = TEMPLATES_DIR): Views {
  const hb = Handlebars.create();
  registerHelpers(hb);
  const compile = (path: string): Template => {
    const source = readFileSync(path, 'utf8');
    // Handlebars parses on first render; parsing now makes a broken template stop the start, not a page.
    try {
      hb.parse(source);
    } catch (error) {
      throw new Error(`${relative(root, path)}: ${(error as Error).message}`);
    }
    return hb.compile(source);
  };
  for (const path of filesUnder(join(root, 'partials')))
    hb.registerPartial(
      relative(join(root, 'partials'), path).replace(/\.hbs$/, ''),
      compile(path),
    );
  const layout = compile(join(root, 'layouts', 'main.hbs'));
  const pages = new Map<string, Template>();
  for (const path of filesUnder(join(root, 'pages')))
    pages.set(
      relative(join(root, 'pages'), path).replace(/\.hbs$/, ''),
      compile(path),
    );
  return {
    render(name, context) {
      const page = pages.get(name);
      if (!page) throw new Error(`no page template ${name}`);
      return layout({ ...context, body: page(context) });
    },
  };
}
