import { formatters, translator, type Locale } from '@/lib/i18n/core';
import { common } from '@/lib/i18n/messages/common';

/** 2026-11-03 -> "Nov 3, 2026" / "3 nov 2026", without a zone shift (a calendar date has no zone). */
export function formatCalendarDate(isoDate: string | null, locale: Locale): string {
  if (!isoDate) return translator(common, locale)('notRecorded');
  return formatters(locale).calendarDate(isoDate);
}
