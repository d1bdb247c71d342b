import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { documents } from '@/db/schema';
import { patientAudience } from './audience';
import { noticeEmail, portalLinkLine } from './notice-email';
import { notifyAudience } from './notify-audience';
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
  // A document hidden from proxies is announced to the patient's own addresses only.
  const [document] = await tx.select({ hidden: documents.hiddenFromProxies }).from(documents)
    .where(and(eq(documents.tenantId, input.tenantId), eq(documents.id, input.documentId)));
  const audience = await patientAudience(tx, input.tenantId, input.patientId, { area: 'documents', hiddenFromProxies: document?.hidden ?? false });
  if (!audience) throw new Error('document notification: patient not found in this clinic');
  const texts = documentAvailableTexts[audience.language];
  const clinic = audience.clinicName;
  const link = portalLink(audience.slug, '/portal/documents');
  const language = audience.language;
  return notifyAudience(tx, input.tenantId, audience, `document:${input.documentId}`, {
    email: noticeEmail(language, clinic, texts.emailSubject(clinic), [[portalLinkLine(language, texts.emailLine(clinic), link)]]),
    sms: texts.sms(clinic),
  });
}
