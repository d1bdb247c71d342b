import 'server-only';
import { and, eq, gt, lt, ne, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  locations, patients, portalAccountPatients, portalAccounts, staffUsers, tenantSettings, waitlistEntries, waitlistOffers,
} from '@/db/schema';
import { NotFoundError } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now as clockNow } from '@/lib/clock';
import { localized } from '@/lib/i18n/clinic-text';
import { toLocale, type Locale } from '@/lib/i18n/core';
import { locationAddressColumns } from '@/lib/locations/address-columns';
import type { LocationAddress } from '@/lib/locations/address';
import { pickNotificationLanguage } from '@/lib/notifications/texts';
import { bookAppointment, offerLinkAudit, type WaitlistOfferActor } from '@/lib/scheduling/booking';
import type { TenantRef } from '@/lib/tenancy/lookup';
import { offerState, type OfferState } from './match-rules';
import { markOffersGone, waitlistLockKey } from './offer-job';
import { readOfferToken, type OfferTokenSubject } from './offer-links';
import { offerFreedTimesSoon } from './wake';

/**
 * What a waitlist offer's link does (issue 20, point 2), signed out: the token (./offer-links.ts)
 * is the credential and names the clinic and the offer. Opening the page only reads (link
 * scanners open links); its buttons accept or say no thanks.
 *
 * Accepting books through the normal booking path (lib/scheduling/booking.ts bookAppointment:
 * the provider's lock, the slot rules, the EXCLUDE constraint, the confirmation), as a savepoint
 * of one transaction that also marks the offer accepted, the entry booked, and the other open
 * offers of that time gone, telling those patients once. The transaction first takes the
 * clinic's waitlist lock (./offer-job.ts), so two accepts of one time run one after the other:
 * the second finds its offer gone. Should the time have been booked another way, the booking
 * answers 'slot-taken' and the page says the time is gone.
 */

export const WaitlistAuditActions = {
  offerAccepted: 'waitlist.offer_accepted',
  offerDeclined: 'waitlist.offer_declined',
} as const;

/** Why an offer cannot be answered any more. 'closed': the patient left the waitlist (or was booked another way). */
export type OfferRefusal = 'invalid' | 'expired' | 'gone' | 'accepted' | 'declined' | 'closed';

export type OfferAnswer = { ok: true; appointmentId?: string } | { ok: false; reason: OfferRefusal };

/** The offer as the page shows it: when, where, with whom, until when it is held. Not the service. */
export interface OfferLinkView {
  id: string;
  state: OfferState;
  /** Whether the entry still waits (an open offer of a closed entry cannot be taken). */
  entryWaiting: boolean;
  startsAt: Date;
  endsAt: Date;
  expiresAt: Date;
  /** The location's zone; and the patient's own, when their portal account has one. */
  timeZone: string;
  patientTimeZone: string | null;
  location: LocationAddress & { name: string; phone: string | null };
  provider: string;
}

export type OfferLinkInspection = { ok: false } | { ok: true; offer: OfferLinkView; locale: Locale };

/** The link's client, for the audit entry. */
export interface OfferLinkClient {
  ip?: string | null;
  userAgent?: string | null;
}

/** The token's subject when it is genuine and this clinic's; another clinic's token is as unknown as a forged one. */
function subjectFor(tenant: TenantRef, token: string): OfferTokenSubject | null {
  const subject = readOfferToken(token);
  return subject && subject.tenantId === tenant.id ? subject : null;
}

