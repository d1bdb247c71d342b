'use client';

import { useId } from 'react';
import { useFieldArray, useFormContext } from 'react-hook-form';
import { SelectField, TextField } from '@/components/ui/form-controls';
import { newCondition, type AutomationDraft, type ConditionDraft } from '@/lib/engagement/automations/builder-form';
import { conditionChoicesFor, conditionHeading } from '@/lib/engagement/automations/builder-words';
import { CheckGroup, Problems, smallButton, useBuilder } from './builder-context';

// Conditions, for the filter ("only when …") and for a check step: each kind's own fields under
// its legend, a Remove button, and the "add a condition" menu. A condition's kind (and an event
// condition's field) is fixed once added; the menu offers what the chosen trigger has.

/** The "add" menu's choice, read from the form (the menu posts it without JavaScript). */
export function menuValue(button: HTMLButtonElement, name: string): string {
  const menu = button.form?.elements.namedItem(name);
  return menu instanceof HTMLSelectElement ? menu.value : '';
}

const IS_ONE_OF = [{ value: 'in', label: 'is one of' }, { value: 'not_in', label: 'is not one of' }];

function ConditionFields({ path, condition }: { path: string; condition: ConditionDraft }) {
  const { register, errorFor, options } = useBuilder();
  const field = (name: string) => ({ ...register(`${path}.${name}`), error: errorFor(`${path}.${name}`) });
  const heading = conditionHeading(condition.kind, condition.key);
  switch (condition.kind) {
    case 'event':
      return (
        <div className="space-y-3">
          <input type="hidden" name={`${path}.key`} value={condition.key ?? ''} />
          <SelectField label={`${heading}:`} {...field('op')} defaultValue={condition.op} className="max-w-xs">
            {IS_ONE_OF.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </SelectField>
          <CheckGroup name={`${path}.values`} legend={`${heading}, the ones to match`} choices={options.eventChoices[condition.key ?? ''] ?? []} chosen={condition.values ?? []} />
        </div>
      );
    case 'tag':
      return (
        <div className="grid gap-3 sm:grid-cols-2">
          <SelectField label="The patient" {...field('op')} defaultValue={condition.op}>
            <option value="has">has the tag</option>
            <option value="lacks">does not have the tag</option>
          </SelectField>
          <TextField label="Tag" hint="Lower-case letters, digits and dashes, such as vip." {...field('tag')} defaultValue={condition.tag} autoComplete="off" spellCheck={false} />
        </div>
      );
    case 'age':
      return (
        <div className="grid gap-3 sm:grid-cols-2">
          <SelectField label="The patient is" {...field('op')} defaultValue={condition.op}>
            <option value="at_least">at least</option>
            <option value="under">under</option>
          </SelectField>
          <TextField label="Years old" inputMode="numeric" {...field('years')} defaultValue={condition.years} autoComplete="off" />
        </div>
      );
    case 'language':
      return <CheckGroup name={`${path}.values`} legend="The patient’s language is one of" choices={options.languages} chosen={condition.values ?? []} />;
    case 'consent':
      return (
        <div className="grid gap-3 sm:grid-cols-3">
          <SelectField label="The patient" {...field('op')} defaultValue={condition.op}>
            <option value="given">has agreed to</option>
            <option value="not_given">has not agreed to</option>
          </SelectField>
          <SelectField label="Purpose" {...field('purpose')} defaultValue={condition.purpose}>
            <option value="care">care messages</option>
            <option value="marketing">marketing</option>
          </SelectField>
          <SelectField label="By" {...field('channel')} defaultValue={condition.channel}>
            <option value="email">email</option>
            <option value="sms">text message</option>
          </SelectField>
        </div>
      );
    case 'appointment_status':
    case 'order_status': {
      const choices = condition.kind === 'order_status' ? options.orderStatuses : options.appointmentStatuses;
      return (
        <div className="space-y-3">
          <SelectField label={`${heading}:`} {...field('op')} defaultValue={condition.op} className="max-w-xs">
            {IS_ONE_OF.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </SelectField>
          <CheckGroup name={`${path}.values`} legend={`${heading}, the ones to match`} choices={choices} chosen={condition.values ?? []} />
        </div>
      );
    }
    case 'form_state':
      return (
        <SelectField label="The form is" {...field('state')} defaultValue={condition.state} className="max-w-xs">
          <option value="open">still to be filled in</option>
          <option value="submitted">submitted</option>
        </SelectField>
      );
    case 'invoice_state':
      return (
        <SelectField label="The invoice is" {...field('state')} defaultValue={condition.state} className="max-w-xs">
          <option value="owed">still owed</option>
          <option value="paid">paid</option>
        </SelectField>
      );
    default:
      return null;
  }
}

/**
 * A list of conditions at `name` (`filter`, or `steps.2.conditions`) with the "add" menu.
 * `addIntent`/`removeIntent` are the buttons' values without JavaScript; `addField` names the menu.
 */
export function ConditionList({ name, words, addField, addIntent, removeIntent, problems, onChange }: {
  name: 'filter' | `steps.${number}.conditions`;
  /** Each condition's legend ("Filter condition 2"), the menu's and the buttons' words. */
  words: { legend: (n: number) => string; add: string; remove: (n: number) => string; menu: string };
  addField: string;
  addIntent: string;
  removeIntent: (index: number) => string;
  problems?: Record<number, string[]>;
  /** Said aloud after a change made in the browser, then focus moves to the element with `focusId`. */
  onChange: (notice: string, focusId: string) => void;
}) {
  const { trigger, errorFor } = useBuilder();
  const { control } = useFormContext<AutomationDraft>();
  const { fields, append, remove } = useFieldArray({ control, name: name as 'filter' });
  const id = useId();
  const choices = conditionChoicesFor(trigger);
  const listError = errorFor(name);
  return (
    <div className="space-y-3">
      {fields.length > 0 ? (
        <ol className="space-y-3">
          {fields.map((field, index) => (
            <li key={field.id}>
              <fieldset className="rounded-lg border border-line p-3" aria-describedby={problems?.[index] ? `${id}-${index}-problems` : undefined}>
                <legend id={`${id}-${index}`} tabIndex={-1} className="px-1 text-sm font-semibold">
                  {words.legend(index + 1)}: {conditionHeading(field.kind, field.key)}
                </legend>
                <input type="hidden" name={`${name}.${index}.kind`} value={field.kind} />
                <div className="space-y-3">
                  <Problems id={`${id}-${index}-problems`} problems={problems?.[index]} />
                  <ConditionFields path={`${name}.${index}`} condition={field} />
                  <button type="submit" name="intent" value={removeIntent(index)} className={smallButton}
                    onClick={(event) => {
                      event.preventDefault();
                      remove(index);
                      onChange(`${words.legend(index + 1)} removed.`, `${id}-add`);
                    }}>
                    {words.remove(index + 1)}
                  </button>
                </div>
              </fieldset>
            </li>
          ))}
        </ol>
      ) : null}
      {listError ? <p className="text-sm font-medium text-red-700 dark:text-red-300">{listError}</p> : null}
      <div className="flex flex-wrap items-end gap-2">
        <SelectField label={words.menu} name={addField} defaultValue={choices[0]?.value} className="min-w-64">
          {choices.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
        </SelectField>
        <button id={`${id}-add`} type="submit" name="intent" value={addIntent} className={smallButton}
          onClick={(event) => {
            event.preventDefault();
            const condition = newCondition(menuValue(event.currentTarget, addField));
            if (!condition) return;
            append(condition as never, { shouldFocus: false });
            onChange(`${words.legend(fields.length + 1)} added.`, `${id}-${fields.length}`);
          }}>
          {words.add}
        </button>
      </div>
    </div>
  );
}
