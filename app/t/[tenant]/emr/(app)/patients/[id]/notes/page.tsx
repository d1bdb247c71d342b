import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AddStaffNoteForm, StaffNoteRowActions } from '@/components/patient-notes/staff-note-forms';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { messagingZone } from '@/lib/conversations/staff-display';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import type { StaffNoteVisibility } from '@/lib/patient-notes/note-rules';
import { listChartNotes, type ChartNote } from '@/lib/patient-notes/staff-notes';
import { relationshipLabel } from '@/lib/patients/display';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';
import { addStaffNoteAction, deleteStaffNoteAction, updateStaffNoteAction } from './actions';

export const metadata: Metadata = { title: 'Notes' };

/** The chart's notes: staff notes (internal or shared with the patient) and the notes the patient shared, read-only. */
export default async function PatientNotesTab({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requireStaff('emr', 'patients.view');
  const { id } = await params;
  const notes = await listChartNotes(getDb(), ctx, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const profile = await getTenantProfile(ctx.tenant.id);
  const zone = messagingZone(profile ?? { locations: [] });
  const format = dateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone });
  const canWrite = ctx.actor.permissions.has('patients.edit');
  const staffNotes = notes.filter((n) => n.authorKind === 'staff');
  const patientNotes = notes.filter((n) => n.authorKind === 'patient');

  const meta = (note: ChartNote) => (
    <dl className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm text-fg-muted">
      <div className="flex gap-1">
        <dt>By</dt>
        <dd>
          {note.authorName ?? 'A deleted portal account'}
          {note.authorKind === 'patient' && note.authorRelationship && note.authorRelationship !== 'self' ? ` (${relationshipLabel(note.authorRelationship).toLowerCase()})` : ''}
        </dd>
      </div>
      <div className="flex gap-1">
        <dt>Written</dt>
        <dd>{format.format(note.createdAt)}</dd>
      </div>
      {note.updatedAt.getTime() - note.createdAt.getTime() > 1000 ? (
        <div className="flex gap-1">
          <dt>Edited</dt>
          <dd>{format.format(note.updatedAt)}</dd>
        </div>
      ) : null}
    </dl>
  );

  return (
    <div className="space-y-4">
      <section aria-labelledby="staff-notes-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="staff-notes-heading" className="text-lg font-semibold">Staff notes</h2>
        <p className="mt-1 text-sm text-fg-muted">Internal notes are for the clinic only; shared notes also show in the patient portal. Only the author can edit or delete a note.</p>
        {staffNotes.length === 0 ? (
          <p className="mt-3 text-sm text-fg-muted">No staff notes yet.</p>
        ) : (
          <ul className="mt-3 divide-y divide-line">
            {staffNotes.map((note) => (
              <li key={note.id} className="py-4">
                <article aria-labelledby={`note-${note.id}`}>
                  <h3 id={`note-${note.id}`} className="break-words font-semibold">
                    {note.title}
                    <span className={`ml-2 rounded-full px-2 py-0.5 text-xs font-medium ${note.visibility === 'shared' ? 'bg-brand-soft text-fg' : 'bg-surface-muted text-fg'}`}>
                      {note.visibility === 'shared' ? 'Shared with the patient' : 'Internal'}
                    </span>
                  </h3>
                  {meta(note)}
                  <p className="mt-2 whitespace-pre-wrap break-words text-sm">{note.body}</p>
                  {note.mine && canWrite ? (
                    <StaffNoteRowActions
                      patientId={id} noteId={note.id}
                      values={{ title: note.title, body: note.body, visibility: note.visibility as StaffNoteVisibility }}
                      actions={{ update: updateStaffNoteAction, remove: deleteStaffNoteAction }}
                    />
                  ) : null}
                </article>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="patient-notes-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="patient-notes-heading" className="text-lg font-semibold">Shared by the patient</h2>
        <p className="mt-1 text-sm text-fg-muted">Notes the patient, or someone acting for them in the portal, chose to share with the clinic. Read-only; private notes are never shown here.</p>
        {patientNotes.length === 0 ? (
          <p className="mt-3 text-sm text-fg-muted">The patient has not shared any notes.</p>
        ) : (
          <ul className="mt-3 divide-y divide-line">
            {patientNotes.map((note) => (
              <li key={note.id} className="py-4">
                <article aria-labelledby={`note-${note.id}`}>
                  <h3 id={`note-${note.id}`} className="break-words font-semibold">{note.title}</h3>
                  {meta(note)}
                  <p className="mt-2 whitespace-pre-wrap break-words text-sm">{note.body}</p>
                </article>
              </li>
            ))}
          </ul>
        )}
      </section>

      {canWrite ? (
        <section aria-labelledby="add-note-heading" className="rounded-xl border border-line bg-surface p-5">
          <h2 id="add-note-heading" className="mb-3 text-lg font-semibold">Add a note</h2>
          <AddStaffNoteForm patientId={id} action={addStaffNoteAction} />
        </section>
      ) : null}
    </div>
  );
}
