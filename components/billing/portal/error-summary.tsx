import { useEffect, useRef } from 'react';

/**
 * The form's refusal at its top: the message, and a link to each field with an error. It takes
 * the focus when a new answer arrives (`answer` changes), so a screen reader hears it and a
 * keyboard user starts from it. Without JavaScript the page simply renders it first.
 */
export function ErrorSummary({ title, message, errors, answer }: {
  title: string;
  message?: string;
  /** Field id → its message, in the form's order. */
  errors: readonly { id: string; message: string }[];
  answer: unknown;
}) {
  const box = useRef<HTMLDivElement>(null);
  const shown = Boolean(message) || errors.length > 0;
  useEffect(() => {
    if (shown) box.current?.focus();
  }, [answer, shown]);
  if (!shown) return null;
  return (
    <div ref={box} tabIndex={-1} role="alert" aria-labelledby="billing-error-title" data-testid="billing-form-error"
      className="rounded-lg border-2 border-red-600 bg-red-50 p-3 text-red-900 focus:outline-none focus:ring-2 focus:ring-red-600 dark:bg-red-950 dark:text-red-50">
      <p id="billing-error-title" className="font-semibold">{title}</p>
      {message ? <p className="mt-1">{message}</p> : null}
      {errors.length > 0 ? (
        <ul className="mt-2 list-disc space-y-1 pl-5">
          {errors.map((e) => (
            <li key={e.id}><a href={`#${e.id}`} className="font-medium underline underline-offset-2">{e.message}</a></li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
