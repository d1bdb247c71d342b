import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, billingSettings, invoices, patients, services } from '@/db/schema';
import { ForbiddenError } from '@/lib/access/context';
import { failureOf, STAFF_MESSAGES } from '@/lib/actions/failures';
import { createInvoice, openInvoice } from '@/lib/billing/invoices';
import { billingCurrencyLocked, BillingSettingsRuleError, DEFAULT_BILLING_SETTINGS, getBillingSettings, portalBillingEnabled, updateBillingSettings } from '@/lib/billing/settings';
import { billingSettingsSchema, type BillingSettingsInput } from '@/lib/billing/settings-forms';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

const db = () => getDb();

/** The form as saved with everything at the defaults, and the changes a test makes. */
const options = (changes: Partial<BillingSettingsInput> = {}): BillingSettingsInput => ({
  paymentsEnabled: false, portalBillingVisible: true, currency: 'USD', invoiceFooter: null, taxId: null,
  defaultTaxRate: 0, paymentDueDays: 30, gateway: 'test', ...changes,
});

async function clinic() {
  const tenant = await createTestTenant();
  const [patient] = await db().insert(patients).values({ tenantId: tenant.id, recordNumber: 'B-1', firstName: 'Bo', lastName: 'Bell', dateOfBirth: '1980-02-02' }).returning();
  return { tenant, patient: patient!, admin: await createStaffContext(tenant, 'admin'), desk: await createStaffContext(tenant, 'operations'), marketing: await createStaffContext(tenant, 'marketing') };
}

async function audits(tenantId: string) {
  return db().select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, 'billing.settings_updated')));
}

