'use client';

import { useId, useMemo, useState } from 'react';
import type { FormDefinition, FormField } from '@/lib/clinic-forms/definition';
import { visibleFields, type AnswerValue, type Answers } from '@/lib/clinic-forms/enable-when';

// The form as the patient will see it, for staff in the CRM. Answers stay in this page (nothing
// is saved or sent); fields appear and disappear by the same rule the portal and the server use
// (visibleFields). The portal's own filling page lives in components/clinic-forms/fill.

const control = 'mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5 text-base text-fg focus:border-brand-accent focus:outline-none focus:ring-2 focus:ring-brand-accent';

export function FormPreview({ definition }: { definition: FormDefinition }) {
  const [answers, setAnswers] = useState<Answers>({});
  const [phone, setPhone] = useState(true);
  const visible = useMemo(() => visibleFields(definition, answers), [definition, answers]);
  const answer = (linkId: string, value: AnswerValue) => setAnswers((current) => ({ ...current, [linkId]: value }));

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          aria-pressed={phone}
          onClick={() => setPhone((p) => !p)}
          className="inline-flex min-h-11 items-center rounded-lg border border-line bg-surface px-4 py-2 font-medium hover:bg-surface-muted"
        >
          Phone width (390 px)
        </button>
        <button type="button" onClick={() => setAnswers({})} className="inline-flex min-h-11 items-center rounded-lg border border-line bg-surface px-4 py-2 font-medium hover:bg-surface-muted">
          Clear the answers
        </button>
        <p className="text-sm text-fg-muted">Answers here are not saved. Conditional fields appear as you answer.</p>
      </div>
      <div className={phone ? 'mx-auto w-[390px] max-w-full rounded-[2rem] border-8 border-slate-800 bg-bg p-4 shadow-lg' : 'rounded-xl border border-line bg-bg p-5'}>
        <article aria-labelledby="preview-title" className="space-y-5">
          <header>
            <h2 id="preview-title" className="text-xl font-semibold">{definition.title}</h2>
            {definition.description ? <p className="mt-1 whitespace-pre-line text-fg-muted">{definition.description}</p> : null}
            {definition.kind === 'home_activity' && (definition.frequency || definition.days) ? (
              <p className="mt-1 text-sm">
                {definition.frequency ? <>How often: {definition.frequency}. </> : null}
                {definition.days ? <>Mark each day done for {definition.days} days.</> : null}
              </p>
            ) : null}
          </header>
          <PreviewFields fields={definition.fields} visible={visible} answers={answers} answer={answer} level={3} />
          {definition.fields.length === 0 ? <p className="text-fg-muted">This form has no fields yet.</p> : null}
          {definition.kind === 'home_activity' ? null : (
            <button type="button" disabled className="inline-flex min-h-11 w-full items-center justify-center rounded-lg bg-brand px-4 py-2.5 font-semibold text-brand-contrast opacity-60">
              Submit (not available in the preview)
            </button>
          )}
        </article>
      </div>
    </div>
  );
}

interface FieldsProps {
  fields: readonly FormField[];
  visible: ReadonlySet<string>;
  answers: Answers;
  answer: (linkId: string, value: AnswerValue) => void;
  level: 3 | 4;
}

function PreviewFields({ fields, ...rest }: FieldsProps) {
  return (
    <div className="space-y-5">
      {fields.filter((f) => rest.visible.has(f.linkId)).map((field) => (
        <PreviewField key={field.linkId} field={field} {...rest} />
      ))}
    </div>
  );
}

