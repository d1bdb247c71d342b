'use client';

import { useActionState, useState } from 'react';
import { addContactAction, type ContactFormState } from '@/app/t/[tenant]/emr/(app)/patients/[id]/contacts/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';

const RELATIONSHIPS: [string, string][] = [
  ['parent', 'Parent'], ['guardian', 'Guardian'], ['caregiver', 'Caregiver'], ['spouse', 'Spouse or partner'], ['child', 'Child'], ['other', 'Other'],
];

export function AddContactForm({ patientId }: { patientId: string }) {
  const [state, action, pending] = useActionState<ContactFormState, FormData>(addContactAction, {});
  const [kind, setKind] = useState<'patient' | 'person'>('person');
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="patientId" value={patientId} />
      <fieldset>
        <legend className="text-sm font-medium">The contact is</legend>
        <div className="mt-2 flex flex-wrap gap-4 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" name="kind" value="person" checked={kind === 'person'} onChange={() => setKind('person')} /> A person who is not a patient
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="kind" value="patient" checked={kind === 'patient'} onChange={() => setKind('patient')} /> Another patient of the clinic
          </label>
        </div>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="contact-relationship" className="block text-sm font-medium">Relationship to the patient</label>
          <select id="contact-relationship" name="relationship" defaultValue="parent" className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5">
            {RELATIONSHIPS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
        </div>
        {kind === 'patient' ? (
          <TextField label="Record number" name="recordNumber" placeholder="e.g. SUN-10001" error={e.recordNumber} />
        ) : (
          <>
            <TextField label="Full name" name="fullName" error={e.fullName} />
            <TextField label="Email" name="email" type="email" error={e.email} />
            <TextField label="Mobile phone" name="phone" type="tel" error={e.phone} />
          </>
        )}
      </div>
      <PrimaryButton type="submit" disabled={pending}>{pending ? 'Saving…' : 'Add contact'}</PrimaryButton>
      <FormMessage message={state.message ?? e.kind} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
