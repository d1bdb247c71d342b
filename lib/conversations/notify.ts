import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { conversationMessages, conversations } from '@/db/schema';
import { patientAudience } from '@/lib/notifications/audience';
import { noticeEmail, portalLinkLine } from '@/lib/notifications/notice-email';
import { notifyAudience } from '@/lib/notifications/notify-audience';
import { portalLink } from '@/lib/notifications/portal-link';
import type { NotificationLanguage } from '@/lib/notifications/texts';

/**
 * "A message is waiting" and nothing else: no subject, no body, no patient name. An email or
 * SMS can be read by others, and the conversation itself may reveal a condition.
 */
export const newMessageTexts: Record<NotificationLanguage, { sms: (clinic: string, link: string) => string; subject: (clinic: string) => string; email: (clinic: string) => string }> = {
  en: {
    sms: (clinic, link) => `You have a new secure message from ${clinic}. Sign in to your portal to read it: ${link}`,
    subject: (clinic) => `New secure message from ${clinic}`,
    email: (clinic) => `You have a new secure message from ${clinic}. Sign in to your portal to read it:`,
  },
  es: {
    sms: (clinic, link) => `Tiene un nuevo mensaje seguro de ${clinic}. Inicie sesión en su portal para leerlo: ${link}`,
    subject: (clinic) => `Nuevo mensaje seguro de ${clinic}`,
    email: (clinic) => `Tiene un nuevo mensaje seguro de ${clinic}. Inicie sesión en su portal para leerlo:`,
  },
};

/** In the transaction that inserts the staff message, so the notice exists exactly when it does. */
export async function enqueueNewMessageNotification(tx: Executor, input: { tenantId: string; patientId: string; messageId: string }): Promise<number> {
  // A conversation hidden from proxies is announced to the patient's own addresses only.
  const [conversation] = await tx.select({ hidden: conversations.hiddenFromProxies }).from(conversationMessages)
    .innerJoin(conversations, and(eq(conversations.tenantId, conversationMessages.tenantId), eq(conversations.id, conversationMessages.conversationId)))
    .where(and(eq(conversationMessages.tenantId, input.tenantId), eq(conversationMessages.id, input.messageId)));
  const audience = await patientAudience(tx, input.tenantId, input.patientId, { area: 'messages', hiddenFromProxies: conversation?.hidden ?? false });
  if (!audience) return 0;
  const texts = newMessageTexts[audience.language];
  const link = portalLink(audience.slug, '/portal/messages');
  const clinic = audience.clinicName;
  return notifyAudience(tx, input.tenantId, audience, `message:${input.messageId}`, {
    email: noticeEmail(audience.language, clinic, texts.subject(clinic), [[portalLinkLine(audience.language, texts.email(clinic), link)]]),
    sms: texts.sms(clinic, link),
  });
}
