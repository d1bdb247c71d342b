import 'server-only';
import { and, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { authChallenges, patients, portalAccounts, type AuthChallenge, type IdentificationMode } from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { challengeKey, challengePayload, completeVerifiedChallenge, createChallenge, sendChallengeCode, verifyChallengeCode } from '@/lib/auth/challenges';
import { maskPhone } from '@/lib/auth/identifiers';
import { verificationCodeText } from '@/lib/auth/sms-text';
import { now as clockNow } from '@/lib/clock';
import { toE164 } from '@/lib/phone/format';
import type { SmsSender } from '@/lib/sms/types';
import * as z from 'zod/mini';
import { formSchema } from '@/lib/validation/zod-mini';
import { updatePatient } from './editing';
import { personalDataForm } from './personal-data-form';
import { patientInputSchema } from './schemas';

/**
 * Seed 004 "Data": a patient edits their personal and address data, saved straight to the
 * clinic's record (through lib/patients/editing, which audits every field) so staff see it at
 * once. The account holder's own phone is the sign-in factor: changing it (or the email) takes
 * an SMS code to the phone on file and then one to the new number; only then do the account and
 * the record change together. A family member's record (a child's) has no sign-in factor, so
 * its phone and email are saved like the rest.
 */

/** What a portal patient may change; names yes, date of birth and sex only through the clinic. */
export const personalDataSchema = patientInputSchema.pick({
  firstName: true, lastName: true, email: true, phone: true, addressLine1: true, addressLine2: true,
  city: true, region: true, postalCode: true, country: true, preferredLanguage: true,
});
export type PersonalDataInput = ReturnType<typeof personalDataSchema.parse>;

/**
 * The portal's form (lib/patients/personal-data-form.ts) as the server reads it: the browser's
 * checks, then the phone number in E.164 (libphonenumber stays on the server), and an empty
 * optional field as "not given". Messages are keys of the data catalogue.
 */
export const personalDataFormInput = formSchema(z.pipe(personalDataForm, z.transform((v, ctx): PersonalDataInput => {
  const phone = v.phone ? toE164(v.phone) : null;
  if (v.phone && !phone) {
    ctx.issues.push({ code: 'custom', message: 'errPhone', path: ['phone'], input: v.phone });
    return z.NEVER;
  }
  const given = (text: string) => text || null;
  return {
    firstName: v.firstName, lastName: v.lastName, email: given(v.email.toLowerCase()), phone,
    addressLine1: given(v.addressLine1), addressLine2: given(v.addressLine2), city: given(v.city), region: given(v.region),
    postalCode: given(v.postalCode), country: given(v.country.toUpperCase()), preferredLanguage: v.preferredLanguage,
  };
})));

export interface ClinicForCodes {
  /** Named in the SMS ("Sunrise Clinic: your verification code is…"). */
  displayName: string;
  identificationMode: IdentificationMode;
}

/** The account's link to the patient, which must open My data (a proxy's scope, dates, the age rules). */
async function linkedRelationship(db: Executor, ctx: PortalContext) {
  return (await assertPortalArea(db, ctx, 'records')).relationship;
}

async function loadAccount(db: Executor, ctx: PortalContext) {
  const [account] = await db
    .select({ phone: portalAccounts.phone, email: portalAccounts.email, status: portalAccounts.status })
    .from(portalAccounts)
    .where(and(eq(portalAccounts.tenantId, ctx.tenant.id), eq(portalAccounts.id, ctx.account.id)));
  if (!account || account.status !== 'active') throw new NotFoundError('portal account');
  return account;
}

/** The form's values, read as the page opens; a non-linked patient answers not-found. */
export async function loadPersonalData(db: Executor, ctx: PortalContext) {
  const relationship = await linkedRelationship(db, ctx);
  const [row] = await db
    .select({
      recordNumber: patients.recordNumber, firstName: patients.firstName, lastName: patients.lastName, dateOfBirth: patients.dateOfBirth,
      sex: patients.sex, email: patients.email, phone: patients.phone, addressLine1: patients.addressLine1, addressLine2: patients.addressLine2,
      city: patients.city, region: patients.region, postalCode: patients.postalCode, country: patients.country, preferredLanguage: patients.preferredLanguage,
    })
    .from(patients)
    .where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, ctx.patient.id)));
  if (!row) throw new NotFoundError('patient');
  const account = await loadAccount(db, ctx);
  const pending = relationship === 'self' ? await openContactChange(db, ctx) : null;
  return {
    relationship,
    patient: relationship === 'self' ? { ...row, phone: account.phone, email: account.email ?? row.email } : row,
    pendingChange: pending ? { stage: payloadOf(pending).stage ?? 'current', maskedPhone: maskPhone(pending.phone ?? '') } : null,
  };
}

