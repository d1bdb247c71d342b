'use client';

import { startTransition, useActionState, useEffect, useRef } from 'react';
import type { FormAction } from '@/lib/actions/result';
import { staffAttachmentProblem } from '@/lib/conversations/staff-attachments';
import type { MessageFormState } from '@/lib/conversations/staff-form-state';

type Action = FormAction<MessageFormState>;

/**
 * Submits through onSubmit: React resets a form after every `<form action>` run, which would
 * throw away a draft the server refused; here the form is cleared only on success. The form
 * also gets `action={dispatch}` so a submit before hydration is replayed, never sent as a GET.
 */
export function useMessageAction(action: Action, onSuccess?: (form: HTMLFormElement) => void) {
  const formRef = useRef<HTMLFormElement>(null);
  const [state, dispatch, pending] = useActionState<MessageFormState, FormData>(async (previous, form) => {
    const fileError = staffAttachmentProblem(form);
    if (fileError) return { ok: false, message: fileError, fieldErrors: { files: fileError } };
    return action(previous, form);
  }, {});
  const successRef = useRef(onSuccess);
  useEffect(() => {
    successRef.current = onSuccess;
  });
  useEffect(() => {
    if (state.ok && formRef.current) {
      formRef.current.reset();
      successRef.current?.(formRef.current);
    }
  }, [state]);
  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(() => dispatch(form));
  }
  return { state, pending, onSubmit, formRef, dispatch };
}
