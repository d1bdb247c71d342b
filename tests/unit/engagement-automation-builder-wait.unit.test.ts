import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { automationFormSchema, draftOf } from '@/lib/engagement/automations/builder-form';
import { waitIfPassed } from '@/lib/engagement/automations/definition';

/**
 * Every "if that time has passed" choice survives the builder: the draft it draws and the form it
 * parses back, and the select offers it (a choice the menu lacks would be saved as another one —
 * the built-in form reminder's first wait uses skip_to_next_wait).
 */
describe('the builder and wait_until’s ifPassed', () => {
  it.each(waitIfPassed)('%s round-trips through the draft', (ifPassed) => {
    const definition = {
      name: 'Form due reminder', description: null, trigger: 'form.assigned', filter: [],
      steps: [
        { kind: 'wait_until' as const, anchor: 'form.due' as const, offset: { amount: 3, unit: 'days' as const }, direction: 'before' as const, ifPassed },
        { kind: 'check' as const, conditions: [{ kind: 'form_state' as const, state: 'open' as const }] },
      ],
    };
    const parsed = automationFormSchema.parse(draftOf(definition));
    expect(parsed.steps[0]).toMatchObject({ kind: 'wait_until', ifPassed });
  });

  it('the step builder’s menu offers every choice', () => {
    const source = readFileSync('components/engagement/automations/builder-steps.tsx', 'utf8');
    for (const value of waitIfPassed) expect(source).toContain(`<option value="${value}">`);
  });
});
