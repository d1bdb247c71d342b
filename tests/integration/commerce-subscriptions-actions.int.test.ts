import { renderToStaticMarkup } from 'react-dom/server';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { commerceSettings, portalAccounts } from '@/db/schema';
import { formData, hostFor, invokeAction, signIn, type Outcome } from '../support/action-harness';
import { commerceClinic, type CommerceClinic } from './commerce-fixtures';
import { at, subscribe, subscriptionRow } from './commerce-subscriptions-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * The subscription pages and actions as the browser reaches them (real sessions, the action
 * wrappers): the portal's list and page for the selected patient, its forms answering in the
 * patient's language, another patient's or clinic's subscription refused with no change; the
 * EMR's list and page, the staff actions, and orders.manage required to change anything.
 */

const portal = await import('@/app/t/[tenant]/portal/(app)/subscriptions/actions');
const emr = await import('@/app/t/[tenant]/emr/(app)/orders/subscriptions/actions');
const { default: portalList } = await import('@/app/t/[tenant]/portal/(app)/subscriptions/page');
const { default: portalPage } = await import('@/app/t/[tenant]/portal/(app)/subscriptions/[id]/page');
const { default: emrList } = await import('@/app/t/[tenant]/emr/(app)/orders/subscriptions/page');
const { default: emrPage } = await import('@/app/t/[tenant]/emr/(app)/orders/subscriptions/[id]/page');

const db = () => getDb();
type Req = { host: string; cookies: Record<string, string> };

afterEach(() => {
  at(null);
});

async function mariaFor(w: CommerceClinic, patient: 'self' | 'leo' = 'self'): Promise<Req> {
  const { cookies } = await signIn('portal', { tenantId: w.tenant.id, subjectId: w.maria.account.id, selectedPatientId: patient === 'self' ? w.maria.patient.id : w.leo.id });
  return { host: hostFor(w.tenant.slug), cookies };
}
async function staffFor(w: CommerceClinic, who: 'admin' | 'support' = 'admin'): Promise<Req> {
  const { cookies } = await signIn('staff', { tenantId: w.tenant.id, subjectId: w[who].actor.id });
  return { host: hostFor(w.tenant.slug), cookies };
}

const returned = (outcome: Outcome) => {
  expect(outcome.kind, JSON.stringify(outcome)).toBe('returned');
  return (outcome as { value: Record<string, unknown> }).value;
};
const redirectedTo = (outcome: Outcome) => {
  expect(outcome.kind, JSON.stringify(outcome)).toBe('redirect');
  return (outcome as { location: string }).location;
};
const props = (id: string, searchParams: Record<string, string> = {}) => ({ params: Promise.resolve({ id }), searchParams: Promise.resolve(searchParams) });

