import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq, like } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import {
  appointments, auditLog, invoiceLines, invoices, ledgerEntries, locations, outboxMessages, paymentAllocations, patients, payments,
  portalAccountPatients, services, staffUsers, type PaymentStatus,
} from '@/db/schema';
import { ForbiddenError, NotFoundError, type StaffContext } from '@/lib/access/context';
import type { InvoiceDraftInput, InvoiceLineInput } from '@/lib/billing/invoice-forms';
import { getInvoice, getPortalInvoice, listClinicInvoices, listPatientInvoices, listPortalInvoices } from '@/lib/billing/invoice-reads';
import {
  createInvoice, deleteDraftInvoice, InvoiceRuleError, openInvoice, postAdjustment, updateDraftInvoice, voidInvoice, writeOffInvoice,
} from '@/lib/billing/invoices';
import { patientBalance, postLedgerEntries, refreshInvoiceStatuses } from '@/lib/billing/ledger';
import { updateBillingSettings } from '@/lib/billing/settings';
import { patientStatement, portalStatement, StatementRangeError } from '@/lib/billing/statements';
import { invoiceFromVisit, noShowFeeInvoice } from '@/lib/billing/visit-invoices';
import { setClockForTests } from '@/lib/clock';
import { createTestTenant } from '../support/factories';
import { portalContext } from '../support/portal-context';
import { createPortalAccount } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

// Words that stand for health information: they may be on an invoice line, never in the audit
// log or an email.
const SECRET_SERVICE = 'Allergy desensitisation';
const SECRET_NOTE = 'Follow-up for eczema flare';

const db = () => getDb();
afterEach(() => setClockForTests(undefined));

/** lib's clock at a New York wall time. */
function at(iso: string) {
  setClockForTests(() => new Date(iso));
}

const line = (description: string, unitAmount: number, more: Partial<InvoiceLineInput> = {}): InvoiceLineInput => ({
  kind: 'other', serviceId: null, description, quantity: 1, unitAmount, discountAmount: 0, taxRateBp: 0, ...more,
});
const draft = (lines: InvoiceLineInput[], more: Partial<InvoiceDraftInput> = {}): InvoiceDraftInput => ({ lines, ...more });

const billingOn = { paymentsEnabled: true, portalBillingVisible: true, currency: 'USD', invoiceFooter: null, taxId: null, defaultTaxRate: 825, paymentDueDays: 30, gateway: 'test' } as const;

let n = 0;
/** A clinic in New York with Maria (portal account, her own record) and her son Leo. */
async function clinic(options: { billing?: boolean } = {}) {
  const tenant = await createTestTenant();
  const tag = `${++n}-${randomBytes(2).toString('hex')}`;
  const [location] = await db().insert(locations).values({ tenantId: tenant.id, name: 'Main', addressLine1: '1 Main St', city: 'New York', timeZone: 'America/New_York' }).returning();
  const maria = await createPortalAccount(tenant, { email: `maria.${tag}@example.test`, phone: '+15555550101', password: 'Copper-kettle-64' });
  const [leo] = await db().insert(patients).values({ tenantId: tenant.id, recordNumber: `L-${tag}`, firstName: 'Leo', lastName: 'Lopez', dateOfBirth: '2016-09-03' }).returning();
  await db().insert(portalAccountPatients).values({ tenantId: tenant.id, accountId: maria.account.id, patientId: leo!.id, relationship: 'parent' });
  const admin = await createStaffContext(tenant, 'admin');
  const desk = await createStaffContext(tenant, 'operations');
  const physician = await createStaffContext(tenant, 'physician');
  if (options.billing !== false) await updateBillingSettings(db(), admin, billingOn);
  return {
    tenant, location: location!, maria, leo: leo!, admin, desk, physician,
    mariaForLeo: portalContext(tenant, maria.account.id, leo!.id, { relationship: 'parent' }),
    mariaForHerself: portalContext(tenant, maria.account.id, maria.patient.id),
  };
}
type Clinic = Awaited<ReturnType<typeof clinic>>;

