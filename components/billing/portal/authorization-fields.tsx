import type { ChargePurpose } from '@/db/schema/billing';
import { CardField } from './card-field';

// As lib/billing/portal-forms.ts lists them; not imported from there, which would bring zod into the first load.
const PURPOSES = ['invoices', 'no_show_fees', 'subscriptions'] as const satisfies readonly ChargePurpose[];

export interface AuthorizationMessages {
  legend: string;
  checkbox: string;
  text: string;
  scopeLegend: string;
  purposes: Record<ChargePurpose, string>;
  maxAmountLabel: string;
  maxAmountHint: string;
}

/**
 * What the patient authorises the clinic to charge a card for: the wording they agree to (its
 * version is recorded by lib/billing/cards.ts), the purposes, and an optional limit per charge.
 * `optional`: a box to tick first (adding a card); otherwise the form is the authorisation.
 */
export function AuthorizationFields({ idPrefix, currency, optional, messages, values, errorFor }: {
  idPrefix: string;
  currency: string;
  optional: boolean;
  messages: AuthorizationMessages;
  values?: Record<string, string>;
  errorFor: (name: 'scope' | 'maxAmount') => string | undefined;
}) {
  const scopeError = errorFor('scope');
  const box = 'flex min-h-11 cursor-pointer items-center gap-3';
  return (
    <fieldset className="space-y-4 rounded-xl border border-line bg-surface p-4 sm:p-5">
      <legend className="px-1 text-lg font-semibold">{messages.legend}</legend>
      <input type="hidden" name="currency" value={currency} />
      <p id={`${idPrefix}-text`} className="rounded-lg bg-surface-muted p-3 text-sm">{messages.text}</p>
      {optional ? (
        <label className={`${box} font-medium`}>
          <input type="checkbox" name="authorize" value="yes" aria-describedby={`${idPrefix}-text`} className="size-5 shrink-0 accent-brand" data-testid="authorize-card" />
          {messages.checkbox}
        </label>
      ) : null}
      <fieldset aria-describedby={scopeError ? `${idPrefix}-scope-error` : undefined}>
        <legend className="text-sm font-medium">{messages.scopeLegend}</legend>
        <div className="mt-1">
          {PURPOSES.map((purpose, i) => (
            <label key={purpose} className={box}>
              <input type="checkbox" name="scope" value={purpose} id={i === 0 ? `${idPrefix}-scope` : undefined}
                aria-invalid={scopeError ? true : undefined} className="size-5 shrink-0 accent-brand" data-testid={`authorize-scope-${purpose}`} />
              <span>{messages.purposes[purpose]}</span>
            </label>
          ))}
        </div>
        {scopeError ? <p id={`${idPrefix}-scope-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{scopeError}</p> : null}
      </fieldset>
      <CardField id={`${idPrefix}-maxAmount`} name="maxAmount" label={messages.maxAmountLabel} hint={messages.maxAmountHint}
        error={errorFor('maxAmount')} inputMode="decimal" maxLength={40} defaultValue={values?.maxAmount ?? ''} data-testid="authorize-max-amount" />
    </fieldset>
  );
}

/** The summary's links for the authorisation's fields. */
export function authorizationErrors(idPrefix: string, errorFor: (name: 'scope' | 'maxAmount') => string | undefined) {
  return (['scope', 'maxAmount'] as const).flatMap((name) => {
    const message = errorFor(name);
    return message ? [{ id: `${idPrefix}-${name}`, message }] : [];
  });
}
