'use client';

import { FormMessage, PrimaryButton, SecondaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { normalizeHexColor } from '@/lib/branding/colors';
import { useActionForm } from '@/lib/forms/use-action-form';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { checkBrandColor } from '@/lib/settings/brand-color';
import { brandingSchema } from '@/lib/settings/schemas';
import { BrandPreview } from './brand-preview';
import { ChoiceCards } from './settings-fields';

type Theme = 'light' | 'dark' | 'system';

const THEMES = [
  { value: 'light', label: 'Light', description: 'Dark text on light backgrounds.' },
  { value: 'dark', label: 'Dark', description: 'Light text on dark backgrounds.' },
  { value: 'system', label: 'System', description: 'Follows each patient’s device setting.' },
] as const;

const HEX_MESSAGE = 'Enter a colour as a hex code such as #0f766e (# and six digits 0–9 or a–f).';

/** Name, colour and theme, with the contrast check and the patient preview updating as you type. */
export function BrandingForm({
  action,
  initial,
}: {
  action: FormAction<SettingsActionState>;
  initial: { displayName: string; primaryColor: string; theme: Theme; logoUrl: string | null };
}) {
  const { form, state, pending, formProps, errorFor } = useActionForm(brandingSchema, action, {
    defaultValues: { displayName: initial.displayName, primaryColor: initial.primaryColor, theme: initial.theme },
  });
  // The preview follows the fields as they are typed.
  const [displayName, colorInput, theme] = form.watch(['displayName', 'primaryColor', 'theme']) as [string, string, Theme];
  // After a refusal the fields keep what was posted; after a save, the saved branding.
  const posted = state.ok === false ? state.values : undefined;
  const saved = (name: 'displayName' | 'primaryColor' | 'theme') => posted?.[name] ?? initial[name];

  const color = normalizeHexColor(colorInput ?? '');
  const check = color ? checkBrandColor(color) : null;
  // Checked as it is typed; the server's refusal (the contrast) only while the colour is still the one it refused.
  const browserError = form.formState.errors.primaryColor;
  const colorError = !color && (colorInput ?? '').trim() !== ''
    ? HEX_MESSAGE
    : state.values?.primaryColor === colorInput ? state.fieldErrors?.primaryColor : browserError?.type === 'server' ? undefined : browserError?.message;
  const setColor = (value: string) => form.setValue('primaryColor', value, { shouldDirty: true });

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <form {...formProps} className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <TextField
          {...form.register('displayName')}
          label="Portal display name"
          hint="Shown to patients in the portal header, the sign-in page and messages."
          defaultValue={saved('displayName')}
          maxLength={80}
          required
          error={errorFor('displayName')}
        />

        <div>
          <div className="flex items-end gap-3">
            <TextField
              {...form.register('primaryColor')}
              className="flex-1"
              label="Primary colour"
              hint="A hex code such as #0f766e. Buttons and banners use it, with white or dark text on top."
              defaultValue={saved('primaryColor')}
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
                onChange={(e) => setColor(e.target.value)}
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
                    <SecondaryButton type="button" className="mt-2 gap-2" onClick={() => setColor(check.suggestion!)}>
                      <span aria-hidden className="size-5 rounded border border-line" style={{ background: check.suggestion }} />
                      Use {check.suggestion}
                    </SecondaryButton>
                  ) : null}
                </div>
              )}
            </div>
          ) : null}
        </div>

        <ChoiceCards {...form.register('theme')} legend="Theme" options={THEMES} defaultValue={saved('theme')} error={errorFor('theme')} />

        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
        <PrimaryButton type="submit" disabled={pending}>{pending ? 'Saving…' : 'Save branding'}</PrimaryButton>
      </form>

      <section aria-labelledby="preview-heading" className="lg:sticky lg:top-4 lg:self-start">
        <h2 id="preview-heading" className="text-lg font-semibold">Preview as patient</h2>
        <p className="mb-3 text-sm text-fg-muted">The sign-in page and dashboard with these settings{theme === 'system' ? ' (system theme follows this device)' : ''}.</p>
        <BrandPreview displayName={displayName ?? ''} color={color ?? initial.primaryColor} theme={theme} logoUrl={initial.logoUrl} />
      </section>
    </div>
  );
}
