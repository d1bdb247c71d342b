import { useId } from 'react';

type FieldProps = { label: string; name: string; error?: string; hint?: string; className?: string };

/**
 * The frame every field shares: label, optional hint, the control, and its error, with the hint
 * and error wired to aria-describedby (WCAG 1.3.1, 3.3.1).
 */
function Field({
  label, error, hint, className, control,
}: Omit<FieldProps, 'name'> & { control: (a11y: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => React.ReactNode }) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {hint ? (
        <p id={hintId} className="mt-0.5 text-sm text-fg-muted">
          {hint}
        </p>
      ) : null}
      {control({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {error ? (
        <p id={errorId} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : null}
    </div>
  );
}

const CONTROL_CLASS = 'mt-1 control';

/** A labelled input with its error wired to aria-describedby. */
export function TextField({ label, name, error, hint, className, ...input }: React.InputHTMLAttributes<HTMLInputElement> & FieldProps) {
  return (
    <Field label={label} error={error} hint={hint} className={className}
      control={(a11y) => <input {...a11y} name={name} className={`${CONTROL_CLASS} placeholder:text-fg-muted`} {...input} />} />
  );
}

/** A labelled select, styled and wired like TextField. */
export function SelectField({ label, name, error, hint, className, children, ...select }: React.SelectHTMLAttributes<HTMLSelectElement> & FieldProps) {
  return (
    <Field label={label} error={error} hint={hint} className={className}
      control={(a11y) => <select {...a11y} name={name} className={CONTROL_CLASS} {...select}>{children}</select>} />
  );
}

export function PrimaryButton({ children, className = '', ...props }: React.ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button
      {...props}
      className={`btn-primary ${className}`}
    >
      {children}
    </button>
  );
}

export function SecondaryButton({ children, className = '', ...props }: React.ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button
      {...props}
      className={`btn-secondary ${className}`}
    >
      {children}
    </button>
  );
}

/** An error or notice for the whole form, announced to screen readers. */
export function FormMessage({ message, tone = 'error' }: { message?: string; tone?: 'error' | 'info' }) {
  if (!message) return null;
  return (
    <p
      role={tone === 'error' ? 'alert' : 'status'}
      className={
        tone === 'error'
          ? 'rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-sm font-medium text-red-800'
          : 'rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm text-fg'
      }
    >
      {message}
    </p>
  );
}
