/**
 * A labelled input with a fixed id, so the form's error summary can link to it (components/ui's
 * TextField makes its own id). Hint and error are wired to aria-describedby.
 */
export function CardField({ id, label, hint, error, className, ...input }: React.InputHTMLAttributes<HTMLInputElement> & {
  id: string;
  name: string;
  label: string;
  hint?: string;
  error?: string;
}) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium">{label}</label>
      {hint ? <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">{hint}</p> : null}
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className="mt-1 control"
        {...input}
      />
      {error ? <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{error}</p> : null}
    </div>
  );
}
