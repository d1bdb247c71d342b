import 'server-only';

/**
 * A posted form as a plain object for a zod schema: a name posted once is its value, a name
 * posted several times (checkbox groups) is the list. React's own entries (`$ACTION_…`) are left
 * out; the schema picks the fields it knows (zod objects drop the rest), so a client cannot add
 * columns to a write (mass assignment).
 */
export function formInput(form: FormData): Record<string, FormDataEntryValue | FormDataEntryValue[]> {
  const input: Record<string, FormDataEntryValue | FormDataEntryValue[]> = {};
  for (const name of new Set(form.keys())) {
    if (name.startsWith('$ACTION')) continue;
    const all = form.getAll(name);
    input[name] = all.length === 1 ? all[0]! : all;
  }
  return input;
}

/** The named text fields as posted, to show the person's input again on a refused form (never secrets). */
export function echoed(form: FormData | undefined, names: readonly string[] | undefined): Record<string, string> | undefined {
  if (!form || !names?.length) return undefined;
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = form.get(name);
    if (typeof value === 'string') values[name] = value;
  }
  return values;
}
