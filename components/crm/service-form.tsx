'use client';

import { TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { centsToPriceInput, SERVICE_DURATION, serviceSchema } from '@/lib/services/schemas';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { CheckboxField } from './settings-fields';

export interface ServiceFormValues {
  id: string;
  name: string;
  description: string | null;
  durationMinutes: number;
  priceCents: number | null;
  bookableOnline: boolean;
  isVideo: boolean;
  active: boolean;
}

/** Add (no `service`) or edit a service. The price is typed in dollars and cents and stored in cents. */
export function ServiceForm({ action, service, currency }: { action: FormAction<SettingsActionState>; service?: ServiceFormValues; currency: string }) {
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
      <SubmitBelowAnswer state={state} pending={pending} label={service ? 'Save service' : 'Add service'} pendingLabel="Saving…" className="sm:col-span-2" />
    </form>
  );
}
