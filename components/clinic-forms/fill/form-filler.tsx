'use client';

import { startTransition, useActionState, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { FormMessage, PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { answerFields, type FormDefinition } from '@/lib/clinic-forms/definition';
import { visibleFields, type Answers } from '@/lib/clinic-forms/enable-when';
import type { FillProblem } from '@/lib/clinic-forms/fill-rules';
import type { AnswerFileState, FillState, SaveAnswersState } from '@/components/clinic-forms/fill/fill-state';
import { interpolate } from '@/lib/i18n/core';
import { FieldList, type FieldContext, type FormsMessages, type SignerRoleChoice } from './fill-field';
import type { FillEnhancer, SaveStatus } from './fill-enhancer';

// Same words as lib/clinic-forms/fill-rules.ts PROBLEM_MESSAGE_KEYS; repeated here so this
// first-load component does not import that module's zod.
const PROBLEM_KEYS: Record<FillProblem, keyof FormsMessages> = {
  required: 'problemRequired', too_long: 'problemTooLong', control_characters: 'problemControlCharacters', number: 'problemNumber',
  integer: 'problemInteger', min: 'problemMin', max: 'problemMax', date: 'problemDate', option: 'problemOption', email: 'problemEmail',
  phone: 'problemPhone', file: 'problemFile', signature_needed: 'problemSignatureNeeded', signature_name: 'problemSignatureName',
  signature_role: 'problemSignatureRole', signature_drawing: 'problemSignatureDrawing',
};

export interface FormFillerProps {
  assignmentId: string;
  definition: FormDefinition;
  revision: number;
  answers: Answers;
  consentTexts: Record<string, string>;
  defaultRole: SignerRoleChoice;
  maxFileBytes: number;
  messages: FormsMessages;
  actions: {
    fill: FormAction<FillState>;
    save: (input: unknown) => Promise<SaveAnswersState>;
    upload: (input: unknown) => Promise<AnswerFileState>;
  };
}

/**
 * The form to fill. A plain server-action form from the first paint (it saves and submits
 * without JavaScript: fields whose condition depends on an answer appear after saving); once the
 * page is interactive, fill-enhancer.ts arrives with react-hook-form and the answer checks,
 * shows and hides conditional fields as the patient answers, and autosaves.
 */
export function FormFiller(props: FormFillerProps) {
  const { definition, messages: t } = props;
  const [state, formAction, pending] = useActionState<FillState, FormData>(props.actions.fill, {});
  const formRef = useRef<HTMLFormElement>(null);
  const revision = useRef(props.revision);
  const [enhancer, setEnhancer] = useState<FillEnhancer | null>(null);
  const [answers, setAnswers] = useState<Answers>(props.answers);
  const [clientProblems, setClientProblems] = useState<Record<string, FillProblem> | null>(null);
  const [status, setStatus] = useState<SaveStatus>('idle');

  // A post's answer: the save status, the answers the fields show, the server's problems in place of the browser's.
  const [answered, setAnswered] = useState(state);
  if (answered !== state) {
    setAnswered(state);
    if (state.stale) setStatus('stale');
    else if (state.done === 'saved') setStatus(state.problems && Object.keys(state.problems).length ? 'not-saved' : 'saved');
    if (state.answers) setAnswers(state.answers);
    setClientProblems(null);
  }
  // …and the revision the next save names.
  useEffect(() => {
    if (typeof state.revision === 'number') revision.current = state.revision;
  }, [state]);

  const { save, upload } = props.actions;
  useEffect(() => {
    const form = formRef.current;
    if (!form) return;
    let live = true;
    let attached: FillEnhancer | null = null;
    import('./fill-enhancer').then(
      ({ enhanceFill }) => {
        if (!live) return;
        attached = enhanceFill(form, props.assignmentId, definition, {
          onAnswers: setAnswers,
          onErrors: setClientProblems,
          onStatus: setStatus,
          save: (input) => save(input),
          revision: () => revision.current,
          setRevision: (next) => {
            revision.current = next;
          },
        });
        setEnhancer(attached);
      },
      // Offline or a failed chunk: the form keeps working as a plain form.
      () => undefined,
    );
    return () => {
      live = false;
      attached?.detach();
      setEnhancer(null);
    };
  }, [definition, props.assignmentId, save, state.done]);

  const visible = useMemo(() => visibleFields(definition, answers), [definition, answers]);
  const signatureFields = useMemo(() => answerFields(definition).filter((f) => f.type === 'signature'), [definition]);

  const problemCodes = clientProblems ?? state.problems ?? {};
  const problems: Record<string, string> = {};
  for (const [linkId, code] of Object.entries(problemCodes)) {
    const field = answerFields(definition).find((f) => f.linkId === linkId);
    problems[linkId] = interpolate(t[PROBLEM_KEYS[code]], { min: field?.min ?? '', max: field?.max ?? '' });
  }
  for (const [linkId, message] of Object.entries(state.fileErrors ?? {})) problems[linkId] = message;

  const ctx: FieldContext = {
    t, defaults: state.answers ?? props.answers, visible, problems, signatures: state.signatures ?? {}, consentTexts: props.consentTexts,
    defaultRole: props.defaultRole, maxFileBytes: props.maxFileBytes, assignmentId: props.assignmentId, upload,
  };

  function signatureProblems(form: HTMLFormElement): Record<string, FillProblem> {
    const out: Record<string, FillProblem> = {};
    for (const field of signatureFields) {
      if (!field.required || !visible.has(field.linkId)) continue;
      const name = (form.elements.namedItem(`signature.${field.linkId}.name`) as HTMLInputElement | null)?.value.trim() ?? '';
      if (name.length < 2) out[field.linkId] = name ? 'signature_name' : 'signature_needed';
    }
    return out;
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    // Always sent by hand, so React does not reset the fields to their first values after the answer.
    event.preventDefault();
    const form = event.currentTarget;
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const final = submitter?.value === 'submit';
    void (async () => {
      if (enhancer) {
        if (!(await enhancer.check(final, final ? signatureProblems(form) : {}))) return;
        await enhancer.settle();
      }
      const payload = new FormData(form, submitter);
      payload.set('revision', String(revision.current));
      startTransition(() => formAction(payload));
    })();
  };

  const statusText = { idle: '', saving: t.statusSaving, saved: t.statusSaved, 'not-saved': t.statusNotSaved, stale: t.statusNotSaved }[status];
  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} noValidate className="space-y-6">
      <input type="hidden" name="assignmentId" value={props.assignmentId} />
      <input type="hidden" name="revision" defaultValue={state.revision ?? props.revision} />
      <p className="text-sm text-fg-muted">{t.requiredNote}</p>
      {state.stale || status === 'stale' ? (
        <div role="alert" className="rounded-lg border border-red-300 bg-red-50 p-3 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          <p>{t.staleAnswers}</p>
          <a href="" className="mt-1 inline-block font-medium underline">{t.reload}</a>
        </div>
      ) : state.ok === false ? <FormMessage message={state.message} /> : state.done === 'saved' ? <FormMessage tone="info" message={state.message} /> : null}
      <FieldList fields={definition.fields} ctx={ctx} depth={0} />
      <div className="sticky bottom-0 -mx-4 flex flex-col gap-3 border-t border-line bg-surface/95 px-4 py-3 sm:static sm:mx-0 sm:flex-row sm:items-center sm:border-0 sm:bg-transparent sm:px-0">
        <PrimaryButton type="submit" name="intent" value="submit" disabled={pending} className="w-full sm:w-auto">
          {pending ? t.submitting : t.submit}
        </PrimaryButton>
        <SecondaryButton type="submit" name="intent" value="save" disabled={pending} className="w-full sm:w-auto">
          {t.saveLater}
        </SecondaryButton>
        <p role="status" aria-live="polite" className="text-sm text-fg-muted sm:ml-auto">{statusText}</p>
      </div>
    </form>
  );
}
