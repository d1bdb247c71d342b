'use client';

import { ChoiceCards } from '@/components/crm/settings-fields';
import { TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { SMS_POLICY_CHOICES, SMS_SPEND_LIMITS, smsSpendSettingsSchema } from '@/lib/sms-spend/settings-form';

export interface SmsSpendFormValues {
  monthlyBudget: number | null;
  budgetPolicy: 'codes_only' | 'codes_and_care';
  perPhoneHourly: number;
  perClinicHourly: number;
}

const range = (limits: { min: number; max: number }) => `${limits.min.toLocaleString('en-US')}–${limits.max.toLocaleString('en-US')}`;

/** CRM → SMS usage: the monthly budget, what goes past it, and the hourly ceilings. One form. */
export function SmsSpendForm({ action, initial }: { action: FormAction<ActionState>; initial: SmsSpendFormValues }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(smsSpendSettingsSchema, action);
  // After a refusal the form shows what was posted; otherwise the saved settings.
  const posted = state.ok === false ? state.values : undefined;
  const saved: Record<keyof SmsSpendFormValues, string> = {
    monthlyBudget: initial.monthlyBudget === null ? '' : String(initial.monthlyBudget),
    budgetPolicy: initial.budgetPolicy,
    perPhoneHourly: String(initial.perPhoneHourly),
    perClinicHourly: String(initial.perClinicHourly),
  };
  const text = (name: keyof SmsSpendFormValues) => posted?.[name] ?? saved[name];

  return (
    <form {...formProps} className="space-y-5">
      <TextField
        {...form.register('monthlyBudget')}
        label="Monthly budget (text messages)"
        inputMode="numeric"
        hint={`Messages a calendar month (UTC), ${range(SMS_SPEND_LIMITS.monthlyBudget)}. Admins get an email at 80 % and when it is used up. Leave empty for no budget.`}
        defaultValue={text('monthlyBudget')}
        error={errorFor('monthlyBudget')}
      />
      <ChoiceCards
        {...form.register('budgetPolicy')}
        legend="Once the budget is used up, send"
        hint="Sign-in and verification codes always go; marketing texts always stop. Messages held up to 2 hours go out when the budget is raised or the month ends; older ones are not sent late."
        defaultValue={text('budgetPolicy')}
        options={SMS_POLICY_CHOICES}
        error={errorFor('budgetPolicy')}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          {...form.register('perPhoneHourly')}
          label="Limit per phone number (an hour)"
          inputMode="numeric"
          hint={`Against SMS pumping: texts to one number in an hour, ${range(SMS_SPEND_LIMITS.perPhoneHourly)}. Beyond it codes are refused (“try again later”) and other texts wait for the next hour.`}
          defaultValue={text('perPhoneHourly')}
          error={errorFor('perPhoneHourly')}
        />
        <TextField
          {...form.register('perClinicHourly')}
          label="Limit for the clinic (an hour)"
          inputMode="numeric"
          hint={`All the clinic’s texts in an hour, ${range(SMS_SPEND_LIMITS.perClinicHourly)}. Reminders and campaigns use at most nine tenths of each limit, so sign-in codes still go.`}
          defaultValue={text('perClinicHourly')}
          error={errorFor('perClinicHourly')}
        />
      </div>
      <SubmitBelowAnswer state={state} pending={pending} label="Save SMS budget and limits" pendingLabel="Saving…" />
    </form>
  );
}
