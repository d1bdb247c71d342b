import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '@/components/portal/empty-state';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { patientZone } from '@/lib/conversations/display-message';
import { notes } from '@/lib/i18n/messages/notes';
import { getPortalI18n } from '@/lib/i18n/portal';
import { listPortalNotes } from '@/lib/patient-notes/portal-notes';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(notes);
  return { title: t('title') };
}

const DONE = { created: 'created', updated: 'updated', deleted: 'deleted' } as const;
const buttonLink =
  'inline-flex min-h-11 items-center justify-center rounded-lg bg-brand px-4 py-2.5 text-base font-semibold text-brand-contrast shadow-sm hover:shadow-md';
const rowLink = 'inline-flex min-h-11 items-center rounded-lg border border-line px-3 font-medium hover:bg-surface-muted';

/** Seed 002 "Documentation": the patient's own notes and the clinic's shared ones, for the patient in the session. */
export default async function PortalNotesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const portal = await requirePortalPatient('records');
  const { t, fmt } = await getPortalI18n(notes);
  const profile = await getTenantProfile(portal.tenant.id);
  const zone = patientZone(portal.account.timeZone, profile?.locations ?? []);
  const { own, fromClinic } = await listPortalNotes(getDb(), portal);
  const done = (await searchParams).done;
  const notice = typeof done === 'string' && Object.hasOwn(DONE, done) ? t(DONE[done as keyof typeof DONE]) : undefined;
  const when = (createdAt: Date, updatedAt: Date) => (
    <>
      <div className="flex gap-1">
        <dt>{t('writtenTerm')}</dt>
        <dd>{fmt.dateTime(createdAt, zone)}</dd>
      </div>
      {updatedAt.getTime() - createdAt.getTime() > 1000 ? (
        <div className="flex gap-1">
          <dt>{t('editedTerm')}</dt>
          <dd>{fmt.dateTime(updatedAt, zone)}</dd>
        </div>
      ) : null}
    </>
  );
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">{t('title')}</h1>
          <p className="mt-1 text-fg-muted">
            {portal.patient.relationship === 'self' ? t('introSelf') : t('introOther', { name: portal.patient.firstName })}
          </p>
        </div>
        <Link href="/portal/notes/new" className={buttonLink}>{t('newNote')}</Link>
      </div>
      {notice ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">{notice}</p> : null}

      <section aria-labelledby="own-notes-heading" className="space-y-3">
        <h2 id="own-notes-heading" className="text-lg font-semibold">{t('yourNotes')}</h2>
        {own.length === 0 ? (
          <EmptyState title={t('yourNotesNoneTitle')}>{t('yourNotesNoneBody')}</EmptyState>
        ) : (
          <ul className="space-y-3">
            {own.map((note) => (
              <li key={note.id}>
                <article aria-labelledby={`note-${note.id}`} className="rounded-xl border border-line bg-surface p-4">
                  <h3 id={`note-${note.id}`} className="break-words font-semibold">{note.title}</h3>
                  <dl className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm text-fg-muted">
                    <div className="flex gap-1">
                      <dt>{t('visibilityTerm')}</dt>
                      <dd>{note.visibility === 'shared' ? t('visibilityShared') : t('visibilityPrivate')}</dd>
                    </div>
                    {when(note.createdAt, note.updatedAt)}
                  </dl>
                  <p className="mt-3 whitespace-pre-wrap break-words">{note.body}</p>
                  <div className="mt-3 flex flex-wrap gap-2">
                    <Link href={`/portal/notes/${note.id}/edit`} className={rowLink} aria-label={t('editNoteLabel', { title: note.title })}>{t('edit')}</Link>
                    <Link href={`/portal/notes/${note.id}/delete`} className={rowLink} aria-label={t('deleteNoteLabel', { title: note.title })}>{t('delete')}</Link>
                  </div>
                </article>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="clinic-notes-heading" className="space-y-3">
        <h2 id="clinic-notes-heading" className="text-lg font-semibold">{t('clinicNotes')}</h2>
        {fromClinic.length === 0 ? (
          <EmptyState title={t('clinicNotesNoneTitle')} />
        ) : (
          <ul className="space-y-3">
            {fromClinic.map((note) => (
              <li key={note.id}>
                <article aria-labelledby={`note-${note.id}`} className="rounded-xl border border-line bg-surface p-4">
                  <h3 id={`note-${note.id}`} className="break-words font-semibold">{note.title}</h3>
                  <dl className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm text-fg-muted">
                    <div className="flex gap-1">
                      <dt>{t('authorTerm')}</dt>
                      <dd>{note.staffName ?? t('clinicTeam')}</dd>
                    </div>
                    {when(note.createdAt, note.updatedAt)}
                  </dl>
                  <p className="mt-3 whitespace-pre-wrap break-words">{note.body}</p>
                </article>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
