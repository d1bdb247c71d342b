import { PrimaryButton } from '@/components/ui/form-controls';

export interface ChoiceOption {
  value: string;
  label: string;
  hint?: string;
}

/**
 * One step of the booking flow: a radio group in a fieldset, sent by GET so the choice lands in
 * the URL (works without JavaScript, back button included). Earlier choices ride along hidden.
 */
export function ChoiceStep({
  legend, name, options, selected, hidden, submitLabel, action,
}: {
  legend: string;
  name: string;
  options: ChoiceOption[];
  selected?: string | null;
  hidden: Record<string, string | null | undefined>;
  submitLabel: string;
  action: string;
}) {
  return (
    <form method="get" action={action} className="space-y-4">
      {Object.entries(hidden).map(([key, value]) => (value ? <input key={key} type="hidden" name={key} value={value} /> : null))}
      <fieldset className="space-y-2">
        <legend className="mb-2 text-lg font-semibold">{legend}</legend>
        {options.map((option) => {
          const id = `${name}-${option.value}`;
          return (
            <div key={option.value} className="flex items-start gap-3 rounded-xl border border-line bg-surface p-4 has-[:checked]:border-brand-accent has-[:checked]:bg-surface-muted">
              <input
                id={id}
                type="radio"
                name={name}
                value={option.value}
                defaultChecked={selected === option.value}
                required
                aria-describedby={option.hint ? `${id}-hint` : undefined}
                className="mt-1 size-5 shrink-0 accent-brand-accent"
              />
              <div>
                <label htmlFor={id} className="block font-medium">{option.label}</label>
                {option.hint ? <p id={`${id}-hint`} className="text-sm text-fg-muted">{option.hint}</p> : null}
              </div>
            </div>
          );
        })}
      </fieldset>
      <PrimaryButton type="submit" className="w-full sm:w-auto">{submitLabel}</PrimaryButton>
    </form>
  );
}
