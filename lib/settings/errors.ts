/** A business rule refused a settings change; `code` maps to a message in the action layer. */
export class SettingsRuleError extends Error {
  constructor(
    readonly code: 'poor-contrast' | 'last-active-location' | 'document-type-name-taken',
    readonly detail: Record<string, string> = {},
  ) {
    super(code);
    this.name = 'SettingsRuleError';
  }
}

/** Postgres error codes arrive on `cause` when Drizzle wraps the driver's error (DESIGN.md). */
export function postgresErrorCode(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } } | null;
  return e?.cause?.code ?? e?.code;
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
export class SettingsValidationError extends Error {
  constructor(readonly fieldErrors: Record<string, string>) {
    super(Object.values(fieldErrors)[0] ?? 'Check the highlighted fields.');
    this.name = 'SettingsValidationError';
  }
}
