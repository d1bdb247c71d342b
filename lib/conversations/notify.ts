import 'server-only';
import type { Executor } from '@/db/client';
import { patientAudience } from '@/lib/notifications/audience';
import { portalLink } from '@/lib/notifications/portal-link';
import type { NotificationLanguage } from '@/lib/notifications/texts';
import { enqueueMessage } from '@/lib/outbox/enqueue';

/**
 * "A message is waiting" and nothing else: no subject, no body, no patient name. An email or
 * SMS can be read by others, and the conversation itself may reveal a condition.
 */
export const newMessageTexts: Record<NotificationLanguage, { sms: (clinic: string, link: string) => string; subject: (clinic: string) => string; email: (clinic: string, link: string) => string }> = {
  en: {
    sms: (clinic, link) => `You have a new secure message from ${clinic}. Sign in to your portal to read it: ${link}`,
    subject: (clinic) => `New secure message from ${clinic}`,
    email: (clinic, link) => [
      'Hello,',
      '',
      `You have a new secure message from ${clinic}. Sign in to your portal to read it:`,
      link,
      '',
      `This is an automatic message from ${clinic}.`,
    ].join('\n'),
  },
  es: {
    sms: (clinic, link) => `Tiene un nuevo mensaje seguro de ${clinic}. Inicie sesión en su portal para leerlo: ${link}`,
    subject: (clinic) => `Nuevo mensaje seguro de ${clinic}`,
    email: (clinic, link) => [
      'Hola:',
      '',
      `Tiene un nuevo mensaje seguro de ${clinic}. Inicie sesión en su portal para leerlo:`,
      link,
      '',
      `Este es un mensaje automático de ${clinic}.`,
    ].join('\n'),
  },
};

/** In the transaction that inserts the staff message, so the notice exists exactly when it does. */
export async function enqueueNewMessageNotification(tx: Executor, input: { tenantId: string; patientId: string; messageId: string }): Promise<number> {
  const audience = await patientAudience(tx, input.tenantId, input.patientId);
  if (!audience) return 0;
  const texts = newMessageTexts[audience.language];
  const link = portalLink(audience.slug, '/portal/messages');
  let queued = 0;
  for (const email of audience.emails) {
    if (await enqueueMessage(tx, {
      tenantId: input.tenantId, channel: 'email', recipient: email,
      subject: texts.subject(audience.clinicName), body: texts.email(audience.clinicName, link),
      idempotencyKey: `message:${input.messageId}:email:${email}`,
    })) queued++;
  }
  for (const phone of audience.phones) {
    if (await enqueueMessage(tx, {
      tenantId: input.tenantId, channel: 'sms', recipient: phone,
      body: texts.sms(audience.clinicName, link),
      idempotencyKey: `message:${input.messageId}:sms:${phone}`,
    })) queued++;
  }
  return queued;
}
