import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { messageTemplates, patients, portalAccountPatients, portalAccounts, type ContactChannel, type ContactPurpose } from '@/db/schema';
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
  const recipients = await recipientsOf(tx, run.tenantId, event.patientId, step.channel, template.purpose);
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

/**
 * Where a message about the patient goes. Marketing: the patient's own address, with their yes.
 * Care (a reminder, a notice): the patient's own address and those of the active portal accounts
 * that manage the patient (a parent for a child with no phone), as the clinic's other notices go —
 * unless the patient said no to care messages on the channel — leaving out suppressed addresses.
 */
async function recipientsOf(tx: Executor, tenantId: string, patientId: string, channel: ContactChannel, purpose: ContactPurpose): Promise<{ addresses: string[] } | { refusal: ContactRefusal }> {
  const own = await mayContact(tx, tenantId, patientId, channel, purpose);
  if (purpose === 'marketing' || (!own.ok && own.reason === 'no-consent')) return own.ok ? { addresses: [own.address] } : { refusal: own.reason };
  const linked = await tx
    .select({ email: portalAccounts.email, phone: portalAccounts.phone })
    .from(portalAccountPatients)
    .innerJoin(portalAccounts, and(eq(portalAccounts.tenantId, portalAccountPatients.tenantId), eq(portalAccounts.id, portalAccountPatients.accountId)))
    .where(and(eq(portalAccountPatients.tenantId, tenantId), eq(portalAccountPatients.patientId, patientId), eq(portalAccounts.status, 'active')));
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
