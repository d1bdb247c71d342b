import { describe, expect, it } from 'vitest';
import { formReminderDays, formReminderSteps } from '@/lib/engagement/automations/builtins';
import { describeStep, stepsSchema, type Step } from '@/lib/engagement/automations/definition';
import { nextWaitIndex, waitUntilTarget } from '@/lib/engagement/automations/wait-until';

/**
 * "Wait until" arithmetic (issue 18 point 2) and the built-in form-due reminder's steps made from
 * a clinic's reminder days (point 3).
 */

const EMAIL = '11111111-1111-4111-8111-111111111111';
const SMS = '22222222-2222-4222-8222-222222222222';
const TEMPLATES = { 'form-due-reminder-email': EMAIL, 'form-due-reminder-sms': SMS };
const NY = 'America/New_York';

describe('waitUntilTarget', () => {
  it('counts from a visit’s instant in elapsed time, before or after', () => {
    const start = new Date('2030-03-10T15:00:00Z');
    expect(waitUntilTarget({ offset: { amount: 24, unit: 'hours' }, direction: 'before' }, { instant: start })).toEqual(new Date('2030-03-09T15:00:00Z'));
    expect(waitUntilTarget({ offset: { amount: 30, unit: 'minutes' }, direction: 'after' }, { instant: start })).toEqual(new Date('2030-03-10T15:30:00Z'));
  });

  it('from a due day, whole days keep the hour across a daylight-saving change; hours count from that day’s hour', () => {
    // New York moves to summer time on Sunday 2030-03-10: 09:00 is 14:00 UTC before, 13:00 on it.
    const due = { day: '2030-03-10', time: '09:00', timeZone: NY };
    expect(waitUntilTarget({ offset: { amount: 0, unit: 'days' }, direction: 'before' }, due)).toEqual(new Date('2030-03-10T13:00:00Z'));
    expect(waitUntilTarget({ offset: { amount: 3, unit: 'days' }, direction: 'before' }, due)).toEqual(new Date('2030-03-07T14:00:00Z'));
    expect(waitUntilTarget({ offset: { amount: 1, unit: 'days' }, direction: 'before' }, due)).toEqual(new Date('2030-03-09T14:00:00Z'));
    expect(waitUntilTarget({ offset: { amount: 24, unit: 'hours' }, direction: 'before' }, due)).toEqual(new Date('2030-03-09T13:00:00Z'));
    expect(waitUntilTarget({ offset: { amount: 2, unit: 'days' }, direction: 'after' }, { day: '2030-11-02', time: '09:00', timeZone: NY }))
      .toEqual(new Date('2030-11-04T14:00:00Z'));
  });
});

describe('nextWaitIndex', () => {
  const steps: Step[] = [
    { kind: 'wait_until', anchor: 'form.due', offset: { amount: 3, unit: 'days' }, direction: 'before', ifPassed: 'skip_to_next_wait' },
    { kind: 'send', channel: 'email', templateId: EMAIL },
    { kind: 'wait', duration: { amount: 1, unit: 'days' } },
    { kind: 'send', channel: 'sms', templateId: SMS },
  ];

  it('is the next wait of either kind, or the end when none follows', () => {
    expect(nextWaitIndex(steps, 0)).toBe(2);
    expect(nextWaitIndex(steps, 2)).toBe(4);
    expect(nextWaitIndex([...steps, steps[0]!], 2)).toBe(4);
  });

  it('is a choice the definition accepts, described in words', () => {
    expect(stepsSchema.safeParse(steps).success).toBe(true);
    expect(stepsSchema.safeParse([{ ...steps[0], ifPassed: 'skip' }]).success).toBe(false);
    expect(describeStep(steps[0]!)).toBe('Wait until 3 days before the form is due (if that time has passed, skip to the next wait)');
    expect(describeStep({ ...steps[0]!, ifPassed: 'continue' } as Step)).toBe('Wait until 3 days before the form is due');
  });
});

describe('the form due reminder’s steps from the clinic’s reminder days', () => {
  const waits = (steps: Step[]) => steps.flatMap((s) => (s.kind === 'wait_until' ? [[s.offset.amount, s.ifPassed]] : []));

  it('one block a reminder — wait, check the form is open, email, text — the first skipping, the last stopping', () => {
    const steps = formReminderSteps(TEMPLATES, { formFirstReminderDays: 3, formLastReminderDays: 1 });
    expect(stepsSchema.parse(steps)).toEqual(steps);
    expect(steps).toEqual([
      { kind: 'wait_until', anchor: 'form.due', offset: { amount: 3, unit: 'days' }, direction: 'before', ifPassed: 'skip_to_next_wait' },
      { kind: 'check', conditions: [{ kind: 'form_state', state: 'open' }] },
      { kind: 'send', channel: 'email', templateId: EMAIL },
      { kind: 'send', channel: 'sms', templateId: SMS },
      { kind: 'wait_until', anchor: 'form.due', offset: { amount: 1, unit: 'days' }, direction: 'before', ifPassed: 'stop' },
      { kind: 'check', conditions: [{ kind: 'form_state', state: 'open' }] },
      { kind: 'send', channel: 'email', templateId: EMAIL },
      { kind: 'send', channel: 'sms', templateId: SMS },
    ]);
  });

  it('0 leaves a reminder out; equal days are one reminder; the earlier one comes first whichever field holds it', () => {
    expect(waits(formReminderSteps(TEMPLATES, { formFirstReminderDays: 5, formLastReminderDays: 0 }))).toEqual([[5, 'stop']]);
    expect(waits(formReminderSteps(TEMPLATES, { formFirstReminderDays: 0, formLastReminderDays: 2 }))).toEqual([[2, 'stop']]);
    expect(waits(formReminderSteps(TEMPLATES, { formFirstReminderDays: 2, formLastReminderDays: 2 }))).toEqual([[2, 'stop']]);
    expect(waits(formReminderSteps(TEMPLATES, { formFirstReminderDays: 1, formLastReminderDays: 4 }))).toEqual([[4, 'skip_to_next_wait'], [1, 'stop']]);
  });

  it('with both at 0 there are no days (installed paused), and the steps are one reminder the day before', () => {
    expect(formReminderDays({ formFirstReminderDays: 0, formLastReminderDays: 0 })).toEqual([]);
    expect(waits(formReminderSteps(TEMPLATES, { formFirstReminderDays: 0, formLastReminderDays: 0 }))).toEqual([[1, 'stop']]);
  });
});
