import type { Metadata } from 'next';
import Link from 'next/link';
import { PortalNoteForm } from '@/components/patient-notes/portal-note-form';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { notes } from '@/lib/i18n/messages/notes';
import { getPortalI18n } from '@/lib/i18n/portal';
import { createNoteAction } from '../actions';
import { noteFormText } from '../form-text';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(notes);
  return { title: t('newTitle') };
}

/** Seed 002 "New note", about the patient in the session. */
export default async function NewNotePage() {
  await requirePortalPatient('records');
  const { t } = await getPortalI18n(notes);
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <h1 className="text-2xl font-semibold">{t('newTitle')}</h1>
      <PortalNoteForm action={createNoteAction} text={noteFormText(t, 'save')}>
        <Link href="/portal/notes" className="px-2 py-2 text-center link">{t('cancel')}</Link>
      </PortalNoteForm>
    </div>
  );
}
