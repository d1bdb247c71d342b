import 'server-only';
import type { Executor } from '@/db/client';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import { patientAudience } from './audience';
import { portalLink } from './portal-link';
import { documentAvailableTexts } from './texts';

/**
 * Queues "a new document is available" for a patient, in the caller's transaction (the one
 * that makes the document visible), so the messages exist exactly when the document does.
 * The caller decides whether to notify (visible to the patient, "send notification" on).
 *
 * Recipients as patientAudience decides (patient and linked accounts; SMS per preference).
 * Returns how many messages were queued (0 when there is nobody to tell, or when they were
 * already queued for this document).
 */
export async function enqueueDocumentNotification(
  tx: Executor,
  input: { tenantId: string; patientId: string; documentId: string },
): Promise<number> {
  const audience = await patientAudience(tx, input.tenantId, input.patientId);
  if (!audience) throw new Error('document notification: patient not found in this clinic');
  const { emails, phones } = audience;
  const texts = documentAvailableTexts[audience.language];
  const clinic = audience.clinicName;
  const link = portalLink(audience.slug, '/portal/documents');

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