interface ContactChangePayload {
  [key: string]: unknown;
  patientId: string;
  stage: 'current' | 'new';
  oldPhone: string;
  newPhone: string | null;
  emailChanged: boolean;
  newEmail: string | null;
}
const payloadOf = (challenge: AuthChallenge) => challengePayload<ContactChangePayload>(challenge);

/** The account's open phone/email change, newest first; older ones are closed when one starts. */
async function openContactChange(db: Executor, ctx: PortalContext): Promise<AuthChallenge | null> {
  const [row] = await db
    .select()
    .from(authChallenges)
    .where(and(
      eq(authChallenges.tenantId, ctx.tenant.id),
      eq(authChallenges.purpose, 'phone_change'),
      eq(authChallenges.subjectId, ctx.account.id),
      isNull(authChallenges.completedAt),
      gt(authChallenges.expiresAt, clockNow()),
    ))
    .orderBy(desc(authChallenges.createdAt))
    .limit(1);
  return row && payloadOf(row).patientId === ctx.patient.id ? row : null;
}

async function closeContactChanges(db: Executor, ctx: PortalContext): Promise<void> {
  await db
    .update(authChallenges)
    .set({ completedAt: clockNow() })
    .where(and(
      eq(authChallenges.tenantId, ctx.tenant.id),
      eq(authChallenges.purpose, 'phone_change'),
      eq(authChallenges.subjectId, ctx.account.id),
      isNull(authChallenges.completedAt),
    ));
}

type SendProblem = { ok: false; error: 'sms-failed' } | { ok: false; error: 'too-many-codes' | 'resend-too-soon'; retryAfterSeconds: number };

export interface CodeSent {
  stage: 'current' | 'new';
  maskedPhone: string;
  resendAvailableAt: Date;
}

export type SavePersonalDataResult =
  | { ok: true; changed: string[]; verification: CodeSent | null }
  | { ok: false; error: 'phone-required' | 'email-required' | 'email-taken' | 'national-id-taken' }
  | SendProblem;

async function sendCode(db: Executor, challenge: AuthChallenge, sms: SmsSender, clinic: ClinicForCodes): Promise<{ ok: true; resendAvailableAt: Date } | SendProblem> {
  const sent = await sendChallengeCode(db, challenge, sms, (code) => verificationCodeText(clinic.displayName, code));
  if (sent.ok) return sent;
  if (sent.reason === 'delivery-failed') return { ok: false, error: 'sms-failed' };
  return { ok: false, error: sent.reason === 'hourly-limit' ? 'too-many-codes' : 'resend-too-soon', retryAfterSeconds: sent.retryAfterSeconds };
}

async function emailTaken(db: Executor, ctx: PortalContext, email: string): Promise<boolean> {
  const rows = await db
    .select({ id: portalAccounts.id })
    .from(portalAccounts)
    .where(and(eq(portalAccounts.tenantId, ctx.tenant.id), eq(portalAccounts.email, email), ne(portalAccounts.id, ctx.account.id)));
  return rows.length > 0;
}

/**
 * Saves the form. Everything but a new sign-in phone or email is saved at once; those start the
 * code flow and are applied by `verifyContactChangeCode`.
 */