/** A payment taken at the desk, written as lib/billing/payments.ts would (succeeded or still pending). */
async function deskPayment(c: Clinic, invoiceId: string, amount: number, status: PaymentStatus = 'succeeded') {
  const [invoice] = await db().select().from(invoices).where(eq(invoices.id, invoiceId));
  return db().transaction(async (tx) => {
    const [payment] = await tx.insert(payments).values({
      tenantId: c.tenant.id, patientId: invoice!.patientId, method: status === 'succeeded' ? 'cash' : 'card_online', status, amount,
      currency: invoice!.currency, idempotencyKey: randomUUID(), gateway: status === 'succeeded' ? null : 'test',
      succeededAt: status === 'succeeded' ? new Date() : null, staffId: c.desk.actor.id,
    }).returning();
    await tx.insert(paymentAllocations).values({ tenantId: c.tenant.id, paymentId: payment!.id, invoiceId, amount });
    if (status === 'succeeded') {
      await postLedgerEntries(tx, [{ tenantId: c.tenant.id, patientId: invoice!.patientId, kind: 'payment', amount: -amount, currency: invoice!.currency, invoiceId, paymentId: payment!.id, actorKind: 'staff', actorId: c.desk.actor.id }]);
      await refreshInvoiceStatuses(tx, c.tenant.id, [invoiceId]);
    }
    return payment!;
  });
}

async function invoiceRow(id: string) {
  return (await db().select().from(invoices).where(eq(invoices.id, id)))[0]!;
}
async function entriesOf(invoiceId: string) {
  return db().select({ kind: ledgerEntries.kind, amount: ledgerEntries.amount }).from(ledgerEntries).where(eq(ledgerEntries.invoiceId, invoiceId)).orderBy(ledgerEntries.occurredAt);
}
async function refusal(promise: Promise<unknown>): Promise<InvoiceRuleError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(InvoiceRuleError);
  return error as InvoiceRuleError;
}

describe('drafts', () => {
  it('computes and stores each line’s and the invoice’s amounts, in the clinic’s currency, audited without the words', async () => {
    const c = await clinic();
    const { id } = await createInvoice(db(), c.desk, c.leo.id, draft([
      line(SECRET_SERVICE, 1999, { kind: 'service', quantity: 3, discountAmount: 500, taxRateBp: 825 }),
      line('Brace', 1000, { kind: 'product', taxRateBp: 825 }),
    ], { note: SECRET_NOTE, locationId: c.location.id, dueDate: '2030-03-01' }));
    expect(await invoiceRow(id)).toMatchObject({
      status: 'draft', number: null, currency: 'USD', subtotal: 6997, discountTotal: 500, taxTotal: 454 + 83, total: 5951 + 1083,
      note: SECRET_NOTE, locationId: c.location.id, dueDate: '2030-03-01', patientId: c.leo.id, createdById: c.desk.actor.id,
    });
    const lines = await db().select().from(invoiceLines).where(eq(invoiceLines.invoiceId, id)).orderBy(invoiceLines.position);
    expect(lines.map((l) => [l.position, l.kind, l.subtotal, l.discountAmount, l.taxAmount, l.total])).toEqual([[0, 'service', 5997, 500, 454, 5951], [1, 'product', 1000, 0, 83, 1083]]);
    // A draft is not in the ledger: the balance is untouched.
    expect(await entriesOf(id)).toEqual([]);
    expect(await patientBalance(db(), c.tenant.id, c.leo.id)).toBe(0);
    const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'billing.invoice_created')));
    expect(entry).toMatchObject({ patientId: c.leo.id, targetId: id, details: { source: 'staff', lines: 2, total: 7034, currency: 'USD' } });
    expect(JSON.stringify(entry?.details)).not.toMatch(/Allergy|eczema|Brace/);
  });

  it('replaces a draft’s lines, deletes a draft, and refuses both once it is sent', async () => {
    const c = await clinic();
    const { id } = await createInvoice(db(), c.desk, c.leo.id, draft([line('A', 1000)]));
    await updateDraftInvoice(db(), c.desk, id, draft([line('B', 2500, { quantity: 2 })], { note: 'n' }));
    expect(await invoiceRow(id)).toMatchObject({ total: 5000, subtotal: 5000, note: 'n' });
    expect((await db().select().from(invoiceLines).where(eq(invoiceLines.invoiceId, id))).map((l) => l.description)).toEqual(['B']);

    const other = await createInvoice(db(), c.desk, c.leo.id, draft([line('C', 100)]));
    await deleteDraftInvoice(db(), c.desk, other.id);
    expect(await db().select().from(invoices).where(eq(invoices.id, other.id))).toEqual([]);

    await openInvoice(db(), c.desk, id);
    expect((await refusal(updateDraftInvoice(db(), c.desk, id, draft([line('X', 1)])))).userMessage).toBe('Only a draft can be changed; void it and make a new one instead.');
    expect((await refusal(deleteDraftInvoice(db(), c.desk, id))).userMessage).toBe('Only a draft can be changed; void it and make a new one instead.');
    expect(await invoiceRow(id)).toMatchObject({ total: 5000, status: 'open' });
  });

  it('refuses lines it cannot bill, and amounts typed in a currency the clinic no longer uses', async () => {
    const c = await clinic();
    const other = await clinic();
    const [foreignService] = await db().insert(services).values({ tenantId: other.tenant.id, name: 'Theirs', durationMinutes: 30 }).returning();
    const bad = async (input: InvoiceDraftInput) => (await refusal(createInvoice(db(), c.desk, c.leo.id, input))).fieldErrors;
    expect(await bad(draft([]))).toEqual({ lines: 'Add at least one line with a description and a price.' });
    expect(await bad(draft([line('A', 100, { discountAmount: 101 })]))).toEqual({ lines: 'Line 1: the discount is more than the line.' });
    expect(await bad(draft([line('A', 100), line('', 100)]))).toEqual({ lines: 'Line 2: enter a description of at most 200 characters.' });
    expect(await bad(draft([line('A', 100, { kind: 'service', serviceId: foreignService!.id })]))).toEqual({ lines: 'A line names a service the clinic does not have. Choose the service from the list.' });
    expect(await bad(draft([line('A', 100)], { locationId: other.location.id }))).toEqual({ locationId: 'Choose a location from the list.' });
    expect((await refusal(createInvoice(db(), c.desk, c.leo.id, draft([line('A', 100)], { currency: 'EUR' })))).code).toBe('currency-changed');
    expect(await db().select().from(invoices).where(eq(invoices.tenantId, c.tenant.id))).toEqual([]);
  });
});

