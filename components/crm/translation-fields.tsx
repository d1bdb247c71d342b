'use client';

import { useId } from 'react';
import type { UseFormRegisterReturn } from 'react-hook-form';
import { TextField } from '@/components/ui/form-controls';
import { LANGUAGE_NAMES_FOR_STAFF, translationFieldName } from '@/lib/i18n/clinic-text';
import type { Locale } from '@/lib/i18n/core';
import { FieldError } from './settings-fields';

/** One clinic-entered field a form translates: its name, the default field's label and limit. */
export interface TranslatedField {
  field: string;
  label: string;
  max: number;
  /** A textarea (a location's notes) rather than one line. */
  multiline?: boolean;
}

/**
 * "Translations": per portal language other than the clinic's default, the translated fields,
 * all optional. Each input carries its language (`lang`), so a screen reader reads it in that
 * language. Renders nothing when the portal has no other language.
 */
export function TranslationFields({
  languages, fields, saved, posted, register, errorFor, className,
}: {
  languages: readonly Locale[];
  fields: readonly TranslatedField[];
  /** The saved translations by form field (`name_es`), from translationValues(). */
  saved: Readonly<Record<string, string>>;
  /** What was posted, shown again after a refusal. */
  posted?: Readonly<Record<string, string>>;
  register: (name: string) => UseFormRegisterReturn;
  errorFor: (name: string) => string | undefined;
  className?: string;
}) {
  const id = useId();
  if (languages.length === 0) return null;
  const names = languages.map((l) => LANGUAGE_NAMES_FOR_STAFF[l]).join(' or ');
  return (
    <fieldset className={className} aria-describedby={`${id}-hint`}>
      <legend className="text-sm font-medium">Translations</legend>
      <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">
        Shown in the portal when a patient uses {names}; leave empty to show the default.
      </p>
      <div className="mt-2 grid gap-4 sm:grid-cols-2">
        {languages.flatMap((locale) =>
          fields.map(({ field, label, max, multiline }) => {
            const name = translationFieldName(field, locale);
            const props = {
              ...register(name),
              label: `${label} in ${LANGUAGE_NAMES_FOR_STAFF[locale]} (optional)`,
              defaultValue: posted?.[name] ?? saved[name] ?? '',
              maxLength: max,
              lang: locale,
              autoComplete: 'off',
              error: errorFor(name),
            };
            return multiline ? (
              <LongTextField key={name} {...props} className="sm:col-span-2" />
            ) : (
              <TextField key={name} {...props} className={fields.length === 1 ? 'sm:col-span-2' : undefined} />
            );
          }),
        )}
      </div>
    </fieldset>
  );
}

/** A labelled textarea, wired like TextField (label, error in aria-describedby). */
export function LongTextField({
  label, error, hint, className, ...textarea
}: React.TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; name: string; error?: string; hint?: string }) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium">{label}</label>
      {hint ? <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">{hint}</p> : null}
      <textarea
        {...textarea}
        id={id}
        rows={3}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className="mt-1 control"
      />
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}
