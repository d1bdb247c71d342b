import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';
import { LOCALES, type Locale } from './core';

/**
 * Text a clinic types (a service's name, a document type's, a location's name and notes) in the
 * portal's other languages. The clinic writes each name once in its default language
 * (tenant_settings.default_language) and may add a translation per portal language; a patient
 * reading the portal in a language with no translation sees the default text. Pure and
 * browser-safe: the CRM forms build their fields from it, the portal's queries follow the same rule
 * in SQL (./clinic-text-sql.ts).
 */

/** A translations column: { es: { name: 'Consulta familiar' } } (db/schema). */
export type ClinicTranslations<F extends string = string> = Partial<Record<string, Partial<Record<F, string>>>>;

type Translated<F extends string> = { readonly translations?: ClinicTranslations<F> | null };

/**
 * The text to show for `field` in `language`: the translation when the language is not the
 * clinic's default and the translation is not blank, else the row's own (default-language) text.
 * A translation left over from before the clinic changed its default language never hides the
 * text the clinic now writes in that language.
 */
export function localized<F extends string>(row: { readonly [K in F]: string } & Translated<F>, field: F, language: string, defaultLanguage: string): string;
export function localized<F extends string>(row: { readonly [K in F]: string | null } & Translated<F>, field: F, language: string, defaultLanguage: string): string | null;
export function localized<F extends string>(row: { readonly [K in F]: string | null } & Translated<F>, field: F, language: string, defaultLanguage: string): string | null {
  if (language === defaultLanguage) return row[field];
  const translated = row.translations?.[language]?.[field];
  return typeof translated === 'string' && translated.trim() !== '' ? translated.trim() : row[field];
}

/** The portal languages a clinic translates into: every one but its default. */
export function translationLanguages(defaultLanguage: string): Locale[] {
  return LOCALES.filter((locale) => locale !== defaultLanguage);
}

/** The form field for one translated field in one language: `name_es`. Flat, so a form without JavaScript posts it as is. */
export function translationFieldName<F extends string>(field: F, locale: Locale): `${F}_${Locale}` {
  return `${field}_${locale}`;
}

/** Every translation field of a form, in every portal language: what its action reads from the post. */
export function translationFieldNames<F extends string>(fields: readonly F[]): `${F}_${Locale}`[] {
  return LOCALES.flatMap((locale) => fields.map((field) => translationFieldName(field, locale)));
}

/** The portal languages' names in the staff screens' language (English). */
export const LANGUAGE_NAMES_FOR_STAFF: Record<Locale, string> = { en: 'English', es: 'Spanish' };

export type TranslationInput<F extends string> = Partial<Record<`${F}_${Locale}`, string | null>>;

/**
 * Zod fields for a form's translations: one optional field per portal language and translated
 * field, trimmed, limited like the default text, without control characters. Posted blank means
 * "no translation" (null); not posted means "leave as it is" (undefined): a form shows only the
 * languages other than the clinic's default, so the default's key is never posted by it.
 */
export function translationShape<F extends string>(fields: Readonly<Record<F, { label: string; max: number }>>) {
  const shape: Record<string, z.ZodType<string | null | undefined>> = {};
  for (const locale of LOCALES) {
    for (const [field, { label, max }] of Object.entries(fields) as [F, { label: string; max: number }][]) {
      const what = `${label} in ${LANGUAGE_NAMES_FOR_STAFF[locale]}`;
      shape[translationFieldName(field, locale)] = z.preprocess(
        (v) => (typeof v === 'string' && v.trim() === '' ? null : v),
        withoutControlChars(z.string({ error: `Enter the ${what} as text, or leave it empty.` }))
          .trim()
          .max(max, `Keep the ${what} to ${max} characters or fewer.`)
          .transform((s) => s.replace(/[^\S\n]+/g, ' '))
          .nullable()
          .optional(),
      );
    }
  }
  return shape as { [K in `${F}_${Locale}`]: z.ZodType<string | null | undefined, unknown> };
}

/**
 * The translations after a save: each posted field of a language other than the default set
 * (or removed when posted blank), every other translation kept. No empty strings and no empty
 * language objects are stored.
 */
export function mergeTranslations<F extends string>(
  existing: ClinicTranslations<F> | null | undefined,
  input: TranslationInput<F>,
  fields: readonly F[],
  defaultLanguage: string,
): ClinicTranslations<F> {
  const out: ClinicTranslations<F> = {};
  for (const [language, values] of Object.entries(existing ?? {})) {
    if (values) out[language] = { ...values };
  }
  for (const locale of translationLanguages(defaultLanguage)) {
    const values: Partial<Record<F, string>> = { ...out[locale] };
    for (const field of fields) {
      const posted = input[translationFieldName(field, locale)];
      if (posted === undefined) continue;
      if (posted === null || posted.trim() === '') delete values[field];
      else values[field] = posted.trim();
    }
    out[locale] = values;
  }
  for (const [language, values] of Object.entries(out)) {
    const kept = Object.entries(values ?? {}).filter(([, v]) => typeof v === 'string' && v.trim() !== '');
    if (kept.length === 0) delete out[language];
    else out[language] = Object.fromEntries(kept) as Partial<Record<F, string>>;
  }
  return out;
}

/** Same translations, whatever the key order (jsonb does not keep it). */
export function sameTranslations(a: ClinicTranslations | null | undefined, b: ClinicTranslations | null | undefined): boolean {
  const flat = (t: ClinicTranslations | null | undefined) =>
    JSON.stringify(Object.entries(t ?? {}).flatMap(([lang, values]) => Object.entries(values ?? {}).map(([field, v]) => [lang, field, v])).sort());
  return flat(a) === flat(b);
}

/** What a form shows for each translation field: the saved translation, or empty. */
export function translationValues<F extends string>(translations: ClinicTranslations<F> | null | undefined, fields: readonly F[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const locale of LOCALES) {
    for (const field of fields) values[translationFieldName(field, locale)] = translations?.[locale]?.[field] ?? '';
  }
  return values;
}
