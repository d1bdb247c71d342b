import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { conversations, documents, messageTemplates, patients, portalAccountPatients, portalAccounts, type ContactChannel, type ContactPurpose } from '@/db/schema';
import { linkHears, queryPatientLinks } from '@/lib/access/linked-patients';
import type { NoticeSubject } from '@/lib/notifications/audience';
import type { PortalArea } from '@/lib/portal-access/proxy-scope';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import { mayContact, type ContactRefusal } from '../consent';
import { isSuppressed, normaliseAddress } from '../suppressions';
import { loadPlaceholderValues } from '../templates/values';
import { pickTemplateLanguage, renderTemplateMessage } from '../templates/render';
import { loadClinicEmailBrand } from '@/lib/notifications/email-brand';
import type { Step } from './definition';
import { stepKey, type StepContext, type StepOutcome } from './step-context';

const REFUSAL_WORDS: Record<ContactRefusal, (channel: 'email' | 'sms') => string> = {
  'no-address': (c) => (c === 'email' ? 'Skipped: no email address on file.' : 'Skipped: no mobile number on file.'),
  'no-consent': (c) => `Skipped: the patient has not agreed to ${c === 'email' ? 'these emails' : 'these texts'}.`,
  suppressed: (c) => `Skipped: the ${c === 'email' ? 'address' : 'number'} is on the clinic’s do-not-send list.`,
};

/**
 * "Send an email / a text": the template in the patient's language with the event's placeholders,
 * to the patient's address when their consent and the suppression list allow it, queued in the
 * step's transaction under the step's key (a retry finds the message instead of a twin). The
 * dispatcher checks the suppression list and (marketing) consent again when it sends.
 */
export async function executeSendStep(ctx: StepContext, step: Extract<Step, { kind: 'send' }>): Promise<StepOutcome> {
  const { tx, run, event, index } = ctx;
  if (!event.patientId) return { next: true, outcome: 'skipped', detail: 'Skipped: the event has no patient.' };
  const [template] = await tx
    .select()
    .from(messageTemplates)
    .where(and(eq(messageTemplates.tenantId, run.tenantId), eq(messageTemplates.id, step.templateId), isNull(messageTemplates.archivedAt)));
  if (!template || template.channel !== step.channel) return { next: true, outcome: 'skipped', detail: 'Skipped: the template was archived or changed channel.' };
  const recipients = await recipientsOf(tx, run.tenantId, event.patientId, step.channel, template.purpose, await noticeSubjectOf(tx, run.tenantId, event));
  if ('refusal' in recipients) return { next: true, outcome: 'skipped', detail: REFUSAL_WORDS[recipients.refusal](step.channel) };
  const [patient] = await tx.select({ language: patients.preferredLanguage }).from(patients)
    .where(and(eq(patients.tenantId, run.tenantId), eq(patients.id, event.patientId)));
  const language = pickTemplateLanguage(template.content, patient?.language);
  const clinic = await loadClinicEmailBrand(tx, run.tenantId);
  if (!clinic) throw new Error('automation send: the clinic has no branding row');
  const values = await loadPlaceholderValues(tx, run.tenantId, { patientId: event.patientId, eventName: event.name, subject: event.subject, language });
  const message = renderTemplateMessage({ template, language, values, clinic });
  for (const address of recipients.addresses) {
    await enqueueMessage(tx, {
      tenantId: run.tenantId, channel: step.channel, recipient: address, body: message.text,
      ...(message.channel === 'email' ? { subject: message.subject, html: message.html } : {}),
      idempotencyKey: `${stepKey(run.id, index)}:${address}`, purpose: template.purpose, patientId: event.patientId,
    });
  }
  const what = step.channel === 'email' ? 'Email' : 'Text message';
  const to = recipients.addresses.length === 1 ? '' : ` to ${recipients.addresses.length} addresses (the patient and the people who manage their portal)`;
  return { next: true, outcome: 'done', detail: `${what} “${template.name}” queued${to}.` };
}

/** The part of the patient's portal an event is about, by its name (`appointment.booked`: Bookings). */
const EVENT_AREAS: Readonly<Record<string, PortalArea>> = {
  appointment: 'bookings', document: 'documents', message: 'messages', invoice: 'billing', form: 'forms', order: 'orders', subscription: 'orders',
};

/** What the event is about, for which proxies hear of it: its area, and a document or conversation hidden from proxies. */
async function noticeSubjectOf(tx: Executor, tenantId: string, event: StepContext['event']): Promise<NoticeSubject> {
  const area = EVENT_AREAS[event.name.split('.')[0]!];
  const { documentId, conversationId } = event.subject as { documentId?: unknown; conversationId?: unknown };
  let hiddenFromProxies = false;
  if (typeof documentId === 'string') {
    const [row] = await tx.select({ hidden: documents.hiddenFromProxies }).from(documents).where(and(eq(documents.tenantId, tenantId), eq(documents.id, documentId)));
    hiddenFromProxies ||= row?.hidden ?? false;
  }
  if (typeof conversationId === 'string') {
    const [row] = await tx.select({ hidden: conversations.hiddenFromProxies }).from(conversations).where(and(eq(conversations.tenantId, tenantId), eq(conversations.id, conversationId)));
    hiddenFromProxies ||= row?.hidden ?? false;
  }
  return { ...(area ? { area } : {}), hiddenFromProxies };
}

/**
 * Where a message about the patient goes. Marketing: the patient's own address, with their yes.
 * Care (a reminder, a notice): the patient's own address and those of the active portal accounts
 * that manage the patient (a parent for a child with no phone), as the clinic's other notices go —
 * unless the patient said no to care messages on the channel — leaving out suppressed addresses.
 * A proxy hears only what their link opens today, and nothing hidden from proxies (linkHears).
 */
async function recipientsOf(
  tx: Executor, tenantId: string, patientId: string, channel: ContactChannel, purpose: ContactPurpose, about: NoticeSubject,
): Promise<{ addresses: string[] } | { refusal: ContactRefusal }> {
  const own = await mayContact(tx, tenantId, patientId, channel, purpose);
  if (purpose === 'marketing' || (!own.ok && own.reason === 'no-consent')) return own.ok ? { addresses: [own.address] } : { refusal: own.reason };
  const links = new Map((await queryPatientLinks(tx, tenantId, patientId)).map((l) => [l.accountId, l]));
  const accounts = await tx
    .select({ id: portalAccounts.id, email: portalAccounts.email, phone: portalAccounts.phone })
    .from(portalAccountPatients)
    .innerJoin(portalAccounts, and(eq(portalAccounts.tenantId, portalAccountPatients.tenantId), eq(portalAccounts.id, portalAccountPatients.accountId)))
    .where(and(eq(portalAccountPatients.tenantId, tenantId), eq(portalAccountPatients.patientId, patientId), eq(portalAccounts.status, 'active')));
  const linked = accounts.filter((a) => {
    const link = links.get(a.id);
    return link !== undefined && linkHears(link, about);
  });
  const candidates = [...new Set(linked.flatMap((a) => {
    const address = normaliseAddress(channel, (channel === 'email' ? a.email : a.phone) ?? '');
    return address ? [address] : [];
  }))].filter((a) => !own.ok || a !== own.address);
  const allowed: string[] = own.ok ? [own.address] : [];
  for (const address of candidates) {
    if (!(await isSuppressed(tx, tenantId, channel, address, purpose))) allowed.push(address);
  }
  if (allowed.length > 0) return { addresses: allowed };
  return { refusal: own.ok ? 'suppressed' : own.reason === 'no-address' && candidates.length > 0 ? 'suppressed' : own.reason };
}