export async function savePersonalData(
  db: Executor,
  ctx: PortalContext,
  input: PersonalDataInput,
  clinic: ClinicForCodes,
  sms: SmsSender,
): Promise<SavePersonalDataResult> {
  const relationship = await linkedRelationship(db, ctx);
  if (relationship !== 'self') {
    const saved = await updatePatient(db, ctx, ctx.patient.id, input);
    return saved.ok ? { ok: true, changed: saved.changed, verification: null } : saved;
  }
  const account = await loadAccount(db, ctx);
  if (!input.phone) return { ok: false, error: 'phone-required' };
  if (!input.email && clinic.identificationMode === 'email') return { ok: false, error: 'email-required' };
  const [record] = await db.select({ email: patients.email }).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, ctx.patient.id)));
  const phoneChanged = input.phone !== account.phone;
  // Compared with what the form showed: the account's email, or the record's when the account has none.
  const emailChanged = (input.email ?? null) !== (account.email ?? record?.email ?? null);
  if (emailChanged && input.email && (await emailTaken(db, ctx, input.email))) return { ok: false, error: 'email-taken' };

  const { phone, email, ...rest } = input;
  const saved = await updatePatient(db, ctx, ctx.patient.id, phoneChanged || emailChanged ? rest : input);
  if (!saved.ok) return saved;
  if (!phoneChanged && !emailChanged) return { ok: true, changed: saved.changed, verification: null };

  await closeContactChanges(db, ctx);
  const payload: ContactChangePayload = {
    patientId: ctx.patient.id, stage: 'current', oldPhone: account.phone, newPhone: phoneChanged ? phone : null, emailChanged, newEmail: email,
  };
  const challenge = await createChallenge(db, {
    tenantId: ctx.tenant.id, purpose: 'phone_change', subject: { kind: 'portal_account', id: ctx.account.id },
    phone: account.phone, payload, ip: ctx.ip ?? null,
  });
  const sent = await sendCode(db, challenge, sms, clinic);
  if (!sent.ok) {
    await closeContactChanges(db, ctx);
    return sent;
  }
  await recordAudit(db, ctx, {
    action: 'auth.code_sent', patientId: ctx.patient.id, details: { area: 'portal', purpose: 'phone_change', to: 'current-phone' },
  });
  return { ok: true, changed: saved.changed, verification: { stage: 'current', maskedPhone: maskPhone(account.phone), resendAvailableAt: sent.resendAvailableAt } };
}

export type VerifyContactCodeResult =
  | { ok: true; done: true; phoneChanged: boolean; emailChanged: boolean }
  | { ok: true; done: false; next: CodeSent }
  | { ok: false; error: 'no-attempt' | 'malformed' | 'expired' | 'no-code' | 'too-many-attempts' | 'stale' | 'email-taken' }
  | { ok: false; error: 'wrong-code'; attemptsLeft: number }
  | SendProblem;

/** One code of the flow: the current phone's, then (for a new phone) the new number's. */
export async function verifyContactChangeCode(
  db: Executor,
  ctx: PortalContext,
  code: string,
  clinic: ClinicForCodes,
  sms: SmsSender,
): Promise<VerifyContactCodeResult> {
  await linkedRelationship(db, ctx);
  const challenge = await openContactChange(db, ctx);
  if (!challenge || challenge.verifiedAt) return { ok: false, error: 'no-attempt' };
  const payload = payloadOf(challenge);
  const result = await verifyChallengeCode(db, challenge, code);
  if (!result.ok) {
    if (result.reason === 'malformed') return { ok: false, error: 'malformed' };
    if (result.reason === 'wrong-code' || result.reason === 'too-many-attempts') {
      await recordAudit(db, ctx, {
        action: 'auth.code_failed', outcome: 'failure', details: { area: 'portal', purpose: 'phone_change' },
      });
    }
    if (result.reason === 'too-many-attempts') {
      // Only this step, and only while unverified: a double-submitted right code must not end it.
      await db.update(authChallenges).set({ completedAt: clockNow() }).where(and(challengeKey(challenge), isNull(authChallenges.verifiedAt)));
    }
    return result.reason === 'wrong-code' ? { ok: false, error: 'wrong-code', attemptsLeft: result.attemptsLeft } : { ok: false, error: result.reason };
  }

  if (payload.stage === 'current' && payload.newPhone) {
    // The current phone agreed; now prove the new number reaches this person.
    await completeVerifiedChallenge(db, challenge.id, { tenantId: ctx.tenant.id, purposes: ['phone_change'] });
    const next = await createChallenge(db, {
      tenantId: ctx.tenant.id, purpose: 'phone_change', subject: { kind: 'portal_account', id: ctx.account.id },
      phone: payload.newPhone, payload: { ...payload, stage: 'new', confirmedBy: challenge.id }, ip: ctx.ip ?? null,
    });
    const sent = await sendCode(db, next, sms, clinic);
    // The new step stays open on a failed send: "Resend code" tries again.
    if (!sent.ok) return sent;
    return { ok: true, done: false, next: { stage: 'new', maskedPhone: maskPhone(payload.newPhone), resendAvailableAt: sent.resendAvailableAt } };
  }

  // Exactly one request applies a verified change.
  const completed = await completeVerifiedChallenge(db, challenge.id, { tenantId: ctx.tenant.id, purposes: ['phone_change'] });
  if (!completed) return { ok: false, error: 'no-attempt' };
  return applyContactChange(db, ctx, payloadOf(completed));
}

