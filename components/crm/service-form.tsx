'use client';

import { useActionState } from 'react';
import { addServiceAction, updateServiceAction } from '@/app/t/[tenant]/crm/(app)/services/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import { centsToPriceInput, SERVICE_DURATION } from '@/lib/services/schemas';
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
export function ServiceForm({ service, currency }: { service?: ServiceFormValues; currency: string }) {
  const [state, action, pending] = useActionState<SettingsActionState, FormData>(service ? updateServiceAction : addServiceAction, {});
  const e = state.fieldErrors ?? {};
  // After a refused save the form shows what was posted; after adding, it starts empty again.
  const posted = state.ok && !service ? undefined : state.values;
  const text = (name: 'name' | 'description' | 'durationMinutes' | 'price', saved: string) => posted?.[name] ?? saved;
  const checked = (name: 'bookableOnline' | 'isVideo' | 'active', saved: boolean) => (posted ? posted[name] === 'on' : saved);
  return (
    <form action={action} className="grid gap-4 sm:grid-cols-2" noValidate>
      {service ? <input type="hidden" name="serviceId" value={service.id} /> : null}
      <TextField className="sm:col-span-2" label="Name" name="name" hint="As patients see it, e.g. “Family consultation”." defaultValue={text('name', service?.name ?? '')} maxLength={80} required error={e.name} />
      <TextField className="sm:col-span-2" label="Description (optional)" name="description" defaultValue={text('description', service?.description ?? '')} maxLength={500} error={e.description} />
      <TextField
        label="Duration (minutes)"
        name="durationMinutes"
        inputMode="numeric"
        hint={`From ${SERVICE_DURATION.min} to ${SERVICE_DURATION.max} minutes.`}
        defaultValue={text('durationMinutes', service ? String(service.durationMinutes) : '30')}
        required
        error={e.durationMinutes}
      />
      <TextField
        label={`Price in ${currency} (optional)`}
        name="price"
        inputMode="decimal"
        hint="Dollars and cents, e.g. 120 or 120.50. Leave empty to show no price."
        defaultValue={text('price', centsToPriceInput(service?.priceCents ?? null))}
        error={e.price}
      />
      <div className="space-y-3 sm:col-span-2">
        <CheckboxField label="Bookable online" name="bookableOnline" defaultChecked={checked('bookableOnline', service?.bookableOnline ?? true)} description="Patients can book it in the portal; otherwise staff book it." error={e.bookableOnline} />
        <CheckboxField label="Video visit" name="isVideo" defaultChecked={checked('isVideo', service?.isVideo ?? false)} description="The visit happens by video call." error={e.isVideo} />
        <CheckboxField label="Active" name="active" defaultChecked={checked('active', service?.active ?? true)} description="Inactive services are not offered for new bookings." error={e.active} />
      </div>
      <div className="space-y-3 sm:col-span-2">
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
        <PrimaryButton type="submit" disabled={pending}>{pending ? 'Saving…' : service ? 'Save service' : 'Add service'}</PrimaryButton>
      </div>
    </form>
  );
}
