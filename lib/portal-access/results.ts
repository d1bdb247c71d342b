import 'server-only';
/** What a patient-side step can say about individual fields (shown next to each one). */
export interface FieldProblems {
  portalCode?: string;
  firstInitial?: string;
  lastInitial?: string;
  dateOfBirth?: string;
  identifier?: string;
  email?: string;
  /** Every password policy problem at once. */
  password?: string[];
  confirmPassword?: string;
  currentPassword?: string;
}

export type InvalidInput = { ok: false; error: 'invalid-input'; problems: FieldProblems };

export function invalidInput(problems: FieldProblems): InvalidInput {
  return { ok: false, error: 'invalid-input', problems };
}

/** A zod error's first message per field, as FieldProblems. */
export function problemsFromFieldErrors(fieldErrors: Record<string, string>): FieldProblems {
  const { password, ...rest } = fieldErrors;
  return { ...rest, ...(password ? { password: [password] } : {}) } as FieldProblems;
}
