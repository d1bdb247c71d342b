'use client';

import { useId } from 'react';
import { ALLOWED_TYPES_LABEL, FILE_INPUT_ACCEPT, formatBytes, SERVER_ACTION_MAX_BYTES } from '@/lib/documents/file-rules';
import { MAX_BODY_CHARS, MAX_FILES_PER_MESSAGE } from '@/lib/conversations/types';

const fieldStyle =
  'mt-1 control';

export function FieldError({ id, error }: { id: string; error?: string }) {
  return error ? <p id={id} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{error}</p> : null;
}

export function MessageTextArea({
  label,
  error,
  textareaRef,
  rows = 5,
  required,
}: {
  label: string;
  error?: string;
  textareaRef?: React.Ref<HTMLTextAreaElement>;
  rows?: number;
  required?: boolean;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">{label}</label>
      <textarea
        ref={textareaRef}
        id={id}
        name="body"
        rows={rows}
        maxLength={MAX_BODY_CHARS}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={fieldStyle}
      />
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

export function AttachmentField({ error }: { error?: string }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">Attachments (optional)</label>
      <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">
        {ALLOWED_TYPES_LABEL}, up to {MAX_FILES_PER_MESSAGE} files and {formatBytes(SERVER_ACTION_MAX_BYTES)} in total.
      </p>
      <input
        id={id}
        type="file"
        name="files"
        multiple
        accept={FILE_INPUT_ACCEPT}
        aria-invalid={error ? true : undefined}
        aria-describedby={[`${id}-hint`, error ? `${id}-error` : null].filter(Boolean).join(' ')}
        className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2 text-base file:mr-3 file:rounded-md file:border-0 file:bg-surface-muted file:px-3 file:py-1.5 file:font-medium aria-invalid:border-red-600"
      />
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

export { fieldStyle };
