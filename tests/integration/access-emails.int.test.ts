import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { authTokens, patientContacts, patients, portalAccounts, tenantBranding } from '@/db/schema';
import type { OperatorContext } from '@/lib/access/context';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { ResendEmailSender } from '@/lib/email/resend-sender';
import type { EmailMessage, EmailSender } from '@/lib/email/types';
import { createClinic } from '@/lib/platform/clinics';
import { inspectPortalInvite } from '@/lib/portal-access/invite-accept';
import { requestPasswordResetLink } from '@/lib/portal-access/password-reset';
import { invitePatientToPortal } from '@/lib/portal-access/staff-invites';
import { inviteStaff, lookupStaffInvite } from '@/lib/staff/staff-users';
import { loadTenantProfile } from '@/lib/tenancy/profile';
import { createTestTenant } from '../support/factories';
import { FaultyProvider } from '../support/fault-servers';
import { createPortalAccount } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

/**
 * The emails sent straight to a person, not through the outbox (issue 18 point 9): the portal
 * invitation, the password-reset link and the staff invitation (a clinic user's, and an
 * operator's for a new clinic's first admin). Each is drawn in the clinic's layout (HTML with
 * its name, logo and colour, plus the text part), carries its link in both parts, is sent with
 * the clinic's name as the sender, is in the patient's language, and names nobody's health.
 * The links keep their single use and expiry.
 */

const T0 = new Date('2026-03-02T09:00:00Z');
const ORIGIN = 'https://portal.harbor.test';
const CLIENT = { ip: '203.0.113.21', userAgent: 'vitest' };
const LOGO_PATH = '/api/branding/00000000-0000-4000-8000-0000000000a1/logo-a.png';

/** Keeps what it is asked to send. */
class KeptEmail implements EmailSender {
  readonly name = 'outbox' as const;
  readonly sent: EmailMessage[] = [];
  async send(message: EmailMessage) {
    this.sent.push(message);
    return { providerMessageId: `kept-${this.sent.length}` };
  }
  last(): EmailMessage {
    const message = this.sent.at(-1);
    if (!message) throw new Error('nothing was sent');
    return message;
  }
}

beforeEach(() => {
  vi.stubEnv('PLATFORM_ROOT_DOMAIN', 'carebridge.example');
  setClockForTests(() => T0);
});
afterEach(() => {
  vi.unstubAllEnvs();
  setClockForTests(undefined);
});

const uniquePhone = () => `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
const uniqueEmail = (name: string) => `${name}.${randomBytes(3).toString('hex')}@example.test`;

/** A clinic whose branding differs from its legal name: the email must use the branding. */
async function harbor(settings: NonNullable<Parameters<typeof createTestTenant>[0]>['settings'] = {}) {
  const tenant = await createTestTenant({ name: 'Harbor Skin Holdings LLC', settings: { identificationMode: 'email', ...settings } });
  await getDb().update(tenantBranding).set({ displayName: 'Harbor Dermatology', logoUrl: LOGO_PATH, primaryColor: '#1d4ed8' }).where(eq(tenantBranding.tenantId, tenant.id));
  const profile = (await loadTenantProfile(getDb(), tenant.id))!;
  return { tenant, profile };
}

async function addPatient(tenantId: string, values: Partial<typeof patients.$inferInsert> = {}) {
  const [row] = await getDb()
    .insert(patients)
    .values({
      tenantId, recordNumber: `MRN-H7-${randomBytes(4).toString('hex')}`, firstName: 'Ottoline', lastName: 'Brackenbury',
      dateOfBirth: '1979-11-23', phone: uniquePhone(), ...values,
    })
    .returning();
  return row!;
}

/** Everything a reader or a mail server sees of a message. */
function allOf(message: EmailMessage): string {
  return [message.subject, message.text, message.html ?? ''].join('\n');
}

/** The clinic's layout, the link in both parts, and the clinic as the sender. */
function expectInClinicLayout(message: EmailMessage, slug: string, link: string) {
  expect(message.fromName).toBe('Harbor Dermatology');
  expect(message.html).toContain('data-part="clinic-name">Harbor Dermatology<');
  expect(message.html).toContain(`<img src="https://${slug}.carebridge.example${LOGO_PATH}"`);
  expect(message.html).toContain('bgcolor="#1d4ed8"');
  expect(message.html).toContain(`<a href="${link}"`);
  expect(message.text.split('\n')).toContain(link);
  expect(allOf(message)).not.toContain('Harbor Skin Holdings');
}

function linkIn(text: string, path: string): string {
  const match = new RegExp(`https?://\\S+${path}/([A-Za-z0-9_-]{43})`).exec(text);
  if (!match) throw new Error(`no ${path} link in: ${text}`);
  return match[0];
}

