'use client';

import { useActionState, useState } from 'react';
import { saveBrandingAction } from '@/app/t/[tenant]/crm/(app)/branding/actions';
import { FormMessage, PrimaryButton, SecondaryButton, TextField } from '@/components/ui/form-controls';
import { normalizeHexColor } from '@/lib/branding/colors';
import { checkBrandColor } from '@/lib/settings/brand-color';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { BrandPreview } from './brand-preview';
import { ChoiceCards } from './settings-fields';

type Theme = 'light' | 'dark' | 'system';

const THEMES = [
  { value: 'light', label: 'Light', description: 'Dark text on light backgrounds.' },
  { value: 'dark', label: 'Dark', description: 'Light text on dark backgrounds.' },
  { value: 'system', label: 'System', description: 'Follows each patient’s device setting.' },
] as const;

/** Name, colour and theme, with the contrast check and the patient preview updating as you type. */
export function BrandingForm({
  initial,
}: {
  initial: { displayName: string; primaryColor: string; theme: Theme; logoUrl: string | null };
}) {
  const [state, action, pending] = useActionState<SettingsActionState, FormData>(saveBrandingAction, {});
  const [displayName, setDisplayName] = useState(initial.displayName);
  const [colorInput, setColorInput] = useState(initial.primaryColor);
  const [theme, setTheme] = useState<Theme>(initial.theme);

  const color = normalizeHexColor(colorInput);
  const check = color ? checkBrandColor(color) : null;
  const colorError = !color && colorInput.trim() !== ''
    ? 'Enter a colour as a hex code such as #0f766e (# and six digits 0–9 or a–f).'
    : state.values?.primaryColor === colorInput ? state.fieldErrors?.primaryColor : undefined;

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <form action={action} className="space-y-5 rounded-xl border border-line bg-surface p-5" noValidate>
        <TextField
          label="Portal display name"
          name="displayName"
          hint="Shown to patients in the portal header, the sign-in page and messages."
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          maxLength={80}
          required
          error={state.fieldErrors?.displayName}
        />

        <div>
          <div className="flex items-end gap-3">
            <TextField
              className="flex-1"
              label="Primary colour"
              name="primaryColor"
              hint="A hex code such as #0f766e. Buttons and banners use it, with white or dark text on top."
              value={colorInput}
              onChange={(e) => setColorInput(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              required
              error={colorError}
            />
            <div className="pb-0.5">
              <label htmlFor="primary-color-picker" className="sr-only">Pick the primary colour</label>
              <input
                id="primary-color-picker"
                type="color"
                value={color ?? '#000000'}
                onChange={(e) => setColorInput(e.target.value)}
                className="h-11 w-14 cursor-pointer rounded-lg border border-line bg-surface p-1"
              />
            </div>
          </div>
          {check ? (
            <div aria-live="polite" className="mt-3">
              {check.passes ? (
                <p className="flex flex-wrap items-center gap-2 text-sm">
                  <span className="rounded-md px-2 py-1 font-semibold" style={{ background: check.color, color: check.text }}>Aa</span>
                  Text on this colour: {check.ratio}:1 — passes WCAG AA (4.5:1).
                </p>
              ) : (
                <div className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
                  <p>
                    <span className="mr-2 rounded-md px-2 py-1 font-semibold" style={{ background: check.color, color: check.text }}>Aa</span>
                    Text on {check.color} reaches only {check.ratio}:1; patients need at least 4.5:1 to read it.
                    This colour can’t be saved.
                  </p>
                  {check.suggestion ? (
                    <SecondaryButton type="button" className="mt-2 gap-2" onClick={() => setColorInput(check.suggestion!)}>
                      <span aria-hidden className="size-5 rounded border border-line" style={{ background: check.suggestion }} />
                      Use {check.suggestion}
                    </SecondaryButton>
                  ) : null}
                </div>
              )}
            </div>
          ) : null}
        </div>

        {/* The radios stay uncontrolled; listening here keeps the preview in step with them. */}
        <div onChange={(e) => setTheme((e.target as HTMLInputElement).value as Theme)}>
          <ChoiceCards legend="Theme" name="theme" options={THEMES} defaultValue={theme} error={state.fieldErrors?.theme} />
        </div>

        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
        <PrimaryButton type="submit" disabled={pending}>{pending ? 'Saving…' : 'Save branding'}</PrimaryButton>
      </form>

      <section aria-labelledby="preview-heading" className="lg:sticky lg:top-4 lg:self-start">
        <h2 id="preview-heading" className="text-lg font-semibold">Preview as patient</h2>
        <p className="mb-3 text-sm text-fg-muted">The sign-in page and dashboard with these settings{theme === 'system' ? ' (system theme follows this device)' : ''}.</p>
        <BrandPreview displayName={displayName} color={color ?? initial.primaryColor} theme={theme} logoUrl={initial.logoUrl} />
      </section>
    </div>
  );
}
