'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { startTransition, useActionState, useMemo, type FormEvent } from 'react';
import { requestFormReset } from 'react-dom';
import { useForm, type FieldErrors as RhfFieldErrors, type FieldValues, type Resolver, type UseFormReturn } from 'react-hook-form';
import type { z } from 'zod';
import type { ActionState, FormAction } from '@/lib/actions/result';

/**
 * One form, one schema, two checks: react-hook-form validates with the same zod schema the server
 * action parses (a field's error shows as the person leaves it), and the action's `fieldErrors`
 * are merged in after submit. Until JavaScript has loaded the form is a plain server-action form:
 * `action={formAction}` posts it and the server answers with the same field errors.
 *
 *   const { form, state, pending, formProps, errorFor } = useActionForm(serviceSchema, action, { defaultValues });
 *   <form {...formProps}> <input {...form.register('name')} defaultValue={…} /> {errorFor('name')} </form>
 */
export interface ActionForm<T extends FieldValues, S extends ActionState> {
  form: UseFormReturn<T>;
  state: S;
  pending: boolean;
  /** Spread on the <form>: the server action, plus the browser check before it is sent. */
  formProps: { action: (payload: FormData) => void; onSubmit: (event: FormEvent<HTMLFormElement>) => void; noValidate: true };
  /** The browser's message for a field, else the server's from the last submit. */
  errorFor: (name: string) => string | undefined;
}

export function useActionForm<Schema extends z.ZodType<FieldValues, FieldValues>, S extends ActionState>(
  schema: Schema,
  action: FormAction<S>,
  options: {
    initialState?: S;
    defaultValues?: Partial<z.input<Schema>>;
    /** False keeps what was entered after every answer (a caller that remounts the form on success). */
    resetAfterSubmit?: boolean;
  } = {},
): ActionForm<z.input<Schema>, S> {
  const [state, formAction, pending] = useActionState<S, FormData>(action, (options.initialState ?? {}) as Awaited<S>);
  // The server's field errors, in react-hook-form's shape; a new object only when the state changes.
  const errors = useMemo(() => {
    const out: Record<string, { type: string; message: string }> = {};
    for (const [name, message] of Object.entries(state.fieldErrors ?? {})) out[name] = { type: 'server', message };
    return out as RhfFieldErrors<z.input<Schema>>;
  }, [state]);
  const form = useForm<z.input<Schema>>({
    resolver: zodResolver(schema as never) as unknown as Resolver<z.input<Schema>>,
    mode: 'onTouched',
    defaultValues: options.defaultValues as never,
    errors,
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const element = event.currentTarget;
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    void form.handleSubmit(() => {
      // The browser's own form data (files, the button pressed): the action parses it as without JavaScript.
      const payload = new FormData(element, submitter);
      startTransition(() => {
        formAction(payload);
        // As React does for a form posted through `action`: fields show their new defaults after.
        if (options.resetAfterSubmit !== false) requestFormReset(element);
      });
    })(event);
  };
  const errorFor = (name: string): string | undefined => {
    const error = (form.formState.errors as Record<string, { message?: unknown } | undefined>)[name];
    return typeof error?.message === 'string' ? error.message : state.fieldErrors?.[name];
  };
  return { form, state, pending, formProps: { action: formAction, onSubmit, noValidate: true }, errorFor };
}
