'use client';

import { startTransition, useActionState, useEffect, useState, type FormEvent } from 'react';
import { requestFormReset } from 'react-dom';
import type { z } from 'zod';
import type { ActionState, FormAction } from '@/lib/actions/result';
import type { FormEnhancer } from './form-enhancer';

/**
 * useActionForm for a page whose first load has no room for react-hook-form and zod (the portal's
 * 150 kB budget, docs/performance.md). The form is a plain server-action form from the first
 * paint, showing the server's `fieldErrors`; once the page is interactive, the schema and
 * lib/forms/form-enhancer.ts are imported and bind react-hook-form to the form's named fields.
 * From then on it behaves as useActionForm: a field's error shows as the person leaves it, the
 * whole form is checked before the action is sent, and the server's errors show after an answer.
 * Submitted before they arrive, the form simply posts to the action.
 *
 *   const loadSchema = () => import('@/lib/scheduling/booking-forms').then((m) => m.cancelVisitSchema);  // module level
 *   const { state, pending, formProps, errorFor } = useLazyActionForm(loadSchema, action);
 *   <form {...formProps}> <textarea name="reason" /> {errorFor('reason')} </form>
 *
 * Fields are found by their `name` (the schema's keys) when the form mounts; they need no
 * `register`. `loadSchema` must be stable (defined at module level).
 */
export interface LazyActionForm<Name extends string, S extends ActionState> {
  state: S;
  pending: boolean;
  /** Spread on the <form>: the server action, the element for the enhancer, the browser check before sending. */
  formProps: {
    ref: (form: HTMLFormElement | null) => void;
    action: (payload: FormData) => void;
    onSubmit: (event: FormEvent<HTMLFormElement>) => void;
    noValidate: true;
  };
  /** The browser's message for a field (the schema's own text), else the server's from the last answer. */
  errorFor: (name: Name) => string | undefined;
}

export function useLazyActionForm<Schema extends z.ZodType, S extends ActionState>(
  loadSchema: () => Promise<Schema>,
  action: FormAction<S>,
  options: {
    initialState?: S;
    /** False keeps what was entered after every answer (a caller that remounts the form on success). */
    resetAfterSubmit?: boolean;
  } = {},
): LazyActionForm<Extract<keyof z.input<Schema>, string>, S> {
  const [state, formAction, pending] = useActionState<S, FormData>(action, (options.initialState ?? {}) as Awaited<S>);
  const [element, setElement] = useState<HTMLFormElement | null>(null);
  const [enhancer, setEnhancer] = useState<FormEnhancer | null>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});

  useEffect(() => {
    if (!element) return;
    let live = true;
    let attached: FormEnhancer | null = null;
    Promise.all([import('./form-enhancer'), loadSchema()]).then(
      ([{ enhanceForm }, schema]) => {
        if (!live) return;
        attached = enhanceForm(element, schema, setClientErrors);
        setEnhancer(attached);
      },
      // Offline or a failed chunk: the form keeps working as a plain server-action form.
      () => undefined,
    );
    return () => {
      live = false;
      attached?.detach();
      setEnhancer(null);
      setClientErrors({});
    };
  }, [element, loadSchema]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    // Not loaded yet: React sends the form to `action`, and the server checks it.
    if (!enhancer) return;
    event.preventDefault();
    const form = event.currentTarget;
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    void enhancer.check().then((valid) => {
      if (!valid) return;
      // The browser's own form data (the button pressed): the action parses it as without JavaScript.
      const payload = new FormData(form, submitter);
      startTransition(() => {
        formAction(payload);
        // As React does for a form posted through `action`: fields show their new defaults after.
        if (options.resetAfterSubmit !== false) requestFormReset(form);
      });
    });
  };
  // A form is sent only without browser errors, so after an answer the server's show; as with
  // useActionForm, a field's server error stays until the next answer unless the browser has its own.
  const errorFor = (name: string) => clientErrors[name] ?? state.fieldErrors?.[name];
  return { state, pending, formProps: { ref: setElement, action: formAction, onSubmit, noValidate: true }, errorFor };
}
