import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { commerceSettings, orderRequirements, orders, paymentAllocations, payments, portalAccounts, tenantSettings } from '@/db/schema';
import { CART_COOKIE, parseCart, serializeCart } from '@/lib/commerce/cart';
import { PDF_BYTES } from '../support/document-files';
import { formData, hostFor, invokeAction, signIn, type Outcome } from '../support/action-harness';
import { gatewayPayments } from './billing-fixtures';
import { commerceClinic, type CommerceClinic } from './commerce-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * The shop as its pages post it: the cart in its cookie (a visitor's, kept through signing in),
 * the catalogue and product pages (staff-only and archived never shown, a closed shop a 404),
 * the checkout with the test gateway's simulated card (paid → the next steps and the cart
 * emptied; declined → the order's "pay with another card"), and an order's upload request.
 */

const cartActions = await import('@/app/t/[tenant]/portal/(public)/shop/actions');
const checkoutActions = await import('@/app/t/[tenant]/portal/(app)/shop/checkout/actions');
const { default: shopPage } = await import('@/app/t/[tenant]/portal/(shop)/shop/page');
const { default: productPage } = await import('@/app/t/[tenant]/portal/(shop)/shop/products/[id]/page');
const { default: cartPage } = await import('@/app/t/[tenant]/portal/(shop)/shop/cart/page');
const { default: checkoutPage } = await import('@/app/t/[tenant]/portal/(app)/shop/checkout/page');
const { default: nextStepsPage } = await import('@/app/t/[tenant]/portal/(app)/shop/checkout/[orderId]/page');
const { default: shopLayout } = await import('@/app/t/[tenant]/portal/(shop)/layout');
const { default: appLayout } = await import('@/app/t/[tenant]/portal/(app)/layout');
const { default: publicLayout } = await import('@/app/t/[tenant]/portal/(public)/layout');

const db = () => getDb();
type Req = { host: string; cookies: Record<string, string> };

async function patientReq(c: CommerceClinic, cart?: string): Promise<Req> {
  const { cookies } = await signIn('portal', { tenantId: c.tenant.id, subjectId: c.maria.account.id, selectedPatientId: c.maria.patient.id });
  return { host: hostFor(c.tenant.slug), cookies: { ...cookies, ...(cart ? { [CART_COOKIE]: cart } : {}) } };
}
const visitorReq = (c: CommerceClinic, cart?: string): Req => ({ host: hostFor(c.tenant.slug), cookies: cart ? { [CART_COOKIE]: cart } : {} });

const redirectedTo = (outcome: Outcome) => {
  expect(outcome.kind, JSON.stringify(outcome)).toBe('redirect');
  return (outcome as { location: string }).location;
};
const cartOf = (outcome: Outcome) => outcome.cookies.get(CART_COOKIE);

type Page = (props: never) => Promise<React.ReactElement>;
const props = (params: Record<string, string> = {}, searchParams: Record<string, string> = {}) =>
  ({ params: Promise.resolve(params), searchParams: Promise.resolve(searchParams) });
