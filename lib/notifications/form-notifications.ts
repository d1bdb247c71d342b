import 'server-only';
import type { Executor } from '@/db/client';
import { patientAudience } from './audience';
import { noticeEmail, portalLinkLine } from './notice-email';
import { notifyAudience } from './notify-audience';
import { portalLink } from './portal-link';
import type { NotificationLanguage } from './texts';

/**
 * "You have a form to fill" notices (assigned, correction asked). Reminders before a due date are
 * the built-in "Form due reminder" automation and its templates (lib/engagement). Like every notice
 * they name the clinic and nothing else: a form's title ("PHQ-9 depression") is health
 * information, and an SMS or email can be read by others. Recipients and SMS-or-not as
 * patientAudience decides (the patient, active linked accounts; SMS only with 'email_sms').
 */

export type FormNoticeKind = 'assigned' | 'correction';

interface FormNoticeTexts {
  sms: (clinic: string) => string;
  emailSubject: (clinic: string) => string;
  /** Followed by the link to the portal's forms. */
  emailLine: (clinic: string) => string;
}

function texts(language: NotificationLanguage, kind: FormNoticeKind): FormNoticeTexts {
  const en: Record<FormNoticeKind, [sms: (c: string) => string, subject: (c: string) => string, line: (c: string) => string]> = {
    assigned: [
      (c) => `${c} has a form for you in your patient portal. Sign in to fill it in.`,
      (c) => `${c} has a form for you`,
      (c) => `${c} has a form for you in your patient portal. Sign in to fill it in:`,
    ],
    correction: [
      (c) => `${c} has asked you to check a form in your patient portal.`,
      (c) => `${c} asked you to check a form`,
      (c) => `${c} has asked you to check and correct a form you sent. Sign in to your patient portal to see it:`,
    ],
  };
  const es: typeof en = {
    assigned: [
      (c) => `${c} tiene un formulario para usted en su portal de pacientes. Inicie sesión para completarlo.`,
      (c) => `${c} tiene un formulario para usted`,
      (c) => `${c} tiene un formulario para usted en su portal de pacientes. Inicie sesión para completarlo:`,
    ],
    correction: [
      (c) => `${c} le ha pedido que revise un formulario en su portal de pacientes.`,
      (c) => `${c} le pidió revisar un formulario`,
      (c) => `${c} le ha pedido que revise y corrija un formulario que envió. Inicie sesión en su portal de pacientes para verlo:`,
    ],
  };
  const [sms, emailSubject, emailLine] = (language === 'es' ? es : en)[kind];
  return { sms, emailSubject, emailLine };
}

/**
 * Queues one notice about a patient's forms in the caller's transaction. `event` names what
 * happened (`forms:assigned:{id}`): queueing it again adds nothing. Returns how many messages
 * were queued (0 when nobody can be told).
 */
export async function enqueueFormNotice(
  tx: Executor,
  input: { tenantId: string; patientId: string; kind: FormNoticeKind; event: string },
): Promise<number> {
  const audience = await patientAudience(tx, input.tenantId, input.patientId, { area: 'forms' });
  if (!audience) throw new Error('form notice: patient not found in this clinic');
  const t = texts(audience.language, input.kind);
  const clinic = audience.clinicName;
  const link = portalLinkLine(audience.language, t.emailLine(clinic), portalLink(audience.slug, '/portal/forms'));
  return notifyAudience(tx, input.tenantId, audience, input.event, {
    email: noticeEmail(audience.language, clinic, t.emailSubject(clinic), [[link]]),
    sms: t.sms(clinic),
  });
}
