import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { messageTemplates, type ContactChannel, type ContactPurpose, type TemplateContent } from '@/db/schema';

/**
 * The templates every clinic starts with (issue 18 point 3): the words of the built-in
 * automations (visit reminders, form-due reminders, a follow-up after a visit, a failed-payment
 * notice), in English and Spanish. Clinics edit them like any template; they cannot be archived.
 *
 * Careful words: they name the clinic, the day, time and place of a visit, and links — never a
 * service, a form's or product's name, an amount in a text message, or anything about why the
 * patient is seen (an SMS can be read on a locked phone). The texts carry no patient name (as the
 * other notices); the emails greet by first name. The Spanish texts avoid á, í, ó and ú, which are
 * not in the GSM-7 alphabet and would make the whole text UCS-2: 70 characters a part instead of
 * 160 (é and ñ are in it). tests/unit/engagement-template-builtins checks all of that.
 */

export const BUILTIN_TEMPLATE_KEYS = [
  'appointment-reminder-24h-email',
  'appointment-reminder-24h-sms',
  'appointment-reminder-2h-sms',
  'form-due-reminder-email',
  'form-due-reminder-sms',
  'visit-follow-up-email',
  'payment-failed-email',
  'payment-failed-sms',
] as const;
export type BuiltinTemplateKey = (typeof BUILTIN_TEMPLATE_KEYS)[number];

export interface BuiltinTemplate {
  name: string;
  channel: ContactChannel;
  purpose: ContactPurpose;
  /** The events an automation sends it on: its placeholders have values for each. */
  triggers: readonly string[];
  content: { en: TemplateContent; es: TemplateContent };
}

const REMINDER_TRIGGERS = ['appointment.booked', 'appointment.rescheduled'] as const;
const PAYMENT_TRIGGERS = ['subscription.renewal_failed', 'invoice.overdue'] as const;

export const BUILTIN_TEMPLATES: Record<BuiltinTemplateKey, BuiltinTemplate> = {
  'appointment-reminder-24h-email': {
    name: 'Appointment reminder, 24 hours before (email)',
    channel: 'email',
    purpose: 'care',
    triggers: REMINDER_TRIGGERS,
    content: {
      en: {
        subject: 'Reminder: your visit to {{clinic.name}} on {{appointment.date}}',
        body: [
          'Hello {{patient.firstName}},',
          '',
          'This is a reminder of your visit with {{clinic.name}}:',
          '',
          '{{appointment.date}} at {{appointment.time}}',
          '{{appointment.location}}',
          'With {{appointment.provider}}',
          '',
          'Please let us know you are coming: {{appointment.confirmUrl}}',
          'If you can no longer come, please cancel so someone else can have the time: {{appointment.cancelUrl}}',
          '',
          'Your visits are also in your patient portal: {{portal.url}}',
        ].join('\n'),
      },
      es: {
        subject: 'Recordatorio: su cita en {{clinic.name}} el {{appointment.date}}',
        body: [
          'Hola, {{patient.firstName}}:',
          '',
          'Le recordamos su cita en {{clinic.name}}:',
          '',
          '{{appointment.date}}, {{appointment.time}}',
          '{{appointment.location}}',
          'Con {{appointment.provider}}',
          '',
          'Por favor, confirme que vendrá: {{appointment.confirmUrl}}',
          'Si ya no puede venir, cancele la cita para que otra persona pueda usar ese horario: {{appointment.cancelUrl}}',
          '',
          'También puede ver sus citas en su portal de pacientes: {{portal.url}}',
        ].join('\n'),
      },
    },
  },
  'appointment-reminder-24h-sms': {
    name: 'Appointment reminder, 24 hours before (SMS)',
    channel: 'sms',
    purpose: 'care',
    triggers: REMINDER_TRIGGERS,
    content: {
      en: { body: '{{clinic.name}}: a reminder of your visit on {{appointment.date}} at {{appointment.time}}. Confirm: {{appointment.confirmUrl}} Cancel: {{appointment.cancelUrl}}' },
      es: { body: '{{clinic.name}}: le recordamos su cita del {{appointment.date}}, {{appointment.time}}. Confirmar: {{appointment.confirmUrl}} Cancelar: {{appointment.cancelUrl}}' },
    },
  },
  'appointment-reminder-2h-sms': {
    name: 'Appointment reminder, 2 hours before (SMS)',
    channel: 'sms',
    purpose: 'care',
    triggers: REMINDER_TRIGGERS,
    content: {
      en: { body: "{{clinic.name}}: your visit starts soon, at {{appointment.time}}, {{appointment.location}}. Confirm: {{appointment.confirmUrl}} Can't come? {{appointment.cancelUrl}}" },
      es: { body: '{{clinic.name}}: su cita empieza pronto ({{appointment.time}}) en {{appointment.location}}. Confirmar: {{appointment.confirmUrl}} Si no puede venir: {{appointment.cancelUrl}}' },
    },
  },
  'form-due-reminder-email': {
    name: 'Form due reminder (email)',
    channel: 'email',
    purpose: 'care',
    triggers: ['form.assigned'],
    content: {
      en: {
        subject: 'A form from {{clinic.name}} is waiting for you',
        body: [
          'Hello {{patient.firstName}},',
          '',
          '{{clinic.name}} has a form waiting for you in your patient portal. Please fill it in here:',
          '{{form.url}}',
          '',
          'If you have already sent it, thank you: there is nothing more to do.',
        ].join('\n'),
      },
      es: {
        subject: 'Un formulario de {{clinic.name}} le espera',
        body: [
          'Hola, {{patient.firstName}}:',
          '',
          '{{clinic.name}} tiene un formulario pendiente para usted en su portal de pacientes. Complételo aquí:',
          '{{form.url}}',
          '',
          'Si ya lo envió, gracias: no tiene que hacer nada más.',
        ].join('\n'),
      },
    },
  },
  'form-due-reminder-sms': {
    name: 'Form due reminder (SMS)',
    channel: 'sms',
    purpose: 'care',
    triggers: ['form.assigned'],
    content: {
      en: { body: '{{clinic.name}}: a form is waiting for you in your patient portal. Fill it in here: {{form.url}}' },
      es: { body: '{{clinic.name}}: tiene un formulario pendiente en su portal de pacientes. Complételo en este enlace: {{form.url}}' },
    },
  },
  'visit-follow-up-email': {
    name: 'Visit follow-up (email)',
    channel: 'email',
    purpose: 'care',
    triggers: ['appointment.completed'],
    content: {
      en: {
        subject: 'Thank you for your visit to {{clinic.name}}',
        body: [
          'Hello {{patient.firstName}},',
          '',
          'Thank you for your visit with {{clinic.name}} on {{appointment.date}}.',
          '',
          'Anything your care team shares with you, such as documents or instructions, is in your patient portal:',
          '{{portal.url}}',
          '',
          'If something has changed or you have a question, please get in touch with us.',
        ].join('\n'),
      },
      es: {
        subject: 'Gracias por su visita a {{clinic.name}}',
        body: [
          'Hola, {{patient.firstName}}:',
          '',
          'Gracias por su visita a {{clinic.name}} el {{appointment.date}}.',
          '',
          'Lo que su equipo de atención comparta con usted, como documentos o instrucciones, está en su portal de pacientes:',
          '{{portal.url}}',
          '',
          'Si algo ha cambiado o tiene alguna pregunta, comuníquese con nosotros.',
        ].join('\n'),
      },
    },
  },
  'payment-failed-email': {
    name: 'Payment needs attention (email)',
    channel: 'email',
    purpose: 'care',
    triggers: PAYMENT_TRIGGERS,
    content: {
      en: {
        subject: 'A payment to {{clinic.name}} needs your attention',
        body: [
          'Hello {{patient.firstName}},',
          '',
          'A payment to {{clinic.name}} needs your attention. Please sign in to your patient portal to see what is due and, if needed, update your card:',
          '{{portal.url}}',
          '',
          'If you have already taken care of it, thank you.',
        ].join('\n'),
      },
      es: {
        subject: 'Un pago a {{clinic.name}} requiere su atención',
        body: [
          'Hola, {{patient.firstName}}:',
          '',
          'Un pago a {{clinic.name}} requiere su atención. Inicie sesión en su portal de pacientes para ver lo pendiente y, si hace falta, actualizar su tarjeta:',
          '{{portal.url}}',
          '',
          'Si ya se ocupó de ello, gracias.',
        ].join('\n'),
      },
    },
  },
  'payment-failed-sms': {
    name: 'Payment needs attention (SMS)',
    channel: 'sms',
    purpose: 'care',
    triggers: PAYMENT_TRIGGERS,
    content: {
      en: { body: '{{clinic.name}}: a payment needs your attention. Please sign in to your patient portal: {{portal.url}}' },
      es: { body: '{{clinic.name}}: hay un pago pendiente. Entre a su portal de pacientes: {{portal.url}}' },
    },
  },
};

