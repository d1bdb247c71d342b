import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AddContactForm } from '@/components/patients/add-contact-form';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { formatPhoneForDisplay } from '@/lib/phone/format';
import { listContacts } from '@/lib/patients/contacts';
import { addContactAction, removeContactAction } from './actions';

export const metadata: Metadata = { title: 'Contacts' };

const LABEL: Record<string, string> = { parent: 'Parent', guardian: 'Guardian', caregiver: 'Caregiver', spouse: 'Spouse or partner', child: 'Child', other: 'Other' };

export default async function ContactsTab({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requireStaff('emr', 'patients.view');
  const { id } = await params;
  const contacts = await listContacts(getDb(), ctx, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const canEdit = ctx.actor.permissions.has('patients.edit');
  return (
    <div className="space-y-4">
      <section aria-labelledby="contacts-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="contacts-heading" className="text-lg font-semibold">Contacts and relationships</h2>
        {contacts.length === 0 ? (
          <p className="mt-2 text-sm text-fg-muted">No contacts recorded.</p>
        ) : (
          <ul className="mt-3 divide-y divide-line">
            {contacts.map((c) => {
              const name = c.contactPatientId ? `${c.patientFirstName} ${c.patientLastName}` : c.fullName;
              const email = c.contactPatientId ? c.patientEmail : c.email;
              const phone = c.contactPatientId ? c.patientPhone : c.phone;
              return (
                <li key={c.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                  <div>
                    <p className="font-medium">
                      {c.contactPatientId ? <Link className="text-brand-accent underline" href={`/emr/patients/${c.contactPatientId}`}>{name}</Link> : name}
                      <span className="ml-2 text-sm font-normal text-fg-muted">{LABEL[c.relationship]}{c.contactPatientId ? ` · patient ${c.patientRecordNumber}` : ''}</span>
                    </p>
                    <p className="text-sm text-fg-muted">{[email, phone ? formatPhoneForDisplay(phone) : null].filter(Boolean).join(' · ') || 'No email or phone'}</p>
                  </div>
                  {canEdit ? (
                    <form action={removeContactAction}>
                      <input type="hidden" name="patientId" value={id} />
                      <input type="hidden" name="contactId" value={c.id} />
                      <button type="submit" aria-label={`Remove ${name}`} className="rounded-md border border-line px-2.5 py-1.5 text-sm hover:bg-surface-muted">Remove</button>
                    </form>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
        <p className="mt-3 text-sm text-fg-muted">To give a contact portal access to this patient, use “Invite by email” on the Patient Portal tab.</p>
      </section>
      {canEdit ? (
        <section aria-labelledby="add-contact-heading" className="rounded-xl border border-line bg-surface p-5">
          <h2 id="add-contact-heading" className="mb-3 text-lg font-semibold">Add a contact</h2>
          <AddContactForm patientId={id} action={addContactAction} />
        </section>
      ) : null}
    </div>
  );
}
