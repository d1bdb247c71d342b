import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AddToCareTeamForm, RemoveFromCareTeamButton } from '@/components/emr/messages/care-team-forms';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { listAssignableStaff, listPatientAssignments } from '@/lib/conversations';
import { formatMessageTime, messagingZone } from '@/lib/conversations/staff-display';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { addToCareTeamAction, removeFromCareTeamAction } from './actions';

export const metadata: Metadata = { title: 'Care team' };

/**
 * The staff assigned to this patient. Under the "Assigned clients only" messaging policy only
 * they can see and write this patient's messages, and the patient can start a conversation only
 * while someone is assigned.
 */
export default async function CareTeamTab({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const { profile } = await getPageTenant(params);
  const ctx = await requireStaff('emr', 'patients.view');
  const { id } = await params;
  const db = getDb();
  const canEdit = ctx.actor.permissions.has('patients.edit');
  const [assigned, staff] = await Promise.all([
    listPatientAssignments(db, ctx, id),
    canEdit ? listAssignableStaff(db, ctx) : Promise.resolve([]),
  ]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const onTeam = new Set(assigned.map((a) => a.staffId));
  const zone = messagingZone(profile);
  return (
    <div className="space-y-4">
      <section aria-labelledby="care-team-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="care-team-heading" className="text-lg font-semibold">Care team</h2>
        <p className="mt-1 text-sm text-fg-muted">
          Staff assigned to this patient. When the clinic’s messaging policy is “Assigned clients only”, only these people can see and send this patient’s messages,
          and the patient can start a conversation only while at least one person is assigned.
        </p>
        {assigned.length === 0 ? (
          <p className="mt-3 text-sm">Nobody is assigned to this patient yet.{canEdit ? ' Add a staff member below.' : ''}</p>
        ) : (
          <ul className="mt-3 divide-y divide-line">
            {assigned.map((a) => (
              <li key={a.staffId} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <p>
                  <span className="font-medium">{a.name}</span>
                  <span className="ml-2 text-sm text-fg-muted">since {formatMessageTime(a.assignedAt, zone)}</span>
                </p>
                {canEdit ? <RemoveFromCareTeamButton patientId={id} staffId={a.staffId} name={a.name} action={removeFromCareTeamAction} /> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      {canEdit ? (
        <section aria-labelledby="add-care-heading" className="rounded-xl border border-line bg-surface p-5">
          <h2 id="add-care-heading" className="text-lg font-semibold">Add a staff member</h2>
          <p className="mt-1 text-sm text-fg-muted">Only active staff whose access level can read messages are listed.</p>
          <div className="mt-3">
            <AddToCareTeamForm patientId={id} candidates={staff.filter((s) => !onTeam.has(s.id))} action={addToCareTeamAction} />
          </div>
        </section>
      ) : null}
    </div>
  );
}