/** What the page shows for a token on this clinic's host, changing nothing. */
export async function inspectOfferLink(db: Executor, tenant: TenantRef, token: string): Promise<OfferLinkInspection> {
  const subject = subjectFor(tenant, token);
  if (!subject) return { ok: false };
  const [row] = await db
    .select({
      id: waitlistOffers.id, status: waitlistOffers.status, startsAt: waitlistOffers.startsAt, endsAt: waitlistOffers.endsAt, expiresAt: waitlistOffers.expiresAt,
      entryStatus: waitlistEntries.status,
      timeZone: locations.timeZone, locationName: locations.name, locationTranslations: locations.translations, locationPhone: locations.phone, ...locationAddressColumns,
      provider: staffUsers.fullName,
      patientLanguage: patients.preferredLanguage, clinicLanguage: tenantSettings.defaultLanguage,
      // The patient's own portal account's zone, if they chose one.
      patientTimeZone: sql<string | null>`(
        select ${portalAccounts.timeZone} from ${portalAccountPatients}
        join ${portalAccounts} on ${portalAccounts.tenantId} = ${portalAccountPatients.tenantId} and ${portalAccounts.id} = ${portalAccountPatients.accountId}
        where ${portalAccountPatients.tenantId} = ${waitlistOffers.tenantId} and ${portalAccountPatients.patientId} = ${waitlistOffers.patientId}
          and ${portalAccountPatients.relationship} = 'self'
        limit 1)`,
    })
    .from(waitlistOffers)
    .innerJoin(waitlistEntries, and(eq(waitlistEntries.tenantId, waitlistOffers.tenantId), eq(waitlistEntries.id, waitlistOffers.entryId)))
    .innerJoin(locations, and(eq(locations.tenantId, waitlistOffers.tenantId), eq(locations.id, waitlistOffers.locationId)))
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, waitlistOffers.tenantId), eq(staffUsers.id, waitlistOffers.providerId)))
    .innerJoin(patients, and(eq(patients.tenantId, waitlistOffers.tenantId), eq(patients.id, waitlistOffers.patientId)))
    .innerJoin(tenantSettings, eq(tenantSettings.tenantId, waitlistOffers.tenantId))
    .where(and(eq(waitlistOffers.tenantId, tenant.id), eq(waitlistOffers.id, subject.offerId)));
  if (!row) return { ok: false };
  const locale = toLocale(pickNotificationLanguage(row.patientLanguage, row.clinicLanguage));
  return {
    ok: true,
    offer: {
      id: row.id, state: offerState(row, clockNow()), entryWaiting: row.entryStatus === 'waiting',
      startsAt: row.startsAt, endsAt: row.endsAt, expiresAt: row.expiresAt,
      timeZone: row.timeZone, patientTimeZone: row.patientTimeZone,
      location: {
        // In the patient's language when the clinic translated it.
        name: localized({ name: row.locationName, translations: row.locationTranslations }, 'name', locale, row.clinicLanguage), phone: row.locationPhone,
        addressLine1: row.addressLine1, addressLine2: row.addressLine2, city: row.city, region: row.region, postalCode: row.postalCode,
      },
      provider: row.provider,
    },
    locale,
  };
}

async function lockOffer(tx: Executor, tenantId: string, offerId: string) {
  const [row] = await tx
    .select({
      id: waitlistOffers.id, entryId: waitlistOffers.entryId, patientId: waitlistOffers.patientId, serviceId: waitlistOffers.serviceId,
      locationId: waitlistOffers.locationId, providerId: waitlistOffers.providerId, startsAt: waitlistOffers.startsAt, endsAt: waitlistOffers.endsAt,
      status: waitlistOffers.status, expiresAt: waitlistOffers.expiresAt,
      entryStatus: waitlistEntries.status, entryMadeBy: waitlistEntries.createdByKind,
    })
    .from(waitlistOffers)
    .innerJoin(waitlistEntries, and(eq(waitlistEntries.tenantId, waitlistOffers.tenantId), eq(waitlistEntries.id, waitlistOffers.entryId)))
    .where(and(eq(waitlistOffers.tenantId, tenantId), eq(waitlistOffers.id, offerId)))
    .for('update');
  return row ?? null;
}

type LockedOffer = NonNullable<Awaited<ReturnType<typeof lockOffer>>>;

/** Why this offer cannot be answered now, or null while it is open and its entry waits. */
function refusalOf(offer: LockedOffer, at: Date): OfferRefusal | null {
  const state = offerState(offer, at);
  if (state !== 'open') return state;
  return offer.entryStatus === 'waiting' ? null : 'closed';
}

/** Another open offer of this time's provider that overlaps it: taken with it. */
async function overlappingOpenOffers(tx: Executor, tenantId: string, offer: LockedOffer): Promise<string[]> {
  const rows = await tx
    .select({ id: waitlistOffers.id })
    .from(waitlistOffers)
    .where(and(
      eq(waitlistOffers.tenantId, tenantId), eq(waitlistOffers.providerId, offer.providerId), eq(waitlistOffers.status, 'offered'),
      ne(waitlistOffers.id, offer.id), lt(waitlistOffers.startsAt, offer.endsAt), gt(waitlistOffers.endsAt, offer.startsAt),
    ));
  return rows.map((r) => r.id);
}

/**
 * The patient takes the offered time. One transaction under the clinic's waitlist lock: the
 * booking (a savepoint), the offer accepted, the entry booked, the other offers of that time gone
 * and told. A second submit finds the offer accepted and books nothing more.
 */
