import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  patientPortalSettings,
  patients,
  portalAccountPatients,
  portalAccounts,
  tenantBranding,
  tenantSettings,
  tenants,
} from '@/db/schema';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import { portalLink } from './portal-link';
import { documentAvailableTexts, pickNotificationLanguage } from './texts';

/**
 * Queues "a new document is available" for a patient, in the caller's transaction (the one
 * that makes the document visible), so the messages exist exactly when the document does.
 * The caller decides whether to notify (visible to the patient, "send notification" on).
 *
 * Recipients: the patient's own email and phone, and every active portal account linked to the
 * patient (a parent, a caregiver), without duplicates. Email always; SMS as well when the
 * patient's preference, or else the clinic's default, is 'email_sms' (SMS costs the clinic money).
 * Returns how many messages were queued (0 when there is nobody to tell, or when they were
 * already queued for this document).
 */
export async function enqueueDocumentNotification(
  tx: Executor,
  input: { tenantId: string; patientId: string; documentId: string },
): Promise<number> {
  const [patient] = await tx
    .select({
      email: patients.email,
      phone: patients.phone,
      preferredLanguage: patients.preferredLanguage,
      slug: tenants.slug,
      clinicName: tenantBranding.displayName,
      defaultLanguage: tenantSettings.defaultLanguage,
      clinicPreference: tenantSettings.defaultDocumentNotification,
      patientPreference: patientPortalSettings.documentNotification,
    })
    .from(patients)
    .innerJoin(tenants, eq(tenants.id, patients.tenantId))
    .innerJoin(tenantBranding, eq(tenantBranding.tenantId, patients.tenantId))
    .innerJoin(tenantSettings, eq(tenantSettings.tenantId, patients.tenantId))
    .leftJoin(
      patientPortalSettings,
      and(eq(patientPortalSettings.tenantId, patients.tenantId), eq(patientPortalSettings.patientId, patients.id)),
    )
    .where(and(eq(patients.tenantId, input.tenantId), eq(patients.id, input.patientId)));
  if (!patient) throw new Error('document notification: patient not found in this clinic');

  const linkedAccounts = await tx
    .select({ email: portalAccounts.email, phone: portalAccounts.phone })
    .from(portalAccountPatients)
    .innerJoin(
      portalAccounts,
      and(eq(portalAccounts.tenantId, portalAccountPatients.tenantId), eq(portalAccounts.id, portalAccountPatients.accountId)),
    )
    .where(and(
      eq(portalAccountPatients.tenantId, input.tenantId),
      eq(portalAccountPatients.patientId, input.patientId),
      // A disabled account has lost its access; it hears nothing more about the patient.
      eq(portalAccounts.status, 'active'),
    ));

  const people = [{ email: patient.email, phone: patient.phone }, ...linkedAccounts];
  const emails = unique(people.map((p) => p.email?.trim().toLowerCase()));
  const withSms = (patient.patientPreference ?? patient.clinicPreference) === 'email_sms';
  const phones = withSms ? unique(people.map((p) => p.phone?.trim())) : [];

  const texts = documentAvailableTexts[pickNotificationLanguage(patient.preferredLanguage, patient.defaultLanguage)];
  const clinic = patient.clinicName;
  const link = portalLink(patient.slug, '/portal/documents');

  let queued = 0;
  for (const email of emails) {
    const inserted = await enqueueMessage(tx, {
      tenantId: input.tenantId,
      channel: 'email',
      recipient: email,
      subject: texts.emailSubject(clinic),
      body: texts.emailText(clinic, link),
      idempotencyKey: `document:${input.documentId}:email:${email}`,
    });
    if (inserted) queued++;
  }
  for (const phone of phones) {
    const inserted = await enqueueMessage(tx, {
      tenantId: input.tenantId,
      channel: 'sms',
      recipient: phone,
      body: texts.sms(clinic),
      idempotencyKey: `document:${input.documentId}:sms:${phone}`,
    });
    if (inserted) queued++;
  }
  return queued;
}

function unique(values: (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => Boolean(v)))];
}
