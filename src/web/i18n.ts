/**
 * The pages' words: Japanese by default, English by a switch that sticks (a cookie). Every text a page
 * shows comes from the catalogues in `messages/`; templates name keys, never sentences.
 */
import type { Catalogue } from './messages/catalogue';
import { en } from './messages/en';
import { ja } from './messages/ja';

export const LANGS = ['ja', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'ja';

function flatten(catalogue: Catalogue, prefix = ''): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(catalogue)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') flat.set(path, value);
    else for (const entry of flatten(value, path)) flat.set(...entry);
  }
  return flat;
}

export const CATALOGUES: Record<Lang, ReadonlyMap<string, string>> = {
  ja: flatten(ja),
  en: flatten(en),
};

const plurals = Object.fromEntries(
  LANGS.map((lang) => [lang, new Intl.PluralRules(lang)]),
) as Record<Lang, Intl.PluralRules>;

export const isLang = (value: unknown): value is Lang =>
  (LANGS as readonly unknown[]).includes(value);

/**
 * The message `key` in `lang` with its `{placeholders}` filled. With a numeric `count`, a `key_one`
 * (English "1 day") is preferred where the language has that form. A missing key shows itself, so a
 * gap is visible rather than silent (a test keeps the catalogues complete).
 */
export function translate(
  lang: Lang,
  key: string,
  values: Record<string, unknown> = {},
): string {
  const catalogue = CATALOGUES[lang];
  const count = values.count;
  const form =
    typeof count === 'number' ? `${key}_${plurals[lang].select(count)}` : key;
  const message = catalogue.get(form) ?? catalogue.get(key);
  if (message === undefined) return key;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** Whether the catalogue has a message for `key` (to show only known notices and labels). */
export const hasMessage = (lang: Lang, key: string): boolean =>
  CATALOGUES[lang].has(key);
