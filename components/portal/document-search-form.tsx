import Link from 'next/link';
import { PrimaryButton, TextField } from '@/components/ui/form-controls';

export interface DocumentSearchValues {
  q: string;
  type: string;
  from: string;
  to: string;
}

/** Seed 004's "smart search": a plain GET form, so results have a shareable URL and need no JavaScript. */
export function DocumentSearchForm({ values, types, error }: { values: DocumentSearchValues; types: { id: string; name: string }[]; error?: string }) {
  const filtered = Boolean(values.q || values.type || values.from || values.to);
  return (
    <form method="get" action="/portal/documents" role="search" aria-label="Search documents" className="space-y-4 rounded-xl border border-line bg-surface p-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Search" name="q" type="search" defaultValue={values.q} maxLength={100} hint="Title or type, for example “blood test”" />
        <div>
          <label htmlFor="document-type" className="block text-sm font-medium">Type</label>
          <select
            id="document-type"
            name="type"
            defaultValue={values.type}
            className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5 text-base text-fg shadow-sm focus:border-brand-accent focus:outline-none focus:ring-2 focus:ring-brand-accent"
          >
            <option value="">All types</option>
            {types.map((t) => (
              <option key={t.id} value={t.id}>{t.name}</option>
            ))}
          </select>
        </div>
        <TextField label="Examined from" name="from" type="date" defaultValue={values.from} error={error} />
        <TextField label="Examined to" name="to" type="date" defaultValue={values.to} />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <PrimaryButton type="submit">Search</PrimaryButton>
        {filtered ? (
          <Link href="/portal/documents" className="text-sm font-medium text-brand-accent underline-offset-2 hover:underline">
            Clear search
          </Link>
        ) : null}
      </div>
    </form>
  );
}
