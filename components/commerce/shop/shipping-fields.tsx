import { CardField } from '@/components/billing/portal/card-field';

export interface ShippingValues {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
}

export interface ShippingMessages {
  heading: string;
  name: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

/** The fields' ids, in the form's order: the error summary links to them. */
export const SHIPPING_FIELDS = ['shipName', 'shipLine1', 'shipLine2', 'shipCity', 'shipRegion', 'shipPostalCode', 'shipCountry'] as const;
export type ShippingField = (typeof SHIPPING_FIELDS)[number];

/** Where the order ships, filled in from the patient's record; the browser's address autofill hints. */
export function ShippingFields({ defaults, messages, errorFor }: {
  defaults: ShippingValues;
  messages: ShippingMessages;
  errorFor: (name: ShippingField) => string | undefined;
}) {
  return (
    <fieldset className="space-y-4 rounded-xl border border-line bg-surface p-4 sm:p-5">
      <legend className="px-1 text-lg font-semibold">{messages.heading}</legend>
      <CardField id="ship-shipName" label={messages.name} name="shipName" autoComplete="shipping name" maxLength={120} required defaultValue={defaults.name} error={errorFor('shipName')} />
      <CardField id="ship-shipLine1" label={messages.line1} name="shipLine1" autoComplete="shipping address-line1" maxLength={200} required defaultValue={defaults.line1} error={errorFor('shipLine1')} />
      <CardField id="ship-shipLine2" label={messages.line2} name="shipLine2" autoComplete="shipping address-line2" maxLength={200} defaultValue={defaults.line2 ?? ''} error={errorFor('shipLine2')} />
      <div className="grid gap-4 sm:grid-cols-2">
        <CardField id="ship-shipCity" label={messages.city} name="shipCity" autoComplete="shipping address-level2" maxLength={100} required defaultValue={defaults.city} error={errorFor('shipCity')} />
        <CardField id="ship-shipRegion" label={messages.region} name="shipRegion" autoComplete="shipping address-level1" maxLength={100} defaultValue={defaults.region ?? ''} error={errorFor('shipRegion')} />
        <CardField id="ship-shipPostalCode" label={messages.postalCode} name="shipPostalCode" autoComplete="shipping postal-code" maxLength={20} required defaultValue={defaults.postalCode} error={errorFor('shipPostalCode')} />
        <CardField id="ship-shipCountry" label={messages.country} name="shipCountry" autoComplete="shipping country" maxLength={56} required defaultValue={defaults.country} error={errorFor('shipCountry')} />
      </div>
    </fieldset>
  );
}
