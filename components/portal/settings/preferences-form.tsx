'use client';

import { useActionState } from 'react';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { LOCALE_NAMES, LOCALES } from '@/lib/i18n/core';
import type { settings } from '@/lib/i18n/messages/settings';
import type { SettingsFormState } from '@/lib/portal-access/settings-form-state';
import { SelectField } from '@/components/ui/form-controls';

/** Language and time zone. Saving redirects, so the whole portal re-renders in the new language. */
export function PreferencesForm({
  action: savePreferences,
  messages: m,
  language,
  timeZone,
  zones,
  saved,
}: {
  action: FormAction<SettingsFormState>;
  /** The reader's language's strings (not both catalogues: the portal's 150 kB first-load budget). */
  messages: typeof settings.en;
  language: string;
  timeZone: string | null;
  zones: readonly string[];
  saved: boolean;
}) {
  const [state, action, pending] = useActionState<SettingsFormState, FormData>(savePreferences, {});
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage message={state.message} />
      {saved && !state.fieldErrors ? <FormMessage tone="info" message={m.preferencesSaved} /> : null}
      <SelectField label={m.language} name="language" defaultValue={language} error={state.fieldErrors?.language}>
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LOCALE_NAMES[code]}
          </option>
        ))}
      </SelectField>
      <SelectField label={m.timeZone} name="timeZone" defaultValue={timeZone ?? ''} hint={m.timeZoneHint} error={state.fieldErrors?.timeZone}>
        <option value="">{m.timeZoneClinic}</option>
        {zones.map((zone) => (
          <option key={zone} value={zone}>
            {zone.replace(/_/g, ' ')}
          </option>
        ))}
      </SelectField>
      <PrimaryButton type="submit" disabled={pending} className="w-full sm:w-auto">
        {pending ? m.savingPreferences : m.savePreferences}
      </PrimaryButton>
    </form>
  );
}
