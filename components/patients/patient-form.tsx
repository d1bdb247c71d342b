'use client';

import Link from 'next/link';
import type { UseFormRegisterReturn } from 'react-hook-form';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import type { PatientFormState } from '@/lib/patients/form-state';
import { patientInputSchema, type PatientInput } from '@/lib/patients/schemas';

type Values = Record<string, string>;
type Field = keyof PatientInput;

function Select({ label, field, value, options, error }: { label: string; field: UseFormRegisterReturn; value?: string; options: [string, string][]; error?: string }) {
  return (
    <div>
      <label htmlFor={`f-${field.name}`} className="block text-sm font-medium">{label}</label>
      <select id={`f-${field.name}`} {...field} defaultValue={value} aria-invalid={error ? true : undefined} className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5">
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
      {error ? <p className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{error}</p> : null}
    </div>
  );
}

/** Create and edit a patient; shows possible duplicates before creating. */
export function PatientForm({
  action,
  initial,
  patientId,
  nationalIdLabel,
  submitLabel,
}: {
  action: FormAction<PatientFormState>;
  initial: Values;
  patientId?: string;
  nationalIdLabel: string;
  submitLabel: string;
}) {
  const { form, state, pending, formProps, errorFor } = useActionForm(patientInputSchema, action);
  const v = { ...initial, ...state.values };
  // A new key when the shown value changes (a refused post), so the field shows it.
  const text = (name: Field, label: string, props: Partial<React.ComponentProps<typeof TextField>> = {}) => (
    <TextField key={`${name}-${v[name] ?? ''}`} label={label} {...form.register(name)} defaultValue={v[name] ?? ''} error={errorFor(name)} {...props} />
  );
  return (
    <form {...formProps} className="space-y-6">
      {patientId ? <input type="hidden" name="patientId" value={patientId} /> : null}
      <FormMessage message={state.message} />
      {state.duplicates?.length ? (
        <div className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950">
          <p className="font-medium">Possible matches</p>
          <ul className="mt-2 list-disc pl-5 text-sm">
            {state.duplicates.map((d) => (
              <li key={d.id}>
                <Link className="underline" href={`/emr/patients/${d.id}`}>{d.lastName}, {d.firstName}</Link> · {d.recordNumber} · born {d.dateOfBirth}
                {d.reason === 'national-id' ? ' · same national ID' : ' · same name and date of birth'}
              </li>
            ))}
          </ul>
          {state.duplicates.every((d) => d.reason !== 'national-id') ? (
            <label className="mt-3 flex items-center gap-2 text-sm font-medium">
              <input type="checkbox" name="confirmDuplicates" value="yes" /> This is a different person: create a new record
            </label>
          ) : null}
        </div>
      ) : null}
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-lg font-semibold">Person</legend>
        {text('firstName', 'First name', { required: true, autoComplete: 'off' })}
        {text('lastName', 'Last name', { required: true, autoComplete: 'off' })}
        {text('dateOfBirth', 'Date of birth (MM/DD/YYYY)', { required: true, inputMode: 'numeric', placeholder: 'MM/DD/YYYY' })}
        <Select label="Sex" field={form.register('sex')} value={v.sex ?? 'unknown'} error={errorFor('sex')} options={[['female', 'Female'], ['male', 'Male'], ['other', 'Other'], ['unknown', 'Not recorded']]} />
        {text('nationalId', nationalIdLabel, { autoComplete: 'off', placeholder: patientId ? 'Leave empty to keep the current one' : '' })}
        <Select label="Preferred language" field={form.register('preferredLanguage')} value={v.preferredLanguage ?? 'en'} error={errorFor('preferredLanguage')} options={[['en', 'English'], ['es', 'Spanish']]} />
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-lg font-semibold">Contact</legend>
        {text('email', 'Email', { type: 'email', autoComplete: 'off' })}
        {text('phone', 'Mobile phone', { type: 'tel', autoComplete: 'off', hint: 'Needed for the patient portal: codes are sent by SMS.' })}
        {text('addressLine1', 'Address')}
        {text('addressLine2', 'Address line 2')}
        {text('city', 'City')}
        {text('region', 'State or region')}
        {text('postalCode', 'Postal code')}
        {text('country', 'Country (2 letters)', { maxLength: 2 })}
      </fieldset>
      <div className="flex gap-3">
        <PrimaryButton type="submit" disabled={pending}>{pending ? 'Saving…' : submitLabel}</PrimaryButton>
        <Link href={patientId ? `/emr/patients/${patientId}` : '/emr/patients'} className="inline-flex min-h-11 items-center rounded-lg border border-line px-4 font-medium">Cancel</Link>
      </div>
    </form>
  );
}
