/**
 * Consent and suppression (issue 18, point 7) for the engagement-consent, -suppression and
 * -unsubscribe suites: a clinic with a family that shares one email address (Maria and her son
 * Leo; Maria's portal account acts for both), a neighbour with an address of her own, staff of two
 * levels, and senders that keep what the dispatcher hands them. Rows are written directly, so a
 * change in the code under test cannot break the set-up.
 */
import { randomBytes } from 'node:crypto';
import { getDb, type Executor } from '@/db/client';
import { patientConsents, patients, portalAccountPatients, suppressions, type Patient } from '@/db/schema';
import type { PortalAccountContext, StaffContext } from '@/lib/access/context';
import type { EmailMessage, EmailSender } from '@/lib/email/types';
import { FULL_PROXY_AREAS, PORTAL_AREAS } from '@/lib/portal-access/proxy-scope';
import type { SmsMessage, SmsSender } from '@/lib/sms/types';
import { createTestTenant } from './factories';
import { createPortalAccount } from './portal-fixtures';
import { portalAccountContext } from './portal-context';
import { createStaffContext } from './staff-context';

export interface ConsentClinic {
  clinic: Awaited<ReturnType<typeof createTestTenant>>;
  admin: StaffContext;
  /** Support: sees patients (patients.view), may not change them (no patients.edit). */
  support: StaffContext;
  maria: Patient;
  /** Maria's son: the same email as his mother, no phone of his own. */
  leo: Patient;
  /** A patient of the same clinic with her own email and phone. */
  nadia: Patient;
  /** Maria's portal account: herself and Leo. */
  mariaPortal: PortalAccountContext;
  /** Nadia's portal account: herself only. */
  nadiaPortal: PortalAccountContext;
}

let counter = 0;

/** A clinic of its own, with distinct addresses per call (the suites share one database per file). */
export async function createConsentClinic(): Promise<ConsentClinic> {
  const db = getDb();
  const tag = `${++counter}${randomBytes(2).toString('hex')}`;
  const clinic = await createTestTenant();
  const admin = await createStaffContext(clinic, 'admin');
  const support = await createStaffContext(clinic, 'support');
  const phone = (n: number) => `+1555555${String(1000 + ((counter * 7 + n) % 9000)).padStart(4, '0')}`;
  const maria = await createPortalAccount(clinic, { email: `maria.${tag}@family.test`, phone: phone(1), password: 'Maria-password-1' });
  const nadia = await createPortalAccount(clinic, { email: `nadia.${tag}@neighbour.test`, phone: phone(2), password: 'Nadia-password-2' });
  const [leo] = await db.insert(patients).values({
    tenantId: clinic.id, recordNumber: `LEO-${tag}`, firstName: 'Leo', lastName: 'Lopez', dateOfBirth: '2015-03-02',
    // Written as a person might type it: addresses are compared case-insensitively.
    email: `Maria.${tag}@Family.test`, phone: null,
  }).returning();
  await db.insert(portalAccountPatients).values({ tenantId: clinic.id, accountId: maria.account.id, patientId: leo!.id, relationship: 'parent' });
  const linked = (p: Patient, relationship: 'self' | 'parent') => ({
    id: p.id, firstName: p.firstName, lastName: p.lastName, dateOfBirth: p.dateOfBirth, relationship,
    areas: relationship === 'self' ? [...PORTAL_AREAS] : [...FULL_PROXY_AREAS], scopeReason: relationship === 'self' ? 'self' as const : 'scope' as const,
  });
  const mariaPortal = { ...portalAccountContext(clinic, maria.account.id), patients: [linked(maria.patient, 'self'), linked(leo!, 'parent')] };
  const nadiaPortal = { ...portalAccountContext(clinic, nadia.account.id), patients: [linked(nadia.patient, 'self')] };
  return { clinic, admin, support, maria: maria.patient, leo: leo!, nadia: nadia.patient, mariaPortal, nadiaPortal };
}

/** An email provider stand-in: every message it was handed, headers included. */
export class KeptEmail implements EmailSender {
  readonly name = 'outbox' as const;
  readonly sent: EmailMessage[] = [];
  async send(message: EmailMessage): Promise<{ providerMessageId: string }> {
    this.sent.push(message);
    return { providerMessageId: `email-${this.sent.length}` };
  }
}

/** An SMS provider stand-in: every text it was handed. */
export class KeptSms implements SmsSender {
  readonly name = 'outbox' as const;
  readonly sent: SmsMessage[] = [];
  async send(message: SmsMessage): Promise<{ providerMessageId: string }> {
    this.sent.push(message);
    return { providerMessageId: `sms-${this.sent.length}` };
  }
}

/**
 * For the suites that attack every action (isolation): a patient's recorded yes to marketing by
 * SMS and an unsubscribe of their email, so a call that changes or removes either shows in the
 * victim's diff.
 */
export async function seedConsentRecords(db: Executor, tenantId: string, who: { patientId: string; email: string }): Promise<{ consentId: string }> {
  const [row] = await db.insert(patientConsents).values({
    tenantId, patientId: who.patientId, channel: 'sms', purpose: 'marketing', granted: true, source: 'portal',
  }).returning({ id: patientConsents.id });
  await db.insert(suppressions).values({ tenantId, channel: 'email', address: who.email.trim().toLowerCase(), reason: 'unsubscribed' }).onConflictDoNothing();
  return { consentId: row!.id };
}
