import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { authTokens, devOutboxMessages, patientContacts, patients, portalAccountPatients, portalAccounts } from '@/db/schema';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { verifyPassword } from '@/lib/identity/password-hash';
import { resetMessagingProvidersForTests } from '@/lib/messaging/providers';
import { completeInviteAcceptance, inspectPortalInvite, startInviteAcceptance } from '@/lib/portal-access/invite-accept';
import { getPortalAccessState } from '@/lib/portal-access/staff-admin';
import { invitePatientToPortal, revokePortalInvite } from '@/lib/portal-access/staff-invites';
import { loadTenantProfile } from '@/lib/tenancy/profile';
import { createTestTenant } from '../support/factories';
import { FakeSms } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

/**
 * Emailed invitations (seed 003): staff invite, the email (read from the dev outbox), and the
 * invitee accepting with a new password or, when they already have an account, its password,
 * each followed by the SMS code.
 */

const T0 = new Date('2026-03-02T09:00:00Z');
const CLIENT = { ip: '203.0.113.9', userAgent: 'vitest' };
const ORIGIN = 'https://portal.example-clinic.test';
const PASSWORD = 'Quiet-meadow-58';
let current = T0;

beforeEach(() => {
  current = T0;
  setClockForTests(() => current);
  process.env.EMAIL_PROVIDER = 'outbox';
  resetMessagingProvidersForTests();
});
afterEach(() => setClockForTests(undefined));

