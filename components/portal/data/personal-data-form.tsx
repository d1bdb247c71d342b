'use client';

import { FormMessage, PrimaryButton, SelectField, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { useLazyActionForm } from '@/lib/forms/use-lazy-action-form';
import { interpolate, type Vars } from '@/lib/i18n/core';
import type { DataMessages } from '@/lib/i18n/messages/data';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import type { DataFormState, PersonalDataField } from '@/lib/patients/personal-data-form';
import { ContactCodeStep } from './contact-code-step';

// Loaded once the page is interactive: zod and react-hook-form are not part of the first load.
const loadSchema = () => import('@/lib/patients/personal-data-form').then((m) => m.personalDataFormSchema);


/**
 * Personal, contact and address data of the selected patient (lib/patients/personal-data.ts).
 * The browser checks each field as the person leaves it with the schema the action parses.
 * Each step is its own <form> element, so the fields come back from the code step showing the
 * record (or what the server echoed), never what was typed before it. The page hands over the
 * reader's language's strings (not the catalogue of both): the portal's 150 kB first-load budget.
 */
export function PersonalDataForm({
  action,
  messages,
  codeLabels,
  initial,
  isSelf,
  pending: pendingChange,
}: {
  action: FormAction<DataFormState>;
  messages: DataMessages;
  codeLabels: CodeStepLabels;
  initial: Record<string, string>;
  isSelf: boolean;
  pending: { stage: 'current' | 'new'; maskedPhone: string } | null;
}) {
  const t = (key: keyof DataMessages, vars?: Vars) => interpolate(messages[key], vars);
  const { state, pending, formProps, errorFor } = useLazyActionForm(loadSchema, action, {
    initialState: pendingChange ? { step: 'code', stage: pendingChange.stage, maskedPhone: pendingChange.maskedPhone } : { step: 'form' },
  });
  if (state.step === 'code') return <ContactCodeStep action={formProps.action} pending={pending} state={state} messages={messages} codeLabels={codeLabels} />;

  const values = state.values ?? initial;
  // The browser's messages are catalogue keys; the server's arrive translated.
  const errorText = (name: PersonalDataField) => {
    const error = errorFor(name);
    return error && Object.hasOwn(messages, error) ? t(error as keyof DataMessages) : error;
  };
  const field = (name: PersonalDataField, label: string, props: React.InputHTMLAttributes<HTMLInputElement> & { hint?: string } = {}) => (
    <TextField name={name} label={label} defaultValue={values[name] ?? ''} error={errorText(name)} {...props} />
  );
  const group = 'space-y-4 rounded-xl border border-line bg-surface p-4 sm:p-6';
  return (
    <form {...formProps} className="space-y-6">
      <input type="hidden" name="intent" value="save" />
      <FormMessage message={state.message} />
      <FormMessage message={state.notice} tone="info" />
      <fieldset className={group}>
        <legend className="px-1 text-lg font-semibold">{t('personalHeading')}</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          {field('firstName', t('firstName'), { autoComplete: isSelf ? 'given-name' : 'off', required: true, maxLength: 100 })}
          {field('lastName', t('lastName'), { autoComplete: isSelf ? 'family-name' : 'off', required: true, maxLength: 100 })}
        </div>
        <SelectField name="preferredLanguage" label={t('preferredLanguage')} defaultValue={values.preferredLanguage || 'en'} error={errorText('preferredLanguage')}>
          <option value="en" lang="en">{t('languageEn')}</option>
          <option value="es" lang="es">{t('languageEs')}</option>
        </SelectField>
      </fieldset>
      <fieldset className={group}>
        <legend className="px-1 text-lg font-semibold">{t('contactHeading')}</legend>
        {field('phone', t('phone'), { type: 'tel', autoComplete: isSelf ? 'tel' : 'off', required: isSelf, maxLength: 40, hint: isSelf ? t('phoneHintSelf') : t('phoneHintOther') })}
        {field('email', t('email'), { type: 'email', autoComplete: isSelf ? 'email' : 'off', maxLength: 254, hint: isSelf ? t('emailHintSelf') : undefined })}
      </fieldset>
      <fieldset className={group}>
        <legend className="px-1 text-lg font-semibold">{t('addressHeading')}</legend>
        {field('addressLine1', t('addressLine1'), { autoComplete: isSelf ? 'address-line1' : 'off', maxLength: 200 })}
        {field('addressLine2', t('addressLine2'), { autoComplete: isSelf ? 'address-line2' : 'off', maxLength: 200 })}
        <div className="grid gap-4 sm:grid-cols-2">
          {field('city', t('city'), { autoComplete: isSelf ? 'address-level2' : 'off', maxLength: 100 })}
          {field('region', t('region'), { autoComplete: isSelf ? 'address-level1' : 'off', maxLength: 100 })}
          {field('postalCode', t('postalCode'), { autoComplete: isSelf ? 'postal-code' : 'off', maxLength: 20 })}
          {field('country', t('country'), { autoComplete: isSelf ? 'country' : 'off', maxLength: 2, hint: t('countryHint') })}
        </div>
      </fieldset>
      <PrimaryButton type="submit" disabled={pending} className="w-full sm:w-auto">
        {pending ? t('saving') : t('save')}
      </PrimaryButton>
    </form>
  );
}