describe('sending an invoice', () => {
  it('numbers and dates it in the clinic’s calendar, posts exactly one charge, and emails the patient’s people without the services', async () => {
    const c = await clinic();
    const { id } = await createInvoice(db(), c.desk, c.leo.id, draft([line(SECRET_SERVICE, 12_000)], { note: SECRET_NOTE }));
    at('2030-01-08T03:30:00Z'); // 22:30 on 7 January in New York
    const sent = await openInvoice(db(), c.desk, id);
    expect(sent).toEqual({ number: 1, status: 'open', total: 12_000, currency: 'USD' });
    expect(await invoiceRow(id)).toMatchObject({ number: 1, status: 'open', issueDate: '2030-01-07', dueDate: '2030-02-06', openedAt: new Date('2030-01-08T03:30:00Z') });
    expect(await entriesOf(id)).toEqual([{ kind: 'charge', amount: 12_000 }]);
    expect(await patientBalance(db(), c.tenant.id, c.leo.id)).toBe(12_000);

    // Sending again changes nothing: refused, and still one charge.
    expect((await refusal(openInvoice(db(), c.desk, id))).userMessage).toBe('This invoice has already been sent.');
    expect(await entriesOf(id)).toEqual([{ kind: 'charge', amount: 12_000 }]);

    const mail = await db().select().from(outboxMessages).where(and(eq(outboxMessages.tenantId, c.tenant.id), like(outboxMessages.idempotencyKey, `invoice:${id}:%`)));
    expect(mail.map((m) => [m.channel, m.recipient, m.idempotencyKey])).toEqual([['email', c.maria.account.email, `invoice:${id}:opened:email:${c.maria.account.email}`]]);
    expect(mail[0]!.body).toContain('INV-000001');
    expect(mail[0]!.body).toContain('$120.00');
    expect(`${mail[0]!.subject} ${mail[0]!.body}`).not.toMatch(/Allergy|eczema|Leo|Lopez/);
    const [audit] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'billing.invoice_opened')));
    expect(audit?.details).toEqual({ number: 1, total: 12_000, currency: 'USD', issueDate: '2030-01-07', dueDate: '2030-02-06', status: 'open', notified: 1 });
  });

  it('makes a zero invoice paid at once, keeps a chosen due date, refuses a passed one without using up its number, and emails nobody while the portal hides billing', async () => {
    const c = await clinic({ billing: false });
    at('2030-01-10T15:00:00Z');
    const zero = await createInvoice(db(), c.desk, c.leo.id, draft([line('Courtesy check', 0)]));
    expect(await openInvoice(db(), c.desk, zero.id)).toMatchObject({ number: 1, status: 'paid', total: 0 });
    expect(await entriesOf(zero.id)).toEqual([]);

    const late = await createInvoice(db(), c.desk, c.leo.id, draft([line('A', 100)], { dueDate: '2030-01-09' }));
    const refused = await refusal(openInvoice(db(), c.desk, late.id));
    expect(refused.code).toBe('due-date-past');
    expect(await invoiceRow(late.id)).toMatchObject({ status: 'draft', number: null });

    const chosen = await createInvoice(db(), c.desk, c.leo.id, draft([line('B', 100)], { dueDate: '2030-01-10' }));
    expect(await openInvoice(db(), c.desk, chosen.id)).toMatchObject({ number: 2 });
    expect(await invoiceRow(chosen.id)).toMatchObject({ issueDate: '2030-01-10', dueDate: '2030-01-10' });
    expect(await db().select().from(outboxMessages).where(and(eq(outboxMessages.tenantId, c.tenant.id), like(outboxMessages.idempotencyKey, 'invoice:%')))).toEqual([]);
  });

  it('numbers 10 drafts sent at the same moment 1 to 10, each once, with one charge each', async () => {
    const c = await clinic();
    const other = await clinic();
    const drafts = await Promise.all(Array.from({ length: 10 }, (_, i) => createInvoice(db(), c.desk, c.leo.id, draft([line(`L${i}`, 1000 + i)]))));
    // Another clinic's numbers are its own.
    const theirs = await createInvoice(db(), other.desk, other.leo.id, draft([line('T', 100)]));
    const [sent, theirsSent] = await Promise.all([Promise.all(drafts.map((d) => openInvoice(db(), c.desk, d.id))), openInvoice(db(), other.desk, theirs.id)]);
    expect(sent.map((s) => s.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(theirsSent.number).toBe(1);
    const rows = await db().select({ id: invoices.id, number: invoices.number, total: invoices.total }).from(invoices).where(eq(invoices.tenantId, c.tenant.id));
    expect(new Set(rows.map((r) => r.number)).size).toBe(10);
    const charges = await db().select({ invoiceId: ledgerEntries.invoiceId, amount: ledgerEntries.amount }).from(ledgerEntries).where(and(eq(ledgerEntries.tenantId, c.tenant.id), eq(ledgerEntries.kind, 'charge')));
    expect(charges).toHaveLength(10);
    expect(charges.reduce((s, e) => s + e.amount, 0)).toBe(10 * 1000 + 45);
    // The next one continues the sequence.
    const next = await createInvoice(db(), c.desk, c.leo.id, draft([line('N', 1)]));
    expect((await openInvoice(db(), c.desk, next.id)).number).toBe(11);
  });
});

