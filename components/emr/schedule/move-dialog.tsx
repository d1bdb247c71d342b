'use client';

import { useEffect, useId, useState, useTransition } from 'react';
import { FormMessage, PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import { ModalDialog } from '@/components/ui/modal-dialog';
import type { FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { moveSchema, type MoveTimesState } from '@/lib/scheduling/calendar-forms';
import type { ScheduleFormState } from '@/lib/scheduling/schedule-form-state';

/** The visit the Move dialog moves, as its Move button describes it. */
export interface MovableVisit {
  appointmentId: string;
  patient: string;
  /** "9:00 AM – 9:30 AM EST", for the button's name and the dialog's text. */
  when: string;
  providerId: string;
  /** The visit's day at its location, YYYY-MM-DD. */
  day: string;
}

/**
 * The keyboard's way to move a visit: the app's modal dialog (focus kept inside it, Escape closes
 * it; the board returns focus to the Move button). Provider, day, then one of
 * that day's free times, read from the server each time the provider or the day changes.
 */
export function MoveDialog({ visit, onClose, onClosed, moveAction, timesAction }: {
  visit: MovableVisit | null;
  /** Asks to close: with the action's message when the visit moved. */
  onClose: (movedMessage?: string) => void;
  /** The dialog has closed: focus may move out of it now. */
  onClosed: () => void;
  moveAction: FormAction<ScheduleFormState>;
  timesAction: (input: unknown) => Promise<MoveTimesState>;
}) {
  const headingId = useId();
  // A fresh form each time the dialog opens (its key), so nothing of the last move lingers.
  // Counted when it opens, not when the board re-renders with an equal visit (a new key would
  // remount the form and drop the focus inside it).
  const [opened, setOpened] = useState(0);
  const [wasOpen, setWasOpen] = useState(false);
  if ((visit !== null) !== wasOpen) {
    setWasOpen(visit !== null);
    if (visit) setOpened((n) => n + 1);
  }

  return (
    <ModalDialog
      open={visit !== null}
      onCancel={() => onClose()}
      onClosed={onClosed}
      labelledBy={headingId}
      className="w-[min(32rem,calc(100vw-2rem))] rounded-xl border border-line bg-surface p-0 shadow-xl"
    >
      {visit ? (
        <MoveForm key={`${visit.appointmentId}-${opened}`} visit={visit} headingId={headingId} onClose={onClose} moveAction={moveAction} timesAction={timesAction} />
      ) : null}
    </ModalDialog>
  );
}

function MoveForm({ visit, headingId, onClose, moveAction, timesAction }: {
  visit: MovableVisit;
  headingId: string;
  onClose: (movedMessage?: string) => void;
  moveAction: FormAction<ScheduleFormState>;
  timesAction: (input: unknown) => Promise<MoveTimesState>;
}) {
  const id = useId();
  const { form, state, pending, formProps, errorFor } = useActionForm(moveSchema, moveAction, {
    defaultValues: { appointmentId: visit.appointmentId, providerId: visit.providerId, startsAt: '' },
    resetAfterSubmit: false,
  });
  const [choices, setChoices] = useState<MoveTimesState | null>(null);
  const [loading, startLoading] = useTransition();
  const [day, setDay] = useState(visit.day);
  const [providerId, setProviderId] = useState(visit.providerId);

  const load = (provider: string, on: string) => startLoading(async () => {
    const answer = await timesAction({ appointmentId: visit.appointmentId, providerId: provider, day: on });
    setChoices(answer);
    if (answer.providerId && answer.providerId !== provider) {
      setProviderId(answer.providerId);
      form.setValue('providerId', answer.providerId);
    }
    form.setValue('startsAt', '');
  });

  // The first choices when the dialog opens, and fresh ones after a refusal (the lost time is gone).
  useEffect(() => {
    load(providerId, day);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- on open and after each refusal only
  }, [state]);

  useEffect(() => {
    if (state.ok) onClose(state.message);
  }, [state, onClose]);

  const providers = choices?.providers ?? [];
  const slots = choices?.slots ?? [];
  const timeError = errorFor('startsAt');
  const providerField = form.register('providerId', {
    onChange: (event: React.ChangeEvent<HTMLSelectElement>) => {
      setProviderId(event.target.value);
      load(event.target.value, day);
    },
  });
  const control = 'mt-1 block min-h-11 w-full rounded-lg border border-line bg-surface px-3 text-fg focus:outline-none focus:ring-2 focus:ring-brand-accent';

  return (
    <form {...formProps} className="space-y-4 p-5">
      <h2 id={headingId} className="text-lg font-semibold">Move {visit.patient}’s visit</h2>
      <p className="text-sm text-fg-muted">Now {visit.when}. The visit moves only if the new time is still free; otherwise it stays where it is.</p>
      <input type="hidden" {...form.register('appointmentId')} />
      {!state.ok ? <FormMessage message={state.message} tone="error" /> : null}
      {choices && !choices.ok ? <FormMessage message={choices.message} tone="error" /> : null}
      <div>
        <label htmlFor={`${id}-provider`} className="block text-sm font-medium">Provider</label>
        <select id={`${id}-provider`} {...providerField} value={providerId} className={control}>
          {providers.length === 0 ? <option value={visit.providerId}>Current provider</option> : null}
          {providers.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-day`} className="block text-sm font-medium">Day</label>
        <input id={`${id}-day`} type="date" value={day} required className={control}
          onChange={(event) => {
            setDay(event.target.value);
            if (/^\d{4}-\d{2}-\d{2}$/.test(event.target.value)) load(providerId, event.target.value);
          }} />
      </div>
      <div>
        <label htmlFor={`${id}-time`} className="block text-sm font-medium">New time</label>
        <select id={`${id}-time`} {...form.register('startsAt')} aria-invalid={timeError ? true : undefined}
          aria-describedby={`${id}-time-hint${timeError ? ` ${id}-time-error` : ''}`} className={control} disabled={loading}>
          <option value="">{loading ? 'Loading free times…' : slots.length === 0 ? 'No free times this day' : 'Choose a time'}</option>
          {slots.map((s) => <option key={s.value} value={s.value.split('|')[0]}>{s.label}</option>)}
        </select>
        <p id={`${id}-time-hint`} aria-live="polite" className="mt-1 text-sm text-fg-muted">
          {loading ? 'Loading free times…' : slots.length === 0 ? 'No free times this day. Choose another day or provider.' : `${slots.length} free ${slots.length === 1 ? 'time' : 'times'}.`}
        </p>
        {timeError ? <p id={`${id}-time-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{timeError}</p> : null}
      </div>
      <div className="flex flex-wrap justify-end gap-2">
        <SecondaryButton type="button" onClick={() => onClose()}>Cancel</SecondaryButton>
        <PrimaryButton type="submit" disabled={pending || loading}>{pending ? 'Moving…' : 'Move visit'}</PrimaryButton>
      </div>
    </form>
  );
}