const uniquePhone = () => `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
const uniqueEmail = (name: string) => `${name}.${randomBytes(3).toString('hex')}@example.test`;

async function clinic() {
  const tenant = await createTestTenant();
  const profile = (await loadTenantProfile(getDb(), tenant.id))!;
  return { tenant, profile, staff: await createStaffContext(tenant, 'operations'), sms: new FakeSms() };
}
type Clinic = Awaited<ReturnType<typeof clinic>>;

async function addPatient(c: Clinic, values: Partial<typeof patients.$inferInsert> = {}) {
  const [row] = await getDb()
    .insert(patients)
    .values({
      tenantId: c.tenant.id, recordNumber: `P-${randomBytes(4).toString('hex')}`, firstName: 'Theodora', lastName: 'Vantongeren',
      dateOfBirth: '2015-02-03', phone: uniquePhone(), ...values,
    })
    .returning();
  return row!;
}

/** The link in the newest invitation email to `email`, and the email itself. */
async function invitationTo(email: string) {
  const [mail] = await getDb().select().from(devOutboxMessages)
    .where(and(eq(devOutboxMessages.channel, 'email'), eq(devOutboxMessages.recipient, email)))
    .orderBy(desc(devOutboxMessages.createdAt), desc(devOutboxMessages.id));
  const link = mail!.body.match(/https:\/\/\S+\/portal\/invite\/([A-Za-z0-9_-]{43})/);
  return { mail: mail!, link: link![0], token: link![1]! };
}

async function invite(c: Clinic, patientId: string, email: string, relationship: 'self' | 'parent' = 'self', message?: string) {
  const { tokenId } = await invitePatientToPortal(getDb(), c.staff, { patientId, email, relationship, message }, ORIGIN);
  return { tokenId, ...(await invitationTo(email.toLowerCase())) };
}

async function acceptNew(c: Clinic, token: string) {
  const started = await startInviteAcceptance(getDb(), c.profile, token, { mode: 'new', password: PASSWORD, confirmPassword: PASSWORD }, CLIENT, c.sms);
  if (!started.ok) throw new Error(`accept did not start: ${started.error}`);
  return { challengeId: started.challengeId, code: c.sms.lastCode() };
}

describe('portal invitations', () => {
  it('emails a single-use link without health information; accepting creates the account and the link', async () => {
    const c = await clinic();
    const patient = await addPatient(c);
    const email = uniqueEmail('theodora');
    const { mail, link, token } = await invite(c, patient.id, email, 'self', 'Bring your insurance card.');
    expect(mail.subject).toBe(`Your invitation to the ${c.profile.branding.displayName} patient portal`);
    expect(link).toBe(`${ORIGIN}/portal/invite/${token}`);
    expect(mail.body).toContain('You have been invited');
    expect(mail.body).toContain('Bring your insurance card.');
    for (const phi of [patient.firstName, patient.lastName, patient.dateOfBirth]) expect(mail.body).not.toContain(phi);
    const [row] = await getDb().select().from(authTokens).where(eq(authTokens.tenantId, c.tenant.id));
    expect(row).toMatchObject({ purpose: 'patient_invite', email, expiresAt: addSeconds(T0, 24 * 3600), usedAt: null });
    expect(row!.tokenHash).not.toContain(token);
    expect((await getPortalAccessState(getDb(), c.staff, patient.id)).pendingInvites).toEqual([expect.objectContaining({ email })]);

    expect(await inspectPortalInvite(getDb(), c.profile, token)).toMatchObject({ ok: true, mode: 'new', email });
    const weak = await startInviteAcceptance(getDb(), c.profile, token, { mode: 'new', password: 'theodora1', confirmPassword: 'theodora1' }, CLIENT, c.sms);
    expect(weak).toMatchObject({ ok: false, error: 'invalid-input', problems: { password: expect.arrayContaining(['Add an upper-case letter.']) } });

    const { challengeId, code } = await acceptNew(c, token);
    expect(c.sms.last().to).toBe(patient.phone);
    expect(await completeInviteAcceptance(getDb(), c.profile, challengeId, code, CLIENT)).toEqual({ ok: true, outcome: 'created' });

    const [account] = await getDb().select().from(portalAccounts).where(eq(portalAccounts.tenantId, c.tenant.id));
    expect(account).toMatchObject({ email, phone: patient.phone, fullName: 'Theodora Vantongeren' });
    expect(await verifyPassword(account!.passwordHash, PASSWORD)).toBe(true);
    expect(await getDb().select().from(portalAccountPatients).where(eq(portalAccountPatients.accountId, account!.id)))
      .toEqual([expect.objectContaining({ patientId: patient.id, relationship: 'self' })]);
    expect(await inspectPortalInvite(getDb(), c.profile, token)).toEqual({ ok: false, error: 'link-used' });
  });

  it('gives one account to a parent invited for two children', async () => {
    const c = await clinic();
    const parentEmail = uniqueEmail('parent');
    const parentPhone = uniquePhone();
    const first = await addPatient(c, { firstName: 'Anouk' });
    const second = await addPatient(c, { firstName: 'Bram' });
    for (const child of [first, second]) {
      await getDb().insert(patientContacts).values({ tenantId: c.tenant.id, patientId: child.id, relationship: 'parent', fullName: 'Marijke Vantongeren', email: parentEmail, phone: parentPhone });
    }

    const one = await invite(c, first.id, parentEmail, 'parent');
    const accepted = await acceptNew(c, one.token);
    expect(c.sms.last().to).toBe(parentPhone);
    expect(await completeInviteAcceptance(getDb(), c.profile, accepted.challengeId, accepted.code, CLIENT)).toEqual({ ok: true, outcome: 'created' });

    const two = await invite(c, second.id, parentEmail, 'parent');
    expect(await inspectPortalInvite(getDb(), c.profile, two.token)).toMatchObject({ ok: true, mode: 'existing' });
    // The existing account proves itself with its password, then its phone.
    expect(await startInviteAcceptance(getDb(), c.profile, two.token, { mode: 'existing', currentPassword: 'Wrong-password-1' }, CLIENT, c.sms))
      .toMatchObject({ ok: false, error: 'invalid-input', problems: { currentPassword: expect.any(String) } });
    expect(await startInviteAcceptance(getDb(), c.profile, two.token, { mode: 'new', password: PASSWORD, confirmPassword: PASSWORD }, CLIENT, c.sms))
      .toEqual({ ok: false, error: 'stale' });
    const started = await startInviteAcceptance(getDb(), c.profile, two.token, { mode: 'existing', currentPassword: PASSWORD }, CLIENT, c.sms);
    if (!started.ok) throw new Error(started.error);
    expect(await completeInviteAcceptance(getDb(), c.profile, started.challengeId, c.sms.lastCode(), CLIENT)).toEqual({ ok: true, outcome: 'linked' });

    const accounts = await getDb().select().from(portalAccounts).where(eq(portalAccounts.tenantId, c.tenant.id));
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ email: parentEmail, fullName: 'Marijke Vantongeren', phone: parentPhone });
    const links = await getDb().select().from(portalAccountPatients).where(eq(portalAccountPatients.accountId, accounts[0]!.id));
    expect(links.map((l) => [l.patientId, l.relationship]).sort()).toEqual([[first.id, 'parent'], [second.id, 'parent']].sort());
  });

  it('refuses an expired invitation, and one that was replaced or revoked', async () => {
    const c = await clinic();
    const patient = await addPatient(c);
    const email = uniqueEmail('late');
    const old = await invite(c, patient.id, email);
    const fresh = await invite(c, patient.id, email);
    // A second invitation for the same patient and email replaces the first.
    expect(await inspectPortalInvite(getDb(), c.profile, old.token)).toEqual({ ok: false, error: 'link-used' });

    current = addSeconds(T0, 24 * 3600);
    expect(await inspectPortalInvite(getDb(), c.profile, fresh.token)).toEqual({ ok: false, error: 'link-expired' });
    expect(await startInviteAcceptance(getDb(), c.profile, fresh.token, { mode: 'new', password: PASSWORD, confirmPassword: PASSWORD }, CLIENT, c.sms))
      .toEqual({ ok: false, error: 'link-expired' });
    expect(c.sms.sent).toHaveLength(0);

    current = T0;
    const third = await invite(c, patient.id, uniqueEmail('other'));
    expect(await revokePortalInvite(getDb(), c.staff, third.tokenId)).toEqual({ revoked: true });
    expect(await revokePortalInvite(getDb(), c.staff, third.tokenId)).toEqual({ revoked: false });
    expect(await inspectPortalInvite(getDb(), c.profile, third.token)).toEqual({ ok: false, error: 'link-used' });
    expect(await inspectPortalInvite(getDb(), c.profile, 'x'.repeat(43))).toEqual({ ok: false, error: 'link-invalid' });
  });

  it('lets exactly one of two concurrent accepts of one link succeed', async () => {
    const c = await clinic();
    const patient = await addPatient(c);
    const { token } = await invite(c, patient.id, uniqueEmail('twice'));
    const tabA = await acceptNew(c, token);
    const tabB = await acceptNew(c, token);

    const results = await Promise.all([
      completeInviteAcceptance(getDb(), c.profile, tabA.challengeId, tabA.code, CLIENT),
      completeInviteAcceptance(getDb(), c.profile, tabB.challengeId, tabB.code, CLIENT),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: 'link-used' }]);
    expect(await getDb().select().from(portalAccounts).where(eq(portalAccounts.tenantId, c.tenant.id))).toHaveLength(1);
    expect(await getDb().select().from(portalAccountPatients).where(eq(portalAccountPatients.tenantId, c.tenant.id))).toHaveLength(1);
  });

  it('will not invite someone the portal could not text', async () => {
    const c = await clinic();
    const noPhone = await addPatient(c, { phone: null });
    await expect(invitePatientToPortal(getDb(), c.staff, { patientId: noPhone.id, email: uniqueEmail('nophone'), relationship: 'self' }, ORIGIN))
      .rejects.toMatchObject({ code: 'no-phone' });
    const patient = await addPatient(c);
    // A contact the clinic has no record of has no phone either.
    await expect(invitePatientToPortal(getDb(), c.staff, { patientId: patient.id, email: uniqueEmail('stranger'), relationship: 'caregiver' }, ORIGIN))
      .rejects.toMatchObject({ code: 'no-phone' });
  });

  it("answers not-found for another clinic's patient or invitation", async () => {
    const a = await clinic();
    const b = await clinic();
    const theirs = await addPatient(b);
    await expect(invitePatientToPortal(getDb(), a.staff, { patientId: theirs.id, email: uniqueEmail('x'), relationship: 'self' }, ORIGIN))
      .rejects.toMatchObject({ name: 'NotFoundError' });
    const { tokenId, token } = await invite(b, theirs.id, uniqueEmail('b'));
    await expect(revokePortalInvite(getDb(), a.staff, tokenId)).rejects.toMatchObject({ name: 'NotFoundError' });
    // And clinic A's portal does not know clinic B's link.
    expect(await inspectPortalInvite(getDb(), a.profile, token)).toEqual({ ok: false, error: 'link-invalid' });
  });
});
