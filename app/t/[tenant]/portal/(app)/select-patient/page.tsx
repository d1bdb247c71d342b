import type { Metadata } from 'next';
import { requirePortalAccount } from '@/lib/auth/portal-session';
import { translator } from '@/lib/i18n/core';
import { common } from '@/lib/i18n/messages/common';
import { portalSelectPatient } from '@/lib/i18n/messages/portal-select-patient';
import { getPortalI18n } from '@/lib/i18n/portal';
import { relationshipLabel } from '@/lib/patients/display';
import { scopeNoteKey } from '@/lib/portal-access/scope-note';
import { choosePatientAction } from '../actions';
import { ArrowRight } from 'lucide-react';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(portalSelectPatient);
  return { title: t('title') };
}

export default async function SelectPatientPage() {
  const portal = await requirePortalAccount();
  const { t, fmt, locale } = await getPortalI18n(portalSelectPatient);
  const c = translator(common, locale);
  return (
    <section aria-labelledby="choose-heading" className="mx-auto max-w-lg">
      <h1 id="choose-heading" className="text-2xl font-semibold">{t('heading')}</h1>
      <p className="mt-2 text-fg-muted">{t('intro')}</p>
      {portal.patients.length === 0 ? (
        <p className="mt-6 rounded-lg border border-line bg-surface p-4">{t('none')}</p>
      ) : (
        <ul className="mt-6 space-y-3">
          {portal.patients.map((p) => {
            const noteKey = scopeNoteKey(p);
            const note = noteKey ? c(noteKey, { name: p.firstName }) : null;
            const line = t('profileLine', { relationship: relationshipLabel(p.relationship, locale), date: fmt.numericDate(p.dateOfBirth) });
            // A profile the account cannot act for today is shown with the reason, not offered.
            if (p.areas.length === 0) {
              return (
                <li key={p.id} className="rounded-xl border border-line bg-surface-muted p-4">
                  <span className="block font-semibold">{p.firstName} {p.lastName}</span>
                  <span className="block text-sm text-fg-muted">{line}</span>
                  {note ? <span className="block text-sm">{note}</span> : null}
                </li>
              );
            }
            return (
              <li key={p.id}>
                <form action={choosePatientAction}>
                  <input type="hidden" name="patientId" value={p.id} />
                  <button
                    type="submit"
                    className="flex w-full items-center justify-between rounded-xl border border-line bg-surface p-4 text-left hover:border-brand-accent"
                  >
                    <span>
                      <span className="block font-semibold">
                        {p.firstName} {p.lastName}
                      </span>
                      <span className="block text-sm text-fg-muted">{line}</span>
                      {note ? <span className="block text-sm">{note}</span> : null}
                    </span>
                    <ArrowRight aria-hidden className="size-5 shrink-0 text-brand-accent" />
                  </button>
                </form>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
