'use client';

import { useActionState } from 'react';
import {
  addLocationAction,
  setLocationActiveAction,
  updateLocationAction,
} from '@/app/t/[tenant]/crm/(app)/locations/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { SelectField } from './settings-fields';

export interface LocationFormValues {
  id?: string;
  name: string;
  addressLine1: string;
  addressLine2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
  timeZone: string;
  phone: string | null;
}

/** Add (no `location`) or edit a location. The time zones come from the server's own list. */
export function LocationForm({ location, timeZones, defaultTimeZone }: { location?: LocationFormValues; timeZones: readonly string[]; defaultTimeZone: string }) {
  const [state, action, pending] = useActionState<SettingsActionState, FormData>(location ? updateLocationAction : addLocationAction, {});
  const e = state.fieldErrors ?? {};
  const v = (name: keyof LocationFormValues, fallback = '') => state.values?.[name] ?? (location?.[name] as string | null | undefined) ?? fallback;
  const zoneOptions = timeZones.map((z) => ({ value: z, label: z.replaceAll('_', ' ') }));
  // A zone saved before this runtime's list changed (an old alias) stays visible, flagged.
  if (location && !timeZones.includes(location.timeZone)) {
    zoneOptions.unshift({ value: location.timeZone, label: `${location.timeZone} (not recognised: choose another)` });
  }
  return (
    <form action={action} className="grid gap-4 sm:grid-cols-2" noValidate>
      {location?.id ? <input type="hidden" name="locationId" value={location.id} /> : null}
      <TextField className="sm:col-span-2" label="Name" name="name" hint="As patients see it, e.g. “Downtown clinic”." defaultValue={v('name')} maxLength={80} required error={e.name} />
      <TextField label="Street address" name="addressLine1" autoComplete="off" defaultValue={v('addressLine1')} maxLength={120} required error={e.addressLine1} />
      <TextField label="Address line 2 (optional)" name="addressLine2" autoComplete="off" defaultValue={v('addressLine2')} maxLength={120} error={e.addressLine2} />
      <TextField label="City" name="city" autoComplete="off" defaultValue={v('city')} maxLength={80} required error={e.city} />
      <TextField label="State or region (optional)" name="region" autoComplete="off" defaultValue={v('region')} maxLength={80} error={e.region} />
      <TextField label="Postal code (optional)" name="postalCode" autoComplete="off" defaultValue={v('postalCode')} maxLength={20} error={e.postalCode} />
      <TextField label="Country" name="country" hint="Two-letter code, e.g. US or HU." autoComplete="off" defaultValue={v('country', 'US')} maxLength={2} required error={e.country} />
      <SelectField label="Time zone" name="timeZone" options={zoneOptions} defaultValue={v('timeZone', defaultTimeZone)} error={e.timeZone} />
      <TextField label="Phone (optional)" name="phone" type="tel" hint="Numbers without a country code are read in the location’s country." autoComplete="off" defaultValue={v('phone')} maxLength={40} error={e.phone} />
      <div className="space-y-3 sm:col-span-2">
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
        <PrimaryButton type="submit" disabled={pending}>{pending ? 'Saving…' : location ? 'Save location' : 'Add location'}</PrimaryButton>
      </div>
    </form>
  );
}

export function LocationActiveButton({ location }: { location: { id: string; name: string; active: boolean } }) {
  const [state, action, pending] = useActionState<SettingsActionState, FormData>(setLocationActiveAction, {});
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="locationId" value={location.id} />
      <input type="hidden" name="active" value={location.active ? 'false' : 'true'} />
      <button
        type="submit"
        disabled={pending}
        aria-label={`${location.active ? 'Deactivate' : 'Reactivate'} ${location.name}`}
        className={location.active
          ? 'rounded-md border border-red-300 px-2.5 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50 dark:text-red-300'
          : 'rounded-md border border-line px-2.5 py-1.5 text-sm font-medium hover:bg-surface-muted'}
      >
        {location.active ? 'Deactivate' : 'Reactivate'}
      </button>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
