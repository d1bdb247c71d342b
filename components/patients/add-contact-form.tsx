'use client';

import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { contactInputSchema } from '@/lib/patients/contact-schema';
import type { ContactFormState } from '@/lib/patients/form-state';

const RELATIONSHIPS: [string, string][] = [
  ['parent', 'Parent'], ['guardian', 'Guardian'], ['caregiver', 'Caregiver'], ['spouse', 'Spouse or partner'], ['child', 'Child'], ['other', 'Other'],
];

export function AddContactForm({ patientId, action }: { patientId: string; action: FormAction<ContactFormState> }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(contactInputSchema, action, { defaultValues: { kind: 'person', relationship: 'parent' } });
  // Controlled radios: the fields shown follow the choice, and a form reset after saving keeps it.
  const kind = form.watch('kind') === 'patient' ? 'patient' : 'person';
  return (
    <form {...formProps} className="space-y-4">
      <input type="hidden" name="patientId" value={patientId} />
      <fieldset>
        <legend className="text-sm font-medium">The contact is</legend>
        <div className="mt-2 flex flex-wrap gap-4 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" {...form.register('kind')} value="person" checked={kind === 'person'} /> A person who is not a patient
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" {...form.register('kind')} value="patient" checked={kind === 'patient'} /> Another patient of the clinic
          </label>
        </div>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="contact-relationship" className="block text-sm font-medium">Relationship to the patient</label>
          <select id="contact-relationship" {...form.register('relationship')} defaultValue="parent" className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5">
            {RELATIONSHIPS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
        </div>
        {kind === 'patient' ? (
          <TextField label="Record number" {...form.register('recordNumber')} placeholder="e.g. SUN-10001" error={errorFor('recordNumber')} />
        ) : (
          <>
            <TextField label="Full name" {...form.register('fullName')} error={errorFor('fullName')} />
            <TextField label="Email" {...form.register('email')} type="email" error={errorFor('email')} />
            <TextField label="Mobile phone" {...form.register('phone')} type="tel" error={errorFor('phone')} />
          </>
        )}
      </div>
      <PrimaryButton type="submit" disabled={pending}>{pending ? 'Saving…' : 'Add contact'}</PrimaryButton>
      <FormMessage message={errorFor('kind') ?? state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
