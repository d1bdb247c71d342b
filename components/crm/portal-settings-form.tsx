'use client';

import Link from 'next/link';
import { TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { portalSettingsSchema } from '@/lib/settings/schemas';
import { CheckboxField, ChoiceCards } from './settings-fields';

export interface PortalSettingsFormValues {
  portalEnabled: boolean;
  identificationMode: string;
  nationalIdLabel: string;
  accessMode: string;
  defaultDocumentNotification: string;
  patientUploadsAllowed: boolean;
  minNoticeMinutes: number;
  bookingHorizonDays: number;
  bufferMinutes: number;
  cancellationWindowHours: number;
  staffIdleTimeoutMinutes: number;
  messagingPolicy: string;
}

type Limits = Record<
  'minNoticeMinutes' | 'bookingHorizonDays' | 'bufferMinutes' | 'cancellationWindowHours' | 'staffIdleTimeoutMinutes',
  { min: number; max: number }
>;

const IDENTIFICATION = [
  { value: 'email', label: 'Email address', description: 'Patients sign in with their email, password and an SMS code.' },
  { value: 'national_id', label: 'National ID', description: 'Patients sign in with their national ID number (label below), password and an SMS code.' },
];

const ACCESS = [
  { value: 'manual', label: 'Manual', description: 'Staff enable portal access for each patient from the patient’s chart in the EMR.' },
  { value: 'automatic', label: 'Automatic', description: 'Every patient whose details are validated on file can set up their own account from the sign-in page.' },
];

const NOTIFICATION = [
  { value: 'email', label: 'Email only', description: 'No cost per message.' },
  { value: 'email_sms', label: 'Email and SMS', description: 'Each SMS is charged by the SMS provider.' },
];

const MESSAGING = [
  { value: 'reply_only', label: 'Reply only', description: 'Patients can only answer conversations staff start. Conversations close 48 hours after the patient’s last reply.' },
  { value: 'never_initiate', label: 'Never initiate', description: 'Patients cannot start new conversations.' },
  { value: 'assigned_only', label: 'Assigned patients only', description: 'Staff message only the patients assigned to them.' },
  { value: 'all_clients', label: 'All patients', description: 'Any patient can start a conversation with staff at any time.' },
];

type Field = Exclude<keyof PortalSettingsFormValues, 'portalEnabled' | 'patientUploadsAllowed'>;

export function PortalSettingsForm({ action, initial, limits, mayEditAutomations }: {
  action: FormAction<SettingsActionState>;
  initial: PortalSettingsFormValues;
  limits: Limits;
  /** The person may open CRM → Automations (automations.manage): the form reminders' line links there. */
  mayEditAutomations: boolean;
}) {
  const { form, state, pending, formProps, errorFor } = useActionForm(portalSettingsSchema, action);
  const e = state.fieldErrors ?? {};
  // After a refusal the form shows what was posted; otherwise the saved settings.
  const posted = state.ok === false ? state.values : undefined;
  const text = (name: keyof PortalSettingsFormValues) => posted?.[name] ?? String(initial[name]);
  const field = (name: Field) => ({ ...form.register(name), defaultValue: text(name), error: errorFor(name) });
  const checked = (name: 'portalEnabled' | 'patientUploadsAllowed') => (posted ? posted[name] === 'on' : initial[name]);
  const range = (name: keyof Limits, unit: string) => `${limits[name].min}–${limits[name].max} ${unit}.`;

  return (
    <form {...formProps} className="space-y-6">
      <section aria-labelledby="access-heading" className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id="access-heading" className="text-lg font-semibold">Access and sign-in</h2>
        <CheckboxField
          label="Patient portal is on"
          name="portalEnabled"
          defaultChecked={checked('portalEnabled')}
          description="When off, the sign-in page tells patients the portal is not available and no one can sign in."
          error={e.portalEnabled}
        />
        <ChoiceCards {...field('identificationMode')} legend="Patients identify themselves with" options={IDENTIFICATION} />
        <TextField
          {...field('nationalIdLabel')}
          label="National ID label"
          hint="What your patients call their national ID, e.g. SSN or TAJ. Used as the sign-in field’s label in national ID mode."
          maxLength={20}
          className="max-w-xs"
        />
        <ChoiceCards {...field('accessMode')} legend="Who can get an account" options={ACCESS} />
      </section>

      <section aria-labelledby="documents-heading" className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id="documents-heading" className="text-lg font-semibold">Documents</h2>
        <ChoiceCards
          {...field('defaultDocumentNotification')}
          legend="When a new document is shared, notify the patient by"
          hint="The default for each upload; staff can still choose per document. SMS messages are always charged."
          options={NOTIFICATION}
        />
        <CheckboxField
          label="Patients may upload files"
          name="patientUploadsAllowed"
          defaultChecked={checked('patientUploadsAllowed')}
          description="Off by default: only clinic staff add documents. Document types hidden from the portal are set under Document types."
          error={e.patientUploadsAllowed}
        />
      </section>

      <section aria-labelledby="booking-heading" className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id="booking-heading" className="text-lg font-semibold">Online booking</h2>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField {...field('minNoticeMinutes')} label="Minimum notice (minutes)" inputMode="numeric" hint={`How soon before a visit patients can still book it. ${range('minNoticeMinutes', 'minutes')}`} />
          <TextField {...field('bookingHorizonDays')} label="Booking horizon (days)" inputMode="numeric" hint={`How far ahead patients can book. ${range('bookingHorizonDays', 'days')}`} />
          <TextField {...field('bufferMinutes')} label="Buffer between visits (minutes)" inputMode="numeric" hint={`Kept free after each appointment. ${range('bufferMinutes', 'minutes')}`} />
          <TextField {...field('cancellationWindowHours')} label="Cancellation window (hours)" inputMode="numeric" hint={`Patients can cancel online until this long before the visit. ${range('cancellationWindowHours', 'hours')}`} />
        </div>
      </section>

      <section aria-labelledby="messaging-heading" className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id="messaging-heading" className="text-lg font-semibold">Secure messages</h2>
        <ChoiceCards {...field('messagingPolicy')} legend="Messaging policy" options={MESSAGING} />
      </section>

      <section aria-labelledby="form-reminders-heading" className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id="form-reminders-heading" className="text-lg font-semibold">Form reminders</h2>
        <p className="text-sm">
          Form reminders are an automation:{' '}
          {mayEditAutomations
            ? <Link href="/crm/automations" className="font-medium underline underline-offset-2">edit them in Automations</Link>
            : 'someone who manages automations can edit them in Automations'}
          .
        </p>
      </section>

      <section aria-labelledby="staff-heading" className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id="staff-heading" className="text-lg font-semibold">Staff sessions</h2>
        <TextField
          {...field('staffIdleTimeoutMinutes')}
          label="Sign staff out after inactivity (minutes)"
          inputMode="numeric"
          className="max-w-xs"
          hint={`${range('staffIdleTimeoutMinutes', 'minutes')} Applies from each person’s next sign-in.`}
        />
      </section>

      <SubmitBelowAnswer state={state} pending={pending} label="Save portal settings" pendingLabel="Saving…" />
    </form>
  );
}
