'use client';

import { useId, useState } from 'react';
import { conditionSources, conditionValues, FIELD_TYPE_LABELS, type BuilderAction } from '@/lib/clinic-forms/builder-state';
import {
  choiceTypes,
  conditionOperators,
  fieldTypes,
  recordFields,
  recordFieldTypes,
  structuralTypes,
  type ConditionOperator,
  type FieldType,
  type FormDefinition,
  type FormField,
  type RecordField,
  type ShowWhen,
} from '@/lib/clinic-forms/definition';
import { fieldName } from './field-outline';

// The settings of the selected field. Every control is controlled by the builder's reducer: a
// change is dispatched at once, so the outline, the problems list and the save see it.

const control = 'mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2 text-base text-fg focus:border-brand-accent focus:outline-none focus:ring-2 focus:ring-brand-accent';
const small = 'rounded-md border border-line px-2 py-1 text-sm font-medium hover:bg-surface-muted disabled:cursor-not-allowed disabled:text-fg-muted';

const OPERATOR_LABELS: Record<ConditionOperator, string> = { equals: 'equals', one_of: 'is one of', answered: 'is answered' };
const RECORD_LABELS: Record<RecordField, string> = {
  email: 'Email',
  phone: 'Phone',
  address_line1: 'Street address',
  address_line2: 'Address line 2',
  city: 'City',
  region: 'State or region',
  postal_code: 'Postal code',
  country: 'Country',
  date_of_birth: 'Date of birth',
};
const LABEL_BY_TYPE: Partial<Record<FieldType, string>> = { display: 'Text', section: 'Section title', signature: 'Consent statement (shown above the signature)' };

