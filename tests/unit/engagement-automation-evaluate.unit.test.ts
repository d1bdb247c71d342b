import { describe, expect, it } from 'vitest';
import { conditionSchema, describeStep, eventsOfTrigger, filterSchema, stepsSchema, triggersOfEvent, type Condition } from '@/lib/engagement/automations/definition';
import { ageOn, definitionProblems, evaluateCondition, firstFailing, neededFacts, type Facts } from '@/lib/engagement/automations/evaluate';

/** Automation filters (issue 18 point 2): a closed set of conditions, decided on loaded facts. */

const SERVICE = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

function facts(overrides: Partial<Facts> = {}): Facts {
  return {
    subject: { appointmentId: OTHER, serviceId: SERVICE, locationId: OTHER, providerId: OTHER },
    today: '2030-03-02',
    patient: { tags: new Set(['vip']), dateOfBirth: '2012-03-03', language: 'es', consents: { 'email:marketing': true, 'sms:care': false } },
    ...overrides,
  };
}

describe('evaluateCondition', () => {
  it('event fields: in and not in', () => {
    expect(evaluateCondition({ kind: 'event', key: 'serviceId', op: 'in', values: [SERVICE] }, facts())).toBe(true);
    expect(evaluateCondition({ kind: 'event', key: 'serviceId', op: 'not_in', values: [SERVICE] }, facts())).toBe(false);
    expect(evaluateCondition({ kind: 'event', key: 'serviceId', op: 'in', values: [OTHER] }, facts())).toBe(false);
    // A key the subject lacks never matches "in".
    expect(evaluateCondition({ kind: 'event', key: 'orderId', op: 'in', values: [OTHER] }, facts())).toBe(false);
  });

  it('tags, language and age (whole years on the clinic’s today, the birthday counting from its day)', () => {
    expect(evaluateCondition({ kind: 'tag', op: 'has', tag: 'vip' }, facts())).toBe(true);
    expect(evaluateCondition({ kind: 'tag', op: 'lacks', tag: 'vip' }, facts())).toBe(false);
    expect(evaluateCondition({ kind: 'language', values: ['en', 'es'] }, facts())).toBe(true);
    expect(ageOn('2012-03-03', '2030-03-02')).toBe(17);
    expect(ageOn('2012-03-03', '2030-03-03')).toBe(18);
    expect(ageOn('2012-02-29', '2030-02-28')).toBe(17);
    expect(ageOn('2012-02-29', '2030-03-01')).toBe(18);
    expect(evaluateCondition({ kind: 'age', op: 'under', years: 18 }, facts())).toBe(true);
    expect(evaluateCondition({ kind: 'age', op: 'at_least', years: 18 }, facts({ today: '2030-03-03' }))).toBe(true);
  });

  it('consent: the newest answer, else care yes and marketing no', () => {
    expect(evaluateCondition({ kind: 'consent', channel: 'email', purpose: 'marketing', op: 'given' }, facts())).toBe(true);
    expect(evaluateCondition({ kind: 'consent', channel: 'sms', purpose: 'marketing', op: 'given' }, facts())).toBe(false);
    expect(evaluateCondition({ kind: 'consent', channel: 'email', purpose: 'care', op: 'given' }, facts())).toBe(true);
    expect(evaluateCondition({ kind: 'consent', channel: 'sms', purpose: 'care', op: 'not_given' }, facts())).toBe(true);
  });

  it('what cannot be answered is a no: no patient, no visit status', () => {
    const none = facts({ patient: null });
    for (const c of [
      { kind: 'tag', op: 'has', tag: 'vip' }, { kind: 'tag', op: 'lacks', tag: 'vip' }, { kind: 'age', op: 'under', years: 200 },
      { kind: 'consent', channel: 'email', purpose: 'care', op: 'given' }, { kind: 'consent', channel: 'email', purpose: 'care', op: 'not_given' },
      { kind: 'appointment_status', op: 'not_in', values: ['cancelled'] }, { kind: 'form_state', state: 'open' },
    ] satisfies Condition[]) {
      expect(evaluateCondition(c, none), JSON.stringify(c)).toBe(false);
    }
  });

  it('current states of the event’s visit, form, invoice and order', () => {
    const f = facts({ appointmentStatus: 'booked', formState: 'open', invoiceState: 'paid', orderStatus: 'shipped' });
    expect(evaluateCondition({ kind: 'appointment_status', op: 'in', values: ['booked'] }, f)).toBe(true);
    expect(evaluateCondition({ kind: 'appointment_status', op: 'not_in', values: ['booked'] }, f)).toBe(false);
    expect(evaluateCondition({ kind: 'form_state', state: 'submitted' }, f)).toBe(false);
    expect(evaluateCondition({ kind: 'invoice_state', state: 'paid' }, f)).toBe(true);
    expect(evaluateCondition({ kind: 'order_status', op: 'in', values: ['shipped', 'delivered'] }, f)).toBe(true);
  });

  it('firstFailing names the first condition that fails; neededFacts loads only what is read', () => {
    const list: Condition[] = [{ kind: 'tag', op: 'has', tag: 'vip' }, { kind: 'age', op: 'at_least', years: 18 }, { kind: 'language', values: ['en'] }];
    expect(firstFailing(list, facts())).toEqual(list[1]);
    expect(firstFailing(list.slice(0, 1), facts())).toBeNull();
    expect([...neededFacts(list)]).toEqual(['patient']);
    expect([...neededFacts([{ kind: 'event', key: 'serviceId', op: 'in', values: [SERVICE] }])]).toEqual([]);
    expect([...neededFacts([{ kind: 'order_status', op: 'in', values: ['shipped'] }, { kind: 'form_state', state: 'open' }])].sort()).toEqual(['form', 'order']);
  });
});

