/** 2026-11-03 -> "Nov 3, 2026" without a time zone shift (a calendar date has no zone). */
export function formatCalendarDate(isoDate: string | null): string {
  if (!isoDate) return 'Not recorded';
  const date = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' }).format(date);
}
