import { RuleError } from '@/lib/kernel/errors';

export { postgresErrorCode } from '@/lib/kernel/errors';

type SettingsRuleCode = 'poor-contrast' | 'last-active-location' | 'document-type-name-taken';

/** The sentence the person reads for each refusal, with the field it points at. */
function refusal(code: SettingsRuleCode, detail: Record<string, string>): { message: string; fieldErrors?: Record<string, string>; extra?: Record<string, unknown> } {
  switch (code) {
    case 'poor-contrast': {
      const { color, ratio, suggestion } = detail;
      return {
        message: 'This colour was not saved.',
        extra: { suggestion },
        fieldErrors: {
          primaryColor: `Text on ${color} has a contrast of ${ratio}:1; patients need at least 4.5:1 to read it (WCAG AA). ${suggestion} is the nearest shade that passes.`,
        },
      };
    }
    case 'last-active-location':
      return { message: `${detail.name} is the clinic’s only active location, and patients need at least one. Add or reactivate another location first.` };
    case 'document-type-name-taken':
      return {
        message: 'This name was not saved.',
        fieldErrors: { name: `A document type named “${detail.name}” already exists (perhaps deactivated). Choose another name, or reactivate that one.` },
      };
  }
}

/** How the settings actions word the shared refusals (the action wrappers' `messages`). */
export const SETTINGS_MESSAGES = {
  forbidden: 'You don’t have permission to change clinic settings.',
} as const;

/** A business rule refused a settings change, in the words the form shows. */
export class SettingsRuleError extends RuleError {
  constructor(
    override readonly code: SettingsRuleCode,
    readonly detail: Record<string, string> = {},
  ) {
    const { message, fieldErrors, extra } = refusal(code, detail);
    super(code, message, fieldErrors, extra);
    this.name = 'SettingsRuleError';
  }
}

/**
 * Field-by-field before/after for the audit log: only the fields that changed, so an entry
 * says what the person did rather than repeating the whole row.
 */
export function changedFields<T extends Record<string, unknown>>(before: T, after: Partial<T>) {
  const changed: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of Object.keys(after) as (keyof T & string)[]) {
    if (after[key] !== undefined && before[key] !== after[key]) changed[key] = { before: before[key], after: after[key] };
  }
  return changed;
}

/** Input that does not parse: one message per field, in the words the form shows. */
export class SettingsValidationError extends RuleError {
  constructor(override readonly fieldErrors: Record<string, string>) {
    super('invalid', 'Check the highlighted fields.', fieldErrors);
    this.name = 'SettingsValidationError';
  }
}
