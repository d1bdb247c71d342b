import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { shipments } from '@/db/schema';
import { formData, hostFor, invokeAction, signIn, type Outcome } from '../support/action-harness';
import { commerceClinic, type CommerceClinic } from './commerce-fixtures';
import { orderOf, orderRow } from './commerce-orders-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * The order pages and actions as the EMR and the portal use them (issue 17 points 5–7): each
 * page renders for who may see it (and is not found or forbidden for anyone else), and the
 * actions answer in words: shipping, the CSV import from a file, cancelling, refusals beside
 * their field.
 */

const actions = await import('@/app/t/[tenant]/emr/(app)/orders/actions');
const { default: listPage } = await import('@/app/t/[tenant]/emr/(app)/orders/page');
const { default: detailPage } = await import('@/app/t/[tenant]/emr/(app)/orders/[id]/page');
const { default: importPage } = await import('@/app/t/[tenant]/emr/(app)/orders/import/page');
const { default: chartTab } = await import('@/app/t/[tenant]/emr/(app)/patients/[id]/orders/page');
const { default: portalList } = await import('@/app/t/[tenant]/portal/(app)/orders/page');
const { default: portalDetail } = await import('@/app/t/[tenant]/portal/(app)/orders/[id]/page');

const db = () => getDb();
const UPS = '1Z999AA10123456784';

async function staff(w: CommerceClinic, who: 'admin' | 'desk' | 'support' = 'desk') {
  const { cookies } = await signIn('staff', { tenantId: w.tenant.id, subjectId: w[who].actor.id });
  return { host: hostFor(w.tenant.slug), cookies };
}
async function maria(w: CommerceClinic, patient: 'leo' | 'self' = 'leo') {
  const { cookies } = await signIn('portal', { tenantId: w.tenant.id, subjectId: w.maria.account.id, selectedPatientId: patient === 'leo' ? w.leo.id : w.maria.patient.id });
  return { host: hostFor(w.tenant.slug), cookies };
}

const returned = (outcome: Outcome) => {
  expect(outcome.kind, JSON.stringify(outcome).slice(0, 500)).toBe('returned');
  return (outcome as { value: Record<string, unknown> }).value;
};
const props = (params: Record<string, string> = {}, searchParams: Record<string, string> = {}) =>
  ({ params: Promise.resolve(params), searchParams: Promise.resolve(searchParams) }) as never;
