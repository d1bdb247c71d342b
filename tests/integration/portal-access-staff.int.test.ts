import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, patientPortalSettings, patients } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { resetMessagingProvidersForTests } from '@/lib/messaging/providers';
import { startActivation } from '@/lib/portal-access/activation';
import { createPortalUser, getPortalAccessState, setDocumentNotificationPreference, setPortalAccessEnabled } from '@/lib/portal-access/staff-admin';
import { invitePatientToPortal } from '@/lib/portal-access/staff-invites';
import { loadTenantProfile } from '@/lib/tenancy/profile';
import { createTestTenant } from '../support/factories';
import { createPortalAccount } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

/** The EMR's Patient Portal tab: portal IDs, access on and off, and what the tab shows. */

// Portal IDs are random; the test decides the draws to force a clash with another patient's ID.
const draws = vi.hoisted(() => ({ queue: [] as string[] }));
vi.mock('@/lib/identity/secrets', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/identity/secrets')>();
  return { ...real, generatePortalCode: () => draws.queue.shift() ?? real.generatePortalCode() };
});

const T0 = new Date('2026-03-02T09:00:00Z');
const CLIENT = { ip: '203.0.113.77', userAgent: 'vitest' };

beforeEach(() => {
  setClockForTests(() => T0);
  draws.queue.length = 0;
  process.env.EMAIL_PROVIDER = 'outbox';
  resetMessagingProvidersForTests();
});
afterEach(() => setClockForTests(undefined));

async function clinic() {
  const tenant = await createTestTenant();
  const profile = (await loadTenantProfile(getDb(), tenant.id))!;
  return { tenant, profile, staff: await createStaffContext(tenant, 'support') };
}

async function addPatient(tenantId: string) {
  const [row] = await getDb()
    .insert(patients)
    .values({
      tenantId, recordNumber: `P-${randomBytes(4).toString('hex')}`, firstName: 'Rosalind', lastName: 'Ketteridge',
      dateOfBirth: '1990-05-06', phone: `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
    })
    .returning();
  return row!;
}

describe('portal IDs', () => {
  it("draws again when the ID is another patient's, and audits only the one that was issued", async () => {
    const c = await clinic();
    const first = await addPatient(c.tenant.id);
    const second = await addPatient(c.tenant.id);
    draws.queue.push('111111');
    expect(await createPortalUser(getDb(), c.staff, first.id)).toEqual({ portalCode: '111111' });
    draws.queue.push('111111', '222222');
    expect(await createPortalUser(getDb(), c.staff, second.id)).toEqual({ portalCode: '222222' });
    const audit = await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'portal.user_created')));
    expect(audit.map((a) => a.patientId).sort()).toEqual([first.id, second.id].sort());
    expect(JSON.stringify(audit)).not.toContain('222222');
  });

  it('replaces the previous ID and clears its lock when staff create the user again', async () => {
    const c = await clinic();
    const patient = await addPatient(c.tenant.id);
    draws.queue.push('333333', '444444');
    await createPortalUser(getDb(), c.staff, patient.id);
    await getDb().update(patientPortalSettings).set({ portalCodeFailedAttempts: 5, portalCodeLockedAt: T0 }).where(eq(patientPortalSettings.patientId, patient.id));
    await createPortalUser(getDb(), c.staff, patient.id);
    const [settings] = await getDb().select().from(patientPortalSettings).where(eq(patientPortalSettings.patientId, patient.id));
    expect(settings).toMatchObject({ portalCode: '444444', portalCodeFailedAttempts: 0, portalCodeLockedAt: null, accessEnabled: true });
  });
});

describe('portal access state', () => {
  it('moves through none, invited, disabled and active', async () => {
    const c = await clinic();
    const patient = await addPatient(c.tenant.id);
    expect(await getPortalAccessState(getDb(), c.staff, patient.id)).toMatchObject({
      status: 'none', accessEnabled: false, hasPhone: true, pendingPortalCode: null, pendingInvites: [], accounts: [],
    });

    const { portalCode } = await createPortalUser(getDb(), c.staff, patient.id);
    expect(await getPortalAccessState(getDb(), c.staff, patient.id)).toMatchObject({ status: 'invited', accessEnabled: true, pendingPortalCode: { code: portalCode, locked: false } });

    await setPortalAccessEnabled(getDb(), c.staff, patient.id, false);
    expect(await getPortalAccessState(getDb(), c.staff, patient.id)).toMatchObject({ status: 'disabled', accessEnabled: false });
    // Turned off: the printed ID and invitations stop working.
    expect(await startActivation(getDb(), c.profile, { portalCode, firstInitial: 'R', lastInitial: 'K', dateOfBirth: '05/06/1990' }, CLIENT))
      .toEqual({ ok: false, error: 'access-disabled' });
    await expect(invitePatientToPortal(getDb(), c.staff, { patientId: patient.id, email: 'r@example.test', relationship: 'self' }, 'https://x.test'))
      .rejects.toMatchObject({ code: 'access-disabled' });
    const audit = await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'portal.access_disabled')));
    expect(audit).toEqual([expect.objectContaining({ actorId: c.staff.actor.id, patientId: patient.id, details: { before: { accessEnabled: true }, after: { accessEnabled: false } } })]);

    await setPortalAccessEnabled(getDb(), c.staff, patient.id, true);
    expect((await getPortalAccessState(getDb(), c.staff, patient.id)).status).toBe('invited');

    const withAccount = await createPortalAccount({ id: c.tenant.id }, { email: `acc.${randomBytes(3).toString('hex')}@example.test`, phone: '+15555550188', password: 'Maple-window-33' });
    expect(await getPortalAccessState(getDb(), c.staff, withAccount.patient.id)).toMatchObject({
      status: 'active',
      accounts: [{ id: withAccount.account.id, email: withAccount.account.email, relationship: 'self', status: 'active', locked: false }],
    });
  });
});

describe('document notification preference', () => {
  it('is set per patient, audited, and falls back to the clinic default when cleared', async () => {
    const clinic = await createTestTenant();
    const ops = await createStaffContext(clinic, 'operations');
    const marketing = await createStaffContext(clinic, 'marketing');
    const [patient] = await getDb().insert(patients).values({ tenantId: clinic.id, recordNumber: 'PREF-1', firstName: 'P', lastName: 'Q', dateOfBirth: '1990-01-01', phone: '+12175550155' }).returning();
    expect((await getPortalAccessState(getDb(), ops, patient!.id)).documentNotification).toBeNull();
    await setDocumentNotificationPreference(getDb(), ops, patient!.id, 'email_sms');
    expect((await getPortalAccessState(getDb(), ops, patient!.id)).documentNotification).toBe('email_sms');
    await setDocumentNotificationPreference(getDb(), ops, patient!.id, null);
    expect((await getPortalAccessState(getDb(), ops, patient!.id)).documentNotification).toBeNull();
    await expect(setDocumentNotificationPreference(getDb(), marketing, patient!.id, 'email')).rejects.toThrow();
  });
});