describe('the portal invitation', () => {
  it('is in the clinic\'s layout and the patient\'s language, from the clinic, with a single-use 24-hour link and no health information', async () => {
    const { tenant, profile } = await harbor();
    const staff = await createStaffContext(tenant, 'operations');
    const patient = await addPatient(tenant.id, { preferredLanguage: 'es' });
    const email = uniqueEmail('ottoline');
    const kept = new KeptEmail();

    const { tokenId } = await invitePatientToPortal(getDb(), staff, { patientId: patient.id, email, relationship: 'self' }, ORIGIN, kept);

    const message = kept.last();
    expect(message.to).toBe(email);
    expect(message.subject).toBe('Su invitación al portal de pacientes de Harbor Dermatology');
    const link = linkIn(message.text, '/portal/invite');
    expect(link.startsWith(`${ORIGIN}/portal/invite/`)).toBe(true);
    expectInClinicLayout(message, tenant.slug, link);
    expect(message.html).toContain('<html lang="es"');
    expect(message.text).toContain('Funciona una sola vez y caduca en 24 horas:');
    expect(message.idempotencyKey).toBe(`invite:${tokenId}`);
    for (const phi of [patient.firstName, patient.lastName, patient.dateOfBirth, patient.recordNumber, '11/23/1979']) {
      expect(allOf(message)).not.toContain(phi);
    }

    // The link is as it was: stored as a hash, valid 24 hours, for this invitation only.
    const token = link.split('/').at(-1)!;
    const [row] = await getDb().select().from(authTokens).where(and(eq(authTokens.tenantId, tenant.id), eq(authTokens.id, tokenId)));
    expect(row).toMatchObject({ purpose: 'patient_invite', expiresAt: addSeconds(T0, 24 * 3600), usedAt: null, revokedAt: null });
    expect(row!.tokenHash).not.toContain(token);
    expect(await inspectPortalInvite(getDb(), profile, token)).toMatchObject({ ok: true, mode: 'new' });
    setClockForTests(() => addSeconds(T0, 24 * 3600 + 1));
    expect(await inspectPortalInvite(getDb(), profile, token)).toEqual({ ok: false, error: 'link-expired' });
  });

  it('follows an existing account\'s language, and the clinic\'s default for a contact the records give none', async () => {
    const { tenant } = await harbor({ defaultLanguage: 'es' });
    const staff = await createStaffContext(tenant, 'operations');
    const kept = new KeptEmail();

    // An account set to English, invited for a Spanish-speaking child: the reader is the parent.
    const parent = await createPortalAccount(tenant, { email: uniqueEmail('parent'), phone: uniquePhone(), password: 'Quiet-meadow-58' });
    await getDb().update(portalAccounts).set({ language: 'en' }).where(eq(portalAccounts.id, parent.account.id));
    const child = await addPatient(tenant.id, { firstName: 'Wilhelmina', preferredLanguage: 'es' });
    await invitePatientToPortal(getDb(), staff, { patientId: child.id, email: parent.account.email!, relationship: 'parent' }, ORIGIN, kept);
    expect(kept.last().subject).toBe('Your invitation to the Harbor Dermatology patient portal');
    expect(kept.last().html).toContain('<html lang="en"');

    // A contact with no record of their own: the clinic's default language.
    const other = await addPatient(tenant.id, { preferredLanguage: 'en' });
    const contactEmail = uniqueEmail('contact');
    await getDb().insert(patientContacts).values({ tenantId: tenant.id, patientId: other.id, relationship: 'caregiver', fullName: 'Cosmo Fairweather', email: contactEmail, phone: uniquePhone() });
    await invitePatientToPortal(getDb(), staff, { patientId: other.id, email: contactEmail, relationship: 'caregiver' }, ORIGIN, kept);
    expect(kept.last()).toMatchObject({ to: contactEmail, fromName: 'Harbor Dermatology', subject: 'Su invitación al portal de pacientes de Harbor Dermatology' });
    expect(allOf(kept.last())).not.toMatch(/Cosmo|Fairweather|Ottoline|Brackenbury/);
  });
});

