import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PortalNoteForm } from '@/components/patient-notes/portal-note-form';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { notes } from '@/lib/i18n/messages/notes';
import { getPortalI18n } from '@/lib/i18n/portal';
import { getOwnPortalNote } from '@/lib/patient-notes/portal-notes';
import { updateNoteAction } from '../../actions';
import { noteFormText } from '../../form-text';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(notes);
  return { title: t('editTitle') };
}

/** Editing one of the account's own notes; any other id is a 404. */
export default async function EditNotePage({ params }: { params: Promise<{ id: string }> }) {
  const portal = await requirePortalPatient('records');
  const { t } = await getPortalI18n(notes);
  const { id } = await params;
  const note = await getOwnPortalNote(getDb(), portal, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <h1 className="text-2xl font-semibold">{t('editTitle')}</h1>
      <PortalNoteForm
        action={updateNoteAction} noteId={note.id} text={noteFormText(t, 'saveChanges')}
        initial={{ title: note.title, body: note.body, visibility: note.visibility }}
      >
        <Link href="/portal/notes" className="px-2 py-2 text-center link">{t('cancel')}</Link>
      </PortalNoteForm>
    </div>
  );
}
