/**
 * What every server action answers its form with, shared by the browser and the server: one
 * shape, so one hook (lib/forms/use-action-form.ts) can show any action's result.
 * Browser-safe: types only.
 */

export type FieldErrors = Record<string, string>;

export interface ActionState {
  ok?: boolean;
  message?: string;
  /** One message per field, keyed by the field's name in the form. */
  fieldErrors?: FieldErrors;
  /** What was posted, so a refused form shows the person's input rather than the saved values. */
  values?: Record<string, string>;
}

/** A form's action as `useActionState` takes it: the previous result and the posted form. */
export type FormAction<S extends ActionState = ActionState> = (prev: S, form: FormData) => Promise<S>;

/** A one-button form's action (`<form action={…}>`): nothing to show but a redirect or a refresh. */
export type PlainFormAction = (form: FormData) => Promise<void>;
