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
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));
}

export type Translate<M extends Messages> = (key: keyof M & string, vars?: Vars) => string;

export function translator<M extends Messages>(catalog: Catalog<M>, locale: Locale): Translate<M> {
  const strings = catalog[locale] as Messages;
  return (key, vars) => interpolate(strings[key] ?? catalog.en[key] ?? key, vars);
}

/** The plain strings of one language, to hand to a client component as a prop. */
export function messagesFor<M extends Messages>(catalog: Catalog<M>, locale: Locale): { [K in keyof M]: string } {
  return catalog[locale];
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
  /** The zone's long name in this language: "Central Standard Time" / "hora estándar central". */
  zoneName(instant: Date, timeZone: string): string;
}

export function formatters(locale: Locale): Formatters {
  const tag = INTL_LOCALE[locale];
  const utcDate = (iso: string) => new Date(`${iso}T12:00:00Z`);
  return {
    locale,
    dateTime: (instant, timeZone) =>
      new Intl.DateTimeFormat(tag, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(instant),
    day: (instant, timeZone) => new Intl.DateTimeFormat(tag, { weekday: 'long', month: 'long', day: 'numeric', timeZone }).format(instant),
    time: (instant, timeZone) => new Intl.DateTimeFormat(tag, { hour: 'numeric', minute: '2-digit', timeZone }).format(instant),
    calendarDate: (iso) => {
      const date = utcDate(iso);
      return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(tag, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' }).format(date);
    },
    calendarDay: (iso) => {
      const date = utcDate(iso);
      return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(tag, { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(date);
    },
    zoneName: (instant, timeZone) => {
      const part = new Intl.DateTimeFormat(tag, { timeZone, timeZoneName: 'long' }).formatToParts(instant).find((p) => p.type === 'timeZoneName');
      return part?.value ?? timeZone;
    },
  };
}
