import { useId } from 'react';
import { SelectField as BaseSelectField } from '@/components/ui/form-controls';

/** Form fields the CRM settings pages share; each is labelled and carries its own error. */

export function FieldError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p id={id} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">
      {error}
    </p>
  );
}

export interface ChoiceOption {
  value: string;
  label: string;
  description?: string;
}

/** What react-hook-form's `register` hands a field: spread it onto ChoiceCards or SelectField. */
type Registered<E> = Pick<React.InputHTMLAttributes<E>, 'onChange' | 'onBlur'> & { ref?: React.Ref<E> };

/** Radio buttons drawn as cards, with an explanation under each choice. */
export function ChoiceCards({
  legend,
  name,
  options,
  defaultValue,
  error,
  hint,
  ...registered
}: {
  legend: string;
  name: string;
  options: readonly ChoiceOption[];
  defaultValue: string;
  error?: string;
  hint?: string;
} & Registered<HTMLInputElement>) {
  const id = useId();
  return (
    <fieldset aria-describedby={[hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined}>
      <legend className="text-sm font-medium">{legend}</legend>
      {hint ? <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">{hint}</p> : null}
      <div className="mt-2 grid gap-2 sm:grid-cols-2">
        {options.map((option) => (
          <label
            key={option.value}
            className="flex cursor-pointer gap-3 rounded-lg border border-line bg-surface p-3 has-[:checked]:border-brand-accent has-[:checked]:ring-2 has-[:checked]:ring-brand-accent/40"
          >
            <input
              type="radio"
              name={name}
              value={option.value}
              defaultChecked={option.value === defaultValue}
              className="mt-1 size-4 shrink-0 accent-brand-accent"
              {...registered}
            />
            <span>
              <span className="block font-medium">{option.label}</span>
              {option.description ? <span className="mt-0.5 block text-sm text-fg-muted">{option.description}</span> : null}
            </span>
          </label>
        ))}
      </div>
      <FieldError id={`${id}-error`} error={error} />
    </fieldset>
  );
}

export function CheckboxField({
  label,
  name,
  defaultChecked,
  description,
  error,
}: {
  label: string;
  name: string;
  defaultChecked: boolean;
  description?: string;
  error?: string;
}) {
  const id = useId();
  return (
    <div>
      <div className="flex gap-3">
        <input
          id={id}
          type="checkbox"
          name={name}
          defaultChecked={defaultChecked}
          aria-describedby={[description ? `${id}-desc` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined}
          className="mt-1 size-4 shrink-0 accent-brand-accent"
        />
        <div>
          <label htmlFor={id} className="font-medium">{label}</label>
          {description ? <p id={`${id}-desc`} className="text-sm text-fg-muted">{description}</p> : null}
        </div>
      </div>
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

/** The CRM's select from a list of options (see components/ui/form-controls.tsx SelectField). */
export function SelectField({
  options,
  ...field
}: {
  label: string;
  name: string;
  options: readonly { value: string; label: string }[];
  defaultValue?: string;
  error?: string;
  hint?: string;
  className?: string;
} & Registered<HTMLSelectElement>) {
  return (
    <BaseSelectField {...field}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>{o.label}</option>
      ))}
    </BaseSelectField>
  );
}
