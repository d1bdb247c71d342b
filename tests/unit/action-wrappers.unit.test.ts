import { describe, expect, it, vi } from 'vitest';
import type { PortalContext } from '@/lib/access/context';
import type { ActionState } from '@/lib/actions/result';
import { defineMessages } from '@/lib/i18n/core';
import { RuleError } from '@/lib/kernel/errors';

// The wrapper's context comes from the session; here, a patient whose account reads Spanish.
const session = vi.hoisted(() => ({ language: 'es', areas: ['bookings', 'messages', 'billing'] as string[] }));
vi.mock('@/lib/auth/portal-session', () => {
  const ctx = () => ({ account: { id: 'account-1', language: session.language }, patient: { id: 'patient-1', areas: session.areas }, tenant: { id: 'tenant-1' } }) as unknown as PortalContext;
  return { requirePortalPatient: async () => ctx(), requirePortalAccount: async () => ctx(), peekPortalAccount: async () => ctx() };
});
vi.mock('@/lib/auth/staff-session', () => ({ requireStaff: async () => { throw new Error('not in these tests'); } }));
vi.mock('@/lib/auth/operator-session', () => ({ requireOperator: async () => { throw new Error('not in these tests'); } }));
vi.mock('@/lib/tenancy/request-tenant', () => ({ requireActiveTenant: async () => { throw new Error('not in these tests'); } }));
vi.mock('@/lib/tenancy/resolve-tenant', () => ({ resolveTenantByHost: async () => ({ kind: 'root' }) }));
vi.mock('@/lib/http/client-info', () => ({ getClientInfo: async () => ({ ip: null, userAgent: null }) }));
vi.mock('@/lib/i18n/portal', () => ({ getPublicPortalLocale: async () => 'es' }));

const { portalAction } = await import('@/lib/actions/wrappers');

/**
 * How a portal action's `rules` reword a domain rule's refusal (lib/actions/wrappers.ts): lib
 * writes English, on the message and on the fields it points at; the form shows the catalogue's
 * words in the patient's language on both.
 */

const catalog = defineMessages(
  { fixErrors: 'Check the highlighted fields.', ruleDate: 'Choose a later date.', ruleClosed: 'This is closed.' },
  { fixErrors: 'Revise los campos marcados.', ruleDate: 'Elija una fecha posterior.', ruleClosed: 'Esto está cerrado.' },
);

function refusing(error: RuleError, spec: Partial<Parameters<typeof portalAction>[0]> = {}) {
  const action = portalAction(
    { area: 'bookings', catalog, messages: { invalid: 'fixErrors' }, rules: { 'date-past': 'ruleDate', closed: 'ruleClosed', both: { message: 'ruleClosed', fields: 'ruleDate' } }, echo: ['date'], ...spec },
    async (): Promise<ActionState> => { throw error; },
  );
  const form = new FormData();
  form.set('date', '2020-01-01');
  return action({}, form);
}

describe('a rule reworded by the action wrapper', () => {
  it('puts the rule\'s words on each field it points at, translated, and says to fix them', async () => {
    const answer = await refusing(new RuleError('date-past', 'Choose a date after today.', { date: 'Choose a date after today.', until: 'Choose a date after today.' }));
    expect(answer).toEqual({
      ok: false, message: 'Revise los campos marcados.',
      fieldErrors: { date: 'Elija una fecha posterior.', until: 'Elija una fecha posterior.' }, values: { date: '2020-01-01' },
    });
  });

  it('says the rule\'s words as the message when it points at no field', async () => {
    expect(await refusing(new RuleError('closed', 'This is closed.'))).toEqual({ ok: false, message: 'Esto está cerrado.', values: { date: '2020-01-01' } });
  });

  it('words the message and the fields each their own way when the rule names both', async () => {
    const answer = await refusing(new RuleError('both', 'Closed.', { date: 'Choose a date after today.' }));
    expect(answer).toMatchObject({ message: 'Esto está cerrado.', fieldErrors: { date: 'Elija una fecha posterior.' } });
  });

  it('reads English to an English account', async () => {
    session.language = 'en';
    try {
      const answer = await refusing(new RuleError('date-past', 'Choose a date after today.', { date: 'Choose a date after today.' }));
      expect(answer).toMatchObject({ message: 'Check the highlighted fields.', fieldErrors: { date: 'Choose a later date.' } });
    } finally {
      session.language = 'es';
    }
  });

  it('keeps the rule\'s extra, adds the form\'s, and leaves a rule the form does not name as lib wrote it', async () => {
    const answer = await refusing(new RuleError('other', 'Something else.', { date: 'Not that date.' }, { hint: 'kept' }), { ruleExtra: () => ({ attemptKey: 'fresh' }) });
    expect(answer).toEqual({ ok: false, message: 'Something else.', fieldErrors: { date: 'Not that date.' }, hint: 'kept', attemptKey: 'fresh', values: { date: '2020-01-01' } });
  });
});

describe('a portal action outside what the link opens', () => {
  it('is answered in the account\'s language before the input is read, and the body never runs', async () => {
    const body = vi.fn(async (): Promise<ActionState> => ({ ok: true }));
    const action = portalAction({ area: 'documents', catalog, echo: ['date'] }, body);
    const form = new FormData();
    form.set('date', '2020-01-01');
    expect(await action({}, form)).toEqual({ ok: false, message: 'Su acceso al expediente de esta persona no incluye esto. Si lo necesita, pregunte a la clínica.' });
    expect(body).not.toHaveBeenCalled();
    // The same action for an area the link opens runs.
    const open = portalAction({ area: 'bookings', catalog }, body);
    expect(await open({}, form)).toEqual({ ok: true });
    expect(body).toHaveBeenCalledTimes(1);
  });

  it('names its area for the isolation suite', async () => {
    const { describeAction } = await import('@/lib/actions/wrappers');
    expect(describeAction(portalAction({ area: 'billing', catalog }, async () => ({ ok: true })))?.area).toBe('billing');
  });
});
