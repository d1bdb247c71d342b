import { zodResolver } from '@hookform/resolvers/zod';
import { createFormControl, type FieldErrors, type FieldValues, type Resolver } from 'react-hook-form';
import type { z } from 'zod';

/**
 * The browser half of useLazyActionForm, loaded after the page is interactive so that
 * react-hook-form and the schema are not part of the page's first load (docs/performance.md).
 * It binds a react-hook-form control, built outside React, to a rendered form's named fields:
 * the same resolver, mode and error focus as useActionForm, with the fields read from the DOM.
 */
export interface FormEnhancer {
  /** Checks every field with the schema (showing and focusing the errors); true when the form may be sent. */
  check: () => Promise<boolean>;
  detach: () => void;
}

type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export function enhanceForm(form: HTMLFormElement, schema: z.ZodType, report: (errors: Record<string, string>) => void): FormEnhancer {
  const control = createFormControl<FieldValues>({
    resolver: zodResolver(schema as never) as unknown as Resolver<FieldValues>,
    mode: 'onTouched',
  });
  // The schema's fields as rendered now. Registering an element reads its current value, so what
  // was typed before this module arrived is kept (no default values are written back).
  const names = new Set(Object.keys((schema as { shape?: Record<string, unknown> }).shape ?? {}));
  const fields = new Map<string, { element: Field; onChange: (event: { target: Field; type: string }) => Promise<unknown> }>();
  for (const element of Array.from(form.elements)) {
    if (!isField(element) || !names.has(element.name) || fields.has(element.name)) continue;
    const registration = control.register(element.name);
    registration.ref(element);
    fields.set(element.name, { element, onChange: registration.onChange });
  }

  // One delegated listener per event, as React listens: `input` for edits, `focusout` (which
  // react-hook-form treats as blur) for leaving a field.
  const listener = (event: Event) => {
    const field = isField(event.target) ? fields.get(event.target.name) : undefined;
    if (field && field.element === event.target) void field.onChange({ target: field.element, type: event.type });
  };
  form.addEventListener('input', listener);
  form.addEventListener('focusout', listener);
  const unsubscribe = control.subscribe({ formState: { errors: true }, callback: ({ errors }) => report(messagesOf(errors)) });

  const check = async () => {
    // A form reset (after an answer) changes the fields without an input event: read them again.
    for (const [name, { element }] of fields) control.setValue(name, element.value);
    let valid = false;
    await control.handleSubmit(() => {
      valid = true;
    })();
    return valid;
  };
  const detach = () => {
    form.removeEventListener('input', listener);
    form.removeEventListener('focusout', listener);
    unsubscribe();
  };
  return { check, detach };
}

/** Fields with one text value (text, hidden, textarea, single select): what the portal's forms have. */
function isField(target: EventTarget | Element | null): target is Field {
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'file'].includes(target.type);
  return target instanceof HTMLTextAreaElement || (target instanceof HTMLSelectElement && !target.multiple);
}

function messagesOf(errors: FieldErrors | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, error] of Object.entries(errors ?? {})) {
    if (typeof error?.message === 'string') out[name] = error.message;
  }
  return out;
}
