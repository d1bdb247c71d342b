import type { z } from 'zod';

/**
 * The one rule for control characters in typed text, shared by every form schema (browser and
 * server). Postgres text cannot hold U+0000 (a NUL reaching a query fails with 22021, a 500), and
 * the other C0/C1 controls are invisible in a page yet break CSV exports, emails and search.
 * Tab, line feed and carriage return are typing, not controls: multi-line fields keep them.
 *
 * Types only from zod: this module builds no schema, so it needs no zod config of its own.
 */

/** C0 except tab, LF and CR; DEL; C1. */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** English, for staff pages; the portal translates it (portal-access catalog, problemControlCharacters). */
export const CONTROL_CHARACTERS_MESSAGE = 'Remove the invisible control characters from this field.';

/** True when `value` is a string with a control character; anything else is another check's concern. */
export function hasControlCharacters(value: unknown): boolean {
  return typeof value === 'string' && CONTROL_CHARACTERS.test(value);
}

/** `schema`, refusing a string with a control character with the shared message. */
export function withoutControlChars<S extends z.ZodType>(schema: S, message: string = CONTROL_CHARACTERS_MESSAGE): S {
  return schema.refine((value: unknown) => !hasControlCharacters(value), { message, abort: true }) as S;
}
