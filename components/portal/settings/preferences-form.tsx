'use client';

import { useActionState } from 'react';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { LOCALE_NAMES, LOCALES, translator, type Locale } from '@/lib/i18n/core';
import { settings } from '@/lib/i18n/messages/settings';
import type { SettingsFormState } from '@/lib/portal-access/settings-form-state';
import { SelectField } from '@/components/ui/form-controls';

/** Language and time zone. Saving redirects, so the whole portal re-renders in the new language. */
export function PreferencesForm({
  action: savePreferences,
  locale,
  language,
  timeZone,
  zones,
  saved,
}: {
  action: FormAction<SettingsFormState>;
  locale: Locale;
  language: string;
  timeZone: string | null;
  zones: readonly string[];
  saved: boolean;
}) {
  const t = translator(settings, locale);
  const [state, action, pending] = useActionState<SettingsFormState, FormData>(savePreferences, {});
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage message={state.message} />
      {saved && !state.fieldErrors ? <FormMessage tone="info" message={t('preferencesSaved')} /> : null}
      <SelectField label={t('language')} name="language" defaultValue={language} error={state.fieldErrors?.language}>
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LOCALE_NAMES[code]}
          </option>
        ))}
      </SelectField>
      <SelectField label={t('timeZone')} name="timeZone" defaultValue={timeZone ?? ''} hint={t('timeZoneHint')} error={state.fieldErrors?.timeZone}>
        <option value="">{t('timeZoneClinic')}</option>
        {zones.map((zone) => (
          <option key={zone} value={zone}>
            {zone.replace(/_/g, ' ')}
          </option>
        ))}
      </SelectField>
      <PrimaryButton type="submit" disabled={pending} className="w-full sm:w-auto">
        {pending ? t('savingPreferences') : t('savePreferences')}
      </PrimaryButton>
    </form>
  );
}
