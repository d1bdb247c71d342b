'use client';

import { useId } from 'react';
import { CheckboxField, FieldError } from '@/components/crm/settings-fields';
import { TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { SHOP_LIMITS, shopSettingsSchema, type SHOP_SETTINGS_FIELDS } from '@/lib/commerce/settings-forms';
import { useActionForm } from '@/lib/forms/use-action-form';

type Values = Record<(typeof SHOP_SETTINGS_FIELDS)[number], string>;

/**
 * CRM → Shop: whether the shop is open (and to new visitors), what patients may do with their
 * subscriptions in the portal, how failed renewals are tried again, and the order teams.
 */
export function ShopSettingsForm({ action, saved, paymentsEnabled }: { action: FormAction<ActionState>; saved: Values; paymentsEnabled: boolean }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(shopSettingsSchema, action);
  const id = useId();
  // After a refusal the form shows what was posted; otherwise the saved options.
  const posted = state.ok === false ? state.values : undefined;
  const text = (name: keyof Values) => posted?.[name] ?? saved[name];
  const checked = (name: keyof Values) => (posted ? posted[name] === 'on' : saved[name] === 'on');
  const teamsError = errorFor('teams');

  return (
    <form {...formProps} className="space-y-6">
      <section aria-labelledby={`${id}-shop`} className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id={`${id}-shop`} className="text-lg font-semibold">The shop</h2>
        <CheckboxField label="Shop open" name="shopEnabled" defaultChecked={checked('shopEnabled')} error={errorFor('shopEnabled')}
          description={paymentsEnabled
            ? 'Patients see Shop in the portal and can buy the products that are for them.'
            : 'The clinic does not take payments yet (CRM → Billing): the shop can open once it does.'} />
        <CheckboxField label="Open to new visitors" name="openToNewVisitors" defaultChecked={checked('openToNewVisitors')} error={errorFor('openToNewVisitors')}
          description="Someone who has never been a patient can browse the shop and create their portal account at checkout (phone checked by SMS code). Off: only signed-in patients can buy." />
        <TextField {...form.register('requirementsDueDays')} label="Days to complete forms and uploads" inputMode="numeric" className="max-w-xs"
          hint={`After payment; then the order shows as overdue for staff. ${SHOP_LIMITS.requirementsDueDays.min}–${SHOP_LIMITS.requirementsDueDays.max}.`}
          defaultValue={text('requirementsDueDays')} error={errorFor('requirementsDueDays')} />
      </section>

      <section aria-labelledby={`${id}-subscriptions`} className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <div>
          <h2 id={`${id}-subscriptions`} className="text-lg font-semibold">What patients may do with their subscriptions</h2>
          <p className="mt-1 text-sm text-fg-muted">In the portal, in one step each. Staff can always do these from the EMR.</p>
        </div>
        <CheckboxField label="Skip the next payment" name="allowSkip" defaultChecked={checked('allowSkip')} error={errorFor('allowSkip')} />
        <div className="grid gap-4 sm:grid-cols-2">
          <CheckboxField label="Pause until a date" name="allowPause" defaultChecked={checked('allowPause')} error={errorFor('allowPause')} />
          <TextField {...form.register('maxPauseDays')} label="Longest pause (days)" inputMode="numeric"
            hint={`${SHOP_LIMITS.maxPauseDays.min}–${SHOP_LIMITS.maxPauseDays.max}.`} defaultValue={text('maxPauseDays')} error={errorFor('maxPauseDays')} />
          <CheckboxField label="Move the next payment date" name="allowReschedule" defaultChecked={checked('allowReschedule')} error={errorFor('allowReschedule')} />
          <TextField {...form.register('rescheduleWindowDays')} label="How far it may move (days, either way)" inputMode="numeric"
            hint={`${SHOP_LIMITS.rescheduleWindowDays.min}–${SHOP_LIMITS.rescheduleWindowDays.max}, from the date it was due.`} defaultValue={text('rescheduleWindowDays')} error={errorFor('rescheduleWindowDays')} />
        </div>
        <CheckboxField label="Cancel" name="allowCancel" defaultChecked={checked('allowCancel')} error={errorFor('allowCancel')}
          description="With a reason, in one step: no “call us to cancel”." />
      </section>

      <section aria-labelledby={`${id}-renewals`} className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id={`${id}-renewals`} className="text-lg font-semibold">Failed renewals and order teams</h2>
        <TextField {...form.register('retryDays')} label="Try a failed renewal again after (days)" className="max-w-md"
          hint={`Such as 1, 3, 7: up to ${SHOP_LIMITS.retries} days from ${SHOP_LIMITS.retryDay.min} to ${SHOP_LIMITS.retryDay.max}, each later than the one before. The patient is asked to update their card; after the last try the subscription is cancelled.`}
          defaultValue={text('retryDays')} autoComplete="off" error={errorFor('retryDays')} />
        <div>
          <label htmlFor={`${id}-teams`} className="block text-sm font-medium">Teams</label>
          <p id={`${id}-teams-hint`} className="mt-0.5 text-sm text-fg-muted">One per line, up to {SHOP_LIMITS.teams}. Orders can be assigned to a team or to a staff member.</p>
          <textarea id={`${id}-teams`} {...form.register('teams')} defaultValue={text('teams')} rows={4}
            aria-invalid={teamsError ? true : undefined} aria-describedby={teamsError ? `${id}-teams-hint ${id}-teams-error` : `${id}-teams-hint`}
            className="mt-1 block w-full max-w-md rounded-lg border border-line bg-surface px-3 py-2.5 text-base text-fg shadow-sm focus:border-brand-accent focus:outline-none focus:ring-2 focus:ring-brand-accent aria-invalid:border-red-600" />
          <FieldError id={`${id}-teams-error`} error={teamsError} />
        </div>
      </section>

      <SubmitBelowAnswer state={state} pending={pending} label="Save shop options" pendingLabel="Saving…" />
    </form>
  );
}
