import 'server-only';
import type { Executor } from '@/db/client';
import { patientAudience } from './audience';
import { noticeEmail, portalLinkLine } from './notice-email';
import { notifyAudience } from './notify-audience';
import { portalLink } from './portal-link';
import type { NotificationLanguage } from './texts';

/**
 * Order notices (issue 17 point 6): the order has shipped, the order was delivered. Email, and
 * SMS when the patient (or else the clinic) chose it, in the clinic's name. They name the order's
 * number and nothing it holds: a product can name a treatment, so the lines stay in the portal
 * behind sign-in. The email links to the order; the SMS says where to look (a link in a text
 * message is a phishing pattern patients are taught to ignore).
 */

export type OrderNoticeKind = 'shipped' | 'delivered';

interface Words {
  subject: (clinic: string, order: string) => string;
  line: (order: string) => string;
  sms: (clinic: string, order: string) => string;
}

const words: Record<NotificationLanguage, Record<OrderNoticeKind, Words>> = {
  en: {
    shipped: {
      subject: (c, o) => `Your order ${o} from ${c} has shipped`,
      line: (o) => `Your order ${o} has shipped. Track it in the portal:`,
      sms: (c, o) => `${c}: your order ${o} has shipped. Track it in your patient portal.`,
    },
    delivered: {
      subject: (c, o) => `Your order ${o} from ${c} was delivered`,
      line: (o) => `Your order ${o} was delivered. The details are in the portal:`,
      sms: (c, o) => `${c}: your order ${o} was delivered. The details are in your patient portal.`,
    },
  },
  es: {
    shipped: {
      subject: (c, o) => `Su pedido ${o} de ${c} ha sido enviado`,
      line: (o) => `Su pedido ${o} ha sido enviado. Siga el envío en el portal:`,
      sms: (c, o) => `${c}: su pedido ${o} ha sido enviado. Siga el envío en su portal de pacientes.`,
    },
    delivered: {
      subject: (c, o) => `Su pedido ${o} de ${c} fue entregado`,
      line: (o) => `Su pedido ${o} fue entregado. Los detalles están en el portal:`,
      sms: (c, o) => `${c}: su pedido ${o} fue entregado. Los detalles están en su portal de pacientes.`,
    },
  },
};

/**
 * Queues the notice in the caller's transaction (the one that ships or delivers). `event` names
 * what happened (`order:shipped:{shipmentId}`): queueing it again adds nothing. Returns how many
 * messages were queued.
 */
export async function enqueueOrderNotice(
  tx: Executor,
  input: { tenantId: string; patientId: string; orderId: string; orderLabel: string; kind: OrderNoticeKind; event: string },
): Promise<number> {
  const audience = await patientAudience(tx, input.tenantId, input.patientId, { area: 'orders' });
  if (!audience) throw new Error('order notice: patient not found in this clinic');
  const w = words[audience.language][input.kind];
  const clinic = audience.clinicName;
  const link = portalLinkLine(audience.language, w.line(input.orderLabel), portalLink(audience.slug, `/portal/orders/${input.orderId}`));
  return notifyAudience(tx, input.tenantId, audience, input.event, {
    email: noticeEmail(audience.language, clinic, w.subject(clinic, input.orderLabel), [[link]]),
    sms: w.sms(clinic, input.orderLabel),
  });
}
