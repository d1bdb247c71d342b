'use client';

import { useActionState } from 'react';
import {
  addHoursAction,
  addTimeOffAction,
  removeHoursAction,
  removeTimeOffAction,
  saveProviderServicesAction,
  setProviderFlagAction,
} from '@/app/t/[tenant]/crm/(app)/providers/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import { WEEKDAYS } from '@/lib/providers/schemas';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { SelectField } from './settings-fields';

const smallButton = 'rounded-md border border-line px-2.5 py-1.5 text-sm font-medium hover:bg-surface-muted';
const dangerButton = 'rounded-md border border-red-300 px-2.5 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50 dark:text-red-300';

export function ProviderFlagButton({ staff }: { staff: { id: string; fullName: string; status: string; isProvider: boolean } }) {
  const [state, action, pending] = useActionState<SettingsActionState, FormData>(setProviderFlagAction, {});
  if (!staff.isProvider && staff.status !== 'active') return null;
  return (
    <form action={action} className="space-y-2">
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
  staffId,
  services,
  offered,
}: {
  staffId: string;
  services: readonly { id: string; name: string; durationMinutes: number; active: boolean }[];
  offered: readonly string[];
}) {
  const [state, action, pending] = useActionState<SettingsActionState, FormData>(saveProviderServicesAction, {});
  if (services.length === 0) return <p className="text-fg-muted">The clinic has no services yet. Add them on the Services page.</p>;
  return (
    <form action={action} className="space-y-3">
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

export function ProviderHoursForm({ staffId, locations }: { staffId: string; locations: readonly LocationOption[] }) {
  const [state, action, pending] = useActionState<SettingsActionState, FormData>(addHoursAction, {});
  if (locations.length === 0) return <NoLocations />;
  const e = state.fieldErrors ?? {};
  const v = state.ok ? undefined : state.values;
  return (
    <form action={action} className="mt-2 grid gap-4 sm:grid-cols-4" noValidate>
      <input type="hidden" name="staffId" value={staffId} />
      <SelectField className="sm:col-span-4" label="Location" name="locationId" options={locations} defaultValue={v?.locationId ?? locations[0]!.value} error={e.locationId} />
      <SelectField label="Day" name="weekday" options={WEEKDAYS.map((d, i) => ({ value: String(i), label: d }))} defaultValue={v?.weekday ?? '1'} error={e.weekday} />
      <TextField label="Start" name="startTime" type="time" defaultValue={v?.startTime ?? '09:00'} required error={e.startTime} />
      <TextField label="End" name="endTime" type="time" defaultValue={v?.endTime ?? '17:00'} required error={e.endTime} />
      <div className="space-y-3 sm:col-span-4">
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
        <PrimaryButton type="submit" disabled={pending}>{pending ? 'Adding…' : 'Add hours'}</PrimaryButton>
      </div>
    </form>
  );
}

export function TimeOffForm({ staffId, locations }: { staffId: string; locations: readonly LocationOption[] }) {
  const [state, action, pending] = useActionState<SettingsActionState, FormData>(addTimeOffAction, {});
  if (locations.length === 0) return <NoLocations />;
  const e = state.fieldErrors ?? {};
  const v = state.ok ? undefined : state.values;
  return (
    <form action={action} className="mt-2 grid gap-4 sm:grid-cols-2" noValidate>
      <input type="hidden" name="staffId" value={staffId} />
      <SelectField
        className="sm:col-span-2"
        label="Times are in the time zone of"
        name="locationId"
        options={locations}
        defaultValue={v?.locationId ?? locations[0]!.value}
        error={e.locationId}
      />
      <TextField label="Starts" name="startsAt" type="datetime-local" defaultValue={v?.startsAt ?? ''} required error={e.startsAt} />
      <TextField label="Ends" name="endsAt" type="datetime-local" defaultValue={v?.endsAt ?? ''} required error={e.endsAt} />
      <TextField className="sm:col-span-2" label="Reason (optional)" name="reason" hint="Staff see it; patients do not." defaultValue={v?.reason ?? ''} maxLength={200} error={e.reason} />
      <div className="space-y-3 sm:col-span-2">
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
        <PrimaryButton type="submit" disabled={pending}>{pending ? 'Adding…' : 'Add time off'}</PrimaryButton>
      </div>
    </form>
  );
}

export function ProviderRemoveButton({ kind, id, label }: { kind: 'hours' | 'time-off'; id: string; label: string }) {
  const [state, action, pending] = useActionState<SettingsActionState, FormData>(kind === 'hours' ? removeHoursAction : removeTimeOffAction, {});
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name={kind === 'hours' ? 'ruleId' : 'timeOffId'} value={id} />
      <button type="submit" disabled={pending} aria-label={label} className={dangerButton}>Remove</button>
      {state.ok ? null : <FormMessage message={state.message} tone="error" />}
    </form>
  );
}
