import { CardField } from './card-field';

export type TestCardFieldName = 'number' | 'expiry' | 'cvc';

/** The simulated card's number, expiry and code, with the browser's card autofill hints. */
export function TestCardFields({ idPrefix, legend, labels, errorFor }: {
  idPrefix: string;
  legend: string;
  labels: { cardNumber: string; expiry: string; cvc: string; cvcHint: string };
  errorFor: (name: TestCardFieldName) => string | undefined;
}) {
  return (
    <fieldset className="space-y-4 rounded-xl border border-line bg-surface p-4 sm:p-5">
      <legend className="px-1 text-lg font-semibold">{legend}</legend>
      <CardField id={`${idPrefix}-number`} name="number" label={labels.cardNumber} error={errorFor('number')}
        autoComplete="cc-number" inputMode="numeric" maxLength={40} required data-testid="card-number" />
      <div className="grid grid-cols-2 gap-4">
        <CardField id={`${idPrefix}-expiry`} name="expiry" label={labels.expiry} error={errorFor('expiry')}
          autoComplete="cc-exp" placeholder="MM/YY" maxLength={12} required data-testid="card-expiry" />
        <CardField id={`${idPrefix}-cvc`} name="cvc" label={labels.cvc} hint={labels.cvcHint} error={errorFor('cvc')}
          autoComplete="cc-csc" inputMode="numeric" maxLength={4} required data-testid="card-cvc" />
      </div>
    </fieldset>
  );
}

/** The summary's links: each card field with an error, in the form's order. */
export function cardFieldErrors(idPrefix: string, errorFor: (name: TestCardFieldName) => string | undefined) {
  return (['number', 'expiry', 'cvc'] as const).flatMap((name) => {
    const message = errorFor(name);
    return message ? [{ id: `${idPrefix}-${name}`, message }] : [];
  });
}
