'use client';

import { useId } from 'react';
import type { UseFormRegisterReturn } from 'react-hook-form';
import { FormMessage, PrimaryButton, SecondaryButton, SelectField, TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { assignTaskSchema, createTaskSchema, TASK_LIMITS, taskStatusSchema, updateTaskSchema } from '@/lib/engagement/task-forms';
import { useActionForm } from '@/lib/forms/use-action-form';

// The task forms (EMR). Hidden ids are also the form's default values, so the browser's check
// with the shared schema sees the whole form the server parses. Without JavaScript each posts to
// its action and the page shows the answer (a refused form shows what was typed again).

const textareaClass = 'mt-1 control';

type Person = { id: string; fullName: string };

/** The details box: a labelled textarea with its hint and error wired to aria-describedby. */
function DetailsField({ registered, defaultValue, error }: { registered: React.TextareaHTMLAttributes<HTMLTextAreaElement>; defaultValue: string; error?: string }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={`${id}-details`} className="block text-sm font-medium">Details (optional)</label>
      <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">For staff only; the patient never sees tasks. Up to {TASK_LIMITS.details.toLocaleString('en-US')} characters.</p>
      <textarea
        id={`${id}-details`} {...registered} defaultValue={defaultValue} rows={4} maxLength={TASK_LIMITS.details}
        aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`} className={textareaClass}
      />
      {error ? <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{error}</p> : null}
    </div>
  );
}

/** A person with tasks access and a team; a person or team no longer on the list stays choosable until changed. */
function AssigneeFields({ staffField, teamField, staff, teams, current, errorFor }: {
  staffField: UseFormRegisterReturn;
  teamField: UseFormRegisterReturn;
  staff: Person[];
  teams: string[];
  current: { staff: Person | null; team: string | null };
  errorFor: (name: string) => string | undefined;
}) {
  const people = current.staff && !staff.some((s) => s.id === current.staff!.id) ? [...staff, current.staff] : staff;
  return (
    <>
      <SelectField label="Assigned to" {...staffField} defaultValue={current.staff?.id ?? ''} error={errorFor('assigneeStaffId')}>
        <option value="">Nobody</option>
        {people.map((s) => <option key={s.id} value={s.id}>{s.fullName}</option>)}
      </SelectField>
      <SelectField label="Team" {...teamField} defaultValue={current.team ?? ''} error={errorFor('assigneeTeam')}>
        <option value="">No team</option>
        {[...new Set([...teams, ...(current.team ? [current.team] : [])])].map((t) => <option key={t} value={t}>{t}</option>)}
      </SelectField>
    </>
  );
}

/** "New task": what, for whom, about which patient (chosen on the page), by when. */
export function NewTaskForm({ action, staff, teams, me, patient, today }: {
  action: FormAction<ActionState>;
  staff: Person[];
  teams: string[];
  /** The person filling the form: the task is theirs unless they choose otherwise. */
  me: Person | null;
  patient: { id: string; label: string } | null;
  today: string;
}) {
  const defaults = { title: '', details: '', patientId: patient?.id ?? '', assigneeStaffId: me?.id ?? '', assigneeTeam: '', dueOn: '' };
  const { form, state, pending, formProps, errorFor } = useActionForm(createTaskSchema, action, { defaultValues: defaults, resetAfterSubmit: false });
  const posted = state.ok === false ? state.values : undefined;
  return (
    <form {...formProps} className="grid gap-4 sm:grid-cols-2">
      <input type="hidden" name="patientId" value={patient?.id ?? ''} />
      {patient || errorFor('patientId') ? (
        <div className="sm:col-span-2">
          {patient ? <p className="text-sm">About <span className="font-semibold">{patient.label}</span></p> : null}
          {errorFor('patientId') ? <p className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{errorFor('patientId')}</p> : null}
        </div>
      ) : null}
      <TextField
        label="What needs doing" {...form.register('title')} defaultValue={posted?.title ?? ''} maxLength={TASK_LIMITS.title} autoComplete="off"
        error={errorFor('title')} className="sm:col-span-2"
      />
      <div className="sm:col-span-2">
        <DetailsField registered={form.register('details')} defaultValue={posted?.details ?? ''} error={errorFor('details')} />
      </div>
      <AssigneeFields staffField={form.register('assigneeStaffId')} teamField={form.register('assigneeTeam')} staff={staff} teams={teams} current={{ staff: me, team: null }} errorFor={errorFor} />
      <TextField type="date" label="Due (optional)" hint="A day in the clinic’s calendar." {...form.register('dueOn')} min={today} defaultValue={posted?.dueOn ?? ''} error={errorFor('dueOn')} />
      <SubmitBelowAnswer state={state} pending={pending} label="Create task" pendingLabel="Creating…" className="sm:col-span-2" />
    </form>
  );
}

/** "Edit": the title, the details and the due day. */
export function EditTaskForm({ action, taskId, values }: { action: FormAction<ActionState>; taskId: string; values: { title: string; details: string | null; dueOn: string | null } }) {
  const defaults = { taskId, title: values.title, details: values.details ?? '', dueOn: values.dueOn ?? '' };
  const { form, state, pending, formProps, errorFor } = useActionForm(updateTaskSchema, action, { defaultValues: defaults, resetAfterSubmit: false });
  const posted = state.ok === false ? state.values : undefined;
  return (
    <form {...formProps} className="grid gap-4 sm:grid-cols-2">
      <input type="hidden" name="taskId" value={taskId} />
      <TextField label="What needs doing" {...form.register('title')} defaultValue={posted?.title ?? values.title} maxLength={TASK_LIMITS.title} autoComplete="off" error={errorFor('title')} className="sm:col-span-2" />
      <div className="sm:col-span-2">
        <DetailsField registered={form.register('details')} defaultValue={posted?.details ?? values.details ?? ''} error={errorFor('details')} />
      </div>
      <TextField type="date" label="Due (optional)" hint="Empty: no due date." {...form.register('dueOn')} defaultValue={posted?.dueOn ?? values.dueOn ?? ''} error={errorFor('dueOn')} />
      <SubmitBelowAnswer state={state} pending={pending} label="Save changes" pendingLabel="Saving…" className="sm:col-span-2" />
    </form>
  );
}

/** "Reassign": a person with tasks access and/or a team; "Nobody" and "No team" clear each. */
export function AssignTaskForm({ action, taskId, staff, teams, current }: {
  action: FormAction<ActionState>;
  taskId: string;
  staff: Person[];
  teams: string[];
  current: { staff: Person | null; team: string | null };
}) {
  const defaults = { taskId, assigneeStaffId: current.staff?.id ?? '', assigneeTeam: current.team ?? '' };
  const { form, state, pending, formProps, errorFor } = useActionForm(assignTaskSchema, action, { defaultValues: defaults, resetAfterSubmit: false });
  return (
    <form {...formProps} className="grid gap-4 sm:grid-cols-2">
      <input type="hidden" name="taskId" value={taskId} />
      <AssigneeFields staffField={form.register('assigneeStaffId')} teamField={form.register('assigneeTeam')} staff={staff} teams={teams} current={current} errorFor={errorFor} />
      <SubmitBelowAnswer state={state} pending={pending} label="Save assignment" pendingLabel="Saving…" className="sm:col-span-2" />
    </form>
  );
}

/**
 * "Done" (or "Reopen") for one task: a one-button form. In a list row the button names the
 * task for screen readers ("Done: Call back about the refill"); a refusal shows beside it.
 */
export function TaskStatusButton({ action, taskId, title, reopen = false, primary = false }: {
  action: FormAction<ActionState>;
  taskId: string;
  title: string;
  reopen?: boolean;
  primary?: boolean;
}) {
  const { state, pending, formProps } = useActionForm(taskStatusSchema, action, { defaultValues: { taskId } });
  const Button = primary ? PrimaryButton : SecondaryButton;
  const label = reopen ? 'Reopen' : 'Done';
  return (
    <form {...formProps} className="flex flex-col items-start gap-2">
      <input type="hidden" name="taskId" value={taskId} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Saving…' : label}<span className="sr-only">: {title}</span>
      </Button>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
