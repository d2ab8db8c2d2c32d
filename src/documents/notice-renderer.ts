/**
 * Credit notice HTML from the Handlebars templates in `templates/notices/`: `credit-notice.<lang>.hbs`,
 * with the partials of `templates/notices/partials/` (the shared CSS). Made once at start-up (`createNoticeRenderer`),
 * then `renderNoticeHtml(doc, lang)` per request. Every value is printed with `{{ }}`, so Handlebars
 * HTML-escapes it; the helpers below return plain strings for it to escape.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { NOTICE_TEMPLATES_DIR } from '../paths';
import type {
  CreditNoticeDocument,
  NoticeLanguage,
} from './credit-notice-document';
import {
  formatBillingMonthEn,
  formatBillingMonthJa,
  formatDateEn,
  formatDateJa,
  formatDaysEn,
  formatDurationEn,
  formatDurationJa,
  formatInstantEn,
  formatInstantJa,
  formatPercent,
  formatRoundingEn,
  formatRoundingJa,
  formatYen,
} from './format';

export const NOTICE_LANGUAGES: readonly NoticeLanguage[] = ['ja', 'en'];

/** The helpers the templates may call, each taking the one value it formats. */
export const NOTICE_HELPERS: Readonly<
  Record<string, Handlebars.HelperDelegate>
> = {
  yen: formatYen,
  percent: formatPercent,
  dateJa: formatDateJa,
  dateEn: formatDateEn,
  monthJa: formatBillingMonthJa,
  monthEn: formatBillingMonthEn,
  instantJa: formatInstantJa,
  instantEn: formatInstantEn,
  durationJa: formatDurationJa,
  durationEn: formatDurationEn,
  daysEn: formatDaysEn,
  roundingJa: formatRoundingJa,
  roundingEn: formatRoundingEn,
};

/**
 * strict: a field the template names but the view lacks throws instead of printing nothing.
 * knownHelpersOnly: a helper name the templates misspell fails at start-up, not on a customer's page.
 * preventIndent: partials are pasted as they are, not re-indented line by line on every render.
 */
export const NOTICE_COMPILE_OPTIONS: CompileOptions = {
  strict: true,
  knownHelpers: Object.fromEntries(
    Object.keys(NOTICE_HELPERS).map((name) => [name, true]),
  ),
  knownHelpersOnly: true,
  preventIndent: true,
};

/** What a template sees: the document and which state it is in (Handlebars cannot compare strings). */
export interface NoticeView extends CreditNoticeDocument {
  /** Not approved: no number yet, so not a document to send. */
  isDraft: boolean;
  isRejected: boolean;
  isVoid: boolean;
}

export function noticeView(doc: CreditNoticeDocument): NoticeView {
  const isVoid = doc.status === 'void';
  const isRejected = doc.status === 'rejected';
  return {
    ...doc,
    isDraft:
      !isVoid &&
      !isRejected &&
      (doc.status === 'pending-approval' || doc.number === null),
    isRejected,
    isVoid,
  };
}

export interface NoticeTemplateSources {
  templates: Record<NoticeLanguage, string>;
  partials: Record<string, string>;
}

/** The template and partial sources in `templatesDir`. */
export function readNoticeTemplates(
  templatesDir: string = NOTICE_TEMPLATES_DIR,
): NoticeTemplateSources {
  const partialsDir = join(templatesDir, 'partials');
  const partials: Record<string, string> = {};
  for (const file of readdirSync(partialsDir)) {
    if (file.endsWith('.hbs'))
      partials[basename(file, '.hbs')] = readFileSync(
        join(partialsDir, file),
        'utf8',
      );
  }
  const templates = Object.fromEntries(
    NOTICE_LANGUAGES.map((lang) => [
      lang,
      readFileSync(join(templatesDir, `credit-notice.${lang}.hbs`), 'utf8'),
    ]),
  ) as Record<NoticeLanguage, string>;
  return { templates, partials };
}

/** A Handlebars environment of its own with the notice helpers and partials, apart from the global one. */
export function noticeHandlebars(
  partials: Record<string, string>,
): typeof Handlebars {
  const env = Handlebars.create();
  for (const [name, format] of Object.entries(NOTICE_HELPERS))
    env.registerHelper(name, format);
  for (const [name, source] of Object.entries(partials))
    env.registerPartial(name, source);
  return env;
}

export interface NoticeRenderer {
  /** The print-ready HTML (A4) of a notice; throws on a value of the wrong kind (see format.ts). */
  renderNoticeHtml(doc: CreditNoticeDocument, lang: NoticeLanguage): string;
}

export function createNoticeRenderer({
  templatesDir = NOTICE_TEMPLATES_DIR,
}: {
  templatesDir?: string;
} = {}): NoticeRenderer {
  const { templates, partials } = readNoticeTemplates(templatesDir);
  const env = noticeHandlebars(partials);
  // `compile` defers the work to the first render; precompiling here makes a broken template or an
  // unknown helper stop the start instead.
  for (const source of [
    ...Object.values(templates),
    ...Object.values(partials),
  ])
    env.precompile(source, NOTICE_COMPILE_OPTIONS);
  const compiled = new Map<NoticeLanguage, HandlebarsTemplateDelegate>(
    NOTICE_LANGUAGES.map((lang) => [
      lang,
      env.compile(templates[lang], NOTICE_COMPILE_OPTIONS),
    ]),
  );
  return {
    renderNoticeHtml(doc, lang) {
      const template = compiled.get(lang);
      if (!template)
        throw new RangeError(`no credit notice template for language ${lang}`);
      return template(noticeView(doc));
    },
  };
}
