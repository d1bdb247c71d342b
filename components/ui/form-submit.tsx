import type { ActionState } from '@/lib/actions/result';
import { FormMessage, PrimaryButton } from './form-controls';

// A form's submit button (its label says when the action is running) and the action's answer:
// the refusal as an alert, a confirmation as a status message.

type Submit = { state: ActionState; pending: boolean; label: string; pendingLabel: string };

function Answer({ state }: { state: ActionState }) {
  return <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />;
}

function Button({ pending, label, pendingLabel }: Omit<Submit, 'state'>) {
  return <PrimaryButton type="submit" disabled={pending}>{pending ? pendingLabel : label}</PrimaryButton>;
}

/** The answer above the button, at the foot of a form of several rows; `className` places the pair in the grid. */
export function SubmitBelowAnswer({ className, ...submit }: Submit & { className?: string }) {
  return (
    <div className={className ? `space-y-3 ${className}` : 'space-y-3'}>
      <Answer state={submit.state} />
      <Button {...submit} />
    </div>
  );
}

/** The button in the grid beside the last field, the answer on a row of its own (`answerClassName` spans it). */
export function SubmitBesideFields({ answerClassName, ...submit }: Submit & { answerClassName: string }) {
  return (
    <>
      <Button {...submit} />
      <div className={answerClassName}>
        <Answer state={submit.state} />
      </div>
    </>
  );
}
