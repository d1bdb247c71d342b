import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { appointments, locations, tenantSettings } from '@/db/schema';
import { now } from '@/lib/clock';
import { localized } from '@/lib/i18n/clinic-text';
import { locationAddressColumns } from '@/lib/locations/address-columns';
import { buildIcs } from '@/lib/scheduling/ics';
import { portalLink } from './portal-link';
import { patientAudience } from './audience';
import { noticeEmail, portalLinkLine } from './notice-email';
import { notifyAudience } from './notify-audience';
import { appointmentTexts } from './texts';
import { dateTimeFormat } from '@/lib/intl/date-time-format';

export type AppointmentNotificationKind = 'confirmed' | 'cancelled';

/**
 * Queues the confirmation or cancellation of an appointment in the caller's transaction (the one
 * that books or cancels it), so the messages exist exactly when the change does.
 *
 * Recipients as patientAudience decides (a parent booking for a child hears about it). Email
 * always, with an .ics file (REQUEST to add the event, CANCEL to remove it); SMS per preference. The texts carry the date,
 * time and location only. Returns how many messages were queued.
 */
export async function enqueueAppointmentNotification(
  tx: Executor,
  input: { tenantId: string; appointmentId: string; kind: AppointmentNotificationKind },
): Promise<number> {
  const [row] = await tx
    .select({
      patientId: appointments.patientId,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
      locationName: locations.name,
      locationTranslations: locations.translations,
      clinicLanguage: tenantSettings.defaultLanguage,
      ...locationAddressColumns,
      timeZone: locations.timeZone,
    })
    .from(appointments)
    .innerJoin(locations, and(eq(locations.tenantId, appointments.tenantId), eq(locations.id, appointments.locationId)))
    .innerJoin(tenantSettings, eq(tenantSettings.tenantId, appointments.tenantId))
    .where(and(eq(appointments.tenantId, input.tenantId), eq(appointments.id, input.appointmentId)));
  if (!row) throw new Error('appointment notification: appointment not found in this clinic');

  const audience = await patientAudience(tx, input.tenantId, row.patientId, { area: 'bookings' });
  if (!audience) throw new Error('appointment notification: patient not found in this clinic');
  const texts = appointmentTexts[audience.language];
  const clinic = audience.clinicName;
  const { date, time } = formatWhen(row.startsAt, row.timeZone, texts.locale);
  // The location's name in the recipient's language when the clinic translated it.
  const place = localized({ name: row.locationName, translations: row.locationTranslations }, 'name', audience.language, row.clinicLanguage);
  const link = portalLink(audience.slug, '/portal/bookings');
  const confirmed = input.kind === 'confirmed';
  const ics = buildIcs({
    method: confirmed ? 'REQUEST' : 'CANCEL',
    uid: input.appointmentId,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    summary: texts.icsSummary(clinic),
    location: [place, row.addressLine1, row.addressLine2, row.city, [row.region, row.postalCode].filter(Boolean).join(' ')]
      .filter(Boolean).join(', '),
    stamp: now(),
  });
  const attachment = {
    filename: confirmed ? 'appointment.ics' : 'appointment-cancelled.ics',
    content: Buffer.from(ics, 'utf8').toString('base64'),
    contentType: `text/calendar; charset=utf-8; method=${confirmed ? 'REQUEST' : 'CANCEL'}`,
  };

  const [subject, sentence, action] = confirmed
    ? [texts.confirmedSubject(clinic), texts.confirmedEmail(date, time, place), texts.confirmedAction]
    : [texts.cancelledSubject(clinic), texts.cancelledEmail(date, time, place), texts.cancelledAction];
  const email = noticeEmail(audience.language, clinic, subject, [[sentence, portalLinkLine(audience.language, action, link, 'same-line')]]);
  return notifyAudience(tx, input.tenantId, audience, `appointment:${input.appointmentId}:${input.kind}`, {
    email,
    attachments: [attachment],
    sms: confirmed ? texts.confirmedSms(clinic, date, time, place) : texts.cancelledSms(clinic, date, time, place),
  });
}

/** The visit's date and time in the location's zone, naming the zone ("10:30 AM EST"). */
export function formatWhen(instant: Date, timeZone: string, locale: string): { date: string; time: string } {
  return {
    date: dateTimeFormat(locale, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', timeZone }).format(instant),
    time: dateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(instant),
  };
}

