import type { Metadata } from 'next';
import Link from 'next/link';
import { HandoutNoteForm } from '@/components/crm/handout-note-form';
import { HandoutOptions } from '@/components/crm/handout-options';
import { HandoutSheet } from '@/components/crm/handout-sheet';
import { CardSection, FormSection } from '@/components/ui/sections';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { getHandout, parseHandoutOptions } from '@/lib/handout/handout';
import { getRequestOrigin } from '@/lib/http/request-origin';
import { saveHandoutNoteAction } from './actions';

export const metadata: Metadata = { title: 'Portal handout' };

type SearchParams = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;

/** Seed 003: a handout for patients on what the portal offers and how to get in, to print or download. */
export default async function HandoutPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requireStaff('crm', 'settings.manage');
  const params = await searchParams;
  const parsed = parseHandoutOptions({ lang: first(params.lang), paper: first(params.paper) });
  const options = parsed.ok ? parsed : { lang: null, paper: 'letter' as const };
  const { facts, handout } = await getHandout(getDb(), ctx, { lang: options.lang, requestOrigin: await getRequestOrigin() });
  return (
    <Page
      title="Portal handout"
      description="A sheet for patients: your portal’s address, how to get in, and what they can do there, in your brand and in each portal language. It follows your portal settings as they are now."
    >
      {parsed.ok ? null : <p role="alert" className="rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-sm font-medium text-red-800">{parsed.message} Showing the default instead.</p>}
      {facts.portalEnabled ? null : (
        <p role="status" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950">
          The patient portal is switched off, so patients could not use this handout. Switch it on under{' '}
          <Link href="/crm/portal-settings" className="font-medium underline">Portal settings</Link> before you print it; the PDF is refused until then.
        </p>
      )}
      <CardSection id="handout-output" title="Print or download" description="Choose the patient’s language. The print view fits A4 and US Letter; the PDF is made for the paper you choose.">
        <div className="mt-3">
          <HandoutOptions locale={handout.locale} paper={options.paper} />
        </div>
      </CardSection>
      <FormSection id="handout-paragraph" title="Your paragraph" description="Anything else patients should know about your portal.">
        <HandoutNoteForm action={saveHandoutNoteAction} initial={facts.note} />
      </FormSection>
      <section aria-labelledby="handout-preview" className="space-y-3">
        <h2 id="handout-preview" className="text-lg font-semibold">Preview</h2>
        <HandoutSheet handout={handout} level={3} />
      </section>
    </Page>
  );
}
