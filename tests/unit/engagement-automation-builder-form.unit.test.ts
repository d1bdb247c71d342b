import { describe, expect, it } from 'vitest';
import {
  automationFormSchema, draftFieldErrors, draftFromPost, draftOf, editDraft, inputOf, placeProblems, postedVersion, postTooLong, type AutomationDraft,
} from '@/lib/engagement/automations/builder-form';
import { conditionChoicesFor, anchorsFor, triggerWords } from '@/lib/engagement/automations/builder-words';
import type { Condition, Step } from '@/lib/engagement/automations/definition';

/**
 * The builder's form (issue 18 point 2): a posted form (fields named after the definition's
 * paths) reads back into the draft as typed, the draft checks with the definition's schema and
 * its messages land on the field's own path, and the buttons that work without JavaScript add,
 * remove and move steps and conditions.
 */

const TEMPLATE = '7b0c9a56-2a4e-4f7e-9d55-0c4b8f6f1a11';
const STAFF = '1f1e2d3c-4b5a-4968-8776-655443322110';

const filter: Condition[] = [
  { kind: 'event', key: 'templateId', op: 'in', values: ['0b8e1f0a-1c2d-4e3f-8a9b-0c1d2e3f4a5b'] },
  { kind: 'age', op: 'at_least', years: 18 },
  { kind: 'consent', channel: 'email', purpose: 'care', op: 'given' },
];
const steps: Step[] = [
  { kind: 'wait', duration: { amount: 1, unit: 'days' } },
  { kind: 'check', conditions: [{ kind: 'form_state', state: 'submitted' }, { kind: 'tag', op: 'lacks', tag: 'vip' }] },
  { kind: 'send', channel: 'email', templateId: TEMPLATE },
  { kind: 'task', title: 'Call back', assigneeStaffId: STAFF, dueInDays: 2 },
  { kind: 'webhook', url: 'https://hooks.example.test/in' },
];
const saved = { name: 'Thank you', description: null, trigger: 'form.submitted', filter, steps };

/** The draft as a browser would post it: every field by its dotted name. */
function posted(draft: AutomationDraft, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { name: draft.name, description: draft.description, trigger: draft.trigger, ...extra };
  const walk = (prefix: string, value: unknown) => {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[prefix] = value.length === 1 ? value[0] : value;
    else if (Array.isArray(value)) value.forEach((v, i) => walk(`${prefix}.${i}`, v));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(`${prefix}.${k}`, v);
    else out[prefix] = value;
  };
  walk('filter', draft.filter);
  walk('steps', draft.steps);
  return out;
}