export function FieldInspector({ definition, field, dispatch, homeActivity, inSection }: {
  definition: FormDefinition;
  field: FormField;
  dispatch: (action: BuilderAction) => void;
  homeActivity: boolean;
  inSection: boolean;
}) {
  const id = useId();
  const update = (patch: Parameters<typeof updateOf>[1]) => dispatch(updateOf(field.linkId, patch));
  const answers = !structuralTypes.includes(field.type);
  const long = field.type === 'display' || field.type === 'signature';
  // A section cannot go inside a section, and a section with fields cannot become a question.
  const types = (homeActivity ? (['display', 'section'] as const) : fieldTypes).filter((t) =>
    t === field.type || (t === 'section' ? !inSection : !(field.type === 'section' && field.fields?.length)));
  const recordChoices = recordFields.filter((r) => recordFieldTypes[r].includes(field.type));
  return (
    <div className="space-y-4">
      <h3 className="font-semibold">{fieldName(field)}</h3>
      <div>
        <label htmlFor={`${id}-type`} className="block text-sm font-medium">Field type</label>
        <select id={`${id}-type`} className={control} value={field.type} onChange={(e) => update({ type: e.target.value as FieldType })}>
          {types.map((t) => (
            <option key={t} value={t}>{FIELD_TYPE_LABELS[t]}</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-label`} className="block text-sm font-medium">{LABEL_BY_TYPE[field.type] ?? 'Question'}</label>
        {long ? (
          <textarea id={`${id}-label`} rows={4} maxLength={2000} className={control} value={field.label} onChange={(e) => update({ label: e.target.value })} />
        ) : (
          <input id={`${id}-label`} className={control} maxLength={2000} value={field.label} onChange={(e) => update({ label: e.target.value })} />
        )}
      </div>
      {field.type !== 'display' ? (
        <div>
          <label htmlFor={`${id}-help`} className="block text-sm font-medium">Help text (optional)</label>
          <input id={`${id}-help`} className={control} maxLength={500} value={field.help ?? ''} onChange={(e) => update({ help: e.target.value === '' ? undefined : e.target.value })} />
        </div>
      ) : null}
      {answers ? (
        <Check id={`${id}-required`} label="Required" checked={field.required} onChange={(required) => update({ required })} description="The patient must answer it (when it is shown) to submit." />
      ) : null}
      {field.type === 'display' ? (
        <Check id={`${id}-heading`} label="Show as a heading" checked={field.heading ?? false} onChange={(heading) => update({ heading: heading || undefined })} />
      ) : null}
      {field.type === 'number' ? <NumberSettings field={field} update={update} /> : null}
      {choiceTypes.includes(field.type) ? <OptionsEditor field={field} dispatch={dispatch} /> : null}
      {recordChoices.length ? (
        <div>
          <label htmlFor={`${id}-record`} className="block text-sm font-medium">Feeds the patient record</label>
          <p id={`${id}-record-hint`} className="mt-0.5 text-sm text-fg-muted">The answer is proposed as a change to the record; staff accept or reject it.</p>
          <select id={`${id}-record`} aria-describedby={`${id}-record-hint`} className={control} value={field.recordField ?? ''} onChange={(e) => update({ recordField: (e.target.value || undefined) as RecordField | undefined })}>
            <option value="">No</option>
            {recordChoices.map((r) => (
              <option key={r} value={r}>{RECORD_LABELS[r]}</option>
            ))}
          </select>
        </div>
      ) : null}
      <ConditionEditor definition={definition} field={field} update={update} />
    </div>
  );
}

function updateOf(linkId: string, patch: Extract<BuilderAction, { type: 'update' }>['patch']): BuilderAction {
  return { type: 'update', linkId, patch };
}

function Check({ id, label, checked, onChange, description }: { id: string; label: string; checked: boolean; onChange: (checked: boolean) => void; description?: string }) {
  return (
    <div className="flex gap-3">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={description ? `${id}-desc` : undefined} className="mt-1 size-4 shrink-0 accent-brand-accent" />
      <div>
        <label htmlFor={id} className="font-medium">{label}</label>
        {description ? <p id={`${id}-desc`} className="text-sm text-fg-muted">{description}</p> : null}
      </div>
    </div>
  );
}

/** A number typed as text: kept as typed, dispatched when it is a number or empty. */
function NumberInput({ id, label, value, onChange, integer }: { id: string; label: string; value: number | undefined; onChange: (value: number | undefined) => void; integer?: boolean }) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const [seen, setSeen] = useState(value);
  // A change from elsewhere (another field selected, a reload) replaces what is typed.
  if (seen !== value) {
    setSeen(value);
    setText(value === undefined ? '' : String(value));
  }
  const invalid = text.trim() !== '' && !Number.isFinite(Number(text)) ? true : undefined;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">{label}</label>
      <input
        id={id}
        inputMode={integer ? 'numeric' : 'decimal'}
        className={control}
        value={text}
        aria-invalid={invalid}
        aria-describedby={invalid ? `${id}-error` : undefined}
        onChange={(e) => {
          setText(e.target.value);
          const trimmed = e.target.value.trim();
          const n = Number(trimmed);
          if (trimmed === '') {
            setSeen(undefined);
            onChange(undefined);
          } else if (Number.isFinite(n)) {
            setSeen(n);
            onChange(n);
          }
        }}
      />
      {invalid ? <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">Enter a number.</p> : null}
    </div>
  );
}

function NumberSettings({ field, update }: { field: FormField; update: (patch: Partial<FormField>) => void }) {
  const id = useId();
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium">Number limits</legend>
      <div className="grid gap-3 sm:grid-cols-2">
        <NumberInput id={`${id}-min`} label="Smallest allowed (optional)" value={field.min} onChange={(min) => update({ min })} />
        <NumberInput id={`${id}-max`} label="Largest allowed (optional)" value={field.max} onChange={(max) => update({ max })} />
      </div>
      <Check id={`${id}-integer`} label="Whole numbers only" checked={field.integer ?? false} onChange={(integer) => update({ integer: integer || undefined })} />
    </fieldset>
  );
}

function OptionsEditor({ field, dispatch }: { field: FormField; dispatch: (action: BuilderAction) => void }) {
  const id = useId();
  const options = field.options ?? [];
  return (
    <fieldset>
      <legend className="text-sm font-medium">Options</legend>
      <p className="mt-0.5 text-sm text-fg-muted">The code is made from the label until you change it; conditions and exports use it. Scores add up to the form’s score (optional).</p>
      <ol className="mt-2 space-y-3">
        {options.map((option, index) => {
          const name = option.label || `Option ${index + 1}`;
          return (
            <li key={index} className="rounded-lg border border-line p-3">
              <div className="grid gap-2 sm:grid-cols-[1fr_10rem_6rem]">
                <div>
                  <label htmlFor={`${id}-${index}-label`} className="block text-sm font-medium">Label {index + 1}</label>
                  <input id={`${id}-${index}-label`} className={control} maxLength={300} value={option.label} onChange={(e) => dispatch({ type: 'updateOption', linkId: field.linkId, index, patch: { label: e.target.value } })} />
                </div>
                <div>
                  <label htmlFor={`${id}-${index}-code`} className="block text-sm font-medium">Code</label>
                  <input id={`${id}-${index}-code`} className={`${control} font-mono text-sm`} maxLength={64} value={option.code} onChange={(e) => dispatch({ type: 'updateOption', linkId: field.linkId, index, patch: { code: e.target.value } })} />
                </div>
                <NumberInput id={`${id}-${index}-score`} label="Score" integer value={option.score} onChange={(score) => dispatch({ type: 'updateOption', linkId: field.linkId, index, patch: { score: score === undefined ? undefined : Math.trunc(score) } })} />
              </div>
              <div className="mt-2 flex gap-1">
                <button type="button" className={small} disabled={index === 0} aria-label={`Move option ${name} up`} onClick={() => dispatch({ type: 'moveOption', linkId: field.linkId, index, direction: 'up' })}>Up</button>
                <button type="button" className={small} disabled={index === options.length - 1} aria-label={`Move option ${name} down`} onClick={() => dispatch({ type: 'moveOption', linkId: field.linkId, index, direction: 'down' })}>Down</button>
                <button type="button" className={`${small} text-red-800 dark:text-red-300`} aria-label={`Remove option ${name}`} onClick={() => dispatch({ type: 'removeOption', linkId: field.linkId, index })}>Remove</button>
              </div>
            </li>
          );
        })}
      </ol>
      <button type="button" className={`${small} mt-2`} onClick={() => dispatch({ type: 'addOption', linkId: field.linkId })}>Add an option</button>
    </fieldset>
  );
}

function ConditionEditor({ definition, field, update }: { definition: FormDefinition; field: FormField; update: (patch: Partial<FormField>) => void }) {
  const id = useId();
  const sources = conditionSources(definition, field.linkId);
  const condition = field.showWhen;
  const source = condition ? sources.find((s) => s.linkId === condition.question) : undefined;
  const set = (next: ShowWhen | undefined) => update({ showWhen: next });
  const choices = source ? conditionValues(source) : null;
  return (
    <fieldset className="space-y-3 rounded-lg border border-line p-3">
      <legend className="px-1 text-sm font-medium">Show only when</legend>
      {sources.length === 0 && !condition ? (
        <p className="text-sm text-fg-muted">A condition names an earlier question; there is none before this field.</p>
      ) : (
        <Check
          id={`${id}-on`}
          label="Show this only when an earlier answer matches"
          checked={condition !== undefined}
          onChange={(on) => set(on ? { question: sources.at(-1)?.linkId ?? '', operator: 'answered', values: [] } : undefined)}
        />
      )}
      {condition ? (
        <>
          <div>
            <label htmlFor={`${id}-question`} className="block text-sm font-medium">Question</label>
            <select id={`${id}-question`} className={control} value={source ? condition.question : ''} onChange={(e) => set({ question: e.target.value, operator: condition.operator, values: [] })}>
              {source ? null : <option value="">Choose an earlier question</option>}
              {sources.map((s) => (
                <option key={s.linkId} value={s.linkId}>{fieldName(s)}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={`${id}-operator`} className="block text-sm font-medium">Operator</label>
            <select
              id={`${id}-operator`}
              className={control}
              value={condition.operator}
              onChange={(e) => {
                const operator = e.target.value as ConditionOperator;
                set({ ...condition, operator, values: operator === 'answered' ? [] : operator === 'equals' ? condition.values.slice(0, 1) : condition.values });
              }}
            >
              {conditionOperators.map((o) => (
                <option key={o} value={o}>{OPERATOR_LABELS[o]}</option>
              ))}
            </select>
          </div>
          {condition.operator === 'answered' ? null : choices ? (
            condition.operator === 'equals' ? (
              <div>
                <label htmlFor={`${id}-value`} className="block text-sm font-medium">Answer</label>
                <select id={`${id}-value`} className={control} value={condition.values[0] ?? ''} onChange={(e) => set({ ...condition, values: e.target.value ? [e.target.value] : [] })}>
                  <option value="">Choose an answer</option>
                  {choices.map((c) => (
                    <option key={c.value} value={c.value}>{c.label}</option>
                  ))}
                </select>
              </div>
            ) : (
              <fieldset>
                <legend className="text-sm font-medium">Any of these answers</legend>
                <div className="mt-1 space-y-1">
                  {choices.map((c) => (
                    <label key={c.value} className="flex items-center gap-2">
                      <input
                        type="checkbox"
                        className="size-4 accent-brand-accent"
                        checked={condition.values.includes(c.value)}
                        onChange={(e) => set({ ...condition, values: e.target.checked ? [...condition.values, c.value] : condition.values.filter((v) => v !== c.value) })}
                      />
                      {c.label}
                    </label>
                  ))}
                </div>
              </fieldset>
            )
          ) : (
            <div>
              <label htmlFor={`${id}-text`} className="block text-sm font-medium">{condition.operator === 'equals' ? 'Answer' : 'Answers, one a line'}</label>
              <textarea
                id={`${id}-text`}
                rows={condition.operator === 'equals' ? 1 : 3}
                className={control}
                value={condition.values.join('\n')}
                onChange={(e) => {
                  const lines = e.target.value.split('\n');
                  set({ ...condition, values: condition.operator === 'equals' ? [lines.join(' ')] : lines });
                }}
              />
            </div>
          )}
        </>
      ) : null}
    </fieldset>
  );
}
