import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, outboxMessages, patientPortalSettings, shipments } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { getPortalOrder, listPortalOrders } from '@/lib/commerce/orders-portal';
import { addShipment, applyShipmentImport, previewShipmentImport, updateShipmentStatus } from '@/lib/commerce/shipments';
import { portalContext } from '../support/portal-context';
import { refusal } from './billing-fixtures';
import { commerceClinic } from './commerce-fixtures';
import { historyOf, noticesOf, orderOf, orderRow } from './commerce-orders-fixtures';

const db = () => getDb();
const UPS = '1Z999AA10123456784';
const FEDEX = '123456789012';

async function shipmentsOf(tenantId: string, orderId?: string) {
  return db().select().from(shipments).where(and(eq(shipments.tenantId, tenantId), ...(orderId ? [eq(shipments.orderId, orderId)] : [])));
}

describe('shipping an order', () => {
  it('adds a tracking number: the order ships and the patient is told once, without product names', async () => {
    const w = await commerceClinic();
    // The patient chose email and SMS: both channels carry the notice.
    await db().insert(patientPortalSettings).values({ tenantId: w.tenant.id, patientId: w.leo.id, documentNotification: 'email_sms' })
      .onConflictDoUpdate({ target: [patientPortalSettings.tenantId, patientPortalSettings.patientId], set: { documentNotification: 'email_sms' } });
    const order = await orderOf(w, { status: 'awaiting_fulfilment', products: [w.subscription] });
    const { shipmentId, shipped } = await addShipment(db(), w.desk, { orderId: order.id, carrier: 'ups', trackingNumber: ' 1z 999 aa1 0123456784 ' });
    expect(shipped).toBe(true);
    expect(await shipmentsOf(w.tenant.id, order.id)).toEqual([expect.objectContaining({ id: shipmentId, carrier: 'ups', trackingNumber: UPS, status: 'label_created', shippedAt: expect.any(Date) })]);
    expect((await orderRow(w.tenant.id, order.id)).status).toBe('shipped');
    expect((await historyOf(w.tenant.id, order.id)).at(-1)).toMatchObject({ toStatus: 'shipped', actorKind: 'staff', actorId: w.desk.actor.id });

    const notices = await noticesOf(w.tenant.id, `order:shipped:${shipmentId}:`);
    // Leo (email only on file) and Maria, who acts for him (email and phone).
    expect(notices.map((n) => n.channel).sort()).toEqual(['email', 'email', 'sms']);
    for (const n of notices) {
      expect(n.body).toContain(`ORD-${String(order.number).padStart(6, '0')} has shipped`);
      expect(n.body).not.toMatch(/Care plan|Travel kit|Leo/);
      expect(n.subject ?? '').not.toMatch(/Care plan/);
    }
    expect(notices.find((n) => n.channel === 'email')!.body).toContain(`/portal/orders/${order.id}`);

    // The same number again (on any order) is refused in words; so is an order not ready to ship.
    expect(await refusal(addShipment(db(), w.desk, { orderId: order.id, carrier: 'ups', trackingNumber: UPS })))
      .toMatchObject({ code: 'tracking-duplicate', fieldErrors: { trackingNumber: 'This tracking number is already on this order.' } });
    const waiting = await orderOf(w, { status: 'awaiting_review' });
    expect(await refusal(addShipment(db(), w.desk, { orderId: waiting.id, carrier: 'fedex', trackingNumber: FEDEX })))
      .toMatchObject({ code: 'order-not-ready', userMessage: expect.stringMatching(/is awaiting review: move it to awaiting fulfilment/) });
    expect(await refusal(addShipment(db(), w.desk, { orderId: waiting.id, carrier: 'fedex', trackingNumber: UPS })))
      .toMatchObject({ code: 'tracking-invalid', fieldErrors: { trackingNumber: expect.stringMatching(/FedEx/) } });
    const ready = await orderOf(w, { status: 'awaiting_fulfilment' });
    expect(await refusal(addShipment(db(), w.desk, { orderId: ready.id, carrier: 'ups', trackingNumber: UPS })))
      .toMatchObject({ fieldErrors: { trackingNumber: `This tracking number is already on order ORD-${String(order.number).padStart(6, '0')}.` } });
    // A second package of a shipped order is fine; it does not move the order again.
    expect((await addShipment(db(), w.desk, { orderId: order.id, carrier: 'fedex', trackingNumber: FEDEX })).shipped).toBe(false);
  });

  it('moves the order to delivered once every package is, telling the patient once per package', async () => {
    const w = await commerceClinic();
    const order = await orderOf(w, { status: 'awaiting_fulfilment' });
    const a = (await addShipment(db(), w.desk, { orderId: order.id, carrier: 'ups', trackingNumber: UPS })).shipmentId;
    const b = (await addShipment(db(), w.desk, { orderId: order.id, carrier: 'fedex', trackingNumber: FEDEX })).shipmentId;

    expect(await refusal(updateShipmentStatus(db(), w.desk, { shipmentId: a, status: 'exception', note: null })))
      .toMatchObject({ code: 'exception-note', fieldErrors: { note: 'Say what went wrong with the shipment.' } });
    await updateShipmentStatus(db(), w.desk, { shipmentId: a, status: 'exception', note: 'Address label damaged' });
    expect((await shipmentsOf(w.tenant.id)).find((s) => s.id === a)).toMatchObject({ status: 'exception', exceptionNote: 'Address label damaged' });
    await updateShipmentStatus(db(), w.desk, { shipmentId: a, status: 'in_transit', note: null });
    expect((await shipmentsOf(w.tenant.id)).find((s) => s.id === a)).toMatchObject({ status: 'in_transit', exceptionNote: null });

    expect(await updateShipmentStatus(db(), w.desk, { shipmentId: a, status: 'delivered', note: null })).toEqual({ changed: true, orderStatus: 'shipped' });
    expect(await updateShipmentStatus(db(), w.desk, { shipmentId: b, status: 'delivered', note: null })).toEqual({ changed: true, orderStatus: 'delivered' });
    // Pressing again changes nothing and sends nothing more.
    expect(await updateShipmentStatus(db(), w.desk, { shipmentId: b, status: 'delivered', note: null })).toEqual({ changed: false, orderStatus: 'delivered' });
    expect(await refusal(updateShipmentStatus(db(), w.desk, { shipmentId: b, status: 'in_transit', note: null }))).toMatchObject({ code: 'shipment-delivered' });
    expect(await noticesOf(w.tenant.id, `order:delivered:${a}:`)).toHaveLength(2);
    expect(await noticesOf(w.tenant.id, `order:delivered:${b}:`)).toHaveLength(2);
    expect((await noticesOf(w.tenant.id, 'order:delivered:'))[0]!.body).toMatch(/was delivered/);
    expect((await historyOf(w.tenant.id, order.id)).map((h) => h.toStatus).slice(-2)).toEqual(['shipped', 'delivered']);

    // Support may look but not ship; another clinic finds nothing.
    expect(await refusal(updateShipmentStatus(db(), w.support, { shipmentId: a, status: 'in_transit', note: null }))).toBeInstanceOf(ForbiddenError);
    const other = await commerceClinic();
    expect(await refusal(updateShipmentStatus(db(), other.desk, { shipmentId: a, status: 'in_transit', note: null }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(addShipment(db(), other.desk, { orderId: order.id, carrier: 'dhl', trackingNumber: '1234567890' }))).toBeInstanceOf(NotFoundError);
  });
});

describe('importing tracking numbers from a CSV', () => {
  it('previews every row with its problems, applies the good ones in one go, and a re-import changes nothing', async () => {
    const w = await commerceClinic();
    const ready = await orderOf(w, { status: 'awaiting_fulfilment' });
    const second = await orderOf(w, { status: 'awaiting_fulfilment' });
    const shipped = await orderOf(w, { status: 'shipped', shipments: [{ carrier: 'usps', trackingNumber: '9400111899223197428490', status: 'in_transit' }] });
    const review = await orderOf(w, { status: 'awaiting_review' });
    const label = (o: { number: number }) => `ORD-${String(o.number).padStart(6, '0')}`;
    const csv = [
      '\uFEFFOrder Number,Carrier,Tracking Number,Status',
      `${label(ready)},UPS,${UPS},`,
      `${second.number},"FedEx",${FEDEX},in transit`,
      `${label(shipped)},USPS,9400 1118 9922 3197 4284 90,Delivered`,
      `ORD-999999,UPS,1Z999AA10123456700,`,
      `${label(review)},DHL,1234567890,`,
      `${label(second)},UPS,${UPS},`,
      `${label(ready)},Royal Mail,AB123456789GB,`,
      '',
    ].join('\r\n');

    const preview = await previewShipmentImport(db(), w.desk, csv);
    expect(preview.counts).toEqual({ add: 2, update: 1, unchanged: 0, skip: 4 });
    expect(preview.rows.map((r) => [r.line, r.action, r.problems.join(' ')])).toEqual([
      [2, 'add', ''],
      [3, 'add', ''],
      [4, 'update', ''],
      [5, 'skip', 'No order ORD-999999 in this clinic.'],
      [6, 'skip', expect.stringMatching(/is awaiting review: move it to awaiting fulfilment/)],
      [7, 'skip', 'The same tracking number as line 2.'],
      [8, 'skip', expect.stringMatching(/Unknown carrier “Royal Mail”/)],
    ]);
    expect(await shipmentsOf(w.tenant.id)).toHaveLength(1); // a preview writes nothing

    const applied = await applyShipmentImport(db(), w.desk, csv);
    expect(applied.counts).toEqual(preview.counts);
    expect((await orderRow(w.tenant.id, ready.id)).status).toBe('shipped');
    expect((await orderRow(w.tenant.id, second.id)).status).toBe('shipped');
    expect((await orderRow(w.tenant.id, shipped.id)).status).toBe('delivered');
    expect((await orderRow(w.tenant.id, review.id)).status).toBe('awaiting_review');
    expect((await shipmentsOf(w.tenant.id, second.id))[0]).toMatchObject({ carrier: 'fedex', status: 'in_transit' });
    const outboxBefore = (await db().select().from(outboxMessages).where(eq(outboxMessages.tenantId, w.tenant.id))).length;
    const auditBefore = (await db().select().from(auditLog).where(eq(auditLog.tenantId, w.tenant.id))).length;
    expect(await noticesOf(w.tenant.id, 'order:shipped:')).toHaveLength(4); // two new packages, Leo and Maria each

    // The same file again: every row is already there.
    const again = await applyShipmentImport(db(), w.desk, csv);
    expect(again.counts).toEqual({ add: 0, update: 0, unchanged: 3, skip: 4 });
    expect(await shipmentsOf(w.tenant.id)).toHaveLength(3);
    expect((await db().select().from(outboxMessages).where(eq(outboxMessages.tenantId, w.tenant.id))).length).toBe(outboxBefore);
    expect((await db().select().from(auditLog).where(eq(auditLog.tenantId, w.tenant.id))).length).toBe(auditBefore);
  });

  it('refuses a file it cannot read as a whole, saying what to fix', async () => {
    const w = await commerceClinic();
    expect(await refusal(previewShipmentImport(db(), w.desk, 'order,shipper,number\n1,ups,x'))).toMatchObject({ code: 'import-file', userMessage: expect.stringMatching(/must name the columns/) });
    expect(await refusal(applyShipmentImport(db(), w.desk, ''))).toMatchObject({ code: 'import-file' });
    expect(await refusal(previewShipmentImport(db(), w.support, 'order,carrier,tracking\n1,ups,1Z999AA10123456784'))).toBeInstanceOf(ForbiddenError);
  });

  it("never touches another clinic's orders, whatever numbers the file names", async () => {
    const w = await commerceClinic();
    const other = await commerceClinic();
    const theirs = await orderOf(other, { status: 'awaiting_fulfilment' });
    const csv = `order,carrier,tracking\n${theirs.number},UPS,${UPS}\n`;
    // Order numbers are per clinic: the same number here is another order, or none.
    const plan = await applyShipmentImport(db(), w.desk, csv);
    expect(plan.counts.add).toBe(0);
    expect(await shipmentsOf(other.tenant.id)).toEqual([]);
    expect((await orderRow(other.tenant.id, theirs.id)).status).toBe('awaiting_fulfilment');
  });
});

describe("the patient's orders in the portal", () => {
  it('lists the selected patient’s orders only, with what is left to do and the tracking link', async () => {
    const w = await commerceClinic();
    const leos = await orderOf(w, {
      status: 'shipped', products: [w.subscription],
      requirements: [{ kind: 'upload', label: 'Photo ID' }, { kind: 'upload', label: 'Insurance card', done: true }],
      shipments: [{ carrier: 'ups', trackingNumber: UPS, status: 'in_transit' }],
    });
    const marias = await orderOf(w, { status: 'processing', patientId: w.maria.patient.id });

    const forLeo = await listPortalOrders(db(), w.mariaForLeo);
    expect(forLeo.map((o) => o.id)).toEqual([leos.id]);
    expect(forLeo[0]).toMatchObject({ status: 'shipped', openRequirements: 1, total: 5_000 });
    expect((await listPortalOrders(db(), w.mariaForSelf)).map((o) => o.id)).toEqual([marias.id]);

    const detail = await getPortalOrder(db(), w.mariaForLeo, leos.id);
    expect(detail.lines).toEqual([expect.objectContaining({ description: 'Care plan', total: 5_000 })]);
    expect(detail.requirements).toEqual([
      { id: expect.any(String), kind: 'upload', label: 'Photo ID', done: false, href: expect.stringMatching(new RegExp(`^/portal/shop/checkout/${leos.id}/uploads/[0-9a-f-]{36}$`)) },
      { id: expect.any(String), kind: 'upload', label: 'Insurance card', done: true, href: null },
    ]);
    expect(detail.shipments).toEqual([expect.objectContaining({ carrier: 'ups', status: 'in_transit', trackingUrl: `https://www.ups.com/track?tracknum=${UPS}` })]);
    expect(detail).not.toHaveProperty('cancelReason');
    expect(detail).not.toHaveProperty('notes');

    // Another patient's order (her own, while acting for Leo), another clinic's, or a stranger's: not found.
    expect(await refusal(getPortalOrder(db(), w.mariaForLeo, marias.id))).toBeInstanceOf(NotFoundError);
    const other = await commerceClinic();
    expect(await refusal(getPortalOrder(db(), other.mariaForLeo, leos.id))).toBeInstanceOf(NotFoundError);
    expect(await refusal(getPortalOrder(db(), portalContext(w.tenant, other.maria.account.id, w.leo.id), leos.id))).toBeInstanceOf(NotFoundError);
    expect(await refusal(listPortalOrders(db(), portalContext(w.tenant, other.maria.account.id, w.leo.id)))).toBeInstanceOf(NotFoundError);
    expect(await refusal(getPortalOrder(db(), w.mariaForLeo, 'x'))).toBeInstanceOf(NotFoundError);
  });
});