type PageFn = (p: never) => Promise<React.ReactElement>;
async function rendered(req: { host: string; cookies: Record<string, string> }, fn: PageFn, p = props()): Promise<string> {
  const html = returned(await invokeAction(req, async () => renderToStaticMarkup(await fn(p)))) as unknown as string;
  return html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

describe('the EMR order pages', () => {
  it('render for staff with orders access, with the needs-attention counts and the order’s sections', async () => {
    const w = await commerceClinic();
    const order = await orderOf(w, { status: 'awaiting_fulfilment', invoice: 'paid', shipments: [] });
    await orderOf(w, { status: 'awaiting_payment', invoice: 'open' });
    const desk = await staff(w);
    const list = await rendered(desk, listPage, props({}, { view: 'attention' }));
    expect(list).toContain('Needs attention 1');
    expect(list).toContain('Failed payments 1');
    expect(list).toContain('Leo');

    const detail = await rendered(desk, detailPage, props({ id: order.id }));
    for (const text of ['Items', 'Travel kit', 'Cancel and refund', 'Ship it', 'Add shipment', 'Internal notes', 'History', 'Created as Pending']) expect(detail).toContain(text);
    expect(await rendered(desk, chartTab, props({ id: w.leo.id }))).toContain(`ORD-${String(order.number).padStart(6, '0')}`);
    expect(await rendered(desk, importPage)).toContain('order number,carrier,tracking number,status');

    // Support reads without the forms; marketing and another clinic get nothing.
    const support = await staff(w, 'support');
    const readOnly = await rendered(support, detailPage, props({ id: order.id }));
    expect(readOnly).toContain('Changing an order needs permission to manage orders.');
    expect(readOnly).not.toContain('Add shipment');
    expect(await invokeAction(support, importPage)).toMatchObject({ kind: 'forbidden' });
    const other = await commerceClinic();
    const otherDesk = await staff(other);
    expect(await invokeAction(otherDesk, detailPage, props({ id: order.id }))).toMatchObject({ kind: 'not-found' });
    expect(await invokeAction(otherDesk, chartTab, props({ id: w.leo.id }))).toMatchObject({ kind: 'not-found' });
  });
});

describe('the EMR order actions', () => {
  it('ship an order and answer refusals beside the field', async () => {
    const w = await commerceClinic();
    const order = await orderOf(w, { status: 'awaiting_fulfilment' });
    const desk = await staff(w);
    expect(returned(await invokeAction(desk, actions.addShipmentAction, {}, formData({ orderId: order.id, carrier: 'fedex', trackingNumber: UPS }))))
      .toMatchObject({ ok: false, fieldErrors: { trackingNumber: expect.stringMatching(/FedEx tracking number/) } });
    expect(returned(await invokeAction(desk, actions.addShipmentAction, {}, formData({ orderId: order.id, carrier: 'ups', trackingNumber: UPS }))))
      .toEqual({ ok: true, message: 'Shipment added. The order is shipped and the patient is told how to track it.' });
    expect((await orderRow(w.tenant.id, order.id)).status).toBe('shipped');
    const [shipment] = await db().select().from(shipments).where(and(eq(shipments.tenantId, w.tenant.id), eq(shipments.orderId, order.id)));
    expect(returned(await invokeAction(desk, actions.shipmentStatusAction, {}, formData({ shipmentId: shipment!.id, status: 'exception', note: '' }))))
      .toMatchObject({ ok: false, fieldErrors: { note: 'Say what went wrong with the shipment.' } });
    expect(returned(await invokeAction(desk, actions.shipmentStatusAction, {}, formData({ shipmentId: shipment!.id, status: 'delivered', note: '' }))))
      .toEqual({ ok: true, message: 'Delivered. Every package has arrived, so the order is delivered.' });
    expect(returned(await invokeAction(desk, actions.moveOrderAction, {}, formData({ orderId: order.id, to: 'completed', note: '' }))))
      .toEqual({ ok: true, message: 'Moved to completed.' });
    expect(returned(await invokeAction(desk, actions.moveOrderAction, {}, formData({ orderId: order.id, to: 'pending', note: '' }))))
      .toEqual({ ok: false, message: 'An order that is completed cannot be moved to pending.' });
    expect(returned(await invokeAction(desk, actions.moveOrderAction, {}, formData({ orderId: randomUUID(), to: 'completed', note: '' }))))
      .toEqual({ ok: false, message: 'This order or shipment no longer exists. Reload the page.' });

    const support = await staff(w, 'support');
    expect(await invokeAction(support, actions.addOrderNoteAction, {}, formData({ orderId: order.id, body: 'x' }))).toMatchObject({ kind: 'forbidden' });
  });

  it('imports a CSV file: preview, then apply, then the same file again changes nothing', async () => {
    const w = await commerceClinic();
    const order = await orderOf(w, { status: 'awaiting_fulfilment' });
    const desk = await staff(w);
    const file = new File([`\uFEFFOrder number,Carrier,Tracking number\r\nORD-${String(order.number).padStart(6, '0')},UPS,${UPS}\r\n`], 'tracking.csv', { type: 'text/csv' });
    const preview = returned(await invokeAction(desk, actions.previewImportAction, {}, formData({ file, csv: '' }))) as { ok: boolean; plan: { counts: Record<string, number> }; csv: string };
    expect(preview).toMatchObject({ ok: true, plan: { counts: { add: 1, update: 0, unchanged: 0, skip: 0 } } });
    const applied = returned(await invokeAction(desk, actions.applyImportAction, {}, formData({ csv: preview.csv })));
    expect(applied).toMatchObject({ ok: true, applied: true, message: 'Imported 1 row.' });
    expect((await orderRow(w.tenant.id, order.id)).status).toBe('shipped');
    expect(returned(await invokeAction(desk, actions.applyImportAction, {}, formData({ csv: preview.csv }))))
      .toMatchObject({ ok: true, message: 'Nothing changed: every row was already there or had a problem.', plan: { counts: { unchanged: 1 } } });
    expect(returned(await invokeAction(desk, actions.previewImportAction, {}, formData({ csv: 'carrier,tracking\nups,1' }))))
      .toMatchObject({ ok: false, message: expect.stringMatching(/must name the columns/), values: { csv: 'carrier,tracking\nups,1' } });
    expect(returned(await invokeAction(desk, actions.previewImportAction, {}, formData({ csv: '' }))))
      .toMatchObject({ ok: false, fieldErrors: { file: 'Choose a CSV file or paste its lines.' } });
  });

  it('cancels an unpaid order and refunds a paid one, in words', async () => {
    const w = await commerceClinic();
    const unpaid = await orderOf(w, { status: 'awaiting_payment', invoice: 'open' });
    const paid = await orderOf(w, { status: 'awaiting_review', invoice: 'paid' });
    const desk = await staff(w);
    expect(returned(await invokeAction(desk, actions.cancelOrderAction, {}, formData({ orderId: unpaid.id, reason: 'Duplicate' }))))
      .toEqual({ ok: true, message: 'The order is cancelled and its invoice voided; its coupon can be used again.' });
    expect(returned(await invokeAction(desk, actions.cancelOrderAction, {}, formData({ orderId: paid.id, reason: 'x' }))))
      .toEqual({ ok: false, message: 'This order has been paid: cancel it with a refund instead.' });
    expect(returned(await invokeAction(desk, actions.cancelRefundOrderAction, {}, formData({ orderId: paid.id, attemptKey: randomUUID(), reason: 'Not suitable' }))))
      .toEqual({ ok: true, message: 'Refunded $25.00; the order is closed as refunded.' });
    expect(returned(await invokeAction(desk, actions.cancelRefundOrderAction, {}, formData({ orderId: paid.id, attemptKey: 'x', reason: '' }))))
      .toMatchObject({ ok: false, fieldErrors: { attemptKey: 'This form has expired. Reload the page and try again.', reason: 'Enter the reason for the refund.' } });
  });
});

describe('the portal order pages', () => {
  it("show the selected patient's orders with status, what is left to do and tracking; others are not found", async () => {
    const w = await commerceClinic();
    const leos = await orderOf(w, {
      status: 'shipped', requirements: [{ kind: 'upload', label: 'Photo ID' }], shipments: [{ carrier: 'ups', trackingNumber: UPS, status: 'in_transit' }],
    });
    const marias = await orderOf(w, { status: 'processing', patientId: w.maria.patient.id });
    const forLeo = await maria(w);
    const list = await rendered(forLeo, portalList);
    expect(list).toContain(`Order ORD-${String(leos.number).padStart(6, '0')}`);
    expect(list).toContain('On its way');
    expect(list).toContain('1 thing left for you to do');
    expect(list).not.toContain(`ORD-${String(marias.number).padStart(6, '0')}`);

    const detail = await rendered(forLeo, portalDetail, props({ id: leos.id }));
    for (const text of ['On its way', 'Travel kit', 'Upload Photo ID', 'Package 1', 'In transit', 'Track with UPS', UPS]) expect(detail).toContain(text);
    expect(await invokeAction(forLeo, portalDetail, props({ id: marias.id }))).toMatchObject({ kind: 'not-found' });
    const other = await commerceClinic();
    const stranger = await maria(other);
    expect(await invokeAction({ ...stranger, host: hostFor(w.tenant.slug) }, portalDetail, props({ id: leos.id }))).not.toMatchObject({ kind: 'returned' });
    expect(await invokeAction(stranger, portalDetail, props({ id: leos.id }))).toMatchObject({ kind: 'not-found' });
  });
});
