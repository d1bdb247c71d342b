import { SelectField } from '@/components/crm/settings-fields';
import { LOCALE_NAMES, LOCALES, type Locale } from '@/lib/i18n/core';
import type { Paper } from '@/lib/handout/pdf';

const PAPERS: { value: Paper; label: string }[] = [
  { value: 'letter', label: 'US Letter' },
  { value: 'a4', label: 'A4' },
];

const linkClass = 'inline-flex min-h-11 items-center justify-center rounded-lg border border-line bg-surface px-4 py-2.5 font-medium hover:bg-surface-muted';

export function handoutQuery(locale: Locale, paper: Paper): string {
  return new URLSearchParams({ lang: locale, paper }).toString();
}

/**
 * The language and paper of the handout: a plain GET form (it works without JavaScript), then the
 * two ways out, the print view and the PDF, for what is chosen.
 */
export function HandoutOptions({ locale, paper }: { locale: Locale; paper: Paper }) {
  const query = handoutQuery(locale, paper);
  return (
    <div className="space-y-4">
      <form method="get" action="/crm/handout" className="grid items-end gap-4 sm:grid-cols-[1fr_1fr_auto]">
        <SelectField label="Language" name="lang" defaultValue={locale} options={LOCALES.map((l) => ({ value: l, label: LOCALE_NAMES[l] }))} />
        <SelectField label="Paper (PDF)" name="paper" defaultValue={paper} options={PAPERS} />
        <button type="submit" className={linkClass}>Show</button>
      </form>
      <div className="flex flex-wrap gap-3">
        <a href={`/crm/handout/print?${query}`} className={linkClass}>Open print view</a>
        <a href={`/crm/handout/pdf?${query}`} className={linkClass} download>Download PDF</a>
      </div>
    </div>
  );
}
