import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { authSessions, authTokens, devOutboxMessages, staffUsers } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { createSession } from '@/lib/auth/session-store';
import { setClockForTests } from '@/lib/clock';
import { OutboxEmailSender } from '@/lib/email/outbox-sender';
import { StaffRuleError } from '@/lib/staff/errors';
import {
  acceptStaffInvite,
  changeAccessLevel,
  inviteStaff,
  lookupStaffInvite,
  resendStaffInvite,
  setStaffActive,
} from '@/lib/staff/staff-users';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

const email = new OutboxEmailSender();
const origin = 'http://clinic.localhost:3000';

async function inviteLinkFor(address: string): Promise<string> {
  const rows = await getDb().select().from(devOutboxMessages).where(eq(devOutboxMessages.recipient, address));
  const newest = rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0]!;
  return /\/staff\/invite\/([\w-]+)/.exec(newest.body)![1]!;
}

afterEach(() => setClockForTests(undefined));

describe('staff invites', () => {
  it('invites by email with a 24-hour, single-use link; a resend revokes the earlier link', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const { staffId } = await inviteStaff(getDb(), admin, { email: 'New.Doc@Clinic.test', fullName: 'New Doc', accessLevelId: clinic.levelId.physician }, email, origin);
    const first = await inviteLinkFor('new.doc@clinic.test');
    expect(await lookupStaffInvite(getDb(), clinic.id, first)).toMatchObject({ status: 'valid', email: 'new.doc@clinic.test' });

    await resendStaffInvite(getDb(), admin, staffId, email, origin);
    const second = await inviteLinkFor('new.doc@clinic.test');
    expect(second).not.toBe(first);
    expect(await lookupStaffInvite(getDb(), clinic.id, first)).toEqual({ status: 'used' });
    expect((await acceptStaffInvite(getDb(), clinic.id, first, 'hash', { ip: null, userAgent: null })).ok).toBe(false);

    // Two browsers accept the same link at once: exactly one wins.
    const results = await Promise.all([
      acceptStaffInvite(getDb(), clinic.id, second, 'hash-a', { ip: null, userAgent: null }),
      acceptStaffInvite(getDb(), clinic.id, second, 'hash-b', { ip: null, userAgent: null }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const [user] = await getDb().select().from(staffUsers).where(eq(staffUsers.id, staffId));
    expect(user?.status).toBe('active');
  });

  it('refuses an invite link after 24 hours, and a link of another clinic', async () => {
    const clinic = await createTestTenant();
    const other = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    await inviteStaff(getDb(), admin, { email: 'late@clinic.test', fullName: 'Late', accessLevelId: clinic.levelId.support }, email, origin);
    const token = await inviteLinkFor('late@clinic.test');
    expect(await lookupStaffInvite(getDb(), other.id, token)).toEqual({ status: 'unknown' });
    setClockForTests(() => new Date(Date.now() + 24 * 3600 * 1000 + 1000));
    expect(await lookupStaffInvite(getDb(), clinic.id, token)).toEqual({ status: 'expired' });
    expect((await acceptStaffInvite(getDb(), clinic.id, token, 'hash', { ip: null, userAgent: null })).ok).toBe(false);
  });

  it('needs users.manage', async () => {
    const clinic = await createTestTenant();
    const support = await createStaffContext(clinic, 'support');
    await expect(inviteStaff(getDb(), support, { email: 'x@clinic.test', fullName: 'X', accessLevelId: clinic.levelId.support }, email, origin))
      .rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('access levels and deactivation', () => {
  it('keeps the last admin: neither demoted nor deactivated', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    await expect(changeAccessLevel(getDb(), admin, admin.actor.id, clinic.levelId.support)).rejects.toMatchObject({ code: 'last-admin' });
    const second = await createStaffContext(clinic, 'admin');
    await changeAccessLevel(getDb(), admin, second.actor.id, clinic.levelId.marketing);
    const marketing = await createStaffContext(clinic, 'marketing');
    await expect(setStaffActive(getDb(), marketing, admin.actor.id, false)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(setStaffActive(getDb(), admin, admin.actor.id, false)).rejects.toMatchObject({ code: 'self' });
    await expect(changeAccessLevel(getDb(), admin, admin.actor.id, clinic.levelId.physician)).rejects.toBeInstanceOf(StaffRuleError);
  });

  it('deactivation ends every session of the person at once', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const nurse = await createStaffContext(clinic, 'support');
    for (let i = 0; i < 2; i++) {
      await createSession(getDb(), { tenantId: clinic.id, kind: 'staff', subjectId: nurse.actor.id, idleTimeoutSeconds: 1800 });
    }
    await setStaffActive(getDb(), admin, nurse.actor.id, false);
    const open = await getDb().select().from(authSessions).where(and(eq(authSessions.subjectId, nurse.actor.id)));
    expect(open.every((s) => s.revokedAt !== null)).toBe(true);
    const tokens = await getDb().select().from(authTokens).where(eq(authTokens.staffUserId, nurse.actor.id));
    expect(tokens.every((t) => t.revokedAt || t.usedAt)).toBe(true);
  });

  it('answers not-found for another clinic’s user', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const adminA = await createStaffContext(a, 'admin');
    const userB = await createStaffContext(b, 'support');
    await expect(setStaffActive(getDb(), adminA, userB.actor.id, false)).rejects.toBeInstanceOf(NotFoundError);
    await expect(changeAccessLevel(getDb(), adminA, userB.actor.id, a.levelId.support)).rejects.toBeInstanceOf(NotFoundError);
  });
});
