import { dateTimeFormat } from '@/lib/intl/date-time-format';
/**
 * Portal translations: typed catalogs (every Spanish key must exist for every English one, checked
 * by the compiler) and Intl-based formatting per language. Pure, so client components and tests
 * can use it; the request's language is chosen in ./portal.ts.
 */
export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', es: 'Español' };
/** BCP 47 tags for Intl: dates and numbers are written the way each language writes them. */
export const INTL_LOCALE: Record<Locale, string> = { en: 'en-US', es: 'es-US' };

/**
 * Remembers the last language a patient chose on this device, so the sign-in page after signing
 * out (or an expired session) is in their language. Not a secret and not health information.
 */
export const PORTAL_LANGUAGE_COOKIE = 'cb_portal_lang';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function toLocale(value: unknown): Locale {
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

export type Messages = Record<string, string>;
export interface Catalog<M extends Messages> {
  en: M;
  es: { [K in keyof M]: string };
}

/** A namespace's strings in both languages; a missing Spanish key is a type error. */
export function defineMessages<M extends Messages>(en: M, es: { [K in keyof M]: string }): Catalog<M> {
  return { en, es };
}

export type Vars = Record<string, string | number>;

/** "Hello, {name}" + { name: 'Maria' } -> "Hello, Maria". Unknown placeholders stay visible. */
export function interpolate(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (Object.hasOwn(vars, key) ? String(vars[key]) : whole));
}

export type Translate<M extends Messages> = (key: keyof M & string, vars?: Vars) => string;

export function translator<M extends Messages>(catalog: Catalog<M>, locale: Locale): Translate<M> {
  const strings = catalog[locale] as Messages;
  // An empty translation counts as missing: English beats a blank label.
  return (key, vars) => interpolate(strings[key] || catalog.en[key] || key, vars);
}

/**
 * Splits a translated sentence around placeholders that stand for elements (a link inside a
 * sentence): "Earlier documents are under {link}." + { link: <Link/> } -> ['Earlier…under ', <Link/>, '.'].
 * Word order stays the translator's. Text placeholders should be filled by `t` first.
 */
export function interpolateParts<T>(template: string, parts: Record<string, T>): (string | T)[] {
  const out: (string | T)[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    const key = match[1]!;
    if (!Object.hasOwn(parts, key)) continue;
    if (match.index > last) out.push(template.slice(last, match.index));
    out.push(parts[key]!);
    last = match.index + match[0].length;
  }
  if (last < template.length) out.push(template.slice(last));
  return out;
}

/** The {placeholders} a template uses, sorted: a translation must use the same ones. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
}

/** The plain strings of one language, to hand to a client component as a prop. */
export function messagesFor<M extends Messages>(catalog: Catalog<M>, locale: Locale): { [K in keyof M]: string } {
  return catalog[locale];
}

/** Only `keys` of one language: a client component gets the words it shows, not a whole catalogue. */
export function pickMessages<M extends Messages, K extends keyof M & string>(catalog: Catalog<M>, locale: Locale, keys: readonly K[]): { [P in K]: string } {
  const all: Record<string, string> = catalog[locale];
  return Object.fromEntries(keys.map((key) => [key, all[key]])) as { [P in K]: string };
}

export interface Formatters {
  locale: Locale;
  /** "Tue, Nov 24, 2026, 10:30 AM CST" / "mar, 24 nov 2026, 10:30 a. m. CST" in `timeZone`. */
  dateTime(instant: Date, timeZone: string): string;
  /** "Tuesday, November 24" in `timeZone` (a day heading). */
  day(instant: Date, timeZone: string): string;
  /** "10:30 AM" in `timeZone`. */
  time(instant: Date, timeZone: string): string;
  /** A calendar date (YYYY-MM-DD) with no zone shift: "Nov 3, 2026". */
  calendarDate(isoDate: string): string;
  /** A calendar date with its weekday: "Tuesday, November 24". */
  calendarDay(isoDate: string): string;
  /** A calendar date in digits, the way the language writes it: "09/03/2016" / "03/09/2016". */
  numericDate(isoDate: string): string;
  /** The zone's long name in this language: "Central Standard Time" / "hora estándar central". */
  zoneName(instant: Date, timeZone: string): string;
}

export function formatters(locale: Locale): Formatters {
  const tag = INTL_LOCALE[locale];
  const utcDate = (iso: string) => new Date(`${iso}T12:00:00Z`);
  return {
    locale,
    dateTime: (instant, timeZone) =>
      dateTimeFormat(tag, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(instant),
    day: (instant, timeZone) => dateTimeFormat(tag, { weekday: 'long', month: 'long', day: 'numeric', timeZone }).format(instant),
    time: (instant, timeZone) => dateTimeFormat(tag, { hour: 'numeric', minute: '2-digit', timeZone }).format(instant),
    calendarDate: (iso) => {
      const date = utcDate(iso);
      return Number.isNaN(date.getTime()) ? iso : dateTimeFormat(tag, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' }).format(date);
    },
    calendarDay: (iso) => {
      const date = utcDate(iso);
      return Number.isNaN(date.getTime()) ? iso : dateTimeFormat(tag, { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(date);
    },
    numericDate: (iso) => {
      const date = utcDate(iso);
      return Number.isNaN(date.getTime()) ? iso : dateTimeFormat(tag, { month: '2-digit', day: '2-digit', year: 'numeric', timeZone: 'UTC' }).format(date);
    },
    zoneName: (instant, timeZone) => {
      const part = dateTimeFormat(tag, { timeZone, timeZoneName: 'long' }).formatToParts(instant).find((p) => p.type === 'timeZoneName');
      return part?.value ?? timeZone;
    },
  };
}

/** True for an IANA zone this runtime knows; a zone saved long ago may have been renamed since. */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
