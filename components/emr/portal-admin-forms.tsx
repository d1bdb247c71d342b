'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { FormMessage, PrimaryButton, SecondaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { PortalAdminState } from '@/lib/portal-access/staff-admin-state';

type Action = FormAction<PortalAdminState>;

/** A one-button form for a portal administration action, with its result under it. */
export function PortalActionButton({
  action,
  patientId,
  label,
  fields = {},
  tone = 'secondary',
}: {
  action: Action;
  patientId: string;
  label: string;
  fields?: Record<string, string>;
  tone?: 'primary' | 'secondary';
}) {
  const [state, formAction, pending] = useActionState<PortalAdminState, FormData>(action, {});
  const Button = tone === 'primary' ? PrimaryButton : SecondaryButton;
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="patientId" value={patientId} />
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <Button type="submit" disabled={pending}>{label}</Button>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
      {state.portalCode ? (
        <p className="text-sm">
          <Link href={`/emr/patients/${patientId}/portal/instructions`} className="link">
            Print patient instructions
          </Link>
        </p>
      ) : null}
    </form>
  );
}

/** A form that can be sent with the invitation (seed 003: "Intake Forms"). */
export interface IntakeFormChoice { id: string; title: string }

export function InviteToPortalForm({ patientId, defaultEmail, action: invite, intakeForms }: {
  patientId: string;
  defaultEmail?: string | null;
  action: Action;
  /** Forms the staff member may assign with the invitation; omitted without forms.assign. */
  intakeForms?: IntakeFormChoice[];
}) {
  const [state, action, pending] = useActionState<PortalAdminState, FormData>(invite, {});
  return (
    <form action={action} className="space-y-3" noValidate>
      <input type="hidden" name="patientId" value={patientId} />
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Email to invite" name="email" type="email" defaultValue={defaultEmail ?? ''} required />
        <div>
          <label htmlFor="invite-relationship" className="block text-sm font-medium">Who is this person?</label>
          <select id="invite-relationship" name="relationship" defaultValue="self" className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5">
            <option value="self">The patient</option>
            <option value="parent">Parent</option>
            <option value="guardian">Guardian</option>
            <option value="caregiver">Caregiver</option>
            <option value="spouse">Spouse or partner</option>
            <option value="other">Other authorised contact</option>
          </select>
        </div>
      </div>
      <div>
        <label htmlFor="invite-message" className="block text-sm font-medium">Message (optional)</label>
        <textarea id="invite-message" name="message" rows={2} maxLength={500} className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2" />
      </div>
      {intakeForms && intakeForms.length > 0 ? (
        <fieldset className="space-y-2 rounded-lg border border-line p-3">
          <legend className="px-1 text-sm font-medium">Intake forms (optional)</legend>
          <p className="text-sm text-fg-muted">Ticked forms are given to the patient with the invitation; the email says there are forms to fill, never which.</p>
          <ul className="space-y-1 text-sm">
            {intakeForms.map((f) => (
              <li key={f.id}>
                <label className="flex min-h-11 items-center gap-2">
                  <input type="checkbox" name="formTemplateIds" value={f.id} className="size-5" /> {f.title}
                </label>
              </li>
            ))}
          </ul>
          <div>
            <label htmlFor="invite-intake-message" className="block text-sm font-medium">Intake forms message (optional)</label>
            <p id="invite-intake-message-hint" className="text-sm text-fg-muted">Shown with the forms in the portal.</p>
            <textarea id="invite-intake-message" name="intakeMessage" rows={2} maxLength={1000} aria-describedby="invite-intake-message-hint" className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2" />
          </div>
        </fieldset>
      ) : null}
      <p className="text-sm text-fg-muted">An invitation gives the recipient access to this patient’s health information. Invite only people who are authorised.</p>
      <PrimaryButton type="submit" disabled={pending}>{pending ? 'Sending…' : 'Invite to portal'}</PrimaryButton>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}

export function NotificationPreferenceForm({ patientId, value, clinicDefault, action: save }: {
  patientId: string;
  value: 'email' | 'email_sms' | null;
  clinicDefault: 'email' | 'email_sms';
  action: Action;
}) {
  const [state, action, pending] = useActionState<PortalAdminState, FormData>(save, {});
  const label = (v: 'email' | 'email_sms') => (v === 'email' ? 'Email only' : 'Email and SMS');
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="patientId" value={patientId} />
      <fieldset>
        <legend className="text-sm font-medium">When a new document is available, notify by</legend>
        <div className="mt-2 space-y-1 text-sm">
          {([['default', `Clinic default (${label(clinicDefault)})`], ['email', 'Email only'], ['email_sms', 'Email and SMS (SMS is charged)']] as const).map(([v, l]) => (
            <label key={v} className="flex items-center gap-2">
              <input type="radio" name="preference" value={v} defaultChecked={(value ?? 'default') === v} /> {l}
            </label>
          ))}
        </div>
      </fieldset>
      <SecondaryButton type="submit" disabled={pending}>Save preference</SecondaryButton>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
