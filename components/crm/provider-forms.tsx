'use client';

import { useActionState } from 'react';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { hoursSchema, timeOffSchema, WEEKDAYS } from '@/lib/providers/schemas';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { SelectField } from './settings-fields';

type Action = FormAction<SettingsActionState>;

const smallButton = 'rounded-md border border-line px-2.5 py-1.5 text-sm font-medium hover:bg-surface-muted';
const dangerButton = 'rounded-md border border-red-300 px-2.5 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50 dark:text-red-300';

export function ProviderFlagButton({ action, staff }: { action: Action; staff: { id: string; fullName: string; status: string; isProvider: boolean } }) {
  const [state, formAction, pending] = useActionState(action, {});
  if (!staff.isProvider && staff.status !== 'active') return null;
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="staffId" value={staff.id} />
      <input type="hidden" name="isProvider" value={staff.isProvider ? 'false' : 'true'} />
      <button type="submit" disabled={pending} className={staff.isProvider ? dangerButton : smallButton}>
        {staff.isProvider ? 'Not a provider' : 'Mark as provider'}
        <span className="sr-only">: {staff.fullName}</span>
      </button>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}

export function ProviderServicesForm({
  action,
  staffId,
  services,
  offered,
}: {
  action: Action;
  staffId: string;
  services: readonly { id: string; name: string; durationMinutes: number; active: boolean }[];
  offered: readonly string[];
}) {
  const [state, formAction, pending] = useActionState(action, {});
  if (services.length === 0) return <p className="text-fg-muted">The clinic has no services yet. Add them on the Services page.</p>;
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="staffId" value={staffId} />
      <fieldset>
        <legend className="sr-only">Services this provider offers</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {services.map((s) => (
            <label key={s.id} className="flex items-center gap-3 rounded-lg border border-line p-3">
              <input type="checkbox" name="serviceId" value={s.id} defaultChecked={offered.includes(s.id)} className="size-4 accent-brand-accent" />
              <span>
                {s.name} <span className="text-sm text-fg-muted">· {s.durationMinutes} min{s.active ? '' : ' · inactive'}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
      <PrimaryButton type="submit" disabled={pending}>{pending ? 'Saving…' : 'Save services'}</PrimaryButton>
    </form>
  );
}

type LocationOption = { value: string; label: string };

function NoLocations() {
  return <p className="text-fg-muted">Add an active location first (Locations page).</p>;
}

export function ProviderHoursForm({ action, staffId, locations }: { action: Action; staffId: string; locations: readonly LocationOption[] }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(hoursSchema, action);
  if (locations.length === 0) return <NoLocations />;
  const field = (name: 'locationId' | 'weekday' | 'startTime' | 'endTime') => ({ ...form.register(name), error: errorFor(name) });
  const v = state.ok ? undefined : state.values;
  return (
    <form {...formProps} className="mt-2 grid gap-4 sm:grid-cols-4">
      <input type="hidden" name="staffId" value={staffId} />
      <SelectField {...field('locationId')} className="sm:col-span-4" label="Location" options={locations} defaultValue={v?.locationId ?? locations[0]!.value} />
      <SelectField {...field('weekday')} label="Day" options={WEEKDAYS.map((d, i) => ({ value: String(i), label: d }))} defaultValue={v?.weekday ?? '1'} />
      <TextField {...field('startTime')} label="Start" type="time" defaultValue={v?.startTime ?? '09:00'} required />
      <TextField {...field('endTime')} label="End" type="time" defaultValue={v?.endTime ?? '17:00'} required />
      <SubmitBelowAnswer state={state} pending={pending} label="Add hours" pendingLabel="Adding…" className="sm:col-span-4" />
    </form>
  );
}

export function TimeOffForm({ action, staffId, locations }: { action: Action; staffId: string; locations: readonly LocationOption[] }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(timeOffSchema, action);
  if (locations.length === 0) return <NoLocations />;
  const field = (name: 'locationId' | 'startsAt' | 'endsAt' | 'reason') => ({ ...form.register(name), error: errorFor(name) });
  const v = state.ok ? undefined : state.values;
  return (
    <form {...formProps} className="mt-2 grid gap-4 sm:grid-cols-2">
      <input type="hidden" name="staffId" value={staffId} />
      <SelectField
        {...field('locationId')}
        className="sm:col-span-2"
        label="Times are in the time zone of"
        options={locations}
        defaultValue={v?.locationId ?? locations[0]!.value}
      />
      <TextField {...field('startsAt')} label="Starts" type="datetime-local" defaultValue={v?.startsAt ?? ''} required />
      <TextField {...field('endsAt')} label="Ends" type="datetime-local" defaultValue={v?.endsAt ?? ''} required />
      <TextField {...field('reason')} className="sm:col-span-2" label="Reason (optional)" hint="Staff see it; patients do not." defaultValue={v?.reason ?? ''} maxLength={200} />
      <SubmitBelowAnswer state={state} pending={pending} label="Add time off" pendingLabel="Adding…" className="sm:col-span-2" />
    </form>
  );
}

export function ProviderRemoveButton({ action, kind, id, label }: { action: Action; kind: 'hours' | 'time-off'; id: string; label: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-1">
      <input type="hidden" name={kind === 'hours' ? 'ruleId' : 'timeOffId'} value={id} />
      <button type="submit" disabled={pending} aria-label={label} className={dangerButton}>Remove</button>
      {state.ok ? null : <FormMessage message={state.message} tone="error" />}
    </form>
  );
}
