'use client';

import { useActionState, useId } from 'react';
import { FormMessage, PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { BRANDING_ASSET_RULES, type BrandingAssetKind } from '@/lib/branding-assets/asset-rules';
import { formatBytes } from '@/lib/documents/file-rules';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { FieldError } from './settings-fields';

const TEXT: Record<BrandingAssetKind, { title: string; hint: string }> = {
  logo: { title: 'Logo', hint: 'Shown in the portal header and on the sign-in page. A square image works best.' },
  favicon: { title: 'Favicon', hint: 'The small icon in the browser tab. 32×32 or 64×64 pixels.' },
};

/** Upload or remove the clinic's logo or favicon. The server checks the bytes, whatever the name says. */
export function LogoUploadForm({ kind, currentUrl, actions }: { kind: BrandingAssetKind; currentUrl: string | null; actions: { upload: FormAction<SettingsActionState>; remove: FormAction<SettingsActionState> } }) {
  const [uploadState, upload, uploading] = useActionState(actions.upload, {});
  const [removeState, remove, removing] = useActionState(actions.remove, {});
  const id = useId();
  const rules = BRANDING_ASSET_RULES[kind];
  const fileError = uploadState.fieldErrors?.file;
  return (
    <section aria-labelledby={`${id}-title`} className="space-y-3 rounded-xl border border-line bg-surface p-5">
      <div className="flex items-start gap-4">
        <div className="grid size-16 shrink-0 place-items-center overflow-hidden rounded-lg border border-line bg-surface-muted">
          {currentUrl ? (
            // eslint-disable-next-line @next/next/no-img-element -- uploaded files of any size, served by our own route
            <img src={currentUrl} alt={`Current ${kind}`} className="max-h-14 max-w-14" />
          ) : (
            <span className="text-xs text-fg-muted">None</span>
          )}
        </div>
        <div>
          <h2 id={`${id}-title`} className="text-lg font-semibold">{TEXT[kind].title}</h2>
          <p className="text-sm text-fg-muted">{TEXT[kind].hint} {rules.label}, up to {formatBytes(rules.maxBytes)}.</p>
        </div>
      </div>
      <form action={upload} className="flex flex-wrap items-end gap-3" noValidate>
        <input type="hidden" name="kind" value={kind} />
        <div>
          <label htmlFor={`${id}-file`} className="block text-sm font-medium">Choose a file</label>
          <input
            id={`${id}-file`}
            type="file"
            name="file"
            accept={rules.accept}
            required
            aria-invalid={fileError ? true : undefined}
            aria-describedby={fileError ? `${id}-error` : undefined}
            className="mt-1 block text-sm file:mr-3 file:rounded-md file:border file:border-line file:bg-surface file:px-3 file:py-1.5"
          />
          <FieldError id={`${id}-error`} error={fileError} />
        </div>
        <PrimaryButton type="submit" disabled={uploading}>{uploading ? 'Uploading…' : `Upload ${kind}`}</PrimaryButton>
      </form>
      <FormMessage message={uploadState.message} tone={uploadState.ok ? 'info' : 'error'} />
      {currentUrl ? (
        <form action={remove}>
          <input type="hidden" name="kind" value={kind} />
          <SecondaryButton type="submit" disabled={removing}>{removing ? 'Removing…' : `Remove ${kind}`}</SecondaryButton>
        </form>
      ) : null}
      <FormMessage message={removeState.message} tone={removeState.ok ? 'info' : 'error'} />
    </section>
  );
}
