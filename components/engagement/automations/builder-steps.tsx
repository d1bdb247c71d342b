'use client';

import { useId } from 'react';
import { useFieldArray, useFormContext } from 'react-hook-form';
import { SelectField, TextField } from '@/components/ui/form-controls';
import { ADD_FIELDS, intents, newStep, type AutomationDraft, type PlacedProblems, type StepDraft } from '@/lib/engagement/automations/builder-form';
import { ANCHOR_WORDS, anchorsFor, DURATION_UNIT_WORDS, STEP_CHOICES, stepHeading } from '@/lib/engagement/automations/builder-words';
import { FieldMessage, Problems, smallButton, textareaClass, useBuilder } from './builder-context';
import { ConditionList, menuValue } from './builder-conditions';
import { WebhookSecret } from './webhook-secret';

// The steps: an ordered list, each step under its number and kind with its own fields and its
// Move up / Move down / Remove buttons, then the "add a step" menu. With JavaScript the buttons
// change the list in the browser; without it they post the draft (their intent) and the page
// comes back with the change.

type Notify = (notice: string, focusId: string) => void;

function Duration({ path, value, label }: { path: string; value: StepDraft['duration']; label: string }) {
  const { register, errorFor } = useBuilder();
  return (
    <>
      <TextField label={label} inputMode="numeric" {...register(`${path}.amount`)} defaultValue={value?.amount} autoComplete="off" error={errorFor(`${path}.amount`)} />
      <SelectField label="Unit" {...register(`${path}.unit`)} defaultValue={value?.unit} error={errorFor(`${path}.unit`) ?? errorFor(path)}>
        {Object.entries(DURATION_UNIT_WORDS).map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </SelectField>
    </>
  );
}

function StepFields({ index, step, notify }: { index: number; step: StepDraft; notify: Notify }) {
  const { register, errorFor, options, trigger } = useBuilder();
  const id = useId();
  const path = `steps.${index}`;
  const field = (name: string) => ({ ...register(`${path}.${name}`), error: errorFor(`${path}.${name}`) });
  switch (step.kind) {
    case 'wait':
      return (
        <div className="grid gap-3 sm:grid-cols-2">
          <Duration path={`${path}.duration`} value={step.duration} label="Wait for" />
        </div>
      );
    case 'wait_until': {
      const anchors = anchorsFor(trigger);
      const shown = step.anchor && !anchors.includes(step.anchor as never) ? [...anchors, step.anchor as keyof typeof ANCHOR_WORDS] : anchors;
      return (
        <div className="grid gap-3 sm:grid-cols-2">
          <Duration path={`${path}.offset`} value={step.offset} label="Wait until" />
          <SelectField label="Before or after" {...field('direction')} defaultValue={step.direction}>
            <option value="before">before</option>
            <option value="after">after</option>
          </SelectField>
          <SelectField label="What" {...field('anchor')} defaultValue={step.anchor}
            hint={anchors.length === 0 ? 'This trigger has no visit or due date: choose another trigger, or another kind of step.' : undefined}>
            {shown.map((a) => <option key={a} value={a}>{ANCHOR_WORDS[a] ?? a}{anchors.includes(a) ? '' : ' (not for this trigger)'}</option>)}
          </SelectField>
          <SelectField label="If that time has already passed" className="sm:col-span-2" {...field('ifPassed')} defaultValue={step.ifPassed}>
            <option value="stop">stop here (say nothing late)</option>
            <option value="continue">carry on at once</option>
            <option value="skip_to_next_wait">skip to the next wait (leave out the steps before it)</option>
          </SelectField>
        </div>
      );
    }
    case 'check':
      return (
        <>
          <p className="text-sm text-fg-muted">Checked when the run gets here: the run goes on only if every condition holds.</p>
          <ConditionList name={`steps.${index}.conditions`} addField={ADD_FIELDS.check(index)} addIntent={intents.addCheck(index)}
            removeIntent={(j) => intents.removeCheck(index, j)} onChange={notify}
            words={{ legend: (n) => `Condition ${n}`, add: `Add condition to step ${index + 1}`, remove: (n) => `Remove condition ${n} of step ${index + 1}`, menu: `New condition for step ${index + 1}` }} />
        </>
      );
    case 'send': {
      const templates = options.templates.filter((t) => t.channel === step.channel && (!t.archived || t.id === step.templateId));
      return (
        <>
          <input type="hidden" name={`${path}.channel`} value={step.channel ?? ''} />
          <SelectField label="Template" {...field('templateId')} defaultValue={step.templateId} className="max-w-xl"
            hint={`The clinic’s ${step.channel === 'sms' ? 'text message' : 'email'} templates (CRM → Message templates). Sent in the patient’s language when the template has it; only to patients who may be contacted this way.`}>
            <option value="">Choose a template</option>
            {templates.map((t) => <option key={t.id} value={t.id}>{t.name}{t.purpose === 'marketing' ? ' (marketing)' : ''}{t.archived ? ' (archived)' : ''}</option>)}
          </SelectField>
        </>
      );
    }
    case 'task': {
      const detailsError = errorFor(`${path}.details`);
      return (
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField label="Task" hint="What needs doing; staff see it in EMR → Tasks." className="sm:col-span-2" {...field('title')} defaultValue={step.title} maxLength={200} autoComplete="off" />
          <div className="sm:col-span-2">
            <label htmlFor={`${id}-details`} className="block text-sm font-medium">Details (optional)</label>
            <textarea id={`${id}-details`} {...register(`${path}.details`)} defaultValue={step.details} rows={3} maxLength={2000} className={textareaClass}
              aria-invalid={detailsError ? true : undefined} aria-describedby={detailsError ? `${id}-details-error` : undefined} />
            <FieldMessage id={`${id}-details-error`} error={detailsError} />
          </div>
          <SelectField label="Assigned to" {...field('assigneeStaffId')} defaultValue={step.assigneeStaffId}>
            <option value="">Nobody</option>
            {options.staff.map((p) => <option key={p.id} value={p.id}>{p.fullName}</option>)}
          </SelectField>
          <SelectField label="Team" hint="A person, a team, or both." {...field('assigneeTeam')} defaultValue={step.assigneeTeam}>
            <option value="">No team</option>
            {[...new Set([...options.teams, ...(step.assigneeTeam ? [step.assigneeTeam] : [])])].map((t) => <option key={t} value={t}>{t}</option>)}
          </SelectField>
          <TextField label="Due after (days, optional)" hint="0: due the day it is made. Empty: no due date." inputMode="numeric" {...field('dueInDays')} defaultValue={step.dueInDays} autoComplete="off" />
        </div>
      );
    }
    case 'tag':
      return (
        <div className="grid gap-3 sm:grid-cols-2">
          <SelectField label="Do" {...field('op')} defaultValue={step.op}>
            <option value="add">Add the tag</option>
            <option value="remove">Remove the tag</option>
          </SelectField>
          <TextField label="Tag" hint="Lower-case letters, digits and dashes, such as vip." {...field('tag')} defaultValue={step.tag} autoComplete="off" spellCheck={false} />
        </div>
      );
    case 'order_status':
      return (
        <SelectField label="Move the order to" {...field('to')} defaultValue={step.to} className="max-w-xs" hint="Only moves the order allows are made; others are skipped and logged.">
          <option value="">Choose a status</option>
          {options.orderStatuses.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
        </SelectField>
      );
    case 'webhook':
      return (
        <TextField label="Address" type="url" hint="Receives a signed JSON body with the event’s ids (never a name or health information), retried if it does not answer 2xx." {...field('url')}
          defaultValue={step.url} autoComplete="off" spellCheck={false} placeholder="https://" />
      );
    default:
      return null;
  }
}

export function StepList({ problems, showProblems, notify, webhookSecret }: { problems?: PlacedProblems; showProblems: boolean; notify: Notify; webhookSecret: string }) {
  const { errorFor } = useBuilder();
  const { control } = useFormContext<AutomationDraft>();
  const { fields, append, remove, swap } = useFieldArray({ control, name: 'steps' });
  const id = useId();
  const listError = errorFor('steps');
  const heading = (i: number) => `${id}-step-${i}`;
  return (
    <div className="space-y-4">
      {fields.length === 0 ? <p className="text-sm text-fg-muted">No steps yet: add the first one below.</p> : (
        <ol className="space-y-4">
          {fields.map((step, index) => {
            const stepProblems = showProblems ? problems?.steps[index] : undefined;
            return (
              <li key={step.id} id={`step-${index + 1}`}>
                <fieldset className="rounded-lg border border-line p-4" aria-describedby={stepProblems ? `${id}-${index}-problems` : undefined}>
                  <legend id={heading(index)} tabIndex={-1} className="px-1 font-semibold">Step {index + 1}: {stepHeading(step.kind, step.channel)}</legend>
                  <input type="hidden" name={`steps.${index}.kind`} value={step.kind} />
                  <div className="space-y-3">
                    <Problems id={`${id}-${index}-problems`} problems={stepProblems} />
                    <StepFields index={index} step={step} notify={notify} />
                    <div className="flex flex-wrap gap-2 border-t border-line pt-3">
                      {index > 0 ? (
                        <button type="submit" name="intent" value={intents.upStep(index)} className={smallButton}
                          onClick={(e) => { e.preventDefault(); swap(index, index - 1); notify(`Step ${index + 1} is now step ${index}.`, heading(index - 1)); }}>
                          Move step {index + 1} up
                        </button>
                      ) : null}
                      {index < fields.length - 1 ? (
                        <button type="submit" name="intent" value={intents.downStep(index)} className={smallButton}
                          onClick={(e) => { e.preventDefault(); swap(index, index + 1); notify(`Step ${index + 1} is now step ${index + 2}.`, heading(index + 1)); }}>
                          Move step {index + 1} down
                        </button>
                      ) : null}
                      <button type="submit" name="intent" value={intents.removeStep(index)} className={`${smallButton} text-red-800 dark:text-red-300`}
                        onClick={(e) => { e.preventDefault(); remove(index); notify(`Step ${index + 1} removed.`, `${id}-add`); }}>
                        Remove step {index + 1}
                      </button>
                    </div>
                  </div>
                </fieldset>
              </li>
            );
          })}
        </ol>
      )}
      {listError ? <p className="text-sm font-medium text-red-700 dark:text-red-300">{listError}</p> : null}
      <div className="flex flex-wrap items-end gap-2">
        <SelectField label="New step" name={ADD_FIELDS.step} defaultValue="wait" className="min-w-64">
          {STEP_CHOICES.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
        </SelectField>
        <button id={`${id}-add`} type="submit" name="intent" value="add-step" className={smallButton}
          onClick={(e) => {
            e.preventDefault();
            const step = newStep(menuValue(e.currentTarget, ADD_FIELDS.step));
            if (!step) return;
            append(step as never, { shouldFocus: false });
            notify(`Step ${fields.length + 1} added.`, heading(fields.length));
          }}>
          Add step
        </button>
      </div>
      {/* A step's kind never changes once added, so the list's items say whether one calls out. */}
      {fields.some((s) => s.kind === 'webhook') ? <WebhookSecret secret={webhookSecret} /> : null}
    </div>
  );
}