describe('the definition’s shapes', () => {
  it('refuses code, unknown kinds and odd values', () => {
    expect(conditionSchema.safeParse({ kind: 'script', code: 'process.exit()' }).success).toBe(false);
    expect(conditionSchema.safeParse({ kind: 'tag', op: 'has', tag: 'Has Spaces' }).success).toBe(false);
    expect(conditionSchema.safeParse({ kind: 'age', op: 'under', years: 1.5 }).success).toBe(false);
    expect(filterSchema.safeParse(Array.from({ length: 21 }, () => ({ kind: 'tag', op: 'has', tag: 'a' }))).success).toBe(false);
    expect(stepsSchema.safeParse([]).success).toBe(false);
    expect(stepsSchema.safeParse([{ kind: 'wait', duration: { amount: 400, unit: 'days' } }]).success).toBe(false);
    expect(stepsSchema.safeParse([{ kind: 'webhook', url: 'not a url' }]).success).toBe(false);
    expect(stepsSchema.safeParse([{ kind: 'send', channel: 'fax', templateId: SERVICE }]).success).toBe(false);
  });

  it('appointment.scheduled stands for booked and moved, and each starts it', () => {
    expect(eventsOfTrigger('appointment.scheduled')).toEqual(['appointment.booked', 'appointment.rescheduled']);
    expect(triggersOfEvent('appointment.rescheduled')).toEqual(['appointment.rescheduled', 'appointment.scheduled']);
    expect(triggersOfEvent('form.submitted')).toEqual(['form.submitted']);
  });

  it('definitionProblems: conditions and steps the trigger cannot answer, and tasks with nobody', () => {
    expect(definitionProblems('form.submitted', [{ kind: 'event', key: 'serviceId', op: 'in', values: [SERVICE] }], [
      { kind: 'wait_until', anchor: 'appointment.start', offset: { amount: 1, unit: 'hours' }, direction: 'before', ifPassed: 'stop' },
      { kind: 'check', conditions: [{ kind: 'order_status', op: 'in', values: ['shipped'] }] },
      { kind: 'task', title: 'Review' },
      { kind: 'order_status', to: 'shipped' },
    ])).toEqual([
      'Filter condition 1: this trigger has no “serviceId”.',
      'Step 1: this trigger has no visit to wait for.',
      'Step 2, condition 1: this trigger has no order.',
      'Step 3: give the task to a person or a team.',
      'Step 4: this trigger has no order to move.',
    ]);
    expect(definitionProblems('appointment.scheduled', [{ kind: 'event', key: 'serviceId', op: 'in', values: [SERVICE] }], [
      { kind: 'wait_until', anchor: 'appointment.start', offset: { amount: 24, unit: 'hours' }, direction: 'before', ifPassed: 'stop' },
      { kind: 'check', conditions: [{ kind: 'appointment_status', op: 'in', values: ['booked'] }] },
    ])).toEqual([]);
  });

  it('describes steps in words', () => {
    expect(describeStep({ kind: 'wait', duration: { amount: 1, unit: 'days' } })).toBe('Wait 1 day');
    expect(describeStep({ kind: 'wait_until', anchor: 'appointment.start', offset: { amount: 2, unit: 'hours' }, direction: 'before', ifPassed: 'stop' }))
      .toBe('Wait until 2 hours before the visit starts (stop if that time has passed)');
    expect(describeStep({ kind: 'send', channel: 'sms', templateId: SERVICE }, () => 'Reminder')).toBe('Send a text message (“Reminder”)');
    expect(describeStep({ kind: 'webhook', url: 'https://hooks.example.com/x?secret=1' })).toBe('Call hooks.example.com');
  });
});