describe('the builder’s draft', () => {
  it('round-trips a saved automation through a posted form and parses back to the same definition', () => {
    const draft = draftOf(saved);
    expect(draft.steps[0]).toEqual({ kind: 'wait', duration: { amount: '1', unit: 'days' } });
    expect(draft.steps[3]).toMatchObject({ details: '', assigneeTeam: '', dueInDays: '2' });
    const back = draftFromPost(posted(draft));
    expect(back).toEqual(draft);
    const parsed = automationFormSchema.parse(back);
    expect(parsed).toEqual({ ...saved, steps: steps.map((s) => (s.kind === 'task' ? { ...s, details: undefined, assigneeTeam: undefined } : s)) });
  });

  it('keeps values as typed, reads a lone checkbox as a list, and ignores fields it does not have', () => {
    const draft = draftFromPost({
      name: '  Spaced  ', trigger: 'appointment.scheduled', 'filter.0.kind': 'event', 'filter.0.key': 'serviceId', 'filter.0.op': 'in', 'filter.0.values': 'abc',
      'filter.1.kind': 'no-such-kind', 'steps.3.kind': 'wait', 'steps.3.duration.amount': ' 2 ', 'steps.3.duration.unit': 'hours',
      'steps.0.kind': 'tag', 'steps.0.op': 'add', 'steps.0.tag': new File(['x'], 'x.pdf'), 'steps.0.__proto__.x': 'y', 'steps.999.kind': 'wait', 'steps.x.kind': 'wait', evil: 'yes',
    });
    expect(draft).toEqual({
      name: '  Spaced  ', description: '', trigger: 'appointment.scheduled',
      filter: [{ kind: 'event', key: 'serviceId', op: 'in', values: ['abc'] }],
      steps: [{ kind: 'tag', op: 'add', tag: '' }, { kind: 'wait', duration: { amount: ' 2 ', unit: 'hours' } }],
    });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('puts each message on the field’s own path, in words', () => {
    const draft: AutomationDraft = {
      name: ' ', description: '', trigger: 'form.submitted', filter: [{ kind: 'age', op: 'at_least', years: 'ten' }],
      steps: [{ kind: 'wait', duration: { amount: 'NaN', unit: 'days' } }, { kind: 'send', channel: 'email', templateId: '' }, { kind: 'task', title: 'x\u0000', details: '', assigneeStaffId: '', assigneeTeam: '', dueInDays: '400' }],
    };
    const result = automationFormSchema.safeParse(draft);
    expect(result.success).toBe(false);
    expect(draftFieldErrors(result.error!)).toEqual({
      name: 'Give the automation a name.',
      'filter.0.years': 'Enter an age in whole years.',
      'steps.0.duration.amount': 'Enter a whole number.',
      'steps.1.templateId': 'Choose a template.',
      'steps.2.title': 'Remove the invisible control characters from this field.',
      'steps.2.dueInDays': 'Enter a number of days from 0 to 365.',
    });
    expect(draftFieldErrors(automationFormSchema.safeParse({ ...draft, name: 'x', filter: [], steps: [] }).error!)).toEqual({ steps: 'Add at least one step.' });
    expect(inputOf(null)).toBeNull();
  });
});

describe('the buttons that work without JavaScript', () => {
  const draft = draftOf(saved);

  it('add a step of the chosen kind at the end, or say what is missing', () => {
    const added = editDraft(draft, 'add-step', { newStepKind: 'send-sms' })!;
    expect(added.draft.steps).toHaveLength(6);
    expect(added.draft.steps[5]).toEqual({ kind: 'send', channel: 'sms', templateId: '' });
    expect(added.notice).toBe('Step 6 added.');
    expect(editDraft(draft, 'add-step', { newStepKind: 'rm -rf' })).toEqual({ draft, notice: 'Choose a kind of step to add.' });
    const full = { ...draft, steps: Array.from({ length: 30 }, () => draft.steps[0]!) };
    expect(editDraft(full, 'add-step', { newStepKind: 'wait' })!.draft.steps).toHaveLength(30);
  });

  it('remove and move steps, and refuse to move past either end', () => {
    expect(editDraft(draft, 'remove-step:1', {})!.draft.steps.map((s) => s.kind)).toEqual(['wait', 'send', 'task', 'webhook']);
    const up = editDraft(draft, 'up-step:2', {})!;
    expect(up.draft.steps.map((s) => s.kind)).toEqual(['wait', 'send', 'check', 'task', 'webhook']);
    expect(up.notice).toBe('Step 3 is now step 2.');
    expect(editDraft(draft, 'down-step:0', {})!.draft.steps.map((s) => s.kind)).toEqual(['check', 'wait', 'send', 'task', 'webhook']);
    expect(editDraft(draft, 'up-step:0', {})).toBeNull();
    expect(editDraft(draft, 'down-step:4', {})).toBeNull();
    expect(editDraft(draft, 'remove-step:9', {})).toBeNull();
    expect(editDraft(draft, 'remove-step:1e3', {})).toBeNull();
    expect(editDraft(draft, 'save', {})).toBeNull();
  });

  it('add and remove filter conditions and a check step’s conditions', () => {
    const withFilter = editDraft(draft, 'add-filter', { newFilterKind: 'event:serviceId' })!;
    expect(withFilter.draft.filter[3]).toEqual({ kind: 'event', key: 'serviceId', op: 'in', values: [] });
    expect(editDraft(draft, 'remove-filter:0', {})!.draft.filter.map((c) => c.kind)).toEqual(['age', 'consent']);
    const checked = editDraft(draft, 'add-check:1', { newCheckKind1: 'language' })!;
    expect(checked.draft.steps[1]!.conditions).toHaveLength(3);
    expect(editDraft(draft, 'add-check:0', { newCheckKind0: 'language' })).toBeNull();
    expect(editDraft(draft, 'remove-check:1:0', {})!.draft.steps[1]!.conditions).toEqual([{ kind: 'tag', op: 'lacks', tag: 'vip' }]);
    expect(draft.steps[1]!.conditions).toHaveLength(2);
  });
});

describe('the rest of the form', () => {
  it('places save problems beside the step or condition they name', () => {
    expect(placeProblems(['Step 2: choose one of the clinic’s templates.', 'Step 3, condition 1: this trigger has no visit.', 'Filter condition 1: this trigger has no “serviceId”.', 'Choose what starts the automation.']))
      .toEqual({
        general: ['Choose what starts the automation.'],
        filter: { 0: ['Filter condition 1: this trigger has no “serviceId”.'] },
        steps: { 1: ['Step 2: choose one of the clinic’s templates.'], 2: ['Step 3, condition 1: this trigger has no visit.'] },
      });
  });

  it('reads the version and refuses overlong text', () => {
    expect(postedVersion('3')).toBe(3);
    for (const bad of ['0', '-1', '1.5', '', undefined, ['x']]) expect(postedVersion(bad)).toBeUndefined();
    expect(postTooLong({ name: 'x'.repeat(4001) })).toBe(true);
    expect(postTooLong({ 'filter.0.values': ['a', 'b'.repeat(4001)] })).toBe(true);
    expect(postTooLong({ name: 'x'.repeat(4000) })).toBe(false);
  });

  it('offers what each trigger has', () => {
    expect(triggerWords('form.submitted')).toBe('A form is submitted');
    expect(triggerWords('appointment.scheduled')).toBe('A visit is booked or moved');
    expect(conditionChoicesFor('appointment.scheduled').map((c) => c.value)).toEqual(['event:serviceId', 'event:locationId', 'event:providerId', 'tag', 'age', 'language', 'consent', 'appointment_status']);
    expect(conditionChoicesFor('form.submitted').map((c) => c.value)).toEqual(['event:templateId', 'tag', 'age', 'language', 'consent', 'form_state']);
    expect(anchorsFor('form.assigned')).toEqual(['appointment.start', 'appointment.end', 'form.due']);
    expect(anchorsFor('form.submitted')).toEqual(['form.due']);
    expect(anchorsFor('patient.created')).toEqual([]);
  });
});
