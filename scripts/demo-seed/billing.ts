import { and, desc, eq, like, or, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { appointments, billingSettings, invoices, outboxMessages, services, tenants } from '@/db/schema';
import { tokenizeTestCard } from '@/lib/billing/gateway/test-gateway';
import { openInvoice } from '@/lib/billing/invoices';
import { payInvoicesOnline } from '@/lib/billing/portal-payments';
import { invoiceFromVisit } from '@/lib/billing/visit-invoices';
import { demoPatientId, demoPortalContext, demoStaffContext } from './contexts';

/** Billing in a demo clinic: its options, and visits invoiced (and paid) through the product's own functions. */
export interface DemoBilling {
  settings: { paymentsEnabled: boolean; invoiceFooter?: string; taxId?: string };
  /** A completed visit of the patient (the latest of that service), invoiced and sent by `by`; paid in the portal by `paidOnlineBy`. */
  visitInvoices: { patient: string; service: string; by: string; paidOnlineBy?: string }[];
}

export async function seedBilling(db: Database, slug: string, billing: DemoBilling | undefined): Promise<void> {
  if (!billing) return;
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, slug));
  const t = tenant!;
  await db.insert(billingSettings)
    .values({ tenantId: t.id, gateway: 'test', ...billing.settings })
    .onConflictDoNothing();
  const [existing] = await db.select({ n: sql<number>`count(*)::int` }).from(invoices).where(eq(invoices.tenantId, t.id));
  if ((existing?.n ?? 0) > 0) return;

  for (const item of billing.visitInvoices) {
    const patientId = await demoPatientId(db, t.id, item.patient);
    const [visit] = await db.select({ id: appointments.id }).from(appointments)
      .innerJoin(services, and(eq(services.tenantId, appointments.tenantId), eq(services.id, appointments.serviceId)))
      .where(and(eq(appointments.tenantId, t.id), eq(appointments.patientId, patientId), eq(appointments.status, 'completed'), eq(services.name, item.service)))
      .orderBy(desc(appointments.startsAt))
      .limit(1);
    const staff = await demoStaffContext(db, t, item.by);
    const { id } = await invoiceFromVisit(db, staff, visit!.id);
    const { total } = await openInvoice(db, staff, id);
    if (item.paidOnlineBy) {
      const portal = await demoPortalContext(db, t, item.paidOnlineBy, patientId);
      const { token } = await tokenizeTestCard(db, t.id, { number: '4242424242424242', expMonth: 12, expYear: new Date().getFullYear() + 3, cvc: '123' });
      await payInvoicesOnline(db, portal, { attemptKey: crypto.randomUUID(), invoiceIds: [id], amount: total, token });
    }
  }
  // The demo's patients were told about these invoices and receipts long ago: not sent now.
  await db.delete(outboxMessages).where(and(
    eq(outboxMessages.tenantId, t.id), eq(outboxMessages.status, 'pending'),
    or(like(outboxMessages.idempotencyKey, 'billing:%'), like(outboxMessages.idempotencyKey, 'invoice:%')),
  ));
}
