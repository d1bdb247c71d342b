'use client';

import { useActionState } from 'react';
import { personalDataAction } from '@/app/t/[tenant]/portal/(app)/data/actions';
import { SelectField } from '@/components/ui/form-controls';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import { translator, type Locale } from '@/lib/i18n/core';
import { data } from '@/lib/i18n/messages/data';
import { ContactCodeStep } from './contact-code-step';
import type { DataFormState } from './form-state';

/** Personal, contact and address data of the selected patient; see lib/portal/personal-data. */
export function PersonalDataForm({
  locale,
  initial,
  isSelf,
  pending: pendingChange,
}: {
  locale: Locale;
  initial: Record<string, string>;
  isSelf: boolean;
  pending: { stage: 'current' | 'new'; maskedPhone: string } | null;
}) {
  const t = translator(data, locale);
  const [state, action, pending] = useActionState<DataFormState, FormData>(
    personalDataAction,
    pendingChange ? { step: 'code', stage: pendingChange.stage, maskedPhone: pendingChange.maskedPhone } : { step: 'form' },
  );
  if (state.step === 'code') return <ContactCodeStep action={action} pending={pending} state={state} locale={locale} />;

  const values = state.values ?? initial;
  const field = (name: string, label: string, props: React.InputHTMLAttributes<HTMLInputElement> & { hint?: string } = {}) => (
    <TextField label={label} name={name} defaultValue={values[name] ?? ''} error={state.fieldErrors?.[name]} {...props} />
  );
  const group = 'space-y-4 rounded-xl border border-line bg-surface p-4 sm:p-6';
  return (
    <form action={action} className="space-y-6" noValidate>
      <input type="hidden" name="intent" value="save" />
      <FormMessage message={state.message} />
      <FormMessage message={state.notice} tone="info" />
      <fieldset className={group}>
        <legend className="px-1 text-lg font-semibold">{t('personalHeading')}</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          {field('firstName', t('firstName'), { autoComplete: isSelf ? 'given-name' : 'off', required: true, maxLength: 100 })}
          {field('lastName', t('lastName'), { autoComplete: isSelf ? 'family-name' : 'off', required: true, maxLength: 100 })}
        </div>
        <SelectField label={t('preferredLanguage')} name="preferredLanguage" defaultValue={values.preferredLanguage || 'en'} error={state.fieldErrors?.preferredLanguage}>
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