describe('closing and adjusting', () => {
  it('voids an unpaid invoice with a void entry of what it asked, and refuses once something is paid or a payment is in progress', async () => {
    const c = await clinic();
    const a = await createInvoice(db(), c.desk, c.leo.id, draft([line('A', 10_000)]));
    await openInvoice(db(), c.desk, a.id);
    await voidInvoice(db(), c.desk, a.id, 'Entered twice');
    expect(await invoiceRow(a.id)).toMatchObject({ status: 'void', voidReason: 'Entered twice' });
    expect(await entriesOf(a.id)).toEqual([{ kind: 'charge', amount: 10_000 }, { kind: 'void', amount: -10_000 }]);
    expect(await patientBalance(db(), c.tenant.id, c.leo.id)).toBe(0);
    expect((await refusal(voidInvoice(db(), c.desk, a.id, 'Again'))).userMessage).toBe('This invoice is already closed.');

    const b = await createInvoice(db(), c.desk, c.leo.id, draft([line('B', 10_000)]));
    await openInvoice(db(), c.desk, b.id);
    await deskPayment(c, b.id, 4000);
    expect(await invoiceRow(b.id)).toMatchObject({ status: 'partially_paid' });
    expect((await refusal(voidInvoice(db(), c.desk, b.id, 'Mistake'))).userMessage).toBe('This invoice has payments on it: refund them before voiding it.');
    expect(await invoiceRow(b.id)).toMatchObject({ status: 'partially_paid', voidReason: null });
    expect(await entriesOf(b.id)).toEqual([{ kind: 'charge', amount: 10_000 }, { kind: 'payment', amount: -4000 }]);

    const d = await createInvoice(db(), c.desk, c.leo.id, draft([line('D', 5000)]));
    await openInvoice(db(), c.desk, d.id);
    await deskPayment(c, d.id, 5000, 'pending');
    expect((await refusal(voidInvoice(db(), c.desk, d.id, 'x'))).code).toBe('payment-in-progress');
    expect((await refusal(writeOffInvoice(db(), c.desk, d.id, 'x'))).code).toBe('payment-in-progress');
    const draftOnly = await createInvoice(db(), c.desk, c.leo.id, draft([line('E', 1)]));
    expect((await refusal(voidInvoice(db(), c.desk, draftOnly.id, 'x'))).userMessage).toBe('A draft has not been sent: delete it instead.');
  });

  it('writes off what is still owed after a part payment', async () => {
    const c = await clinic();
    const { id } = await createInvoice(db(), c.desk, c.leo.id, draft([line('A', 10_000)]));
    await openInvoice(db(), c.desk, id);
    await deskPayment(c, id, 2500);
    await writeOffInvoice(db(), c.desk, id, 'Hardship');
    expect(await invoiceRow(id)).toMatchObject({ status: 'uncollectible', voidReason: 'Hardship' });
    expect(await entriesOf(id)).toEqual([{ kind: 'charge', amount: 10_000 }, { kind: 'payment', amount: -2500 }, { kind: 'write_off', amount: -7500 }]);
    expect(await patientBalance(db(), c.tenant.id, c.leo.id)).toBe(0);
    const [audit] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'billing.invoice_written_off')));
    expect(audit?.details).toEqual({ number: 1, amount: -7500, currency: 'USD', status: { before: 'partially_paid', after: 'uncollectible' } });
  });

  it('credits and charges extra on an open invoice, never credits more than is owed, and the status follows', async () => {
    const c = await clinic();
    const { id } = await createInvoice(db(), c.desk, c.leo.id, draft([line('A', 10_000)]));
    await openInvoice(db(), c.desk, id);
    expect(await postAdjustment(db(), c.desk, id, { amount: -2500, memo: SECRET_NOTE })).toEqual({ status: 'open', due: 7500 });
    expect(await postAdjustment(db(), c.desk, id, { amount: 1000, memo: 'Late fee' })).toEqual({ status: 'open', due: 8500 });
    await deskPayment(c, id, 5000);
    const tooMuch = await refusal(postAdjustment(db(), c.desk, id, { amount: -3501, memo: 'x' }));
    expect(tooMuch.fieldErrors).toEqual({ amount: 'A credit can be at most what is still owed: $35.00.' });
    expect(await postAdjustment(db(), c.desk, id, { amount: -3500, memo: 'Rest' })).toEqual({ status: 'paid', due: 0 });
    expect(await invoiceRow(id)).toMatchObject({ status: 'paid' });
    expect((await refusal(postAdjustment(db(), c.desk, id, { amount: 100, memo: 'More' }))).code).toBe('invoice-state');
    const audits = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'billing.adjustment_posted')));
    expect(audits.map((a) => a.details?.amount)).toEqual(expect.arrayContaining([-2500, 1000, -3500]));
    expect(JSON.stringify(audits.map((a) => a.details))).not.toMatch(/eczema|Late fee/);
  });
});

