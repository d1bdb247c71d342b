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
  portalPasskeysAllowed: boolean;
  portalTotpAllowed: boolean;
  selfRegistration: string;
  proxyAgeRules: boolean;
  proxyTeenAge: number;
  proxyAdultAge: number;
  waitlistPortal: boolean;
  waitlistOfferMinutes: number;
  waitlistOfferBatch: number;
}

type Limits = Record<
  'minNoticeMinutes' | 'bookingHorizonDays' | 'bufferMinutes' | 'cancellationWindowHours' | 'staffIdleTimeoutMinutes'
  | 'proxyTeenAge' | 'proxyAdultAge' | 'waitlistOfferMinutes' | 'waitlistOfferBatch',
  { min: number; max: number }
>;

const SIGN_IN = [
  { value: 'sms', label: 'SMS code at every sign-in', description: 'After the password, every patient types the code we text them. The default.' },
  { value: 'sms_or_passkey', label: 'SMS code or a passkey', description: 'Patients who add a passkey (fingerprint, face or device PIN) in their settings may use it instead of the SMS code, on the address where they added it.' },
];

const REGISTRATION = [
  { value: 'off', label: 'Off', description: 'Only patients the clinic knows get an account (invitation, printed activation or automatic access).' },
  { value: 'open', label: 'Open', description: 'A new patient can create an account from the sign-in page after confirming their phone; it works at once.' },
  { value: 'approval', label: 'Needs approval', description: 'A new patient can register, and staff approve or reject the account in the EMR before it works.' },
];

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

type Checkbox = 'portalEnabled' | 'patientUploadsAllowed' | 'portalTotpAllowed' | 'proxyAgeRules' | 'waitlistPortal';
type Field = Exclude<keyof PortalSettingsFormValues, Checkbox | 'portalPasskeysAllowed'>;

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
  const checked = (name: Checkbox) => (posted ? posted[name] === 'on' : initial[name]);
  const signIn = posted?.portalPasskeysAllowed ?? (initial.portalPasskeysAllowed ? 'sms_or_passkey' : 'sms');
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
        <ChoiceCards
          {...form.register('portalPasskeysAllowed')}
          defaultValue={signIn}
          error={errorFor('portalPasskeysAllowed')}
          legend="Patients finish signing in with"
          options={SIGN_IN}
        />
        <CheckboxField
          label="Patients may use an authenticator app instead of the SMS code"
          name="portalTotpAllowed"
          defaultChecked={checked('portalTotpAllowed')}
          description="Patients who set up an authenticator app in their settings see “Use my authenticator app instead” when the SMS does not arrive."
          error={e.portalTotpAllowed}
        />
        <ChoiceCards
          {...field('selfRegistration')}
          legend="New patients registering themselves"
          hint="A registration that looks like a patient already on file becomes a merge task for the clinic; the person registering is not told."
          options={REGISTRATION}
        />
      </section>

      <section aria-labelledby="proxy-heading" className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id="proxy-heading" className="text-lg font-semibold">Family and caregivers</h2>
        <CheckboxField
          label="Apply age rules to parents’ and caregivers’ access"
          name="proxyAgeRules"
          defaultChecked={checked('proxyAgeRules')}
          description="From the first age, a parent sees only bookings, messages and billing unless the teen agrees in the portal; from the second, access ends unless the adult patient grants it again."
          error={e.proxyAgeRules}
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField {...field('proxyTeenAge')} label="A teen decides from age" inputMode="numeric" hint={`${range('proxyTeenAge', 'years')} Usually 12.`} />
          <TextField {...field('proxyAdultAge')} label="Adult from age" inputMode="numeric" hint={`${range('proxyAdultAge', 'years')} Usually 18.`} />
        </div>
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

      <section aria-labelledby="waitlist-heading" className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id="waitlist-heading" className="text-lg font-semibold">Waitlist</h2>
        <CheckboxField
          label="Patients may join the waitlist in the portal"
          name="waitlistPortal"
          defaultChecked={checked('waitlistPortal')}
          description="When no time suits, patients can ask to be offered one that frees up. Staff can always add patients in the EMR (Schedule → Waitlist)."
          error={e.waitlistPortal}
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField {...field('waitlistOfferMinutes')} label="An offer holds for (minutes)" inputMode="numeric" hint={`How long patients have to accept a freed time by its link. ${range('waitlistOfferMinutes', 'minutes')}`} />
          <TextField {...field('waitlistOfferBatch')} label="Patients offered a time at once" inputMode="numeric" hint={`The first of them to accept books it; the others are told it is gone. ${range('waitlistOfferBatch', 'patients')}`} />
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