async function rendered(req: Req, render: () => Promise<React.ReactElement>) {
  const outcome = await invokeAction(req, async () => renderToStaticMarkup(await render()));
  const html = returned(outcome) as unknown as string;
  return html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

/** A subscription started now (sessions are checked against the clock). */
async function started(w: CommerceClinic, ctx = w.mariaForSelf) {
  const sub = await subscribe(w, ctx, { startedAt: new Date() });
  at(null);
  return sub;
}

describe('portal', () => {
  it('lists and shows the patient’s subscription: next amount with tax, the card, the changes allowed, the history', async () => {
    const w = await commerceClinic();
    const sub = await started(w);
    const req = await mariaFor(w);
    const list = await rendered(req, () => portalList());
    expect(list).toContain('Care plan');
    expect(list).toContain('$160.92');
    const page = await rendered(req, () => portalPage(props(sub.id)));
    for (const words of ['Care plan', 'Active', '$99.00', '$160.92', 'Visa ending in 4242', 'Change card', 'Skip the next payment', 'Change the next payment date', 'Pause', 'Cancel subscription', 'History', 'Started']) {
      expect(page).toContain(words);
    }
    // Leo (another patient of the same account) has none, and Maria's is not found for him.
    const asLeo = await mariaFor(w, 'leo');
    expect(await rendered(asLeo, () => portalList())).toContain('No subscriptions.');
    expect((await invokeAction(asLeo, async () => portalPage(props(sub.id)))).kind).toBe('not-found');
  });

  it('skip: goes back to the page with a notice; another patient’s or clinic’s id is refused and nothing changes', async () => {
    const [w, other] = await Promise.all([commerceClinic(), commerceClinic()]);
    const mine = await started(w);
    const leos = await started(w, w.mariaForLeo);
    const theirs = await started(other, other.mariaForSelf);
    const req = await mariaFor(w);
    const leosBefore = await subscriptionRow(w.tenant.id, leos.id);
    for (const id of [leos.id, theirs.id]) {
      const refused = returned(await invokeAction(req, portal.skipNextCycleAction, {}, formData({ subscriptionId: id })));
      expect(refused).toMatchObject({ ok: false, message: 'This subscription is no longer available. Go back to your subscriptions and reload the page.' });
    }
    expect((await subscriptionRow(w.tenant.id, leos.id)).nextCycleAt).toEqual(leosBefore.nextCycleAt);
    const before = await subscriptionRow(w.tenant.id, mine.id);
    expect(redirectedTo(await invokeAction(req, portal.skipNextCycleAction, {}, formData({ subscriptionId: mine.id })))).toBe(`/portal/subscriptions/${mine.id}?done=skipped`);
    const after = await subscriptionRow(w.tenant.id, mine.id);
    expect(after.nextCycleAt!.getTime()).toBeGreaterThan(before.nextCycleAt!.getTime());
    expect(await rendered(req, () => portalPage(props(mine.id, { done: 'skipped' })))).toContain('Done: the next payment is skipped.');
    expect((await subscriptionRow(w.tenant.id, leos.id)).cyclesBilled).toBe(1);
    expect(await subscriptionRow(other.tenant.id, theirs.id)).toMatchObject({ status: 'active' });
  });

  it('answers in the patient’s language: a pause too long, a setting turned off', async () => {
    const w = await commerceClinic();
    const sub = await started(w);
    await db().update(portalAccounts).set({ language: 'es' }).where(eq(portalAccounts.id, w.maria.account.id));
    const req = await mariaFor(w);
    const far = new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10);
    const tooLong = returned(await invokeAction(req, portal.pauseSubscriptionAction, {}, formData({ subscriptionId: sub.id, until: far })));
    expect(tooLong).toMatchObject({ ok: false, message: 'Elija una fecha dentro de la pausa que permite la clínica.', fieldErrors: { until: 'Elija una fecha dentro de la pausa que permite la clínica.' } });
    const badDate = returned(await invokeAction(req, portal.pauseSubscriptionAction, {}, formData({ subscriptionId: sub.id, until: 'soon' })));
    expect(badDate).toMatchObject({ ok: false, fieldErrors: { until: 'Elija la fecha en que termina la pausa.' } });

    await db().update(commerceSettings).set({ allowCancel: false, allowSkip: false }).where(eq(commerceSettings.tenantId, w.tenant.id));
    const refused = returned(await invokeAction(req, portal.cancelSubscriptionAction, {}, formData({ subscriptionId: sub.id, reason: 'not_needed' })));
    expect(refused).toMatchObject({ ok: false, message: 'La clínica no permite hacer este cambio en línea.' });
    expect(await subscriptionRow(w.tenant.id, sub.id)).toMatchObject({ status: 'active' });
    const page = await rendered(req, () => portalPage(props(sub.id)));
    expect(page).not.toContain('Cancelar suscripción');
    expect(page).not.toContain('Saltar el próximo pago');
    expect(page).toContain('Pausar');
  });

  it('cancel with a reason in one step', async () => {
    const w = await commerceClinic();
    const sub = await started(w);
    const req = await mariaFor(w);
    expect(redirectedTo(await invokeAction(req, portal.cancelSubscriptionAction, {}, formData({ subscriptionId: sub.id, reason: 'other', other: 'Moving abroad' }))))
      .toBe(`/portal/subscriptions/${sub.id}?done=cancelled`);
    expect(await subscriptionRow(w.tenant.id, sub.id)).toMatchObject({ status: 'cancelled', cancelledBy: 'patient', cancelReason: 'Moving abroad' });
    const page = await rendered(req, () => portalPage(props(sub.id, { done: 'cancelled' })));
    expect(page).toContain('Your subscription is cancelled. You will not be charged again.');
    expect(page).not.toContain('Skip the next payment');
  });
});

