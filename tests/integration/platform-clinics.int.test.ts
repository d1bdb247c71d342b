import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { authSessions, devOutboxMessages, staffUsers, tenants } from '@/db/schema';
import type { OperatorContext } from '@/lib/access/context';
import { createSession } from '@/lib/auth/session-store';
import { OutboxEmailSender } from '@/lib/email/outbox-sender';
import { ClinicRuleError, createClinic, listClinics, setClinicStatus } from '@/lib/platform/clinics';
import { lookupStaffInvite } from '@/lib/staff/staff-users';
import { forgetResolvedHosts, resolveTenantByHost } from '@/lib/tenancy/resolve-tenant';
import { createTestTenant } from '../support/factories';

const operator: OperatorContext = {
  actor: { kind: 'operator', id: '00000000-0000-4000-8000-000000000001', fullName: 'Op', email: 'op@carebridge.test' },
  sessionId: '00000000-0000-4000-8000-000000000002',
  ip: null,
  userAgent: null,
};

describe('operator console: clinics', () => {
  it('creates a routable clinic whose first admin gets a working invitation', async () => {
    const slug = `new-${Date.now().toString(36)}`;
    const { tenantId } = await createClinic(getDb(), operator, { name: 'New Clinic', slug, adminEmail: 'First.Admin@new.test', adminName: 'First Admin' }, new OutboxEmailSender(), (s) => `http://${s}.localhost:3000`);
    forgetResolvedHosts();
    expect(await resolveTenantByHost(`${slug}.localhost`)).toMatchObject({ kind: 'tenant', tenant: { id: tenantId } });
    const [admin] = await getDb().select().from(staffUsers).where(eq(staffUsers.tenantId, tenantId));
    expect(admin).toMatchObject({ email: 'first.admin@new.test', status: 'invited' });
    const [mail] = await getDb().select().from(devOutboxMessages).where(eq(devOutboxMessages.recipient, 'first.admin@new.test'));
    const token = /\/staff\/invite\/([\w-]+)/.exec(mail!.body)![1]!;
    expect(mail!.body).toContain(`http://${slug}.localhost:3000/staff/invite/`);
    expect(await lookupStaffInvite(getDb(), tenantId, token)).toMatchObject({ status: 'valid' });
    expect((await listClinics(getDb())).find((c) => c.id === tenantId)).toMatchObject({ staff: 1, patients: 0 });
  });

  it('refuses reserved and taken addresses', async () => {
    const existing = await createTestTenant();
    const email = new OutboxEmailSender();
    await expect(createClinic(getDb(), operator, { name: 'X', slug: 'www', adminEmail: 'a@x.test', adminName: 'A' }, email, () => 'http://x')).rejects.toBeInstanceOf(ClinicRuleError);
    await expect(createClinic(getDb(), operator, { name: 'X', slug: existing.slug, adminEmail: 'a@x.test', adminName: 'A' }, email, () => 'http://x'))
      .rejects.toThrow('Another clinic already uses this address.');
  });

  it('suspending a clinic ends its sessions, and reactivating brings it back', async () => {
    const clinic = await createTestTenant();
    await createSession(getDb(), { tenantId: clinic.id, kind: 'portal', subjectId: clinic.id, idleTimeoutSeconds: 3600 });
    await setClinicStatus(getDb(), operator, clinic.id, 'suspended');
    const sessions = await getDb().select().from(authSessions).where(eq(authSessions.tenantId, clinic.id));
    expect(sessions.every((s) => s.revokedAt && s.revokeReason === 'clinic-suspended')).toBe(true);
    forgetResolvedHosts();
    expect(await resolveTenantByHost(`${clinic.slug}.localhost`)).toMatchObject({ tenant: { status: 'suspended' } });
    await setClinicStatus(getDb(), operator, clinic.id, 'active');
    const [row] = await getDb().select({ status: tenants.status }).from(tenants).where(eq(tenants.id, clinic.id));
    expect(row?.status).toBe('active');
  });
});

describe('system health', () => {
  it('reports the database, storage, providers and the outbox backlog', async () => {
    const { systemHealth } = await import('@/lib/platform/health');
    const health = await systemHealth(getDb());
    expect(health.database.ok).toBe(true);
    expect(health.storage).toMatchObject({ ok: true, kind: 'local folder' });
    expect(health.outbox).toMatchObject({ pending: expect.any(Number), dead: expect.any(Number) });
    expect(typeof health.sms.provider).toBe('string');
  });
});
