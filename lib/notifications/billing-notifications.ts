import 'server-only';
import type { Executor } from '@/db/client';
import { enqueueMessages, type OutboxMessageInput } from '@/lib/outbox/enqueue';
import { patientAudience, patientAudiences, type PatientAudience } from './audience';
import { noticeEmail, portalLinkLine } from './notice-email';
import { noticeMessages, notifyAudience, type Notice } from './notify-audience';
import { portalLink } from './portal-link';
import type { NotificationLanguage } from './texts';

/**
 * Billing notices: a new invoice, a payment's receipt, a refund. Email only (an SMS about money
 * is a phishing pattern patients are taught to ignore). They name the clinic, the amount and the
 * invoice or receipt number — never a service or a line's text, which can be health information;
 * the invoice and the printable receipt are in the portal behind sign-in.
 */

export type BillingNoticeKind = 'invoice' | 'receipt' | 'refund';

const words: Record<NotificationLanguage, Record<BillingNoticeKind, { subject: (c: string) => string; line: (c: string, amount: string, ref: string) => string; path: `/${string}` }>> = {
  en: {
    invoice: { subject: (c) => `New invoice from ${c}`, line: (c, a, r) => `${c} has sent you invoice ${r} for ${a}. See it and pay in your patient portal:`, path: '/portal/billing' },
    receipt: { subject: (c) => `Your payment to ${c}`, line: (c, a, r) => `Thank you: ${c} received your payment of ${a} (receipt ${r}). Your receipt is in your patient portal:`, path: '/portal/billing' },
    refund: { subject: (c) => `A refund from ${c}`, line: (c, a, r) => `${c} has refunded ${a} of payment ${r}. It can take 5–10 days to reach your account. Details are in your patient portal:`, path: '/portal/billing' },
  },
  es: {
    invoice: { subject: (c) => `Nueva factura de ${c}`, line: (c, a, r) => `${c} le ha enviado la factura ${r} por ${a}. Véala y páguela en su portal de pacientes:`, path: '/portal/billing' },
    receipt: { subject: (c) => `Su pago a ${c}`, line: (c, a, r) => `Gracias: ${c} recibió su pago de ${a} (recibo ${r}). Su recibo está en su portal de pacientes:`, path: '/portal/billing' },
    refund: { subject: (c) => `Un reembolso de ${c}`, line: (c, a, r) => `${c} le ha reembolsado ${a} del pago ${r}. Puede tardar de 5 a 10 días en llegar a su cuenta. Los detalles están en su portal de pacientes:`, path: '/portal/billing' },
  },
};

/**
 * Queues the notice in the caller's transaction. `event` names what happened
 * (`billing:receipt:{paymentId}`): queueing it again adds nothing.
 */
export async function enqueueBillingNotice(
  tx: Executor,
  input: { tenantId: string; patientId: string; kind: BillingNoticeKind; event: string; amount: string; reference: string },
): Promise<number> {
  const audience = await patientAudience(tx, input.tenantId, input.patientId, { area: 'billing' });
  if (!audience) throw new Error('billing notice: patient not found in this clinic');
  return notifyAudience(tx, input.tenantId, { ...audience, phones: [] }, input.event, billingNotice(audience, input));
}

/** The notice's words in the patient's language: the clinic, the amount and the number, nothing else. */
function billingNotice(audience: PatientAudience, input: { kind: BillingNoticeKind; amount: string; reference: string }): Notice {
  const w = words[audience.language][input.kind];
  const clinic = audience.clinicName;
  const language = audience.language;
  return {
    email: noticeEmail(language, clinic, w.subject(clinic), [[
      portalLinkLine(language, w.line(clinic, input.amount, input.reference), portalLink(audience.slug, w.path)),
    ]]),
    sms: '',
  };
}

/**
 * enqueueBillingNotice for many patients of one clinic (a renewal pass's receipts), in the
 * caller's transaction, in three statements however many: the patients, their linked accounts
 * (patientAudiences) and every message in one insert (enqueueMessages). The same messages, keys
 * and words as one by one; a notice whose event was queued already adds nothing.
 */
export async function enqueueBillingNotices(
  tx: Executor,
  inputs: readonly Parameters<typeof enqueueBillingNotice>[1][],
): Promise<number> {
  const messages: OutboxMessageInput[] = [];
  const byClinic = new Map<string, (typeof inputs)[number][]>();
  for (const input of inputs) {
    const notices = byClinic.get(input.tenantId) ?? [];
    notices.push(input);
    byClinic.set(input.tenantId, notices);
  }
  for (const [tenantId, notices] of byClinic) {
    const audiences = await patientAudiences(tx, tenantId, notices.map((n) => n.patientId), { area: 'billing' });
    for (const input of notices) {
      const audience = audiences.get(input.patientId);
      if (!audience) throw new Error('billing notice: patient not found in this clinic');
      messages.push(...noticeMessages(tenantId, { ...audience, phones: [] }, input.event, billingNotice(audience, input)));
    }
  }
  return enqueueMessages(tx, messages);
}
