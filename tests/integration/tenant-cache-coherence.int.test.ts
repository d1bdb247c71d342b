import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { tenants } from '@/db/schema';
import type { OperatorContext } from '@/lib/access/context';
import { createLocation } from '@/lib/locations/locations';
import { setClinicStatus } from '@/lib/platform/clinics';
import { updateBranding } from '@/lib/settings/branding';
import { updatePortalSettings } from '@/lib/settings/portal-settings';
import { createTenantProfileCache, readSettingsVersion, type DataCache } from '@/lib/tenancy/profile-cache';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

const TTL = 5_000;

/**
 * One app instance's caches as `next start` has them when self-hosted: the per-process memo and
 * a data cache of its own (Next's file-system cache), which revalidateTag on another instance
 * never reaches. `loads` counts real database loads.
 */
function instance(clock: { now: number }) {
  const store = new Map<string, Promise<TenantProfile | null>>();
  let loads = 0;
  const dataCache: DataCache = (load, key) => {
    const k = key.join('|');
    if (!store.has(k)) {
      loads++;
      store.set(k, load());
    }
    return store.get(k)!;
  };
  const cache = createTenantProfileCache({ db: getDb, ttlMs: TTL, dataCache, now: () => clock.now });
  return { ...cache, loads: () => loads };
}

const portalForm = (changes: Record<string, string | undefined> = {}) => ({
  portalEnabled: 'on', identificationMode: 'email', nationalIdLabel: 'SSN', accessMode: 'manual',
  defaultDocumentNotification: 'email', minNoticeMinutes: '120', bookingHorizonDays: '60', bufferMinutes: '0',
  cancellationWindowHours: '24', staffIdleTimeoutMinutes: '30', messagingPolicy: 'reply_only',
  portalPasskeysAllowed: 'sms', selfRegistration: 'off', proxyAgeRules: 'on', proxyTeenAge: '12', proxyAdultAge: '18',
  waitlistPortal: 'on', waitlistOfferMinutes: '15', waitlistOfferBatch: '3', ...changes,
});

describe('clinic settings across two app instances', () => {
  it('a CRM change made on one instance reaches the other within 5 s', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic);
    const clock = { now: 1_000_000 };
    const a = instance(clock);
    const b = instance(clock);
    expect((await a.get(clinic.id))!.branding.primaryColor).toBe('#0f766e');
    expect((await b.get(clinic.id))!.portal).toMatchObject({ enabled: true, accessMode: 'manual', patientUploadsAllowed: false });

    // On instance A, as the CRM's actions do: change, then revalidateTenant (A forgets at once).
    await updateBranding(getDb(), admin, { displayName: 'Renamed Clinic', primaryColor: '#1d4ed8', theme: 'dark' });
    await updatePortalSettings(getDb(), admin, portalForm({ portalEnabled: undefined, accessMode: 'automatic', patientUploadsAllowed: 'on', staffIdleTimeoutMinutes: '15' }));
    a.forget(clinic.id);
    expect((await a.get(clinic.id))!.branding).toMatchObject({ primaryColor: '#1d4ed8', displayName: 'Renamed Clinic', theme: 'dark' });

    // B heard nothing. Within its 5 s it may still answer from memory…
    clock.now += TTL - 1;
    expect((await b.get(clinic.id))!.branding.primaryColor).toBe('#0f766e');
    // …and at 5 s it checks the version, finds it raised and skips its own stale data cache.
    clock.now += 1;
    const seen = (await b.get(clinic.id))!;
    expect(seen.branding).toMatchObject({ primaryColor: '#1d4ed8', displayName: 'Renamed Clinic', theme: 'dark' });
    expect(seen.portal).toMatchObject({ enabled: false, accessMode: 'automatic', patientUploadsAllowed: true });
    expect(seen.staffIdleTimeoutMinutes).toBe(15);
  });

  it('a new location and a console status change raise the version too; no change, no reload', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic);
    const clock = { now: 2_000_000 };
    const b = instance(clock);
    await b.get(clinic.id);
    expect(b.loads()).toBe(1);

    // Nothing changed: after 5 s one version read, no reload.
    clock.now += TTL;
    await b.get(clinic.id);
    expect(b.loads()).toBe(1);

    const before = (await readSettingsVersion(getDb(), clinic.id))!;
    await createLocation(getDb(), admin, {
      name: 'Main Street', addressLine1: '1 Main St', addressLine2: '', city: 'Springfield', region: 'IL', postalCode: '62701',
      country: 'US', timeZone: 'America/Chicago', phone: '(217) 555-0101',
    });
    const afterLocation = (await readSettingsVersion(getDb(), clinic.id))!;
    expect(afterLocation).toBeGreaterThan(before);
    clock.now += TTL;
    expect((await b.get(clinic.id))!.locations.map((l) => l.name)).toEqual(['Main Street']);
    expect(b.loads()).toBe(2);

    const operator: OperatorContext = { actor: { kind: 'operator', id: '00000000-0000-4000-8000-000000000001', fullName: 'Op', email: 'op@carebridge.test' }, sessionId: '00000000-0000-4000-8000-000000000002', ip: null, userAgent: null };
    await setClinicStatus(getDb(), operator, clinic.id, 'suspended');
    expect(await readSettingsVersion(getDb(), clinic.id)).toBeGreaterThan(afterLocation);
    // Raised once per statement that changes the row, not twice by the row's own trigger.
    const [row] = await getDb().select({ v: tenants.settingsVersion }).from(tenants).where(eq(tenants.id, clinic.id));
    expect(Number(row!.v)).toBe(afterLocation + 1);
  });

  it('a clinic that is gone answers null and is not remembered', async () => {
    const clinic = await createTestTenant();
    const clock = { now: 3_000_000 };
    const b = instance(clock);
    expect(await b.get(clinic.id)).not.toBeNull();
    await getDb().delete(tenants).where(eq(tenants.id, clinic.id));
    clock.now += TTL;
    expect(await b.get(clinic.id)).toBeNull();
  });
});
