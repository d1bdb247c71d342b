/**
 * Intl.NumberFormat instances cost tens of microseconds each to build and almost nothing to reuse;
 * a billing page writes a hundred amounts. One instance per locale and options, kept for the life
 * of the process, as date-time-format.ts does for dates. Browser-safe.
 */
const cache = new Map<string, Intl.NumberFormat>();
const MAX_ENTRIES = 500;

export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(key, format);
  }
  return format;
}
