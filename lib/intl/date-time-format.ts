/**
 * Intl.DateTimeFormat instances are costly to build (tens of microseconds to milliseconds each,
 * with time-zone data) and cheap to reuse; pages format dozens of dates and the slot engine
 * hundreds. One instance per locale and options, kept for the life of the process (the set of
 * locales, zones and option shapes the app uses is small and fixed).
 */
const cache = new Map<string, Intl.DateTimeFormat>();
const MAX_ENTRIES = 2_000;

export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(key, format);
  }
  return format;
}
