'use client';

import { useId } from 'react';
import { FormMessage, PrimaryButton, SelectField, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { FILE_INPUT_ACCEPT } from '@/lib/documents/file-rules';
import { useActionForm } from '@/lib/forms/use-action-form';
import { PORTAL_AREA_LABELS, PROXY_SCOPE_LABELS, proxyLinkSchema } from '@/lib/portal-access/proxy-link-form';
import type { PortalArea } from '@/lib/portal-access/proxy-scope';
import { PORTAL_AREAS } from '@/lib/portal-access/proxy-scope';
import type { PortalAdminState } from '@/lib/portal-access/staff-admin-state';

export interface ProxyLinkFormValues {
  scope: 'full' | 'limited' | 'custom';
  areas: PortalArea[];
  startsOn: string | null;
  endsOn: string | null;
  evidenceDocumentId: string | null;
}

/**
 * One proxy link's scope, dates and signed consent (EMR → Patient Portal). Posts without
 * JavaScript too; the areas are read only with "Custom".
 */
export function ProxyLinkForm({
  patientId,
  accountId,
  accountName,
  values,
  documents,
  documentTypes,
  canUpload,
  action,
}: {
  patientId: string;
  accountId: string;
  accountName: string;
  values: ProxyLinkFormValues;
  /** The patient's documents to choose the consent from (absent without documents.view). */
  documents?: { id: string; title: string; typeName: string }[];
  documentTypes: { id: string; name: string }[];
  canUpload: boolean;
  action: FormAction<PortalAdminState>;
}) {
  const id = useId();
  const { form, state, pending, formProps, errorFor } = useActionForm(proxyLinkSchema, action, {
    resetAfterSubmit: false,
    defaultValues: {
      scope: values.scope, areas: values.areas, startsOn: values.startsOn ?? '', endsOn: values.endsOn ?? '',
      evidenceDocumentId: values.evidenceDocumentId ?? '',
    },
  });
  const areasError = errorFor('areas');
  const evidenceShown = documents ?? [];
  const currentMissing = values.evidenceDocumentId && !evidenceShown.some((d) => d.id === values.evidenceDocumentId);
  return (
    <form {...formProps} className="space-y-4" aria-label={`Access of ${accountName}`}>
      <input type="hidden" name="patientId" value={patientId} />
      <input type="hidden" name="accountId" value={accountId} />
      <fieldset>
        <legend className="text-sm font-medium">What {accountName} can use</legend>
        <div className="mt-2 space-y-1">
          {(['full', 'limited', 'custom'] as const).map((scope) => (
            <label key={scope} className="flex min-h-11 items-center gap-2">
              <input type="radio" {...form.register('scope')} value={scope} defaultChecked={values.scope === scope} className="size-4 accent-brand-accent" />
              {PROXY_SCOPE_LABELS[scope]}
            </label>
          ))}
        </div>
        {errorFor('scope') ? <p className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{errorFor('scope')}</p> : null}
      </fieldset>
      <fieldset aria-describedby={`${id}-areas-hint${areasError ? ` ${id}-areas-error` : ''}`} className="rounded-lg border border-line p-3">
        <legend className="px-1 text-sm font-medium">Custom access: the parts of the portal</legend>
        <p id={`${id}-areas-hint`} className="text-sm text-fg-muted">Used only with “Custom”.</p>
        <ul className="mt-2 grid gap-x-4 sm:grid-cols-2">
          {PORTAL_AREAS.map((area) => (
            <li key={area}>
              <label className="flex min-h-11 items-center gap-2 text-sm">
                <input type="checkbox" {...form.register('areas')} value={area} defaultChecked={values.areas.includes(area)} className="size-4 shrink-0 accent-brand-accent" />
                {PORTAL_AREA_LABELS[area]}
              </label>
            </li>
          ))}
        </ul>
        {areasError ? <p id={`${id}-areas-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{areasError}</p> : null}
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Starts on (optional)" type="date" {...form.register('startsOn')} defaultValue={values.startsOn ?? ''} error={errorFor('startsOn')} hint="Empty: from now." />
        <TextField label="Ends on (optional)" type="date" {...form.register('endsOn')} defaultValue={values.endsOn ?? ''} error={errorFor('endsOn')} hint="Empty: no end date. Inclusive." />
      </div>
      <fieldset className="space-y-3 rounded-lg border border-line p-3">
        <legend className="px-1 text-sm font-medium">Signed consent</legend>
        {documents ? (
          <SelectField
            label="A document of the patient"
            {...form.register('evidenceDocumentId')}
            defaultValue={values.evidenceDocumentId ?? ''}
            error={errorFor('evidenceDocumentId')}
          >
            <option value="">None</option>
            {currentMissing ? <option value={values.evidenceDocumentId!}>(the current consent)</option> : null}
            {evidenceShown.map((d) => <option key={d.id} value={d.id}>{d.title} · {d.typeName}</option>)}
          </SelectField>
        ) : (
          <input type="hidden" {...form.register('evidenceDocumentId')} defaultValue={values.evidenceDocumentId ?? ''} />
        )}
        {canUpload ? (
          <>
            <div>
              <label htmlFor={`${id}-file`} className="block text-sm font-medium">Or upload the signed consent</label>
              <p id={`${id}-file-hint`} className="text-sm text-fg-muted">
                PDF, JPG or PNG up to 4 MB. It is filed as a document of the patient, not shown in the portal, and replaces the choice above.
              </p>
              <input
                id={`${id}-file`}
                type="file"
                {...form.register('evidenceFile')}
                accept={FILE_INPUT_ACCEPT}
                aria-describedby={`${id}-file-hint${errorFor('evidenceFile') ? ` ${id}-file-error` : ''}`}
                aria-invalid={errorFor('evidenceFile') ? true : undefined}
                className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2 text-base file:mr-3 file:rounded-md file:border-0 file:bg-surface-muted file:px-3 file:py-1.5 file:font-medium aria-invalid:border-red-600"
              />
              {errorFor('evidenceFile') ? <p id={`${id}-file-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{errorFor('evidenceFile')}</p> : null}
            </div>
            <SelectField label="File the upload as" {...form.register('evidenceTypeId')} error={errorFor('evidenceTypeId')} defaultValue="">
              <option value="">Choose a type</option>
              {documentTypes.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </SelectField>
          </>
        ) : null}
      </fieldset>
      <p className="text-sm text-fg-muted">
        Opening a part of the portal that was closed asks the patient again: a teen’s agreement to full access and an adult’s renewed grant lapse.
      </p>
      <PrimaryButton type="submit" disabled={pending}>{pending ? 'Saving…' : 'Save access'}</PrimaryButton>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