/** Names a clinic already uses for one of its own are taken: the built-in gets a suffix. */
const NAME_SUFFIXES = ['', ' (built-in)', ' (built-in 2)', ' (built-in 3)'];

/**
 * The clinic's built-in templates, made when missing, and their ids by key. Idempotent (insert
 * … on conflict (clinic, builtin key) do nothing, then read), so a new clinic, the demo seed
 * and the automations' set-up can each call it; a built-in the clinic renamed or edited is kept
 * as it is. Runs in the caller's transaction.
 */
export async function ensureBuiltinTemplates(tx: Executor, tenantId: string): Promise<Record<BuiltinTemplateKey, string>> {
  const read = async () => {
    const rows = await tx
      .select({ id: messageTemplates.id, key: messageTemplates.builtinKey })
      .from(messageTemplates)
      .where(and(eq(messageTemplates.tenantId, tenantId), inArray(messageTemplates.builtinKey, [...BUILTIN_TEMPLATE_KEYS])));
    return new Map(rows.map((r) => [r.key as BuiltinTemplateKey, r.id]));
  };
  let ids = await read();
  for (const suffix of NAME_SUFFIXES) {
    const missing = BUILTIN_TEMPLATE_KEYS.filter((key) => !ids.has(key));
    if (missing.length === 0) break;
    // Without a target, a name the clinic already gave one of its own templates is skipped too
    // (unique per clinic, any case); the next round tries the name with a suffix.
    await tx
      .insert(messageTemplates)
      .values(missing.map((key) => {
        const t = BUILTIN_TEMPLATES[key];
        return { tenantId, builtinKey: key, name: `${t.name}${suffix}`, channel: t.channel, purpose: t.purpose, content: t.content };
      }))
      .onConflictDoNothing();
    ids = await read();
  }
  const missing = BUILTIN_TEMPLATE_KEYS.filter((key) => !ids.has(key));
  if (missing.length) throw new Error(`built-in templates: could not create ${missing.join(', ')}`);
  return Object.fromEntries(BUILTIN_TEMPLATE_KEYS.map((key) => [key, ids.get(key)!])) as Record<BuiltinTemplateKey, string>;
}
