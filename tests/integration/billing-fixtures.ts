import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { billingSettings, invoiceLines, invoices, ledgerEntries, patients, portalAccountPatients, testGatewayObjects } from '@/db/schema';
import type { InvoiceLineKind } from '@/db/schema/billing';
import { tokenizeTestCard } from '@/lib/billing/gateway/test-gateway';
import { createTestTenant } from '../support/factories';
import { portalContext } from '../support/portal-context';
import { createPortalAccount } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

let n = 0;

/**
 * A clinic taking payments through the test gateway: Maria (her own record) is Leo's parent;
 * an admin and a support-level staff member; the same people's shapes in a second clinic.
 */
export async function billingClinic(options: { paymentsEnabled?: boolean } = {}) {
  const db = getDb();
  const tenant = await createTestTenant();
  await db.insert(billingSettings).values({ tenantId: tenant.id, paymentsEnabled: options.paymentsEnabled ?? true, gateway: 'test' });
  const tag = `${++n}-${randomBytes(2).toString('hex')}`;
  const maria = await createPortalAccount(tenant, { email: `maria.${tag}@example.test`, phone: '+15555550101', password: 'Copper-kettle-64' });
  const [leo] = await db.insert(patients)
    .values({ tenantId: tenant.id, recordNumber: `L-${tag}`, firstName: 'Leo', lastName: 'Lopez', dateOfBirth: '2016-09-03', email: `leo.${tag}@example.test` })
    .returning();
  await db.insert(portalAccountPatients).values({ tenantId: tenant.id, accountId: maria.account.id, patientId: leo!.id, relationship: 'parent' });
  const client = { ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (billing test)' };
  return {
    tenant,
    leo: leo!,
    maria,
    mariaForLeo: portalContext(tenant, maria.account.id, leo!.id, { relationship: 'parent', ...client }),
    mariaForSelf: portalContext(tenant, maria.account.id, maria.patient.id, client),
    admin: await createStaffContext(tenant, 'admin'),
    desk: await createStaffContext(tenant, 'operations'),
    support: await createStaffContext(tenant, 'support'),
  };
}

/** An open invoice with one line of `amount`, posted to the ledger as its charge (as openInvoice does). */
export async function openInvoiceOf(tenantId: string, patientId: string, amount: number, kind: InvoiceLineKind = 'service') {
  const db = getDb();
  const [{ next }] = await db.select({ next: sql<number>`coalesce(max(${invoices.number}), 0)::int + 1` }).from(invoices).where(eq(invoices.tenantId, tenantId)) as [{ next: number }];
  const [invoice] = await db.insert(invoices).values({
    tenantId, patientId, number: next, status: 'open', currency: 'USD', issueDate: '2026-12-01', dueDate: '2026-12-31',
    subtotal: amount, total: amount, openedAt: new Date(),
  }).returning();
  await db.insert(invoiceLines).values({
    tenantId, invoiceId: invoice!.id, position: 1, kind, description: kind === 'no_show_fee' ? 'Missed visit' : 'Visit', quantity: 1, unitAmount: amount,
    subtotal: amount, taxAmount: 0, total: amount,
  });
  await db.insert(ledgerEntries).values({ tenantId, patientId, kind: 'charge', amount, currency: 'USD', invoiceId: invoice!.id, actorKind: 'system' });
  return invoice!;
}

export async function testCard(tenantId: string, number: string) {
  return (await tokenizeTestCard(getDb(), tenantId, { number, expMonth: 12, expYear: 2030, cvc: '123' })).token;
}

export async function gatewayPayments(tenantId: string) {
  return getDb().select().from(testGatewayObjects).where(and(eq(testGatewayObjects.tenantId, tenantId), eq(testGatewayObjects.kind, 'payment')));
}

export async function ledgerOf(tenantId: string, invoiceId: string) {
  return getDb().select().from(ledgerEntries).where(and(eq(ledgerEntries.tenantId, tenantId), eq(ledgerEntries.invoiceId, invoiceId)));
}

export const key = () => randomUUID();
export const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e);