describe('invoices from the schedule', () => {
  async function visit(c: Clinic, status: 'booked' | 'completed' | 'no_show', priceCents: number | null = 15_000) {
    const [service] = await db().insert(services).values({ tenantId: c.tenant.id, name: `${SECRET_SERVICE} ${randomBytes(2).toString('hex')}`, durationMinutes: 30, priceCents }).returning();
    const [doctor] = await db().insert(staffUsers).values({ tenantId: c.tenant.id, email: `doc-${randomBytes(3).toString('hex')}@x.test`, fullName: 'Doc', accessLevelId: c.tenant.levelId.physician, status: 'active', isProvider: true }).returning();
    const [row] = await db().insert(appointments).values({
      tenantId: c.tenant.id, patientId: c.leo.id, providerId: doctor!.id, serviceId: service!.id, locationId: c.location.id,
      startsAt: new Date('2030-01-07T20:00:00Z'), endsAt: new Date('2030-01-07T20:30:00Z'), status, bookedByKind: 'staff', bookedById: doctor!.id,
    }).returning();
    return { appointment: row!, service: service! };
  }

  it('drafts one service line at the price with the clinic’s tax rate, once per visit even when asked twice at once', async () => {
    const c = await clinic();
    const { appointment, service } = await visit(c, 'completed');
    const results = await Promise.allSettled([invoiceFromVisit(db(), c.desk, appointment.id), invoiceFromVisit(db(), c.desk, appointment.id)]);
    const made = results.filter((r) => r.status === 'fulfilled');
    expect(made).toHaveLength(1);
    const lost = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as InvoiceRuleError;
    const id = (made[0] as PromiseFulfilledResult<{ id: string }>).value.id;
    expect(lost).toBeInstanceOf(InvoiceRuleError);
    expect(lost.code).toBe('visit-already-invoiced');
    expect(lost.extra).toEqual({ invoiceId: id });
    expect(await invoiceRow(id)).toMatchObject({ status: 'draft', appointmentId: appointment.id, locationId: c.location.id, subtotal: 15_000, taxTotal: 1238, total: 16_238 });
    const lines = await db().select().from(invoiceLines).where(eq(invoiceLines.invoiceId, id));
    expect(lines).toMatchObject([{ kind: 'service', serviceId: service.id, description: service.name, quantity: 1, unitAmount: 15_000, taxRateBp: 825 }]);
    // Deleting the draft frees the visit.
    await deleteDraftInvoice(db(), c.desk, id);
    await expect(invoiceFromVisit(db(), c.desk, appointment.id)).resolves.toMatchObject({ id: expect.any(String) });
  });

  it('refuses visits that are not completed or have no price, and charges a no-show its fee', async () => {
    const c = await clinic();
    expect((await refusal(invoiceFromVisit(db(), c.desk, (await visit(c, 'booked')).appointment.id))).code).toBe('visit-not-completed');
    expect((await refusal(invoiceFromVisit(db(), c.desk, (await visit(c, 'completed', null)).appointment.id))).code).toBe('visit-no-price');
    const missed = await visit(c, 'no_show');
    expect((await refusal(invoiceFromVisit(db(), c.desk, missed.appointment.id))).userMessage).toBe('The patient missed this visit: charge a missed-appointment fee instead.');
    const { id } = await noShowFeeInvoice(db(), c.desk, missed.appointment.id, 4000, 'USD');
    expect(await invoiceRow(id)).toMatchObject({ total: 4000, taxTotal: 0, appointmentId: missed.appointment.id });
    expect((await db().select().from(invoiceLines).where(eq(invoiceLines.invoiceId, id)))[0]).toMatchObject({ kind: 'no_show_fee', description: 'Missed appointment on 2030-01-07', unitAmount: 4000 });
    expect((await refusal(noShowFeeInvoice(db(), c.desk, missed.appointment.id, 4000))).code).toBe('visit-already-invoiced');
    const completed = await visit(c, 'completed');
    expect((await refusal(noShowFeeInvoice(db(), c.desk, completed.appointment.id, 4000))).code).toBe('visit-not-missed');
  });
});

