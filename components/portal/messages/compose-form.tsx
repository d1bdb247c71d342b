'use client';

import Link from 'next/link';
import { unstable_rethrow } from 'next/navigation';
import { startTransition, useActionState, useEffect, useRef, useState } from 'react';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import {
  attachmentsHintVars,
  checkAttachments,
  checkBody,
  checkSubject,
  chosenFiles,
  inboxProblemState,
  MAX_BODY_CHARS,
  MAX_SUBJECT_CHARS,
  type InboxFormState,
} from '@/lib/conversations/attachment-rules';
import { interpolate } from '@/lib/i18n/core';
import type { InboxMessages } from '@/lib/i18n/messages/inbox';
import { AttachmentsField, BodyField } from './message-fields';

/** "New message": subject, text, files. On success the action redirects to the new thread. */
export function ComposeForm({ action, messages: m }: { action: FormAction<InboxFormState>; messages: InboxMessages }) {
  const [state, formAction, pending] = useActionState(async (previous: InboxFormState, data: FormData): Promise<InboxFormState> => {
    try {
      return await action(previous, data);
    } catch (error) {
      // The redirect to the new thread (or to sign-in) goes on; a dropped connection is said in words.
      unstable_rethrow(error);
      return { ok: false, message: m.errorGeneric };
    }
  }, {});
  const [local, setLocal] = useState<InboxFormState | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const handled = useRef(state);

  // Focus goes to the first field in error, so its message is read out with it.
  function focusFirstError(fields: InboxFormState['fieldErrors']) {
    const first = (['subject', 'body', 'files'] as const).find((f) => fields?.[f]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
  }

  useEffect(() => {
    if (handled.current === state) return;
    handled.current = state;
    if (!state.ok) focusFirstError(state.fieldErrors);
  }, [state]);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const files = chosenFiles<File>(data.getAll('files'));
    const problems = [checkSubject(String(data.get('subject') ?? '')), checkBody(String(data.get('body') ?? ''), files.length > 0), checkAttachments(files)];
    const invalid = inboxProblemState(problems, (key, vars) => interpolate(m[key], vars));
    if (invalid) {
      setLocal(invalid);
      focusFirstError(invalid.fieldErrors);
      return;
    }
    setLocal(null);
    startTransition(() => formAction(data));
  }

  const shown = local ?? state;
  const errors = shown.fieldErrors ?? {};
  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} noValidate className="space-y-4">
      <TextField label={m.subjectLabel} name="subject" required maxLength={MAX_SUBJECT_CHARS} autoComplete="off" error={errors.subject} />
      <BodyField label={m.bodyLabel} hint={interpolate(m.bodyHint, { max: MAX_BODY_CHARS })} error={errors.body} rows={6} />
      <AttachmentsField label={m.attachmentsLabel} hint={interpolate(m.attachmentsHint, attachmentsHintVars())} error={errors.files} />
      <FormMessage message={shown.ok ? undefined : shown.message} />
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center">
        <PrimaryButton type="submit" disabled={pending}>{pending ? m.sending : m.send}</PrimaryButton>
        <Link
          href="/portal/messages"
          className="inline-flex min-h-11 items-center justify-center rounded-lg border border-line bg-surface px-4 py-2.5 text-base font-medium hover:bg-surface-muted"
        >
          {m.cancel}
        </Link>
      </div>
    </form>
  );
}