async function rendered(req: Req, fn: Page, p = props()) {
  const outcome = await invokeAction(req, async () => renderToStaticMarkup(await (fn as (x: unknown) => Promise<React.ReactElement>)(p)));
  if (outcome.kind === 'threw') throw (outcome as { error: unknown }).error;
  if (outcome.kind !== 'returned') return { outcome, text: '', html: '' };
  const html = outcome.value as string;
  return { outcome, html, text: html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ') };
}

describe('the cart cookie', () => {
  it('reads only this clinic\'s well-formed lines, and nothing else', async () => {
    const tenantId = randomUUID();
    const id = randomUUID();
    const raw = serializeCart({ lines: [{ productId: id, quantity: 3 }], couponCode: 'WELCOME10' }, tenantId);
    expect(parseCart(raw, tenantId)).toEqual({ lines: [{ productId: id, quantity: 3 }], couponCode: 'WELCOME10' });
    expect(parseCart(raw, randomUUID())).toEqual({ lines: [], couponCode: null });
    expect(parseCart('not base64 json', tenantId)).toEqual({ lines: [], couponCode: null });
    const hostile = Buffer.from(JSON.stringify({ t: tenantId, l: [['x', 1], [id, -1], [id, 1.5], [id, 999], [id, 2]], c: 'no spaces allowed' })).toString('base64url');
    expect(parseCart(hostile, tenantId)).toEqual({ lines: [{ productId: id, quantity: 10 }], couponCode: null });
  });
});

describe('the public shop', () => {
  it('lists what the shop sells to a visitor, and says what a product asks for', async () => {
    const c = await commerceClinic();
    const { text } = await rendered(visitorReq(c), shopPage, props({ tenant: c.tenant.slug }));
    expect(text).toContain('Travel kit');
    expect(text).toContain('$25.00');
    expect(text).toContain('$99.00 for the first month, then $149.00 every month');
    expect(text).not.toContain('Clinic supply');
    expect(text).not.toContain('Old kit');
    const product = await rendered(visitorReq(c), productPage, props({ tenant: c.tenant.slug, id: c.subscription.id }));
    expect(product.text).toContain(`You’ll complete: ${c.intake.title}, Photo ID.`);
    for (const hidden of [c.staffOnly, c.archived]) {
      expect((await rendered(visitorReq(c), productPage, props({ tenant: c.tenant.slug, id: hidden.id }))).outcome.kind).toBe('not-found');
    }
  });

  it('words the phases in Spanish for a Spanish-speaking patient', async () => {
    const c = await commerceClinic();
    await db().update(portalAccounts).set({ language: 'es' }).where(eq(portalAccounts.id, c.maria.account.id));
    const { text } = await rendered(await patientReq(c), shopPage, props({ tenant: c.tenant.slug }));
    expect(text).toContain('Tienda');
    expect(text).toContain('$99.00 durante 1 mes, luego $149.00 cada mes');
  });

  it('is a 404 everywhere while the shop is closed', async () => {
    const c = await commerceClinic({ shopEnabled: false });
    expect((await rendered(visitorReq(c), shopPage, props({ tenant: c.tenant.slug }))).outcome.kind).toBe('not-found');
    expect((await rendered(visitorReq(c), cartPage, props({ tenant: c.tenant.slug }))).outcome.kind).toBe('not-found');
    expect((await rendered(await patientReq(c), checkoutPage)).outcome.kind).toBe('not-found');
    const add = await invokeAction(visitorReq(c), cartActions.addToCartAction, formData({ productId: c.oneTime.id, quantity: '1' }));
    expect(add.kind).toBe('returned');
    expect(cartOf(add)).toBeUndefined();
  });

  it('frames the shop with the portal\'s navigation for a signed-in patient only', async () => {
    const c = await commerceClinic();
    const frame = async (req: Req) => {
      const outcome = await invokeAction(req, () => shopLayout({ children: null, params: Promise.resolve({ tenant: c.tenant.slug }) }));
      return ((outcome as { value: React.ReactElement }).value).type;
    };
    expect(await frame(await patientReq(c))).toBe(appLayout);
    expect(await frame(visitorReq(c))).toBe(publicLayout);
    // The portal's own frame lists the shop and the orders while the shop is open.
    const nav = await invokeAction(await patientReq(c), () => appLayout({ children: null, params: Promise.resolve({ tenant: c.tenant.slug }) }));
    const more = ((nav as { value: React.ReactElement<{ moreNav: { href: string }[] }> }).value).props.moreNav.map((i) => i.href);
    expect(more).toEqual(expect.arrayContaining(['/portal/shop', '/portal/orders']));
  });
});

describe('the cart', () => {
  it('keeps a visitor\'s cart in its cookie and shows its coupon, tax and total', async () => {
    const c = await commerceClinic();
    const add = await invokeAction(visitorReq(c), cartActions.addToCartAction, formData({ productId: c.oneTime.id, quantity: '2' }));
    expect(redirectedTo(add)).toBe(`/portal/shop/cart?added=${c.oneTime.id}`);
    let cart = cartOf(add)!;
    expect(parseCart(cart, c.tenant.id).lines).toEqual([{ productId: c.oneTime.id, quantity: 2 }]);
    // The cookie holds ids only: never a product's name.
    expect(Buffer.from(cart, 'base64url').toString()).not.toContain('Travel');
    const coupon = await invokeAction(visitorReq(c, cart), cartActions.applyCouponAction, formData({ couponCode: 'welcome10' }));
    cart = cartOf(coupon)!;
    const { text } = await rendered(visitorReq(c, cart), cartPage, props({ tenant: c.tenant.slug }));
    // $50.00 − $5.00, tax 8 % of $45.00 = $3.60.
    expect(text).toContain('Code WELCOME10 applied.');
    expect(text).toContain('$3.60');
    expect(text).toContain('$48.60');
    expect(text).toContain('Create an account to check out');

    const staffOnly = await invokeAction(visitorReq(c, cart), cartActions.addToCartAction, formData({ productId: c.staffOnly.id, quantity: '1' }));
    expect(staffOnly.kind).toBe('returned');
    expect(cartOf(staffOnly)).toBeUndefined();
    const remove = await invokeAction(visitorReq(c, cart), cartActions.removeCartLineAction, formData({ productId: c.oneTime.id }));
    expect(parseCart(cartOf(remove) ?? undefined, c.tenant.id).lines).toEqual([]);
  });

  it('says why a coupon does not apply, and sends a visitor to sign in when the shop is for patients only', async () => {
    const c = await commerceClinic({ openToNewVisitors: false });
    const cart = serializeCart({ lines: [{ productId: c.oneTime.id, quantity: 1 }], couponCode: 'NOPE123' }, c.tenant.id);
    const { text } = await rendered(visitorReq(c, cart), cartPage, props({ tenant: c.tenant.slug }));
    expect(text).toContain('This code is not valid.');
    expect(text).toContain('Sign in to check out');
    expect(text).not.toContain('Create an account');
  });
});

describe('the checkout', () => {
  const checkoutForm = (fields: Record<string, string>) => formData({
    attemptKey: randomUUID(), payWith: 'new', number: '4242 4242 4242 4242', expiry: '12/30', cvc: '123',
    shipName: 'Maria Lopez', shipLine1: '1 Elm St', shipCity: 'Springfield', shipPostalCode: '62701', shipCountry: 'US', ...fields,
  });

  it('places and pays the order, empties the cart, and lands on the next steps', async () => {
    const c = await commerceClinic();
    const cart = serializeCart({ lines: [{ productId: c.subscription.id, quantity: 1 }], couponCode: null }, c.tenant.id);
    const req = await patientReq(c, cart);
    const page = await rendered(req, checkoutPage);
    expect(page.text).toContain('Pay $106.92'); // $99.00 + 8 %
    expect(page.text).toContain('Yes, I authorise');
    // Without the authorisation the subscription is refused, and nothing is made.
    const refused = await invokeAction(req, checkoutActions.checkoutTestCardAction, {}, checkoutForm({ expectedTotal: '10692' }));
    expect(refused.kind).toBe('returned');
    expect((refused as { value: { message: string } }).value.message).toBe('Check the highlighted fields.');
    expect(await db().select().from(orders).where(eq(orders.tenantId, c.tenant.id))).toHaveLength(0);

    const paid = await invokeAction(req, checkoutActions.checkoutTestCardAction, {}, checkoutForm({ expectedTotal: '10692', authorize: 'yes' }));
    const location = redirectedTo(paid);
    expect(location).toMatch(/^\/portal\/shop\/checkout\/[0-9a-f-]{36}\?paid=1$/);
    expect(cartOf(paid)).toBeNull();
    const orderId = location.split('/')[4]!.split('?')[0]!;
    const steps = await rendered(req, nextStepsPage, props({ orderId }, { paid: '1' }));
    expect(steps.text).toContain('Thank you — your order is paid.');
    expect(steps.text).toContain(`Fill in ${c.intake.title}`);
    expect(steps.text).toContain('Upload Photo ID');

    // The upload request, answered from its page's form (even though the clinic takes no other uploads).
    await db().update(tenantSettings).set({ patientUploadsAllowed: false }).where(eq(tenantSettings.tenantId, c.tenant.id));
    const [upload] = await db().select().from(orderRequirements).where(and(eq(orderRequirements.orderId, orderId), eq(orderRequirements.kind, 'upload')));
    const form = formData({ requirementId: upload!.id, file: new File([PDF_BYTES], 'id.pdf', { type: 'application/pdf' }) });
    expect(redirectedTo(await invokeAction(req, checkoutActions.uploadRequirementAction, {}, form))).toBe(`/portal/shop/checkout/${orderId}?uploaded=1`);
    const [done] = await db().select().from(orderRequirements).where(eq(orderRequirements.id, upload!.id));
    expect(done!.completedAt).not.toBeNull();
    // Sent twice: the request is done, so the second is refused in words.
    const again = await invokeAction(req, checkoutActions.uploadRequirementAction, {}, formData({ requirementId: upload!.id, file: new File([PDF_BYTES], 'id.pdf', { type: 'application/pdf' }) }));
    expect((again as { value: { message: string } }).value.message).toBe('This is no longer available.');
  });

  it('keeps a declined order waiting for another card, and refuses another patient\'s order', async () => {
    const c = await commerceClinic();
    const cart = serializeCart({ lines: [{ productId: c.oneTime.id, quantity: 1 }], couponCode: null }, c.tenant.id);
    const req = await patientReq(c, cart);
    const declined = await invokeAction(req, checkoutActions.checkoutTestCardAction, {}, checkoutForm({ expectedTotal: '2700', number: '4000000000000002' }));
    const location = redirectedTo(declined);
    expect(location).toMatch(/\/pay\?declined=1$/);
    const orderId = location.split('/')[4]!;
    const [order] = await db().select().from(orders).where(eq(orders.id, orderId));
    expect(order!.status).toBe('awaiting_payment');
    const second = await invokeAction(req, checkoutActions.payOrderTestCardAction, {}, formData({
      orderId, attemptKey: randomUUID(), payWith: 'new', number: '4242424242424242', expiry: '12/30', cvc: '123',
    }));
    expect(redirectedTo(second)).toBe(`/portal/shop/checkout/${orderId}?paid=1`);
    expect(await gatewayPayments(c.tenant.id)).toHaveLength(2);

    const other = await commerceClinic();
    const stranger = await patientReq(other);
    expect((await rendered(stranger, nextStepsPage, props({ orderId }))).outcome.kind).toBe('not-found');
    const steal = await invokeAction(stranger, checkoutActions.payOrderTestCardAction, {}, formData({
      orderId, attemptKey: randomUUID(), payWith: 'new', number: '4242424242424242', expiry: '12/30', cvc: '123',
    }));
    expect((steal as { value: { message: string } }).value.message).toBe('This is no longer available.');
    expect(await gatewayPayments(c.tenant.id)).toHaveLength(2);
  });

  it('answers a bank check only for a payment of the order it names', async () => {
    const c = await commerceClinic();
    const cart = serializeCart({ lines: [{ productId: c.oneTime.id, quantity: 1 }], couponCode: null }, c.tenant.id);
    const req = await patientReq(c, cart);
    const paid = redirectedTo(await invokeAction(req, checkoutActions.checkoutTestCardAction, {}, checkoutForm({ expectedTotal: '2700' })));
    const paidOrderId = paid.split('/')[4]!.split('?')[0]!;
    const [paidOrder] = await db().select().from(orders).where(eq(orders.id, paidOrderId));
    const [payment] = await db().select({ id: payments.id }).from(payments)
      .innerJoin(paymentAllocations, and(eq(paymentAllocations.tenantId, payments.tenantId), eq(paymentAllocations.paymentId, payments.id)))
      .where(and(eq(payments.tenantId, c.tenant.id), eq(paymentAllocations.invoiceId, paidOrder!.invoiceId!)));
    const again = await patientReq(c, cart);
    const declined = redirectedTo(await invokeAction(again, checkoutActions.checkoutTestCardAction, {}, checkoutForm({ expectedTotal: '2700', number: '4000000000000002' })));
    const unpaidOrderId = declined.split('/')[4]!;
    // The paid order's payment named with the unpaid order: refused, never "paid".
    const mixed = await invokeAction(again, checkoutActions.authenticateOrderPaymentAction, {}, formData({ orderId: unpaidOrderId, paymentId: payment!.id, decision: 'approve' }));
    expect(mixed.kind).toBe('returned');
    expect((mixed as { value: { message: string } }).value.message).toBe('This is no longer available.');
    const [unpaid] = await db().select().from(orders).where(eq(orders.id, unpaidOrderId));
    expect(unpaid!.status).toBe('awaiting_payment');
  });

  it('points a Spanish-speaking patient at the field to fix, in Spanish, with a fresh attempt key', async () => {
    const c = await commerceClinic();
    await db().update(portalAccounts).set({ language: 'es' }).where(eq(portalAccounts.id, c.maria.account.id));
    const cart = serializeCart({ lines: [{ productId: c.oneTime.id, quantity: 1 }], couponCode: null }, c.tenant.id);
    const req = await patientReq(c, cart);
    const form = checkoutForm({ expectedTotal: '2700', couponCode: 'NOPE123' });
    const coupon = await invokeAction(req, checkoutActions.checkoutTestCardAction, {}, form);
    expect(coupon.kind).toBe('returned');
    const refused = (coupon as { value: Record<string, unknown> }).value;
    expect(refused).toMatchObject({ ok: false, message: 'Revise los campos marcados.', fieldErrors: { couponCode: 'Este código no es válido.' } });
    expect(refused.attemptKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(refused.attemptKey).not.toBe(form.get('attemptKey'));
    const card = await invokeAction(req, checkoutActions.checkoutTestCardAction, {}, checkoutForm({ expectedTotal: '2700', number: '4111 1111 1111 1111' }));
    expect((card as { value: Record<string, unknown> }).value).toMatchObject({
      ok: false, message: 'Revise los campos marcados.', fieldErrors: { number: 'Use uno de los números de tarjetas de prueba de esta página.' },
    });
    expect(await db().select().from(orders).where(eq(orders.tenantId, c.tenant.id))).toHaveLength(0);
  });

  it('refuses a total that changed since the page was shown, in the patient\'s words', async () => {
    const c = await commerceClinic();
    await db().update(commerceSettings).set({ shopEnabled: true }).where(eq(commerceSettings.tenantId, c.tenant.id));
    const cart = serializeCart({ lines: [{ productId: c.oneTime.id, quantity: 1 }], couponCode: null }, c.tenant.id);
    const outcome = await invokeAction(await patientReq(c, cart), checkoutActions.checkoutTestCardAction, {}, checkoutForm({ expectedTotal: '1' }));
    expect((outcome as { value: { message: string } }).value.message).toBe('The total has changed since the page was shown. Check your order and try again.');
  });
});
