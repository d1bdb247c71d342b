import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { messageTemplates, patients } from '@/db/schema';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import { mayContact, type ContactRefusal } from '../consent';
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
  const decision = await mayContact(tx, run.tenantId, event.patientId, step.channel, template.purpose);
  if (!decision.ok) return { next: true, outcome: 'skipped', detail: REFUSAL_WORDS[decision.reason](step.channel) };
  const [patient] = await tx.select({ language: patients.preferredLanguage }).from(patients)
    .where(and(eq(patients.tenantId, run.tenantId), eq(patients.id, event.patientId)));
  const language = pickTemplateLanguage(template.content, patient?.language);
  const clinic = await loadClinicEmailBrand(tx, run.tenantId);
  if (!clinic) throw new Error('automation send: the clinic has no branding row');
  const values = await loadPlaceholderValues(tx, run.tenantId, { patientId: event.patientId, eventName: event.name, subject: event.subject, language });
  const message = renderTemplateMessage({ template, language, values, clinic });
  await enqueueMessage(tx, {
    tenantId: run.tenantId, channel: step.channel, recipient: decision.address, body: message.text,
    ...(message.channel === 'email' ? { subject: message.subject, html: message.html } : {}),
    idempotencyKey: stepKey(run.id, index), purpose: template.purpose, patientId: event.patientId,
  });
  return { next: true, outcome: 'done', detail: `${step.channel === 'email' ? 'Email' : 'Text message'} “${template.name}” queued.` };
}
