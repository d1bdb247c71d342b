'use client';

import { useId } from 'react';
import { TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { translationValues, type ClinicTranslations } from '@/lib/i18n/clinic-text';
import type { Locale } from '@/lib/i18n/core';
import { centsToPriceInput, SERVICE_DURATION, SERVICE_TRANSLATED_FIELDS, serviceSchema } from '@/lib/services/schemas';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { CheckboxField, FieldError } from './settings-fields';
import { TranslationFields, type TranslatedField } from './translation-fields';

const TRANSLATED: readonly TranslatedField[] = [
  { field: 'name', label: 'Name', max: 80 },
  { field: 'description', label: 'Description', max: 500 },
];

export interface ServiceFormValues {
  id: string;
  name: string;
  description: string | null;
  durationMinutes: number;
  priceCents: number | null;
  bookableOnline: boolean;
  isVideo: boolean;
  active: boolean;
  /** The forms a patient must fill when booking it. */
  requiredFormIds: readonly string[];
  /** Name and description in the portal's other languages. */
  translations: ClinicTranslations<'name' | 'description'>;
}

/** A published form the service can require (an archived one is listed only while a service still requires it). */
export interface RequirableFormOption {
  id: string;
  title: string;
  archived: boolean;
}

/**
 * Add (no `service`) or edit a service. The price is typed in dollars and cents and stored in
 * cents. `languages`: the portal languages other than the clinic's default, each with its own name
 * and description (optional).
 */
export function ServiceForm({ action, service, currency, forms, languages }: { action: FormAction<SettingsActionState>; service?: ServiceFormValues; currency: string; forms: readonly RequirableFormOption[]; languages: readonly Locale[] }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(serviceSchema, action);
  // After a refused save the form shows what was posted; after adding, it starts empty again.
  const posted = state.ok && !service ? undefined : state.values;
  const text = (name: 'name' | 'description' | 'durationMinutes' | 'price', saved: string) => posted?.[name] ?? saved;
  const checked = (name: 'bookableOnline' | 'isVideo' | 'active', saved: boolean) => (posted ? posted[name] === 'on' : saved);
  return (
    <form {...formProps} className="grid gap-4 sm:grid-cols-2">
      {service ? <input type="hidden" name="serviceId" value={service.id} /> : null}
      <TextField {...form.register('name')} className="sm:col-span-2" label="Name" hint="As patients see it, e.g. “Family consultation”." defaultValue={text('name', service?.name ?? '')} maxLength={80} required error={errorFor('name')} />
      <TextField {...form.register('description')} className="sm:col-span-2" label="Description (optional)" defaultValue={text('description', service?.description ?? '')} maxLength={500} error={errorFor('description')} />
      <TranslationFields
        className="sm:col-span-2"
        languages={languages}
        fields={TRANSLATED}
        saved={translationValues(service?.translations, SERVICE_TRANSLATED_FIELDS)}
        posted={posted}
        register={(name) => form.register(name as never)}
        errorFor={errorFor}
      />
      <TextField
        {...form.register('durationMinutes')}
        label="Duration (minutes)"
        inputMode="numeric"
        hint={`From ${SERVICE_DURATION.min} to ${SERVICE_DURATION.max} minutes.`}
        defaultValue={text('durationMinutes', service ? String(service.durationMinutes) : '30')}
        required
        error={errorFor('durationMinutes')}
      />
      <TextField
        {...form.register('price')}
        label={`Price in ${currency} (optional)`}
        inputMode="decimal"
        hint="Dollars and cents, e.g. 120 or 120.50. Leave empty to show no price."
        defaultValue={text('price', centsToPriceInput(service?.priceCents ?? null))}
        error={errorFor('price')}
      />
      <div className="space-y-3 sm:col-span-2">
        <CheckboxField label="Bookable online" name="bookableOnline" defaultChecked={checked('bookableOnline', service?.bookableOnline ?? true)} description="Patients can book it in the portal; otherwise staff book it." error={errorFor('bookableOnline')} />
        <CheckboxField label="Video visit" name="isVideo" defaultChecked={checked('isVideo', service?.isVideo ?? false)} description="The visit happens by video call." error={errorFor('isVideo')} />
        <CheckboxField label="Active" name="active" defaultChecked={checked('active', service?.active ?? true)} description="Inactive services are not offered for new bookings." error={errorFor('active')} />
      </div>
      <RequiredFormsField forms={forms} chosen={service?.requiredFormIds ?? []} error={errorFor('requiredFormIds')} />
      <SubmitBelowAnswer state={state} pending={pending} label={service ? 'Save service' : 'Add service'} pendingLabel="Saving…" className="sm:col-span-2" />
    </form>
  );
}

/**
 * "Forms required when booking": a checkbox per published form. The empty hidden value is posted
 * always, so a form with every box unticked still says "no forms" rather than "not shown".
 */
function RequiredFormsField({ forms, chosen, error }: { forms: readonly RequirableFormOption[]; chosen: readonly string[]; error?: string }) {
  const id = useId();
  const shown = forms.filter((f) => !f.archived || chosen.includes(f.id));
  return (
    <fieldset className="sm:col-span-2" aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}>
      <legend className="text-sm font-medium">Forms required when booking</legend>
      <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">
        Given to the patient to fill in the portal when they book this service. Only published forms are listed.
      </p>
      <input type="hidden" name="requiredFormIds" value="" />
      {shown.length === 0 ? (
        <p className="mt-2 text-sm text-fg-muted">No published forms yet. Build and publish them under Forms.</p>
      ) : (
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {shown.map((f) => (
            <label key={f.id} className="flex items-center gap-3 rounded-lg border border-line p-3">
              <input type="checkbox" name="requiredFormIds" value={f.id} defaultChecked={chosen.includes(f.id)} className="size-4 shrink-0 accent-brand-accent" />
              <span>
                {f.title}
                {f.archived ? <span className="text-sm text-fg-muted"> · archived</span> : null}
              </span>
            </label>
          ))}
        </div>
      )}
      <FieldError id={`${id}-error`} error={error} />
    </fieldset>
  );
}