function PreviewField({ field, visible, answers, answer, level }: Omit<FieldsProps, 'fields'> & { field: FormField }) {
  const id = useId();
  const helpId = field.help ? `${id}-help` : undefined;
  const value = answers[field.linkId];
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  const label = (
    <>
      {field.label}
      {field.required ? <span className="text-red-700 dark:text-red-300"> *<span className="sr-only"> (required)</span></span> : null}
    </>
  );
  const help = field.help ? <p id={helpId} className="mt-0.5 text-sm text-fg-muted">{field.help}</p> : null;
  const Heading = level === 3 ? 'h3' : 'h4';

  switch (field.type) {
    case 'display':
      return field.heading ? <Heading className="text-lg font-semibold">{field.label}</Heading> : <p className="whitespace-pre-line">{field.label}</p>;
    case 'section':
      return (
        <section aria-labelledby={`${id}-title`} className="space-y-3 rounded-xl border border-line p-4">
          <Heading id={`${id}-title`} className="text-lg font-semibold">{field.label}</Heading>
          {help}
          <PreviewFields fields={field.fields ?? []} visible={visible} answers={answers} answer={answer} level={4} />
        </section>
      );
    case 'long_text':
      return (
        <div>
          <label htmlFor={id} className="block font-medium">{label}</label>
          {help}
          <textarea id={id} rows={4} className={control} aria-describedby={helpId} required={field.required} value={text} onChange={(e) => answer(field.linkId, e.target.value)} />
        </div>
      );
    case 'single_choice':
    case 'multiple_choice':
    case 'yes_no': {
      const options = field.type === 'yes_no' ? [{ code: 'true', label: 'Yes' }, { code: 'false', label: 'No' }] : (field.options ?? []);
      const multiple = field.type === 'multiple_choice';
      const chosen = Array.isArray(value) ? value : value === undefined || value === null ? [] : [String(value)];
      return (
        <fieldset aria-describedby={helpId}>
          <legend className="font-medium">{label}</legend>
          {help}
          <div className="mt-2 space-y-2">
            {options.map((option) => (
              <label key={option.code} className="flex min-h-11 items-center gap-3 rounded-lg border border-line px-3 py-2">
                <input
                  type={multiple ? 'checkbox' : 'radio'}
                  name={`${id}-choice`}
                  value={option.code}
                  checked={chosen.includes(option.code)}
                  onChange={(e) => {
                    if (field.type === 'yes_no') answer(field.linkId, option.code === 'true');
                    else if (multiple) answer(field.linkId, e.target.checked ? [...chosen, option.code] : chosen.filter((c) => c !== option.code));
                    else answer(field.linkId, option.code);
                  }}
                  className="size-5 shrink-0 accent-brand-accent"
                />
                {option.label}
              </label>
            ))}
          </div>
        </fieldset>
      );
    }
    case 'file':
      return (
        <div>
          <label htmlFor={id} className="block font-medium">{label}</label>
          <p id={helpId ?? `${id}-types`} className="mt-0.5 text-sm text-fg-muted">{field.help ? `${field.help} ` : ''}PDF, JPG or PNG.</p>
          <input id={id} type="file" accept="application/pdf,image/jpeg,image/png" aria-describedby={helpId ?? `${id}-types`} className="mt-1 block w-full text-sm" onChange={(e) => answer(field.linkId, e.target.files?.length ? 'chosen' : null)} />
        </div>
      );
    case 'signature':
      return (
        <fieldset className="space-y-3 rounded-xl border border-line p-4" aria-describedby={helpId}>
          <legend className="px-1 font-medium">Signature{field.required ? <span className="text-red-700 dark:text-red-300"> *<span className="sr-only"> (required)</span></span> : null}</legend>
          <p className="whitespace-pre-line">{field.label}</p>
          {help}
          <div>
            <label htmlFor={id} className="block text-sm font-medium">Full name</label>
            <input id={id} className={control} autoComplete="off" value={text} onChange={(e) => answer(field.linkId, e.target.value)} />
          </div>
          <p className="rounded-lg border border-dashed border-line p-6 text-center text-sm text-fg-muted">In the portal the patient draws their signature here (or types it), and says who is signing.</p>
        </fieldset>
      );
    default: {
      const type = field.type === 'email' ? 'email' : field.type === 'phone' ? 'tel' : field.type === 'date' ? 'date' : 'text';
      return (
        <div>
          <label htmlFor={id} className="block font-medium">{label}</label>
          {help}
          <input
            id={id}
            type={type}
            inputMode={field.type === 'number' ? (field.integer ? 'numeric' : 'decimal') : undefined}
            autoComplete="off"
            className={control}
            aria-describedby={helpId}
            required={field.required}
            value={text}
            // Numbers are kept as typed ("1." on the way to "1.5"): conditions compare answers as text.
            onChange={(e) => answer(field.linkId, e.target.value)}
          />
        </div>
      );
    }
  }
}
