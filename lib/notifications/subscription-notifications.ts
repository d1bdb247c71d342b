import 'server-only';
import type { Executor } from '@/db/client';
import { patientAudience } from './audience';
import { noticeEmail, portalLinkLine } from './notice-email';
import { notifyAudience } from './notify-audience';
import { portalLink } from './portal-link';
import type { NotificationLanguage } from './texts';

/**
 * Subscription notices: a renewal payment that failed ("update your card", with the day it is
 * tried again) and a subscription cancelled because the last try failed. Email only, as billing's
 * notices (an SMS about money is a phishing pattern). They name the clinic, the amount and dates —
 * never the product, which can say what the patient is treated for; the subscription is in the
 * portal behind sign-in.
 */

export type SubscriptionNoticeKind = 'renewal_failed' | 'cancelled_unpaid';

interface Words {
  subject: (clinic: string) => string;
  line: (clinic: string, amount: string, retryOn: string | null) => string;
  action: string;
}

const words: Record<NotificationLanguage, Record<SubscriptionNoticeKind, Words>> = {
  en: {
    renewal_failed: {
      subject: (c) => `Your subscription payment to ${c} did not go through`,
      line: (c, a, r) => `${c} could not charge your saved card ${a} for your subscription.${r ? ` We will try again on ${r}.` : ''}`,
      action: 'Update your card in your patient portal so your subscription continues:',
    },
    cancelled_unpaid: {
      subject: (c) => `Your subscription with ${c} has been cancelled`,
      line: (c, a) => `${c} could not charge your saved card ${a} after several tries, so your subscription has been cancelled and you will not be charged for it again.`,
      action: 'To start it again, visit your patient portal:',
    },
  },
  es: {
    renewal_failed: {
      subject: (c) => `No se pudo cobrar el pago de su suscripción con ${c}`,
      line: (c, a, r) => `${c} no pudo cobrar ${a} de su tarjeta guardada para su suscripción.${r ? ` Lo intentaremos de nuevo el ${r}.` : ''}`,
      action: 'Actualice su tarjeta en su portal de pacientes para que su suscripción continúe:',
    },
    cancelled_unpaid: {
      subject: (c) => `Su suscripción con ${c} ha sido cancelada`,
      line: (c, a) => `${c} no pudo cobrar ${a} de su tarjeta guardada después de varios intentos, así que su suscripción ha sido cancelada y no se le cobrará de nuevo por ella.`,
      action: 'Para reanudarla, visite su portal de pacientes:',
    },
  },
};

const dateFormat = (language: NotificationLanguage, timeZone: string) =>
  new Intl.DateTimeFormat(language === 'es' ? 'es-US' : 'en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone });

/**
 * Queues the notice in the caller's transaction. `event` names the attempt
 * (`subscription:renewal-failed:{renewalId}:{attempt}`): queueing it again adds nothing.
 */
export async function enqueueSubscriptionNotice(
  tx: Executor,
  input: { tenantId: string; patientId: string; kind: SubscriptionNoticeKind; event: string; amount: string; retryAt: Date | null; timeZone: string },
): Promise<number> {
  const audience = await patientAudience(tx, input.tenantId, input.patientId, { area: 'orders' });
  if (!audience) throw new Error('subscription notice: patient not found in this clinic');
  const w = words[audience.language][input.kind];
  const clinic = audience.clinicName;
  const retryOn = input.retryAt ? dateFormat(audience.language, input.timeZone).format(input.retryAt) : null;
  const path = input.kind === 'renewal_failed' ? '/portal/billing/cards' : '/portal/subscriptions';
  const language = audience.language;
  return notifyAudience(tx, input.tenantId, { ...audience, phones: [] }, input.event, {
    email: noticeEmail(language, clinic, w.subject(clinic), [
      [w.line(clinic, input.amount, retryOn)],
      [portalLinkLine(language, w.action, portalLink(audience.slug, path))],
    ]),
    sms: '',
  });
}
