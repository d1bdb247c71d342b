'use client';

import { useId } from 'react';
import { SelectField, TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { addShipmentSchema, SHIPMENT_FORM_LIMITS, shipmentStatusSchema } from '@/lib/commerce/shipment-forms';
import { CARRIER_LABELS, CARRIERS, SHIPMENT_STATUS_LABELS, SHIPMENT_STATUSES } from '@/lib/commerce/tracking';
import { useActionForm } from '@/lib/forms/use-action-form';

/** "Add shipment": the carrier and its tracking number, checked against the carrier's formats as typed. */
export function AddShipmentForm({ action, orderId }: { action: FormAction<ActionState>; orderId: string }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(addShipmentSchema, action, { defaultValues: { orderId, carrier: 'usps', trackingNumber: '' } });
  return (
    <form {...formProps} className="grid gap-3 sm:grid-cols-2">
      <input type="hidden" name="orderId" value={orderId} />
      <SelectField label="Carrier" {...form.register('carrier')} defaultValue="usps" error={errorFor('carrier')}>
        {CARRIERS.map((c) => <option key={c} value={c}>{CARRIER_LABELS[c]}</option>)}
      </SelectField>
      <TextField
        label="Tracking number" hint="As printed on the label; spaces are ignored." {...form.register('trackingNumber')}
        maxLength={60} autoComplete="off" spellCheck={false} autoCapitalize="characters" error={errorFor('trackingNumber')}
      />
      <SubmitBelowAnswer state={state} pending={pending} label="Add shipment" pendingLabel="Adding…" className="sm:col-span-2" />
    </form>
  );
}

/** "Update status" of one package; an exception needs a note saying what happened. */
export function ShipmentStatusForm({ action, shipmentId, status, label }: {
  action: FormAction<ActionState>;
  shipmentId: string;
  status: (typeof SHIPMENT_STATUSES)[number];
  /** "UPS 1Z999AA10123456784", for the form's name. */
  label: string;
}) {
  const id = useId();
  const { form, state, pending, formProps, errorFor } = useActionForm(shipmentStatusSchema, action, { defaultValues: { shipmentId, status, note: '' }, resetAfterSubmit: false });
  return (
    <form {...formProps} className="grid gap-3 sm:grid-cols-2" aria-labelledby={`${id}-name`}>
      <p id={`${id}-name`} className="sr-only">Status of {label}</p>
      <input type="hidden" name="shipmentId" value={shipmentId} />
      <SelectField label="Status" {...form.register('status')} defaultValue={status} error={errorFor('status')}>
        {SHIPMENT_STATUSES.map((s) => <option key={s} value={s}>{SHIPMENT_STATUS_LABELS[s]}</option>)}
      </SelectField>
      <TextField label="Note (needed for an exception)" {...form.register('note')} maxLength={SHIPMENT_FORM_LIMITS.note} autoComplete="off" error={errorFor('note')} />
      <SubmitBelowAnswer state={state} pending={pending} label="Update status" pendingLabel="Saving…" className="sm:col-span-2" />
    </form>
  );
}
