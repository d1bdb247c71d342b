import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, billingSettings, cardAuthorizations, cardSetups, portalAccounts, savedCards } from '@/db/schema';
import { completeTestAuthentication } from '@/lib/billing/gateway/test-gateway';
import { fingerprintTenants, formData, hostFor, invokeAction, signIn, type Outcome } from '../support/action-harness';
import { billingClinic } from './billing-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * Saving a card the bank wants to check (test card 4000 0025 0000 3155 on /portal/billing/cards/new),
 * as the portal's pages post it: the save form sends the patient to the simulated bank's page;
 * Approve saves the card (the default, as the patient's first), Fail leaves nothing saved and says
 * why; an authorisation asked for on the card form is asked for again on the card's page once it
 * is saved; another patient's or clinic's setup is not found; and a setup whose check finished
 * elsewhere (Stripe's, in the browser) is asked of the provider.
 */

const actions = await import('@/app/t/[tenant]/portal/(app)/billing/actions');
const { default: checkPage } = await import('@/app/t/[tenant]/portal/(app)/billing/cards/setups/[id]/authenticate/page');
const { default: authorizePage } = await import('@/app/t/[tenant]/portal/(app)/billing/cards/[id]/authorize/page');

const db = () => getDb();
const THREE_DS = '4000 0025 0000 3155';
const NOT_FOUND = 'This is no longer available. Go back to billing and reload the page.';
const CHECK_FAILED = "The bank's check was not completed. Try again, or use another card.";

type Clinic = Awaited<ReturnType<typeof billingClinic>>;

async function mariaFor(w: Clinic, patient: 'leo' | 'self' = 'leo') {
  const selectedPatientId = patient === 'leo' ? w.leo.id : w.maria.patient.id;
  const { cookies } = await signIn('portal', { tenantId: w.tenant.id, subjectId: w.maria.account.id, selectedPatientId });
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

const saveForm = (extra: Record<string, string | string[]> = {}) =>
  formData({ attemptKey: randomUUID(), number: THREE_DS, expiry: '10/31', cvc: '123', currency: 'USD', ...extra });

const props = (id: string, searchParams: Record<string, string> = {}) => ({ params: Promise.resolve({ id }), searchParams: Promise.resolve(searchParams) });

type Req = { host: string; cookies: Record<string, string> };
type AnyPage = (p: ReturnType<typeof props>) => Promise<React.ReactElement>;

async function rendered(req: Req, page: AnyPage, p: ReturnType<typeof props>) {
  const html = returned(await invokeAction(req, async () => renderToStaticMarkup(await page(p)))) as unknown as string;
  return { html, text: html.replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/\s+/g, ' ') };
}

const cardsOf = (tenantId: string) => db().select().from(savedCards).where(eq(savedCards.tenantId, tenantId));

/** Saves 3155 and returns the setup the bank's check waits for (from the redirect). */
async function startSetup(req: Req, extra: Record<string, string | string[]> = {}) {
  const location = redirectedTo(await invokeAction(req, actions.saveTestCardAction, {}, saveForm(extra)));
  const match = /^\/portal\/billing\/cards\/setups\/([0-9a-f-]{36})\/authenticate(\?authorize=1)?$/.exec(location);
  expect(match, location).not.toBeNull();
  return { setupId: match![1]!, location };
}

describe('saving a card that needs the bank’s check', () => {
  it('3155 → the simulated bank’s page; Approve saves it as the default card, once', async () => {
    const w = await billingClinic();
    const req = await mariaFor(w);
    const { setupId, location } = await startSetup(req);
    expect(location).toBe(`/portal/billing/cards/setups/${setupId}/authenticate`);
    expect(await cardsOf(w.tenant.id)).toHaveLength(0);
    const [waiting] = await db().select().from(cardSetups).where(eq(cardSetups.id, setupId));
    expect(waiting).toMatchObject({ patientId: w.leo.id, gateway: 'test', status: 'requires_action', savedCardId: null });

    const bank = await rendered(req, checkPage, props(setupId));
    expect(bank.text).toContain('Test payments — simulated cards, no real money is charged.');
    expect(bank.text).toContain('Your bank asks you to confirm that this card may be saved.');
    expect(bank.html).toContain(`name="setupId" value="${setupId}"`);
    expect(bank.html).not.toContain('name="authorize"');

    const approve = formData({ setupId, decision: 'approve' });
    expect(redirectedTo(await invokeAction(req, actions.authenticateCardSetupAction, {}, approve))).toBe('/portal/billing/cards?done=saved');
    const [card] = await cardsOf(w.tenant.id);
    expect(card).toMatchObject({ patientId: w.leo.id, brand: 'visa', last4: '3155', expMonth: 10, expYear: 2031, isDefault: true, removedAt: null });
    expect(await db().select().from(cardSetups).where(eq(cardSetups.id, setupId))).toEqual([expect.objectContaining({ status: 'succeeded', savedCardId: card!.id })]);
    const saved = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, w.tenant.id), eq(auditLog.action, 'billing.card_saved')));
    expect(saved.map((a) => [a.actorKind, a.actorId, a.patientId, a.targetId])).toEqual([['patient', w.maria.account.id, w.leo.id, card!.id]]);
    // No authorisation was asked for, and none is made.
    expect(await db().select().from(cardAuthorizations).where(eq(cardAuthorizations.tenantId, w.tenant.id))).toHaveLength(0);

    // A resent form, and the page again: the same one card.
    expect(redirectedTo(await invokeAction(req, actions.authenticateCardSetupAction, {}, approve))).toBe('/portal/billing/cards?done=saved');
    expect(redirectedTo(await invokeAction(req, async () => checkPage(props(setupId))))).toBe('/portal/billing/cards?done=saved');
    expect(await cardsOf(w.tenant.id)).toHaveLength(1);

    // A second card checked the same way is saved, not as the default.
    const second = await startSetup(req);
    redirectedTo(await invokeAction(req, actions.authenticateCardSetupAction, {}, formData({ setupId: second.setupId, decision: 'approve' })));
    expect((await cardsOf(w.tenant.id)).map((c) => c.isDefault).sort()).toEqual([false, true]);
  });

  it('with an authorisation asked for: the check page carries it, and the saved card’s page asks for it', async () => {
    const w = await billingClinic();
    const req = await mariaFor(w);
    const { setupId, location } = await startSetup(req, { authorize: 'yes', scope: ['invoices', 'no_show_fees'], maxAmount: '80' });
    expect(location).toBe(`/portal/billing/cards/setups/${setupId}/authenticate?authorize=1`);
    const bank = await rendered(req, checkPage, props(setupId, { authorize: '1' }));
    expect(bank.html).toContain('name="authorize" value="1"');

    const next = redirectedTo(await invokeAction(req, actions.authenticateCardSetupAction, {}, formData({ setupId, decision: 'approve', authorize: '1' })));
    const [card] = await cardsOf(w.tenant.id);
    expect(next).toBe(`/portal/billing/cards/${card!.id}/authorize?saved=1`);
    // Saved, not yet authorised: the patient confirms it on the card's page.
    expect(await db().select().from(cardAuthorizations).where(eq(cardAuthorizations.tenantId, w.tenant.id))).toHaveLength(0);
    const page = await rendered(req, authorizePage, props(card!.id, { saved: '1' }));
    expect(page.text).toContain('Your card is saved. Authorise the clinic to charge it, if you want to.');
    expect(page.text).toContain('Visa •••• 3155');
    expect((await rendered(req, authorizePage, props(card!.id))).text).not.toContain('Your card is saved.');

    expect(redirectedTo(await invokeAction(req, actions.authorizeCardAction, {}, formData({ cardId: card!.id, currency: 'USD', scope: ['invoices', 'no_show_fees'], maxAmount: '80' }))))
      .toBe('/portal/billing/cards?done=authorized');
    expect(await db().select().from(cardAuthorizations).where(eq(cardAuthorizations.savedCardId, card!.id)))
      .toEqual([expect.objectContaining({ scopes: ['invoices', 'no_show_fees'], maxAmount: 8_000, accountId: w.maria.account.id, revokedAt: null })]);
  });

  it('Fail: nothing saved, and the check’s page says why with a way to try again (in the patient’s language)', async () => {
    const w = await billingClinic();
    const req = await mariaFor(w);
    const { setupId } = await startSetup(req, { authorize: 'yes', scope: 'invoices' });
    const back = redirectedTo(await invokeAction(req, actions.authenticateCardSetupAction, {}, formData({ setupId, decision: 'fail', authorize: '1' })));
    expect(back).toBe(`/portal/billing/cards/setups/${setupId}/authenticate`);
    expect(await cardsOf(w.tenant.id)).toHaveLength(0);
    expect(await db().select().from(cardSetups).where(eq(cardSetups.id, setupId))).toEqual([expect.objectContaining({ status: 'failed', savedCardId: null, failureMessage: CHECK_FAILED })]);

    const page = await rendered(req, checkPage, props(setupId));
    expect(page.text).toContain(`The card was not saved ${CHECK_FAILED} Nothing was saved. You can try again with this card or another one.`);
    expect(page.html).toContain('href="/portal/billing/cards/new"');
    expect(page.html).not.toContain('data-testid="authenticate-form"');

    // Approving afterwards (a stale tab) saves nothing.
    expect(redirectedTo(await invokeAction(req, actions.authenticateCardSetupAction, {}, formData({ setupId, decision: 'approve' })))).toBe(back);
    expect(await cardsOf(w.tenant.id)).toHaveLength(0);

    await db().update(portalAccounts).set({ language: 'es' }).where(eq(portalAccounts.id, w.maria.account.id));
    const es = await rendered(req, checkPage, props(setupId));
    expect(es.text).toContain('La tarjeta no se guardó La verificación del banco no se completó. Inténtelo de nuevo o use otra tarjeta.');
  });

  it('another patient’s or another clinic’s setup is not found, and nothing changes', async () => {
    const w = await billingClinic();
    const other = await billingClinic();
    const leosSetup = (await startSetup(await mariaFor(w))).setupId;
    const foreignSetup = (await startSetup(await mariaFor(other))).setupId;
    const self = await mariaFor(w, 'self');
    const before = await fingerprintTenants([w.tenant.id, other.tenant.id]);
    for (const setupId of [leosSetup, foreignSetup]) {
      for (const decision of ['approve', 'fail']) {
        const answer = returned(await invokeAction(self, actions.authenticateCardSetupAction, {}, formData({ setupId, decision })));
        expect(answer).toMatchObject({ ok: false, message: NOT_FOUND });
      }
      expect(returned(await invokeAction(self, actions.refreshCardSetupCall, { setupId }))).toMatchObject({ ok: false, message: NOT_FOUND });
      expect((await invokeAction(self, async () => checkPage(props(setupId)))).kind).toBe('not-found');
    }
    expect(returned(await invokeAction(self, actions.authenticateCardSetupAction, {}, formData({ setupId: 'not-an-id', decision: 'approve' })))).toMatchObject({ ok: false });
    expect(await fingerprintTenants([w.tenant.id, other.tenant.id])).toBe(before);
  });

  it('a check finished at the provider (as Stripe’s in the browser): the refresh asks it and saves the card', async () => {
    const w = await billingClinic();
    const req = await mariaFor(w);
    const { setupId } = await startSetup(req, { authorize: 'yes', scope: 'no_show_fees' });
    // Still waiting: the refresh says so and saves nothing.
    expect(returned(await invokeAction(req, actions.refreshCardSetupCall, { setupId, authorize: '1' })))
      .toEqual({ ok: true, status: 'pending', next: '/portal/billing/cards?done=pending' });
    expect(await cardsOf(w.tenant.id)).toHaveLength(0);

    const [setup] = await db().select().from(cardSetups).where(eq(cardSetups.id, setupId));
    await completeTestAuthentication(db(), w.tenant.id, setup!.setupRef!, true);
    const answer = returned(await invokeAction(req, actions.refreshCardSetupCall, { setupId, authorize: '1' }));
    const [card] = await cardsOf(w.tenant.id);
    expect(answer).toEqual({ ok: true, status: 'succeeded', next: `/portal/billing/cards/${card!.id}/authorize?saved=1` });
    expect(card).toMatchObject({ last4: '3155', isDefault: true });

    // A check that failed at the provider: the bank's words.
    const failing = await startSetup(req);
    const [row] = await db().select().from(cardSetups).where(eq(cardSetups.id, failing.setupId));
    await completeTestAuthentication(db(), w.tenant.id, row!.setupRef!, false);
    expect(returned(await invokeAction(req, actions.refreshCardSetupCall, { setupId: failing.setupId })))
      .toMatchObject({ ok: false, message: CHECK_FAILED, attemptKey: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(await cardsOf(w.tenant.id)).toHaveLength(1);
  });
});

describe('Stripe’s bank check of a card, finished in the browser', () => {
  // A stand-in for api.stripe.com answering the SetupIntent as it stands after the check.
  let server: http.Server;
  let seen: { method: string; path: string; account: string | undefined }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        seen.push({ method: req.method ?? '', path: url.pathname, account: req.headers['stripe-account'] as string | undefined });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({
          id: url.pathname.split('/').pop(), object: 'setup_intent', status: 'succeeded', client_secret: 'seti_secret', metadata: {}, last_setup_error: null,
          payment_method: { id: 'pm_check1', object: 'payment_method', type: 'card', card: { brand: 'mastercard', last4: '4444', exp_month: 9, exp_year: 2032 } },
        }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('asks Stripe on the clinic’s account and saves the card; the authorisation asked for goes to its page', async () => {
    vi.stubEnv('STRIPE_SECRET_KEY', 'sk_test_card_setup');
    vi.stubEnv('STRIPE_API_BASE', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const w = await billingClinic();
    await db().update(billingSettings).set({ gateway: 'stripe', stripeAccountId: 'acct_1CardCheck', stripeChargesEnabled: true }).where(eq(billingSettings.tenantId, w.tenant.id));
    const [setup] = await db().insert(cardSetups).values({
      tenantId: w.tenant.id, patientId: w.leo.id, accountId: w.maria.account.id, gateway: 'stripe', status: 'requires_action', idempotencyKey: `k-${randomUUID()}`, setupRef: 'seti_1Check',
    }).returning();
    const req = await mariaFor(w);
    // Stripe's setups have no simulated page here: the check page sends the patient to the list.
    expect(redirectedTo(await invokeAction(req, async () => checkPage(props(setup!.id))))).toBe('/portal/billing/cards?done=pending');
    expect(seen).toHaveLength(0);

    const answer = returned(await invokeAction(req, actions.refreshCardSetupCall, { setupId: setup!.id, authorize: '1' }));
    expect(seen).toEqual([{ method: 'GET', path: '/v1/setup_intents/seti_1Check', account: 'acct_1CardCheck' }]);
    const [card] = await cardsOf(w.tenant.id);
    expect(card).toMatchObject({ gateway: 'stripe', paymentMethodRef: 'pm_check1', brand: 'mastercard', last4: '4444', isDefault: true });
    expect(answer).toEqual({ ok: true, status: 'succeeded', next: `/portal/billing/cards/${card!.id}/authorize?saved=1` });
    // Asked again: the setup has ended, Stripe is not asked.
    seen = [];
    expect(returned(await invokeAction(req, actions.refreshCardSetupCall, { setupId: setup!.id }))).toEqual({ ok: true, status: 'succeeded', next: '/portal/billing/cards?done=saved' });
    expect(seen).toHaveLength(0);
  });
});
