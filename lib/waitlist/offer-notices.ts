import 'server-only';
import type { Executor } from '@/db/client';
import { linkHears, queryPatientAudienceLinks } from '@/lib/access/linked-patients';
import { contactDecisions } from '@/lib/engagement/consent';
import { formatWhen } from '@/lib/notifications/appointment-notifications';
import { patientAudience } from '@/lib/notifications/audience';
import { noticeEmail } from '@/lib/notifications/notice-email';
import { notifyAudience } from '@/lib/notifications/notify-audience';
import { waitlistOfferTexts } from '@/lib/notifications/texts';
import { offerLink } from './offer-links';

/**
 * The messages of the waitlist (issue 20, point 2), queued in the caller's transaction (the one
 * that makes the offer or marks it gone), so they exist exactly when the change does; each
 * idempotency key names the offer, so a second runner's or a retry's enqueue adds nothing.
 *
 * Who: the patient and the portal accounts whose link opens Bookings (patientAudience). Email
 * always; SMS to every phone of them too, whatever the document-notice preference says: an offer
 * is held for minutes, and an email read an hour later is an offer lost. Care, not marketing (the
 * patient asked to be told), so it goes past a spent SMS budget under 'codes and care'; a patient
 * who said no to care texts gets none. Words: the clinic, the time, the hold and the link only.
 */

async function offerAudience(tx: Executor, tenantId: string, patientId: string) {
  const audience = await patientAudience(tx, tenantId, patientId, { area: 'bookings' });
  if (!audience) throw new Error('waitlist offer: patient not found in this clinic');
  const [own, links] = await Promise.all([
    contactDecisions(tx, tenantId, [patientId], 'sms', 'care'),
    queryPatientAudienceLinks(tx, tenantId, patientId),
  ]);
  const decision = own.get(patientId);
  if (decision && !decision.ok && decision.reason === 'no-consent') return { ...audience, phones: [] };
  const phones = [decision?.ok ? decision.address : null, ...links.filter((l) => linkHears(l, { area: 'bookings' })).map((l) => l.phone?.trim())];
  return { ...audience, phones: [...new Set(phones.filter((p): p is string => Boolean(p)))] };
}

export interface OfferForNotice {
  id: string;
  patientId: string;
  startsAt: Date;
  /** The location's zone: the message says the time where the visit happens. */
  timeZone: string;
}

/** "A time opened up: … held for N minutes: <link>". Returns how many messages were queued. */
export async function enqueueOfferMade(tx: Executor, tenantId: string, offer: OfferForNotice, holdMinutes: number): Promise<number> {
  const audience = await offerAudience(tx, tenantId, offer.patientId);
  const texts = waitlistOfferTexts[audience.language];
  const clinic = audience.clinicName;
  const { date, time } = formatWhen(offer.startsAt, offer.timeZone, texts.locale);
  const link = offerLink(audience.slug, tenantId, offer.id);
  const email = noticeEmail(audience.language, clinic, texts.offerSubject(clinic), [
    [texts.offerEmail(clinic, date, time, holdMinutes), { text: texts.offerAction, href: link, textLayout: 'next-line', buttonLabel: texts.offerButton }],
  ]);
  return notifyAudience(tx, tenantId, audience, `waitlist-offer:${offer.id}:made`, { email, sms: texts.offerSms(clinic, date, time, holdMinutes, link) });
}

/** "The time we offered you has been taken; you are still on the list." Said once per offer (the key). */
export async function enqueueOfferGone(tx: Executor, tenantId: string, offer: Pick<OfferForNotice, 'id' | 'patientId'>): Promise<number> {
  const audience = await offerAudience(tx, tenantId, offer.patientId);
  const texts = waitlistOfferTexts[audience.language];
  const clinic = audience.clinicName;
  const email = noticeEmail(audience.language, clinic, texts.goneSubject(clinic), [[texts.goneEmail(clinic)]]);
  return notifyAudience(tx, tenantId, audience, `waitlist-offer:${offer.id}:gone`, { email, sms: texts.goneSms(clinic) });
}
