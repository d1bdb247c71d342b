import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { SettingsRuleError, SettingsValidationError } from './errors';

/** What a CRM settings action returns to its form (useActionState). */
export interface SettingsActionState {
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
  /** A colour that passes the contrast check, offered as "Use #xxxxxx". */
  suggestion?: string;
  /** What was posted, so a refused form shows the person's input rather than the saved values. */
  values?: Record<string, string>;
}

/**
 * Only the named fields, as strings: the form's other entries (React's action ids, anything
 * a client adds) never reach the schema, and the schema picks the columns it writes.
 */
export function formFields(form: FormData, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = form.get(name);
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}

/** The refusal as the person should read it; unexpected errors are rethrown (no stack traces shown). */
export function settingsFailure(error: unknown, values?: Record<string, string>): SettingsActionState {
  if (error instanceof SettingsValidationError) {
    return { ok: false, message: 'Check the highlighted fields.', fieldErrors: error.fieldErrors, values };
  }
  if (error instanceof SettingsRuleError) {
    switch (error.code) {
      case 'poor-contrast': {
        const { color, ratio, suggestion } = error.detail;
        return {
          ok: false,
          values,
          suggestion,
          message: 'This colour was not saved.',
          fieldErrors: {
            primaryColor: `Text on ${color} has a contrast of ${ratio}:1; patients need at least 4.5:1 to read it (WCAG AA). ${suggestion} is the nearest shade that passes.`,
          },
        };
      }
      case 'last-active-location':
        return {
          ok: false,
          message: `${error.detail.name} is the clinic’s only active location, and patients need at least one. Add or reactivate another location first.`,
        };
      case 'document-type-name-taken':
        return {
          ok: false,
          values,
          message: 'This name was not saved.',
          fieldErrors: { name: `A document type named “${error.detail.name}” already exists (perhaps deactivated). Choose another name, or reactivate that one.` },
        };
    }
  }
  if (error instanceof NotFoundError) return { ok: false, message: 'That item no longer exists. Reload the page to see the current list.' };
  if (error instanceof ForbiddenError) return { ok: false, message: 'You don’t have permission to change clinic settings.' };
  throw error;
}