describe('billing options', () => {
  it('has the defaults before the clinic saves anything: payments off, billing shown in the portal, US dollars, the test gateway', async () => {
    const c = await clinic();
    expect(await getBillingSettings(db(), c.tenant.id)).toEqual(DEFAULT_BILLING_SETTINGS);
    expect(DEFAULT_BILLING_SETTINGS).toMatchObject({ paymentsEnabled: false, portalBillingVisible: true, currency: 'USD', gateway: 'test', paymentDueDays: 30 });
    expect(await portalBillingEnabled(db(), c.tenant.id)).toBe(false);
    expect(await db().select().from(billingSettings).where(eq(billingSettings.tenantId, c.tenant.id))).toEqual([]);
  });

  it('saves the form, audits only the fields that changed, and shows billing in the portal only with payments on and billing visible', async () => {
    const c = await clinic();
    const form = { paymentsEnabled: 'on', portalBillingVisible: 'on', currency: 'CAD', invoiceFooter: 'Thank you', taxId: 'GST 123', defaultTaxRate: '13', paymentDueDays: '14', gateway: 'test' };
    expect(await updateBillingSettings(db(), c.admin, billingSettingsSchema.parse(form))).toEqual({ changed: true });
    expect(await getBillingSettings(db(), c.tenant.id)).toEqual({
      paymentsEnabled: true, portalBillingVisible: true, currency: 'CAD', invoiceFooter: 'Thank you', taxId: 'GST 123',
      defaultTaxRateBp: 1300, paymentDueDays: 14, gateway: 'test', stripeAccountId: null, stripeChargesEnabled: false,
    });
    expect(await portalBillingEnabled(db(), c.tenant.id)).toBe(true);
    const [first] = await audits(c.tenant.id);
    expect(first?.details).toEqual({
      changed: {
        paymentsEnabled: { before: false, after: true }, currency: { before: 'USD', after: 'CAD' }, invoiceFooter: { before: null, after: 'Thank you' },
        taxId: { before: null, after: 'GST 123' }, defaultTaxRateBp: { before: 0, after: 1300 }, paymentDueDays: { before: 30, after: 14 },
      },
      draftsUpdated: 0,
    });

    // The same form again changes nothing and writes no entry.
    expect(await updateBillingSettings(db(), c.admin, billingSettingsSchema.parse(form))).toEqual({ changed: false });
    expect(await audits(c.tenant.id)).toHaveLength(1);

    const { portalBillingVisible: _, ...hidden } = form;
    await updateBillingSettings(db(), c.admin, billingSettingsSchema.parse(hidden));
    expect(await portalBillingEnabled(db(), c.tenant.id)).toBe(false);
    expect((await audits(c.tenant.id))[1]?.details).toEqual({ changed: { portalBillingVisible: { before: true, after: false } } });
  });

  it('is changed only with billing.settings', async () => {
    const c = await clinic();
    await expect(updateBillingSettings(db(), c.desk, options({ paymentsEnabled: true }))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(updateBillingSettings(db(), c.marketing, options({ paymentsEnabled: true }))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(billingCurrencyLocked(db(), c.desk)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await portalBillingEnabled(db(), c.tenant.id)).toBe(false);
    expect(await audits(c.tenant.id)).toEqual([]);
  });

  it('lets the currency change while only drafts exist (they and the service prices follow), and refuses it once an invoice is sent', async () => {
    const c = await clinic();
    const [service] = await db().insert(services).values({ tenantId: c.tenant.id, name: 'Visit', durationMinutes: 30, priceCents: 9000, currency: 'USD' }).returning();
    const { id } = await createInvoice(db(), c.desk, c.patient.id, { lines: [{ kind: 'other', serviceId: null, description: 'A', quantity: 1, unitAmount: 5000, discountAmount: 0, taxRateBp: 0 }] });
    expect(await billingCurrencyLocked(db(), c.admin)).toBe(false);
    await updateBillingSettings(db(), c.admin, options({ currency: 'EUR' }));
    expect((await db().select().from(invoices).where(eq(invoices.id, id)))[0]).toMatchObject({ currency: 'EUR', status: 'draft' });
    expect((await db().select().from(services).where(eq(services.id, service!.id)))[0]).toMatchObject({ currency: 'EUR' });
    expect((await audits(c.tenant.id))[0]?.details).toMatchObject({ changed: { currency: { before: 'USD', after: 'EUR' } }, draftsUpdated: 1 });

    await openInvoice(db(), c.desk, id);
    expect(await billingCurrencyLocked(db(), c.admin)).toBe(true);
    const error = await updateBillingSettings(db(), c.admin, options({ currency: 'GBP', paymentsEnabled: true })).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(BillingSettingsRuleError);
    // What the form shows (the action wrapper's mapping): the reason, next to the currency.
    expect(failureOf(error, STAFF_MESSAGES, 'test')).toEqual({
      ok: false, message: 'The currency was not changed.',
      fieldErrors: { currency: 'The clinic has already sent invoices in EUR, so its currency can no longer change: balances would mix two currencies.' },
    });
    // Nothing of that save was kept, not even the other field.
    expect(await getBillingSettings(db(), c.tenant.id)).toMatchObject({ currency: 'EUR', paymentsEnabled: false });
    expect(await audits(c.tenant.id)).toHaveLength(1);
    // The other options still change.
    await updateBillingSettings(db(), c.admin, options({ currency: 'EUR', paymentsEnabled: true }));
    expect(await getBillingSettings(db(), c.tenant.id)).toMatchObject({ currency: 'EUR', paymentsEnabled: true });
  });

  it('turns payments on only with a gateway that can take them now; other options still save', async () => {
    const c = await clinic();
    const refused = await updateBillingSettings(db(), c.admin, options({ gateway: 'stripe', paymentsEnabled: true })).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(BillingSettingsRuleError);
    expect(refused).toMatchObject({ code: 'gateway-not-ready', fieldErrors: { paymentsEnabled: expect.stringContaining('Connect the clinic’s Stripe account first') } });
    expect(await getBillingSettings(db(), c.tenant.id)).toMatchObject({ paymentsEnabled: false, gateway: 'test' });
    // Stripe chosen with payments off saves (the admin connects next); a connected account that
    // cannot charge yet is named as such.
    await updateBillingSettings(db(), c.admin, options({ gateway: 'stripe' }));
    await db().update(billingSettings).set({ stripeAccountId: `acct_${c.tenant.id.slice(0, 8)}` }).where(eq(billingSettings.tenantId, c.tenant.id));
    expect(await updateBillingSettings(db(), c.admin, options({ gateway: 'stripe', paymentsEnabled: true })).then(() => null, (e: unknown) => e))
      .toMatchObject({ fieldErrors: { paymentsEnabled: expect.stringContaining('cannot take card payments yet') } });
    await db().update(billingSettings).set({ stripeChargesEnabled: true }).where(eq(billingSettings.tenantId, c.tenant.id));
    expect(await updateBillingSettings(db(), c.admin, options({ gateway: 'stripe', paymentsEnabled: true }))).toEqual({ changed: true });
    // Once on, Stripe restricting the account later does not block saving the footer.
    await db().update(billingSettings).set({ stripeChargesEnabled: false }).where(eq(billingSettings.tenantId, c.tenant.id));
    expect(await updateBillingSettings(db(), c.admin, options({ gateway: 'stripe', paymentsEnabled: true, invoiceFooter: 'Thank you' }))).toEqual({ changed: true });
  });
});
