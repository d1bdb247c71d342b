import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { locations, patients, tenantDomains, tenants } from '@/db/schema';
import { seedDemoData } from '@/scripts/demo-seed';
import { loadTenantProfile } from '@/lib/tenancy/profile';
import { forgetResolvedHosts, resolveTenantByHost } from '@/lib/tenancy/resolve-tenant';
import { createTestTenant } from '../support/factories';

function pgCode(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } };
  return e.cause?.code ?? e.code;
}

describe('tenant resolution', () => {
  it('resolves subdomains and verified custom domains, and nothing else', async () => {
    const clinic = await createTestTenant();
    await getDb().insert(tenantDomains).values([
      { tenantId: clinic.id, kind: 'custom', hostname: 'portal.verified-clinic.test', verificationToken: 't1', verifiedAt: new Date() },
      { tenantId: clinic.id, kind: 'custom', hostname: 'portal.pending-clinic.test', verificationToken: 't2' },
    ]);
    forgetResolvedHosts();

    const bySubdomain = await resolveTenantByHost(`${clinic.slug.toUpperCase()}.localhost:3000`);
    expect(bySubdomain).toMatchObject({ kind: 'tenant', tenant: { id: clinic.id, status: 'active' } });
    expect(await resolveTenantByHost('www.portal.verified-clinic.test')).toMatchObject({ kind: 'tenant', tenant: { id: clinic.id } });
    expect(await resolveTenantByHost('portal.pending-clinic.test')).toEqual({ kind: 'not-found' });
    expect(await resolveTenantByHost('nobody.localhost')).toEqual({ kind: 'not-found' });
    expect(await resolveTenantByHost('localhost:3000')).toEqual({ kind: 'root' });
    expect(await resolveTenantByHost('127.0.0.1:3000')).toEqual({ kind: 'not-found' });
  });

  it('reports a suspended clinic as such once the memo is cleared', async () => {
    const clinic = await createTestTenant();
    forgetResolvedHosts();
    expect(await resolveTenantByHost(`${clinic.slug}.localhost`)).toMatchObject({ tenant: { status: 'active' } });
    await getDb().update(tenants).set({ status: 'suspended' }).where(eq(tenants.id, clinic.id));
    forgetResolvedHosts();
    expect(await resolveTenantByHost(`${clinic.slug}.localhost`)).toMatchObject({ tenant: { status: 'suspended' } });
  });

  it('refuses a host name that another clinic already owns', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    await getDb().insert(tenantDomains).values({ tenantId: a.id, kind: 'custom', hostname: 'shared.example.test', verificationToken: 'a' });
    const attempt = getDb().insert(tenantDomains).values({ tenantId: b.id, kind: 'custom', hostname: 'shared.example.test', verificationToken: 'b' });
    await expect(attempt).rejects.toSatisfy((e) => pgCode(e) === '23505');
  });
});

describe('composite tenant keys', () => {
  it('stops a row of one clinic from pointing at a row of another', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const { staffUsers } = await import('@/db/schema');
    // Clinic B's staff user with clinic A's access level: the composite foreign key refuses it.
    const attempt = getDb().insert(staffUsers).values({
      tenantId: b.id, email: 'x@b.test', fullName: 'X', accessLevelId: a.levelId.admin,
    });
    await expect(attempt).rejects.toSatisfy((e) => pgCode(e) === '23503');
  });
});

describe('demo seed', () => {
  it('creates the two demo clinics, and running it again changes nothing', async () => {
    await seedDemoData(getDb());
    const count = async () => ({
      tenants: (await getDb().select().from(tenants)).length,
      patients: (await getDb().select().from(patients)).length,
      locations: (await getDb().select().from(locations)).length,
    });
    const first = await count();
    await seedDemoData(getDb());
    expect(await count()).toEqual(first);

    forgetResolvedHosts();
    const harbor = await resolveTenantByHost('portal.harbor-derm.test');
    expect(harbor).toMatchObject({ kind: 'tenant', tenant: { slug: 'harbor' } });
    const sunrise = await resolveTenantByHost('sunrise.localhost');
    if (sunrise.kind !== 'tenant' || harbor.kind !== 'tenant') throw new Error('demo clinics missing');

    const sunriseProfile = await loadTenantProfile(getDb(), sunrise.tenant.id);
    const harborProfile = await loadTenantProfile(getDb(), harbor.tenant.id);
    expect(sunriseProfile?.locations).toHaveLength(2);
    expect(sunriseProfile?.portal.identificationMode).toBe('email');
    expect(harborProfile?.portal.identificationMode).toBe('national_id');
    expect(sunriseProfile?.branding.primaryColor).not.toBe(harborProfile?.branding.primaryColor);

    // The national ID is stored encrypted: the raw digits appear nowhere in the row.
    const [carter] = await getDb().select().from(patients).where(eq(patients.recordNumber, 'HBR-10001'));
    expect(JSON.stringify(carter)).not.toMatch(/900-?12-?3456/);
    expect(carter?.nationalIdLast4).toBe('3456');

    // Demo documents are stored like real uploads: a verified row and a readable PDF.
    const { documents } = await import('@/db/schema');
    const { getObjectStore } = await import('@/lib/storage/get-object-store');
    const docs = await getDb().select().from(documents).where(eq(documents.tenantId, sunrise.tenant.id));
    expect(docs.length).toBeGreaterThanOrEqual(5);
    expect(docs.every((d) => d.status === 'available')).toBe(true);
    expect(await getObjectStore().head(docs[0]!.storageKey)).toMatchObject({ size: docs[0]!.sizeBytes });

    // Billing: Sunrise takes payments through the test gateway; Maria paid her own visit online
    // (a numbered receipt) and Leo's last check-up is open; Harbor takes payments for its shop.
    const { billingSettings, invoices, payments } = await import('@/db/schema');
    const settings = await getDb().select().from(billingSettings);
    expect(settings.find((s) => s.tenantId === sunrise.tenant.id)).toMatchObject({ paymentsEnabled: true, gateway: 'test' });
    expect(settings.find((s) => s.tenantId === harbor.tenant.id)).toMatchObject({ paymentsEnabled: true, gateway: 'test' });
    const bills = await getDb()
      .select({ status: invoices.status, total: invoices.total, record: patients.recordNumber })
      .from(invoices).innerJoin(patients, eq(patients.id, invoices.patientId))
      .where(eq(invoices.tenantId, sunrise.tenant.id));
    expect(bills.sort((a, b) => a.record.localeCompare(b.record))).toEqual([
      { status: 'paid', total: 12_000, record: 'SUN-10001' },
      { status: 'open', total: 10_000, record: 'SUN-10002' },
    ]);
    const paid = await getDb().select().from(payments).where(eq(payments.tenantId, sunrise.tenant.id));
    expect(paid).toMatchObject([{ status: 'succeeded', amount: 12_000, method: 'card_online', receiptNumber: 1, cardLast4: '4242' }]);
  });
});
