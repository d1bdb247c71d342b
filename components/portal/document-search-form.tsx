import Link from 'next/link';
import { PrimaryButton, TextField } from '@/components/ui/form-controls';
import { translator, type Locale } from '@/lib/i18n/core';
import { portalDocuments } from '@/lib/i18n/messages/portal-documents';

export interface DocumentSearchValues {
  q: string;
  type: string;
  from: string;
  to: string;
}

/** Seed 004's "smart search": a plain GET form, so results have a shareable URL and need no JavaScript. */
export function DocumentSearchForm({
  values,
  types,
  error,
  locale,
}: {
  values: DocumentSearchValues;
  types: { id: string; name: string }[];
  error?: string;
  locale: Locale;
}) {
  const t = translator(portalDocuments, locale);
  const filtered = Boolean(values.q || values.type || values.from || values.to);
  return (
    <form method="get" action="/portal/documents" role="search" aria-label={t('searchFormLabel')} className="space-y-4 rounded-xl border border-line bg-surface p-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label={t('searchLabel')} name="q" type="search" defaultValue={values.q} maxLength={100} hint={t('searchHint')} />
        <div>
          <label htmlFor="document-type" className="block text-sm font-medium">{t('typeLabel')}</label>
          <select
            id="document-type"
            name="type"
            defaultValue={values.type}
            className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5 text-base text-fg shadow-sm focus:border-brand-accent focus:outline-none focus:ring-2 focus:ring-brand-accent"
          >
            <option value="">{t('allTypes')}</option>
            {types.map((type) => (
              <option key={type.id} value={type.id}>{type.name}</option>
            ))}
          </select>
        </div>
        <TextField label={t('fromLabel')} name="from" type="date" defaultValue={values.from} error={error} />
        <TextField label={t('toLabel')} name="to" type="date" defaultValue={values.to} />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <PrimaryButton type="submit">{t('searchButton')}</PrimaryButton>
        {filtered ? (
          <Link href="/portal/documents" className="text-sm font-medium text-brand-accent underline-offset-2 hover:underline">
            {t('clearSearch')}
          </Link>
        ) : null}
      </div>
    </form>
  );
}