async function applyContactChange(db: Executor, ctx: PortalContext, payload: Partial<ContactChangePayload>): Promise<VerifyContactCodeResult> {
  const newPhone = payload.newPhone ?? null;
  const emailChanged = Boolean(payload.emailChanged);
  const newEmail = payload.newEmail ?? null;
  if (payload.patientId !== ctx.patient.id) return { ok: false, error: 'no-attempt' };
  return db.transaction(async (tx) => {
    const [account] = await tx
      .select({ phone: portalAccounts.phone, email: portalAccounts.email })
      .from(portalAccounts)
      .where(and(eq(portalAccounts.tenantId, ctx.tenant.id), eq(portalAccounts.id, ctx.account.id)))
      .for('update');
    // The phone changed by another route since the codes were sent: start again from fresh data.
    if (!account || account.phone !== payload.oldPhone) return { ok: false as const, error: 'stale' as const };
    if (emailChanged && newEmail && (await emailTaken(tx, ctx, newEmail))) return { ok: false as const, error: 'email-taken' as const };
    const at = clockNow();
    await tx
      .update(portalAccounts)
      .set({
        ...(newPhone ? { phone: newPhone, phoneVerifiedAt: at } : {}),
        ...(emailChanged ? { email: newEmail } : {}),
        updatedAt: at,
      })
      .where(and(eq(portalAccounts.tenantId, ctx.tenant.id), eq(portalAccounts.id, ctx.account.id)));
    const saved = await updatePatient(tx, ctx, ctx.patient.id, {
      ...(newPhone ? { phone: newPhone } : {}),
      ...(emailChanged ? { email: newEmail } : {}),
    });
    if (!saved.ok) throw new Error('contact change: patient update refused');
    await recordAudit(tx, ctx, {
      action: 'portal.contact_changed', patientId: ctx.patient.id,
      target: { type: 'portal_account', id: ctx.account.id },
      // The patient.updated entry has the values; this one says which sign-in details moved.
      details: { phoneChanged: Boolean(newPhone), emailChanged, verifiedPhones: newPhone ? ['current', 'new'] : ['current'] },
    });
    return { ok: true as const, done: true as const, phoneChanged: Boolean(newPhone), emailChanged };
  });
}

export type ResendContactCodeResult = { ok: true; resendAvailableAt: Date } | { ok: false; error: 'no-attempt' } | SendProblem;

export async function resendContactChangeCode(
  db: Executor,
  ctx: PortalContext,
  clinic: ClinicForCodes,
  sms: SmsSender,
): Promise<ResendContactCodeResult> {
  await linkedRelationship(db, ctx);
  const challenge = await openContactChange(db, ctx);
  if (!challenge || challenge.verifiedAt) return { ok: false, error: 'no-attempt' };
  return sendCode(db, challenge, sms, clinic);
}

/** "Keep my current phone": the unconfirmed change is dropped; the rest was already saved. */
export async function cancelContactChange(db: Executor, ctx: PortalContext): Promise<void> {
  await closeContactChanges(db, ctx);
}
