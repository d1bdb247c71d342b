'use client';

import { useActionState, useId, useState } from 'react';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { CheckoutFormState } from '@/lib/commerce/checkout-forms';
import { declaredTypeFor, FILE_INPUT_ACCEPT, isAllowedDocumentType } from '@/lib/documents/file-rules';

/**
 * One file for an order's upload request. The browser checks the type and size only to save a
 * round trip; the server checks the bytes (lib/documents/patient-uploads.ts). A plain form: it
 * works without JavaScript.
 */
export function RequirementUploadForm({ action, requirementId, maxBytes, messages }: {
  action: FormAction<CheckoutFormState>;
  requirementId: string;
  maxBytes: number;
  messages: { file: string; hint: string; submit: string; working: string; wrongType: string; tooLarge: string };
}) {
  const id = useId();
  const [state, formAction, pending] = useActionState(action, {});
  const [fileError, setFileError] = useState<string>();
  const problem = fileError ?? state.fieldErrors?.file;
  const describedBy = [`${id}-hint`, problem ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <form action={formAction} className="space-y-4 rounded-xl border border-line bg-surface p-4 sm:p-6" data-testid="requirement-upload-form">
      <FormMessage message={state.fieldErrors?.file ? undefined : state.message} />
      <input type="hidden" name="requirementId" value={requirementId} />
      <div>
        <label htmlFor={`${id}-file`} className="block text-sm font-medium">{messages.file}</label>
        <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">{messages.hint}</p>
        <input
          id={`${id}-file`} type="file" name="file" required accept={FILE_INPUT_ACCEPT} aria-describedby={describedBy} aria-invalid={problem ? true : undefined}
          className="mt-1 block w-full text-base file:mr-3 file:min-h-11 file:rounded-lg file:border file:border-line file:bg-surface-muted file:px-3 file:py-2"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (!file) return setFileError(undefined);
            if (!isAllowedDocumentType(declaredTypeFor(file))) return setFileError(messages.wrongType);
            setFileError(file.size > maxBytes ? messages.tooLarge : undefined);
          }}
        />
        {problem ? <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{problem}</p> : null}
      </div>
      <PrimaryButton type="submit" disabled={pending} aria-disabled={pending} data-testid="requirement-upload-submit">
        {pending ? messages.working : messages.submit}
      </PrimaryButton>
    </form>
  );
}