describe('EMR', () => {
  it('lists past-due first, shows the page, and staff change the phase and cancel', async () => {
    const w = await commerceClinic();
    const sub = await started(w);
    const req = await staffFor(w);
    const list = await rendered(req, () => emrList({ searchParams: Promise.resolve({}) }));
    expect(list).toContain('Care plan');
    expect(list).toContain(w.maria.patient.lastName);
    const page = await rendered(req, () => emrPage(props(sub.id)));
    for (const words of ['Change the phase', 'Skip the next payment', 'Cancel the subscription', 'Renewals', 'No renewals yet', 'Started by the system']) expect(page).toContain(words);
    expect(redirectedTo(await invokeAction(req, emr.staffChangePhaseAction, {}, formData({ subscriptionId: sub.id, position: '1' })))).toBe(`/emr/orders/subscriptions/${sub.id}?done=phase`);
    expect(await subscriptionRow(w.tenant.id, sub.id)).toMatchObject({ phasePosition: 1, cyclesInPhase: 0 });
    const unknownPhase = returned(await invokeAction(req, emr.staffChangePhaseAction, {}, formData({ subscriptionId: sub.id, position: '9' })));
    expect(unknownPhase).toMatchObject({ ok: false, fieldErrors: { position: 'Choose a phase of this product.' } });
    const stray = returned(await invokeAction(req, emr.staffSkipNextCycleAction, {}, formData({ subscriptionId: sub.id, extra: 'x' })));
    expect(stray).toMatchObject({ ok: false });
    expect(redirectedTo(await invokeAction(req, emr.staffCancelSubscriptionAction, {}, formData({ subscriptionId: sub.id, reason: 'switching' })))).toBe(`/emr/orders/subscriptions/${sub.id}?done=cancelled`);
    expect(await subscriptionRow(w.tenant.id, sub.id)).toMatchObject({ status: 'cancelled', cancelledBy: 'staff' });
  });

  it('support staff see subscriptions but cannot change them; another clinic’s is not found', async () => {
    const [w, other] = await Promise.all([commerceClinic(), commerceClinic()]);
    const sub = await started(w);
    const theirs = await started(other, other.mariaForSelf);
    const support = await staffFor(w, 'support');
    expect(await rendered(support, () => emrPage(props(sub.id)))).not.toContain('Cancel the subscription');
    const refused = await invokeAction(support, emr.staffCancelSubscriptionAction, {}, formData({ subscriptionId: sub.id, reason: 'switching' }));
    expect(refused.kind === 'returned' ? (refused as { value: { ok: boolean } }).value.ok : refused.kind).not.toBe(true);
    expect(await subscriptionRow(w.tenant.id, sub.id)).toMatchObject({ status: 'active' });
    const admin = await staffFor(w);
    expect((await invokeAction(admin, async () => emrPage(props(theirs.id)))).kind).toBe('not-found');
    expect(returned(await invokeAction(admin, emr.staffCancelSubscriptionAction, {}, formData({ subscriptionId: theirs.id, reason: 'switching' })))).toMatchObject({ ok: false });
    expect(await subscriptionRow(other.tenant.id, theirs.id)).toMatchObject({ status: 'active' });
  });
});
