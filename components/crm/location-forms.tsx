'use client';

import { useActionState } from 'react';
import { FormMessage, TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { translationValues, type ClinicTranslations } from '@/lib/i18n/clinic-text';
import type { Locale } from '@/lib/i18n/core';
import type { LocationAddress } from '@/lib/locations/address';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { LOCATION_NOTES_MAX, LOCATION_TRANSLATED_FIELDS, locationSchema } from '@/lib/settings/schemas';
import { SelectField } from './settings-fields';
import { LongTextField, TranslationFields, type TranslatedField } from './translation-fields';

type Action = FormAction<SettingsActionState>;

export interface LocationFormValues extends LocationAddress {
  id?: string;
  name: string;
  country: string;
  timeZone: string;
  phone: string | null;
  /** What patients should know before coming, shown in the portal. */
  notes: string | null;
  /** Name and notes in the portal's other languages. */
  translations: ClinicTranslations<'name' | 'notes'>;
}

const TRANSLATED: readonly TranslatedField[] = [
  { field: 'name', label: 'Name', max: 80 },
  { field: 'notes', label: 'Notes for patients', max: LOCATION_NOTES_MAX, multiline: true },
];

/**
 * Add (no `location`) or edit a location. The time zones come from the server's own list;
 * `languages` are the portal languages other than the clinic's default, each with its own name
 * and notes (optional).
 */
export function LocationForm({ action, location, timeZones, defaultTimeZone, languages }: { action: Action; location?: LocationFormValues; timeZones: readonly string[]; defaultTimeZone: string; languages: readonly Locale[] }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(locationSchema, action);
  const field = (name: Exclude<keyof LocationFormValues, 'id' | 'translations'>) => ({ ...form.register(name), error: errorFor(name) });
  const v = (name: keyof LocationFormValues, fallback = '') => state.values?.[name] ?? (location?.[name] as string | null | undefined) ?? fallback;
  const zoneOptions = timeZones.map((z) => ({ value: z, label: z.replaceAll('_', ' ') }));
  // A zone saved before this runtime's list changed (an old alias) stays visible, flagged.
  if (location && !timeZones.includes(location.timeZone)) {
    zoneOptions.unshift({ value: location.timeZone, label: `${location.timeZone} (not recognised: choose another)` });
  }
  return (
    <form {...formProps} className="grid gap-4 sm:grid-cols-2">
      {location?.id ? <input type="hidden" name="locationId" value={location.id} /> : null}
      <TextField {...field('name')} className="sm:col-span-2" label="Name" hint="As patients see it, e.g. “Downtown clinic”." defaultValue={v('name')} maxLength={80} required />
      <TextField {...field('addressLine1')} label="Street address" autoComplete="off" defaultValue={v('addressLine1')} maxLength={120} required />
      <TextField {...field('addressLine2')} label="Address line 2 (optional)" autoComplete="off" defaultValue={v('addressLine2')} maxLength={120} />
      <TextField {...field('city')} label="City" autoComplete="off" defaultValue={v('city')} maxLength={80} required />
      <TextField {...field('region')} label="State or region (optional)" autoComplete="off" defaultValue={v('region')} maxLength={80} />
      <TextField {...field('postalCode')} label="Postal code (optional)" autoComplete="off" defaultValue={v('postalCode')} maxLength={20} />
      <TextField {...field('country')} label="Country" hint="Two-letter code, e.g. US or HU." autoComplete="off" defaultValue={v('country', 'US')} maxLength={2} required />
      <SelectField {...field('timeZone')} label="Time zone" options={zoneOptions} defaultValue={v('timeZone', defaultTimeZone)} />
      <TextField {...field('phone')} label="Phone (optional)" type="tel" hint="Numbers without a country code are read in the location’s country." autoComplete="off" defaultValue={v('phone')} maxLength={40} />
      <LongTextField {...field('notes')} className="sm:col-span-2" label="Notes for patients (optional)" hint="What patients should know before coming, e.g. where to park or which entrance to use. Shown in the portal." defaultValue={v('notes')} maxLength={LOCATION_NOTES_MAX} />
      <TranslationFields
        className="sm:col-span-2"
        languages={languages}
        fields={TRANSLATED}
        saved={translationValues(location?.translations, LOCATION_TRANSLATED_FIELDS)}
        posted={state.values}
        register={(name) => form.register(name as never)}
        errorFor={errorFor}
      />
      <SubmitBelowAnswer state={state} pending={pending} label={location ? 'Save location' : 'Add location'} pendingLabel="Saving…" className="sm:col-span-2" />
    </form>
  );
}

export function LocationActiveButton({ action, location }: { action: Action; location: { id: string; name: string; active: boolean } }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-2">
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
