import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DeleteNoteForm } from '@/components/patient-notes/delete-note-form';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { notes } from '@/lib/i18n/messages/notes';
import { getPortalI18n } from '@/lib/i18n/portal';
import { getOwnPortalNote } from '@/lib/patient-notes/portal-notes';
import { deleteNoteAction } from '../../actions';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(notes);
  return { title: t('deleteTitle') };
}

/** The confirmation before one of the account's own notes is deleted (a page, so it works without JavaScript). */
export default async function DeleteNotePage({ params }: { params: Promise<{ id: string }> }) {
  const portal = await requirePortalPatient('records');
  const { t } = await getPortalI18n(notes);
  const { id } = await params;
  const note = await getOwnPortalNote(getDb(), portal, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <h1 className="text-2xl font-semibold">{t('deleteTitle')}</h1>
      <div className="space-y-2 rounded-xl border border-line bg-surface p-4">
        <p className="break-words font-medium">{t('deleteQuestion', { title: note.title })}</p>
        <p className="text-fg-muted">{t('deleteExplain')}</p>
      </div>
      <DeleteNoteForm action={deleteNoteAction} noteId={note.id} label={t('deleteConfirm')} pendingLabel={t('deleting')}>
        <Link href="/portal/notes" className="px-2 py-2 text-center link">{t('cancel')}</Link>
      </DeleteNoteForm>
    </div>
  );
}
