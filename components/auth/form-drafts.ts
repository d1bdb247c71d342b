/**
 * What a staff member had typed when the idle limit signed them out, kept in this tab's
 * sessionStorage (never sent anywhere, gone when the tab closes) and put back after they sign in
 * again on the same page. Only text they typed: never a password, a one-time code, a hidden or
 * file field, nor a field left as the page drew it. The pure parts (which fields, the stored
 * shape, its age) are unit-tested; the DOM walk is the thin part below them.
 */

/** A form field as the page shows it, reduced to what deciding and restoring need. */
export interface FieldSnapshot {
  /** The form's position among the page's forms, and the field's name (or id) inside it. */
  form: number;
  name: string;
  tag: 'input' | 'textarea' | 'select';
  type: string;
  autocomplete: string;
  value: string;
  /** What the page drew the field with: a field still at it was not typed in. */
  initial: string;
  /** The page asked for this field never to be kept (`data-no-draft`). */
  optedOut: boolean;
}

export interface KeptField {
  form: number;
  name: string;
  value: string;
}

export interface KeptDraft {
  v: 1;
  savedAt: number;
  /**
   * Set by the sign-in page an idle sign-out leads to. A draft is kept as soon as the warning is
   * due, before anyone knows whether the person stays; only an armed one is ever put back, so
   * text that was saved or discarded meanwhile never reappears in a form.
   */
  armed: boolean;
  fields: KeptField[];
}

/** Input types that hold free text a person typed; everything else (password, hidden, file, checkbox…) is left. */
const TEXT_TYPES = new Set(['text', 'search', 'email', 'tel', 'url', 'number', 'date', 'time', 'datetime-local', 'month', 'week']);
/** Field names that carry a code or secret even when typed as text. */
const SECRET_NAME = /pass(word)?|secret|token|otp|totp|(^|[-_])code$|^code|cvc|cvv|card/i;
/** A draft older than the longest staff session is nobody's work any more. */
export const DRAFT_MAX_AGE_MS = 12 * 60 * 60 * 1000;

export function isKeptField(field: FieldSnapshot): boolean {
  if (field.optedOut || !field.name) return false;
  if (field.autocomplete.split(/\s+/).includes('one-time-code')) return false;
  if (SECRET_NAME.test(field.name)) return false;
  if (field.tag === 'input' && !TEXT_TYPES.has(field.type.toLowerCase() || 'text')) return false;
  return field.value.trim() !== '' && field.value !== field.initial;
}

/** The fields worth keeping, or null when nothing was typed. */
export function draftOf(fields: readonly FieldSnapshot[], nowMs: number): KeptDraft | null {
  const kept = fields.filter(isKeptField).map(({ form, name, value }) => ({ form, name, value }));
  return kept.length > 0 ? { v: 1, savedAt: nowMs, armed: false, fields: kept } : null;
}

/**
 * One key per staff member and page: a colleague who signs in on the same tab never gets
 * someone else's words, and a draft comes back only on the page it was typed on.
 */
const KEY_PREFIX = 'cb.staff-draft:';

export function draftKey(staffId: string, path: string): string {
  return `${KEY_PREFIX}${staffId}:${path}`;
}

export function isDraftKey(key: string): boolean {
  return key.startsWith(KEY_PREFIX);
}

/** A stored draft, or null when it is missing, malformed or too old. */
export function readDraft(raw: string | null, nowMs: number): KeptDraft | null {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<KeptDraft>;
    if (parsed.v !== 1 || typeof parsed.savedAt !== 'number' || !Array.isArray(parsed.fields)) return null;
    if (nowMs - parsed.savedAt > DRAFT_MAX_AGE_MS || parsed.savedAt > nowMs + 60_000) return null;
    const fields = parsed.fields.filter((f): f is KeptField =>
      !!f && typeof f.form === 'number' && typeof f.name === 'string' && typeof f.value === 'string');
    return fields.length > 0 ? { v: 1, savedAt: parsed.savedAt, armed: parsed.armed === true, fields } : null;
  } catch {
    return null;
  }
}

/** The sign-in page after an idle sign-out: every kept draft may now come back (see `armed`). */
export function armedDraft(raw: string | null, nowMs: number): string | null {
  const draft = readDraft(raw, nowMs);
  return draft ? JSON.stringify({ ...draft, armed: true }) : null;
}

/**
 * What a staff page does with the tab's kept drafts when it opens: the armed draft of this person
 * and page comes back; it and every draft not armed are forgotten (a warning the person stayed
 * through, a page they left). Armed drafts of other pages wait for their page.
 */
export function planRestore(entries: readonly [key: string, raw: string | null][], staffId: string, path: string, nowMs: number): { restore: KeptDraft | null; remove: string[] } {
  const here = draftKey(staffId, path);
  let restore: KeptDraft | null = null;
  const remove: string[] = [];
  for (const [key, raw] of entries) {
    if (!isDraftKey(key)) continue;
    const draft = readDraft(raw, nowMs);
    if (key === here) {
      remove.push(key);
      if (draft?.armed) restore = draft;
    } else if (!draft?.armed) {
      remove.push(key);
    }
  }
  return { restore, remove };
}

/** A field is filled back only while it still shows what the page drew (nothing typed since). */
export function canRestoreInto(current: { value: string; initial: string }): boolean {
  return current.value === current.initial;
}

// ---------------------------------------------------------------------------------------------
// The DOM side: read the page's forms, and write a draft back into them.

type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

function fieldsOf(doc: Document): { form: number; name: string; element: Field }[] {
  const out: { form: number; name: string; element: Field }[] = [];
  Array.from(doc.forms).forEach((form, index) => {
    for (const element of Array.from(form.elements)) {
      if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement)) continue;
      const name = element.name || element.id;
      if (name) out.push({ form: index, name, element });
    }
  });
  return out;
}

function initialOf(element: Field): string {
  if (element instanceof HTMLSelectElement) return Array.from(element.options).find((o) => o.defaultSelected)?.value ?? element.options[0]?.value ?? '';
  return element.defaultValue;
}

export function snapshotPage(doc: Document): FieldSnapshot[] {
  return fieldsOf(doc).map(({ form, name, element }) => ({
    form,
    name,
    tag: element instanceof HTMLTextAreaElement ? 'textarea' : element instanceof HTMLSelectElement ? 'select' : 'input',
    type: element instanceof HTMLInputElement ? element.type : '',
    autocomplete: element.getAttribute('autocomplete') ?? '',
    value: element.value,
    initial: initialOf(element),
    optedOut: element.closest('[data-no-draft]') !== null,
  }));
}

/**
 * Writes what it can of `draft` into the page and answers the fields still missing (a form that
 * has not rendered yet). The value goes through the element's own setter and an input event, so
 * React and react-hook-form see it as typed.
 */
export function restoreDraft(doc: Document, draft: KeptDraft): KeptField[] {
  const present = fieldsOf(doc);
  const missing: KeptField[] = [];
  for (const kept of draft.fields) {
    const target = present.find((f) => f.form === kept.form && f.name === kept.name)?.element;
    if (!target) {
      missing.push(kept);
      continue;
    }
    if (!canRestoreInto({ value: target.value, initial: initialOf(target) })) continue;
    const proto = Object.getPrototypeOf(target) as object;
    const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
    if (setter) setter.call(target, kept.value);
    else target.value = kept.value;
    target.dispatchEvent(new Event('input', { bubbles: true }));
    target.dispatchEvent(new Event('change', { bubbles: true }));
  }
  return missing;
}