export async function acceptOfferByLink(db: Executor, tenant: TenantRef, token: string, client: OfferLinkClient = {}): Promise<OfferAnswer> {
  const subject = subjectFor(tenant, token);
  if (!subject) return { ok: false, reason: 'invalid' };
  return db.transaction(async (tx): Promise<OfferAnswer> => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${waitlistLockKey(tenant.id)}, 0))`);
    const offer = await lockOffer(tx, tenant.id, subject.offerId);
    if (!offer) return { ok: false, reason: 'invalid' };
    const at = clockNow();
    const refusal = refusalOf(offer, at);
    if (refusal) return { ok: false, reason: refusal };

    const actor: WaitlistOfferActor = {
      tenant, ip: client.ip, userAgent: client.userAgent,
      waitlistOffer: { offerId: offer.id, patientId: offer.patientId, audience: offer.entryMadeBy === 'staff' ? 'staff' : 'patient' },
    };
    const booked = await bookAppointment(tx, actor, {
      patientId: offer.patientId, serviceId: offer.serviceId, locationId: offer.locationId, providerId: offer.providerId, startsAt: offer.startsAt,
    }).catch((error: unknown) => {
      // The service, location or provider is no longer bookable: the time is gone all the same.
      if (error instanceof NotFoundError) return { ok: false as const, error: 'not-offered' as const };
      throw error;
    });
    if (!booked.ok) {
      // Taken another way (or no longer bookable): this patient reads it on the page; the others
      // holding it are told now.
      await tx
        .update(waitlistOffers)
        .set({ status: 'gone', toldAt: at })
        .where(and(eq(waitlistOffers.tenantId, tenant.id), eq(waitlistOffers.id, offer.id), eq(waitlistOffers.status, 'offered')));
      await markOffersGone(tx, tenant.id, await overlappingOpenOffers(tx, tenant.id, offer), at);
      return { ok: false, reason: 'gone' };
    }

    const appointmentId = booked.appointment.id;
    await tx
      .update(waitlistOffers)
      .set({ status: 'accepted', answeredAt: at, appointmentId })
      .where(and(eq(waitlistOffers.tenantId, tenant.id), eq(waitlistOffers.id, offer.id)));
    await tx
      .update(waitlistEntries)
      .set({ status: 'booked', appointmentId, updatedAt: at })
      .where(and(eq(waitlistEntries.tenantId, tenant.id), eq(waitlistEntries.id, offer.entryId)));
    await markOffersGone(tx, tenant.id, await overlappingOpenOffers(tx, tenant.id, offer), at);
    await recordAudit(tx, {
      ...offerLinkAudit(actor),
      action: WaitlistAuditActions.offerAccepted, patientId: offer.patientId, target: { type: 'waitlist_offer', id: offer.id },
      details: { appointmentId, entryId: offer.entryId, startsAt: offer.startsAt.toISOString(), providerId: offer.providerId },
    });
    return { ok: true, appointmentId };
  });
}

/**
 * "No thanks": the offer is declined (the entry keeps waiting for other times), and the time goes
 * to the next in line at once (the clinic's pass after the response). A second submit changes nothing.
 */
export async function declineOfferByLink(db: Executor, tenant: TenantRef, token: string, client: OfferLinkClient = {}): Promise<OfferAnswer> {
  const subject = subjectFor(tenant, token);
  if (!subject) return { ok: false, reason: 'invalid' };
  const answer = await db.transaction(async (tx): Promise<OfferAnswer> => {
    const offer = await lockOffer(tx, tenant.id, subject.offerId);
    if (!offer) return { ok: false, reason: 'invalid' };
    const at = clockNow();
    const state = offerState(offer, at);
    if (state !== 'open') return { ok: false, reason: state };
    await tx
      .update(waitlistOffers)
      .set({ status: 'declined', answeredAt: at })
      .where(and(eq(waitlistOffers.tenantId, tenant.id), eq(waitlistOffers.id, offer.id)));
    await recordAudit(tx, {
      tenantId: tenant.id, actor: { kind: 'patient', id: null, label: 'Waitlist offer link' }, ip: client.ip ?? null, userAgent: client.userAgent ?? null,
      action: WaitlistAuditActions.offerDeclined, patientId: offer.patientId, target: { type: 'waitlist_offer', id: offer.id },
      details: { entryId: offer.entryId, startsAt: offer.startsAt.toISOString(), providerId: offer.providerId },
    });
    return { ok: true };
  });
  if (answer.ok) offerFreedTimesSoon(tenant.id);
  return answer;
}
