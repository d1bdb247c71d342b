import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { handoutQuery } from '@/components/crm/handout-options';
import { HandoutSheet } from '@/components/crm/handout-sheet';
import { PrintButton } from '@/components/emr/print-button';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { getHandout, parseHandoutOptions } from '@/lib/handout/handout';
import { getRequestOrigin } from '@/lib/http/request-origin';

export const metadata: Metadata = { title: 'Portal handout — print' };

type SearchParams = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;

/** The handout alone, for the browser's Print: the staff frame and these controls stay off the paper. */
export default async function HandoutPrintPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requireStaff('crm', 'settings.manage');
  const params = await searchParams;
  const parsed = parseHandoutOptions({ lang: first(params.lang), paper: first(params.paper) });
  if (!parsed.ok) notFound();
  const { facts, handout } = await getHandout(getDb(), ctx, { lang: parsed.lang, requestOrigin: await getRequestOrigin() });
  return (
    <div className="space-y-4">
      {/* Margins that suit both A4 and US Letter; the browser's own paper setting decides the size. */}
      <style>{'@page { margin: 14mm; }'}</style>
      <div className="no-print flex flex-wrap items-center justify-between gap-3">
        <Link href={`/crm/handout?${handoutQuery(handout.locale, parsed.paper)}`} className="font-medium text-brand-accent underline">Back to the handout settings</Link>
        {facts.portalEnabled ? <PrintButton /> : <p role="status" className="text-amber-900 dark:text-amber-100">The patient portal is switched off: switch it on under Portal settings before printing.</p>}
      </div>
      <HandoutSheet handout={handout} />
    </div>
  );
}
