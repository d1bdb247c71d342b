import { useId } from 'react';
import { FILE_INPUT_ACCEPT } from '@/lib/documents/file-rules';

const errorClass = 'mt-1 text-sm font-medium text-red-700 dark:text-red-300';
const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(' ') || undefined;

/** The message text: labelled, its limit and any error tied to it (WCAG 1.3.1, 3.3.1). */
export function BodyField({ label, hint, error, rows = 5, ref }: { label: string; hint: string; error?: string; rows?: number; ref?: React.Ref<HTMLTextAreaElement> }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">{label}</label>
      <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">{hint}</p>
      <textarea
        ref={ref}
        id={id}
        name="body"
        rows={rows}
        required
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, error && `${id}-error`)}
        className="mt-1 control"
      />
      {error ? <p id={`${id}-error`} className={errorClass}>{error}</p> : null}
    </div>
  );
}

/** Optional files; the accepted types and limits are said in words, not only in `accept`. */
export function AttachmentsField({ label, hint, error }: { label: string; hint: string; error?: string }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">{label}</label>
      <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">{hint}</p>
      <input
        id={id}
        type="file"
        name="files"
        multiple
        accept={FILE_INPUT_ACCEPT}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, error && `${id}-error`)}
        className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2 text-base file:mr-3 file:rounded-md file:border-0 file:bg-surface-muted file:px-3 file:py-1.5 file:font-medium aria-invalid:border-red-600"
      />
      {error ? <p id={`${id}-error`} className={errorClass}>{error}</p> : null}
    </div>
  );
}