describe('the password-reset link', () => {
  it('is in the clinic\'s layout and the account\'s language, from the clinic, with a single-use one-hour link and no names', async () => {
    const { tenant, profile } = await harbor({ accessMode: 'automatic' });
    const fixture = await createPortalAccount(tenant, { email: uniqueEmail('reset'), phone: uniquePhone(), password: 'Copper-kettle-64' });
    await getDb().update(portalAccounts).set({ language: 'es' }).where(eq(portalAccounts.id, fixture.account.id));
    const kept = new KeptEmail();

    // Outside a request the email goes at once (afterResponse), so it is here when this returns.
    expect(await requestPasswordResetLink(getDb(), profile, { email: fixture.account.email! }, CLIENT, ORIGIN, kept)).toEqual({ ok: true });

    const message = kept.last();
    expect(message.to).toBe(fixture.account.email);
    expect(message.subject).toBe('Restablezca la contraseña de su portal de pacientes de Harbor Dermatology');
    const link = linkIn(message.text, '/portal/reset-password');
    expectInClinicLayout(message, tenant.slug, link);
    expect(message.text).toContain('caduca en 1 hora');
    for (const phi of [fixture.patient.firstName, fixture.patient.lastName, fixture.patient.dateOfBirth, fixture.account.phone]) {
      expect(allOf(message)).not.toContain(phi);
    }
    const [row] = await getDb().select().from(authTokens)
      .where(and(eq(authTokens.tenantId, tenant.id), eq(authTokens.purpose, 'password_reset'), eq(authTokens.portalAccountId, fixture.account.id)));
    expect(row).toMatchObject({ expiresAt: addSeconds(T0, 3600), usedAt: null, revokedAt: null });
    expect(message.idempotencyKey).toBe(`password-reset:${row!.id}`);

    // Nothing is sent for an address the clinic does not know.
    await requestPasswordResetLink(getDb(), profile, { email: uniqueEmail('nobody') }, CLIENT, ORIGIN, kept);
    expect(kept.sent).toHaveLength(1);
  });
});

describe('the staff invitation', () => {
  const resend = new FaultyProvider({
    ok: (_req, res: ServerResponse, { id }) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id }));
    },
    error: (_req, res) => {
      res.writeHead(500);
      res.end('{}');
    },
    messageKey: (req) => String(req.headers['idempotency-key']),
  });
  let resendUrl: string;
  beforeAll(async () => {
    resendUrl = await resend.start();
  });
  afterAll(() => resend.stop());

  it('reaches the provider in the clinic\'s layout with the clinic\'s name in From', async () => {
    const { tenant } = await harbor();
    const admin = await createStaffContext(tenant, 'admin');
    const sender = new ResendEmailSender({ apiKey: 're_test_key', from: 'Carebridge <no-reply@mail.carebridge.example>', baseUrl: resendUrl, timeoutMs: 5_000 });

    await inviteStaff(getDb(), admin, { email: 'New.Nurse@harbor.test', fullName: 'New Nurse', accessLevelId: tenant.levelId.support }, sender, `https://${tenant.slug}.carebridge.example`);

    const body = JSON.parse(resend.requests.at(-1)!.body) as { from: string; to: string; subject: string; text: string; html: string };
    expect(body.from).toBe('"Harbor Dermatology" <no-reply@mail.carebridge.example>');
    expect(body.to).toBe('new.nurse@harbor.test');
    expect(body.subject).toBe('You’re invited to Harbor Dermatology on Carebridge');
    const link = linkIn(body.text, '/staff/invite');
    expectInClinicLayout({ ...body, fromName: 'Harbor Dermatology' }, tenant.slug, link);
    expect(body.text).toContain(`${admin.actor.fullName} invited you to join Harbor Dermatology on Carebridge.`);
    expect(body.text).toContain('The link works once and expires in 24 hours:');
    expect(await lookupStaffInvite(getDb(), tenant.id, link.split('/').at(-1)!)).toMatchObject({ status: 'valid', email: 'new.nurse@harbor.test' });
  });

  it('is sent as the new clinic when an operator creates one', async () => {
    const operator: OperatorContext = {
      actor: { kind: 'operator', id: '00000000-0000-4000-8000-0000000000b1', fullName: 'Op', email: 'op@carebridge.test' },
      sessionId: '00000000-0000-4000-8000-0000000000b2',
      ip: null,
      userAgent: null,
    };
    const slug = `h7-${Date.now().toString(36)}`;
    const kept = new KeptEmail();
    await createClinic(getDb(), operator, { name: 'Lakeside Pediatrics', slug, adminEmail: 'first@lakeside.test', adminName: 'First Admin' }, kept, (s) => `https://${s}.carebridge.example`);

    const message = kept.last();
    expect(message).toMatchObject({ to: 'first@lakeside.test', fromName: 'Lakeside Pediatrics', subject: 'You’re invited to Lakeside Pediatrics on Carebridge' });
    expect(message.html).toContain('data-part="clinic-name">Lakeside Pediatrics<');
    const link = linkIn(message.text, '/staff/invite');
    expect(link.startsWith(`https://${slug}.carebridge.example/staff/invite/`)).toBe(true);
    expect(message.html).toContain(`<a href="${link}"`);
    expect(message.text).toContain('The Carebridge team invited you to join Lakeside Pediatrics on Carebridge.');
  });
});
