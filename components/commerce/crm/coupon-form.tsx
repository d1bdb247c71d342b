'use client';

import { useId, useState, useSyncExternalStore } from 'react';
import { CheckboxField, ChoiceCards, FieldError } from '@/components/crm/settings-fields';
import { TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { CouponKind } from '@/db/schema/commerce';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { basisPointsToPercent } from '@/lib/billing/settings-forms';
import { moneyInputValue } from '@/lib/billing/staff-forms';
import { COUPON_KIND_LABELS, COUPON_LIMITS, createCouponSchema, updateCouponSchema } from '@/lib/commerce/coupon-forms';
import { useActionForm } from '@/lib/forms/use-action-form';

/**
 * A coupon's form (CRM → Coupons, new and edit). Without JavaScript both the percent and the
 * amount fields show (the server reads the one the kind asks for), as do the product choices.
 */

export interface CouponFormValues {
  code: string;
  description: string | null;
  kind: CouponKind;
  percentBp: number | null;
  amountOff: number | null;
  validFrom: string | null;
  validTo: string | null;
  appliesToAll: boolean;
  productIds: string[];
  maxRedemptions: number | null;
  perPatientLimit: number | null;
  firstOrderOnly: boolean;
  subscriptionCycles: number | null;
  redemptionCount: number;
}

const NEW_COUPON: CouponFormValues = {
  code: '', description: null, kind: 'percent', percentBp: null, amountOff: null, validFrom: null, validTo: null, appliesToAll: true,
  productIds: [], maxRedemptions: null, perPatientLimit: null, firstOrderOnly: false, subscriptionCycles: null, redemptionCount: 0,
};

type Target = { mode: 'create' } | { mode: 'update'; couponId: string };

const noSubscription = () => () => undefined;

export function CouponForm({
  action, target, currency, timeZone, products, values = NEW_COUPON, submitLabel,
}: {
  action: FormAction<ActionState>;
  target: Target;
  currency: string;
  timeZone: string;
  products: { id: string; name: string; archived: boolean }[];
  values?: CouponFormValues;
  submitLabel: string;
}) {
  const id = useId();
  const schema = target.mode === 'create' ? createCouponSchema : updateCouponSchema;
  const hidden = target.mode === 'update' ? { couponId: target.couponId } : {};
  const { form, state, pending, formProps, errorFor } = useActionForm(schema, action, {
    defaultValues: { ...hidden, currency, kind: values.kind, appliesTo: values.appliesToAll ? 'all' : 'chosen' } as never,
    resetAfterSubmit: false,
  });
  const live = useSyncExternalStore(noSubscription, () => true, () => false);
  const [kind, setKind] = useState<CouponKind>(values.kind);
  const [applies, setApplies] = useState(values.appliesToAll ? 'all' : 'chosen');
  const posted = state.ok === false ? state.values : undefined;
  const text = (name: string, saved: string) => posted?.[name] ?? saved;
  const num = (n: number | null) => (n === null ? '' : String(n));
  const productsError = errorFor('productIds');
  const choices = products.filter((p) => !p.archived || values.productIds.includes(p.id));

  return (
    <form {...formProps} className="space-y-6">
      {target.mode === 'update' ? <input type="hidden" name="couponId" value={target.couponId} /> : null}
      <input type="hidden" name="currency" value={currency} />

      <section aria-labelledby={`${id}-code`} className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id={`${id}-code`} className="text-lg font-semibold">Code and discount</h2>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField {...form.register('code' as never)} label="Code" hint="What patients type at checkout, in any case: 3–32 letters, digits, - or _." defaultValue={text('code', values.code)}
            maxLength={32} autoComplete="off" spellCheck={false} className="[&_input]:font-mono" error={errorFor('code')} />
          <TextField {...form.register('description' as never)} label="Note for staff (optional)" hint="Where the code is used, such as “Spring newsletter”." defaultValue={text('description', values.description ?? '')}
            maxLength={COUPON_LIMITS.description} autoComplete="off" error={errorFor('description')} />
        </div>
        <ChoiceCards {...form.register('kind' as never, { onChange: (e: { target: { value: string } }) => setKind(e.target.value as CouponKind) })}
          legend="Discount" defaultValue={text('kind', values.kind)} error={errorFor('kind')}
          options={[
            { value: 'percent', label: COUPON_KIND_LABELS.percent, description: 'A share of each eligible line, such as 10 %.' },
            { value: 'amount', label: COUPON_KIND_LABELS.amount, description: `An amount in ${currency} off the eligible lines, never below zero.` },
          ]} />
        <div className="grid gap-4 sm:grid-cols-2">
          {!live || kind === 'percent' ? (
            <TextField {...form.register('percent' as never)} label="Percentage off (%)" inputMode="decimal" hint="Such as 10 or 12.5." defaultValue={text('percent', values.percentBp !== null ? basisPointsToPercent(values.percentBp) : '')}
              autoComplete="off" error={errorFor('percent')} />
          ) : null}
          {!live || kind === 'amount' ? (
            <TextField {...form.register('amount' as never)} label={`Amount off (${currency})`} inputMode="decimal" hint="Such as 10 or 10.50." defaultValue={text('amount', values.amountOff !== null ? moneyInputValue(values.amountOff, currency) : '')}
              autoComplete="off" error={errorFor('amount')} />
          ) : null}
        </div>
      </section>

      <section aria-labelledby={`${id}-when`} className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <div>
          <h2 id={`${id}-when`} className="text-lg font-semibold">When and what for</h2>
          <p className="mt-1 text-sm text-fg-muted">Days are the clinic’s ({timeZone}): valid from the start of the first day to the end of the last.</p>
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField {...form.register('validFrom' as never)} type="date" label="First day (optional)" hint="Empty: valid now." defaultValue={text('validFrom', values.validFrom ?? '')} error={errorFor('validFrom')} />
          <TextField {...form.register('validTo' as never)} type="date" label="Last day (optional)" hint="Empty: no end." defaultValue={text('validTo', values.validTo ?? '')} error={errorFor('validTo')} />
        </div>
        <ChoiceCards {...form.register('appliesTo' as never, { onChange: (e: { target: { value: string } }) => setApplies(e.target.value) })}
          legend="Products" defaultValue={text('appliesTo', values.appliesToAll ? 'all' : 'chosen')} error={errorFor('appliesTo')}
          options={[
            { value: 'all', label: 'All products', description: 'Every product in an order, now and added later.' },
            { value: 'chosen', label: 'Chosen products', description: 'Only the products ticked below.' },
          ]} />
        {!live || applies === 'chosen' ? (
          <fieldset aria-describedby={productsError ? `${id}-products-error` : undefined}>
            <legend className="text-sm font-medium">The products it is for{!live ? ' (when “Chosen products”)' : ''}</legend>
            {choices.length === 0 ? (
              <p className="mt-1 text-sm text-fg-muted">The clinic has no products yet. Add them in CRM → Products.</p>
            ) : (
              <ul className="mt-2 grid gap-2 sm:grid-cols-2">
                {choices.map((p) => (
                  <li key={p.id} className="flex items-start gap-2">
                    <input id={`${id}-product-${p.id}`} type="checkbox" name="productIds" value={p.id} defaultChecked={values.productIds.includes(p.id)} className="mt-1 size-4 shrink-0 accent-brand-accent" />
                    <label htmlFor={`${id}-product-${p.id}`}>{p.name}{p.archived ? <span className="text-fg-muted"> (archived)</span> : null}</label>
                  </li>
                ))}
              </ul>
            )}
            <FieldError id={`${id}-products-error`} error={productsError} />
          </fieldset>
        ) : null}
      </section>

      <section aria-labelledby={`${id}-limits`} className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id={`${id}-limits`} className="text-lg font-semibold">Limits</h2>
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField {...form.register('maxRedemptions' as never)} label="Total uses (optional)" inputMode="numeric"
            hint={values.redemptionCount > 0 ? `Used ${values.redemptionCount} ${values.redemptionCount === 1 ? 'time' : 'times'} so far; the limit cannot be lower. Empty: no limit.` : 'Empty: no limit.'}
            defaultValue={text('maxRedemptions', num(values.maxRedemptions))} autoComplete="off" error={errorFor('maxRedemptions')} />
          <TextField {...form.register('perPatientLimit' as never)} label="Uses per patient (optional)" inputMode="numeric" hint="Empty: no limit."
            defaultValue={text('perPatientLimit', num(values.perPatientLimit))} autoComplete="off" error={errorFor('perPatientLimit')} />
          <TextField {...form.register('subscriptionCycles' as never)} label="Subscription payments it lowers (optional)" inputMode="numeric" hint="1: the first payment only. Empty: every payment."
            defaultValue={text('subscriptionCycles', num(values.subscriptionCycles))} autoComplete="off" error={errorFor('subscriptionCycles')} />
        </div>
        <CheckboxField label="First order only" name="firstOrderOnly" defaultChecked={posted ? posted.firstOrderOnly === 'on' : values.firstOrderOnly}
          description="Only for a patient who has never ordered from the clinic." error={errorFor('firstOrderOnly')} />
      </section>

      <SubmitBelowAnswer state={state} pending={pending} label={submitLabel} pendingLabel="Saving…" />
    </form>
  );
}
