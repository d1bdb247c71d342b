import { formData, invokeAction, type Outcome } from './action-harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StepAction = (prev: any, form: FormData) => Promise<unknown>;

/**
 * One browser on one host posting a form of several steps (sign-in, activation...): the cookies an
 * answer sets come back with the next post, and each post sends the last answer as the form's
 * previous state, as React's useActionState does.
 */
export function browserSession(host: string, headers: Record<string, string> = {}) {
  const jar: Record<string, string> = {};
  let state: Record<string, unknown> = {};
  return {
    jar,
    get state() {
      return state;
    },
    async post(action: StepAction, fields: Record<string, string>): Promise<Outcome> {
      const outcome = await invokeAction({ host, cookies: { ...jar }, headers }, action, state, formData(fields));
      for (const [name, value] of outcome.cookies) {
        if (value === null) delete jar[name];
        else jar[name] = value;
      }
      if (outcome.kind === 'returned') state = outcome.value as Record<string, unknown>;
      return outcome;
    },
  };
}