describe('reading invoices', () => {
  it('shows staff an invoice with its lines, sums, payments and what may be done, and audits the view', async () => {
    const c = await clinic();
    const { id } = await createInvoice(db(), c.desk, c.leo.id, draft([line(SECRET_SERVICE, 10_000, { taxRateBp: 825 })], { locationId: c.location.id }));
    await openInvoice(db(), c.desk, id);
    const payment = await deskPayment(c, id, 4000);
    const invoice = await getInvoice(db(), c.desk, id);
    expect(invoice).toMatchObject({
      id, number: 1, label: 'INV-000001', status: 'partially_paid', statusLabel: 'Partially paid', total: 10_825,
      patient: { id: c.leo.id, firstName: 'Leo', lastName: 'Lopez' }, location: { id: c.location.id, name: 'Main' },
      sums: { charged: 10_825, paid: 4000, due: 6825 }, held: 0,
      lines: [{ description: SECRET_SERVICE, total: 10_825, taxAmount: 825 }],
      payments: [{ id: payment.id, method: 'cash', status: 'succeeded', allocated: 4000, refunded: 0 }],
      entries: [{ kind: 'charge', amount: 10_825 }, { kind: 'payment', amount: -4000 }],
    });
    expect(invoice.refusals).toMatchObject({ edit: expect.any(String), open: 'This invoice has already been sent.', void: 'This invoice has payments on it: refund them before voiding it.', write_off: null, pay: null });
    const [viewed] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'billing.invoice_viewed')));
    expect(viewed).toMatchObject({ patientId: c.leo.id, targetId: id, details: { area: 'emr', number: 1 } });

    const chart = await listPatientInvoices(db(), c.desk, c.leo.id);
    expect(chart.balance).toBe(6825);
    expect(chart.invoices.map((i) => [i.label, i.status, i.due])).toEqual([['INV-000001', 'partially_paid', 6825]]);
    await createInvoice(db(), c.desk, c.leo.id, draft([line('Later', 100)]));
    const clinicList = await listClinicInvoices(db(), c.desk, { status: 'draft' });
    expect(clinicList.rows.map((r) => [r.label, r.patient.lastName, r.total])).toEqual([['Draft', 'Lopez', 100]]);
    expect((await listClinicInvoices(db(), c.desk, {})).rows).toHaveLength(2);
  });

  it('flags an invoice past its due date as overdue', async () => {
    const c = await clinic();
    at('2030-01-07T15:00:00Z');
    const { id } = await createInvoice(db(), c.desk, c.leo.id, draft([line('A', 100)], { dueDate: '2030-01-08' }));
    await openInvoice(db(), c.desk, id);
    expect((await listPatientInvoices(db(), c.desk, c.leo.id)).invoices[0]!.overdue).toBe(false);
    at('2030-01-09T15:00:00Z');
    expect((await listPatientInvoices(db(), c.desk, c.leo.id)).invoices[0]!.overdue).toBe(true);
  });

  it('shows the portal the selected patient’s sent invoices only, and nothing while the clinic hides billing', async () => {
    const c = await clinic();
    const sent = await createInvoice(db(), c.desk, c.leo.id, draft([line(SECRET_SERVICE, 5000)]));
    await openInvoice(db(), c.desk, sent.id);
    await postAdjustment(db(), c.desk, sent.id, { amount: -500, memo: SECRET_NOTE });
    const pending = await createInvoice(db(), c.desk, c.leo.id, draft([line('Draft', 100)]));
    const hers = await createInvoice(db(), c.desk, c.maria.patient.id, draft([line('Hers', 300)]));
    await openInvoice(db(), c.desk, hers.id);

    const leo = await listPortalInvoices(db(), c.mariaForLeo);
    expect(leo.invoices.map((i) => i.id)).toEqual([sent.id]);
    expect(leo.balance).toBe(4500);
    const shown = await getPortalInvoice(db(), c.mariaForLeo, sent.id);
    expect(shown).toMatchObject({ label: 'INV-000001', sums: { due: 4500 }, payable: true, lines: [{ description: SECRET_SERVICE }] });
    expect(JSON.stringify(shown)).not.toContain(SECRET_NOTE);
    // A draft, another patient's invoice (even one the account may see as another patient), another clinic's: not-found.
    await expect(getPortalInvoice(db(), c.mariaForLeo, pending.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getPortalInvoice(db(), c.mariaForLeo, hers.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getPortalInvoice(db(), c.mariaForHerself, hers.id)).resolves.toMatchObject({ id: hers.id });
    await expect(getPortalInvoice(db(), c.mariaForLeo, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
    const stranger = await clinic();
    await expect(getPortalInvoice(db(), portalContext(stranger.tenant, stranger.maria.account.id, stranger.leo.id), sent.id)).rejects.toBeInstanceOf(NotFoundError);

    await updateBillingSettings(db(), c.admin, { ...billingOn, portalBillingVisible: false });
    await expect(listPortalInvoices(db(), c.mariaForLeo)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getPortalInvoice(db(), c.mariaForLeo, sent.id)).rejects.toBeInstanceOf(NotFoundError);
    await updateBillingSettings(db(), c.admin, { ...billingOn, paymentsEnabled: false });
    await expect(listPortalInvoices(db(), c.mariaForLeo)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('who may do what', () => {
  it('refuses staff without the billing permissions, and sees no amounts without billing.view', async () => {
    const c = await clinic();
    const { id } = await createInvoice(db(), c.desk, c.leo.id, draft([line('A', 100)]));
    const noBilling: StaffContext = c.physician;
    await expect(getInvoice(db(), noBilling, id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listPatientInvoices(db(), noBilling, c.leo.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listClinicInvoices(db(), noBilling, {})).rejects.toBeInstanceOf(ForbiddenError);
    await expect(patientStatement(db(), noBilling, c.leo.id, { from: '2030-01-01', to: '2030-01-31' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createInvoice(db(), noBilling, c.leo.id, draft([line('A', 100)]))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(openInvoice(db(), noBilling, id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(invoiceFromVisit(db(), noBilling, randomUUID())).rejects.toBeInstanceOf(ForbiddenError);
    // A level that may see amounts but not bill.
    const viewer: StaffContext = { ...c.desk, actor: { ...c.desk.actor, permissions: new Set(['emr.access', 'billing.view']) } };
    await expect(getInvoice(db(), viewer, id)).resolves.toMatchObject({ id });
    await expect(openInvoice(db(), viewer, id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(voidInvoice(db(), viewer, id, 'x')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(postAdjustment(db(), viewer, id, { amount: 1, memo: 'x' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await invoiceRow(id)).toMatchObject({ status: 'draft' });
  });

  it('answers not-found for another clinic’s invoice or patient, and for a malformed id', async () => {
    const c = await clinic();
    const other = await clinic();
    const { id } = await createInvoice(db(), c.desk, c.leo.id, draft([line('A', 100)]));
    await openInvoice(db(), c.desk, id);
    for (const attempt of [
      () => getInvoice(db(), other.admin, id),
      () => openInvoice(db(), other.admin, id),
      () => voidInvoice(db(), other.admin, id, 'x'),
      () => writeOffInvoice(db(), other.admin, id, 'x'),
      () => postAdjustment(db(), other.admin, id, { amount: -1, memo: 'x' }),
      () => updateDraftInvoice(db(), other.admin, id, draft([line('B', 1)])),
      () => deleteDraftInvoice(db(), other.admin, id),
      () => createInvoice(db(), other.admin, c.leo.id, draft([line('B', 1)])),
      () => listPatientInvoices(db(), other.admin, c.leo.id),
      () => patientStatement(db(), other.admin, c.leo.id, { from: '2030-01-01', to: '2030-01-31' }),
      () => getInvoice(db(), c.admin, 'not-a-uuid'),
    ]) await expect(attempt()).rejects.toBeInstanceOf(NotFoundError);
    expect(await invoiceRow(id)).toMatchObject({ status: 'open' });
    expect(await entriesOf(id)).toEqual([{ kind: 'charge', amount: 100 }]);
  });
});

describe('statements', () => {
  it('gives the opening balance, the range’s entries with a running balance, and the closing balance, by the clinic’s calendar days', async () => {
    const c = await clinic();
    at('2030-01-05T15:00:00Z');
    const a = await createInvoice(db(), c.desk, c.leo.id, draft([line('A', 10_000)]));
    await openInvoice(db(), c.desk, a.id);
    at('2030-01-10T15:00:00Z');
    const b = await createInvoice(db(), c.desk, c.leo.id, draft([line('B', 5000)]));
    await openInvoice(db(), c.desk, b.id);
    at('2030-01-12T15:00:00Z');
    await deskPayment(c, a.id, 3000); // the ledger entry takes lib's clock
    at('2030-01-16T04:30:00Z'); // 23:30 on 15 January in New York: still the 15th there
    await postAdjustment(db(), c.desk, b.id, { amount: -1000, memo: 'Courtesy' });
    at('2030-01-16T05:30:00Z'); // 00:30 on the 16th in New York
    await postAdjustment(db(), c.desk, b.id, { amount: -500, memo: 'Later' });

    const s = await patientStatement(db(), c.desk, c.leo.id, { from: '2030-01-08', to: '2030-01-15' });
    expect(s.openingBalance).toBe(10_000);
    expect(s.entries.map((e) => [e.date, e.kind, e.invoiceLabel, e.amount, e.balance])).toEqual([
      ['2030-01-10', 'charge', 'INV-000002', 5000, 15_000],
      ['2030-01-12', 'payment', 'INV-000001', -3000, 12_000],
      ['2030-01-15', 'adjustment', 'INV-000002', -1000, 11_000],
    ]);
    expect(s.closingBalance).toBe(11_000);
    expect(s).toMatchObject({ currency: 'USD', timeZone: 'America/New_York', truncated: false });
    expect(s.entries[2]).toMatchObject({ memo: 'Courtesy' });
    // Everything, from before the first entry: opens at zero, closes at the balance.
    const all = await patientStatement(db(), c.desk, c.leo.id, { from: '2029-12-01', to: '2030-02-01' });
    expect([all.openingBalance, all.entries.length, all.closingBalance]).toEqual([0, 5, 10_500]);
    expect(all.closingBalance).toBe(await patientBalance(db(), c.tenant.id, c.leo.id));

    await expect(patientStatement(db(), c.desk, c.leo.id, { from: '2030-02-01', to: '2030-01-01' })).rejects.toBeInstanceOf(StatementRangeError);
    // The first statement's entry (oldest first: without an order Postgres may return either).
    const [audit] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'billing.statement_viewed'))).orderBy(asc(auditLog.id));
    expect(audit?.details).toEqual({ area: 'emr', from: '2030-01-08', to: '2030-01-15', entries: 3 });

    // The portal's statement is the same numbers without staff's memos, for the selected patient only.
    const portal = await portalStatement(db(), c.mariaForLeo, { from: '2030-01-08', to: '2030-01-15' });
    expect([portal.openingBalance, portal.entries.map((e) => e.balance), portal.closingBalance]).toEqual([10_000, [15_000, 12_000, 11_000], 11_000]);
    expect(JSON.stringify(portal)).not.toContain('Courtesy');
    expect((await portalStatement(db(), c.mariaForHerself, { from: '2030-01-08', to: '2030-01-15' })).entries).toEqual([]);
    await updateBillingSettings(db(), c.admin, { ...billingOn, paymentsEnabled: false });
    await expect(portalStatement(db(), c.mariaForLeo, { from: '2030-01-08', to: '2030-01-15' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

