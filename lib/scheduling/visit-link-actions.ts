import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { appointments, locations, patients, staffUsers, tenantSettings, type AppointmentStatus } from '@/db/schema';
import { NotFoundError } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now as clockNow } from '@/lib/clock';
import { localized } from '@/lib/i18n/clinic-text';
import { toLocale, type Locale } from '@/lib/i18n/core';
import { locationAddressColumns } from '@/lib/locations/address-columns';
import type { LocationAddress } from '@/lib/locations/address';
import { pickNotificationLanguage } from '@/lib/notifications/texts';
import type { TenantRef } from '@/lib/tenancy/lookup';
import {
  AppointmentAuditActions, cancelAppointment, patientChangeDeadline, patientChangeRefusal, RESCHEDULED_REASON, visitLinkAudit,
  type VisitLinkActor,
} from './booking';
import { readVisitToken, type VisitLinkAction, type VisitTokenSubject } from './visit-links';

/**
 * What a visit reminder's confirm / cancel link does (issue 18, point 3), signed out: the token
 * (./visit-links.ts) is the credential and names the clinic, the appointment and what it allows.
 * Opening the page only reads (link scanners open links); its buttons confirm or cancel.
 *
 * Confirming is possible until the visit starts; cancelling only as the portal allows it (the
 * clinic's change window, the same rule in ./booking.ts), through the same cancellation as the
 * portal's, so the slot frees, appointment.cancelled is recorded and the same notices go.
 */

/** Why a button is not offered. */
export type VisitLinkRefusal = 'not-allowed' | 'cancelled' | 'moved' | 'past' | 'outside-window';

/** The visit as the page shows it: when, where, with whom. Not the service or notes. */
export interface VisitLinkVisit {
  id: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  confirmedAt: Date | null;
  /** The location's zone: the page says the time where the visit happens. */
  timeZone: string;
  location: LocationAddress & { name: string; phone: string | null };
  provider: string;
}

export type VisitLinkInspection =
  | { ok: false }
  | {
      ok: true;
      visit: VisitLinkVisit;
      /** The patient's language (else the clinic's): the link works signed out, on any device. */
      locale: Locale;
      /** Null when the button is offered, else why not. */
      confirm: VisitLinkRefusal | null;
      cancel: VisitLinkRefusal | null;
      windowHours: number;
      /** Until when the link can cancel (the clinic's window before the start). */
      cancelUntil: Date;
    };

export type VisitLinkResult = { ok: true } | { ok: false; reason: VisitLinkRefusal | 'invalid' };

/** Cancel reason staff see on the schedule for a visit the patient cancelled with the link. */
export const VISIT_LINK_CANCEL_REASON = 'Cancelled by the patient with the reminder link';

/** The token's subject when it is genuine and this clinic's; a token of another clinic is as unknown as a forged one. */
function subjectFor(tenant: TenantRef, token: string): VisitTokenSubject | null {
  const subject = readVisitToken(token);
  return subject && subject.tenantId === tenant.id ? subject : null;
}

async function loadVisit(db: Executor, tenantId: string, appointmentId: string) {
  const [row] = await db
    .select({
      id: appointments.id, startsAt: appointments.startsAt, endsAt: appointments.endsAt, status: appointments.status,
      cancelReason: appointments.cancelReason, confirmedAt: appointments.confirmedAt,
      timeZone: locations.timeZone, locationName: locations.name, locationTranslations: locations.translations, locationPhone: locations.phone, ...locationAddressColumns,
      provider: staffUsers.fullName,
      patientLanguage: patients.preferredLanguage, clinicLanguage: tenantSettings.defaultLanguage, windowHours: tenantSettings.cancellationWindowHours,
    })
    .from(appointments)
    .innerJoin(locations, and(eq(locations.tenantId, appointments.tenantId), eq(locations.id, appointments.locationId)))
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, appointments.tenantId), eq(staffUsers.id, appointments.providerId)))
    .innerJoin(patients, and(eq(patients.tenantId, appointments.tenantId), eq(patients.id, appointments.patientId)))
    .innerJoin(tenantSettings, eq(tenantSettings.tenantId, appointments.tenantId))
    .where(and(eq(appointments.tenantId, tenantId), eq(appointments.id, appointmentId)));
  return row ?? null;
}

type VisitState = { status: AppointmentStatus; startsAt: Date; cancelReason: string | null };

/** Why a visit in this state can no longer be confirmed or cancelled at all; null while it is booked and ahead. */
function stateRefusal(visit: VisitState, at: Date): VisitLinkRefusal | null {
  if (visit.status === 'cancelled') return visit.cancelReason === RESCHEDULED_REASON ? 'moved' : 'cancelled';
  if (visit.status !== 'booked' || at.getTime() >= visit.startsAt.getTime()) return 'past';
  return null;
}

function confirmRefusal(visit: VisitState, allows: readonly VisitLinkAction[], at: Date): VisitLinkRefusal | null {
  return stateRefusal(visit, at) ?? (allows.includes('confirm') ? null : 'not-allowed');
}

function cancelRefusal(visit: VisitState, allows: readonly VisitLinkAction[], windowHours: number, at: Date): VisitLinkRefusal | null {
  const state = stateRefusal(visit, at);
  if (state) return state;
  if (!allows.includes('cancel')) return 'not-allowed';
  // The portal's rule, so the link can cancel exactly when the portal's Cancel button can.
  return patientChangeRefusal(visit, windowHours, at) ? 'outside-window' : null;
}

/** What the page shows for a token on this clinic's host, changing nothing. */
export async function inspectVisitLink(db: Executor, tenant: TenantRef, token: string): Promise<VisitLinkInspection> {
  const subject = subjectFor(tenant, token);
  if (!subject) return { ok: false };
  const row = await loadVisit(db, tenant.id, subject.appointmentId);
  if (!row) return { ok: false };
  const at = clockNow();
  const locale = toLocale(pickNotificationLanguage(row.patientLanguage, row.clinicLanguage));
  return {
    ok: true,
    visit: {
      id: row.id, startsAt: row.startsAt, endsAt: row.endsAt, status: row.status, confirmedAt: row.confirmedAt, timeZone: row.timeZone,
      location: {
        name: localized({ name: row.locationName, translations: row.locationTranslations }, 'name', locale, row.clinicLanguage), phone: row.locationPhone,
        addressLine1: row.addressLine1, addressLine2: row.addressLine2, city: row.city, region: row.region, postalCode: row.postalCode,
      },
      provider: row.provider,
    },
    locale,
    confirm: confirmRefusal(row, subject.allows, at),
    cancel: cancelRefusal(row, subject.allows, row.windowHours, at),
    windowHours: row.windowHours,
    cancelUntil: patientChangeDeadline(row.startsAt, row.windowHours),
  };
}

/** The request's address and browser, for the audit entry. */
export interface LinkClient {
  ip?: string | null;
  userAgent?: string | null;
}

/**
 * The patient says they will come: sets confirmed_at once (a second confirm keeps the first time
 * and records nothing more), with an audit entry by the patient through the link. Refused for a
 * cancelled or past visit, and for a token that is not this clinic's or does not allow it.
 */
export async function confirmVisitByLink(db: Executor, tenant: TenantRef, token: string, client: LinkClient = {}): Promise<VisitLinkResult> {
  const subject = subjectFor(tenant, token);
  if (!subject) return { ok: false, reason: 'invalid' };
  const actor: VisitLinkActor = { tenant, visitLink: { appointmentId: subject.appointmentId }, ip: client.ip, userAgent: client.userAgent };
  return db.transaction(async (tx): Promise<VisitLinkResult> => {
    const [row] = await tx
      .select({ id: appointments.id, patientId: appointments.patientId, status: appointments.status, startsAt: appointments.startsAt, cancelReason: appointments.cancelReason, confirmedAt: appointments.confirmedAt })
      .from(appointments)
      .where(and(eq(appointments.tenantId, tenant.id), eq(appointments.id, subject.appointmentId)))
      .for('update');
    if (!row) return { ok: false, reason: 'invalid' };
    const at = clockNow();
    const refusal = confirmRefusal(row, subject.allows, at);
    if (refusal) return { ok: false, reason: refusal };
    if (row.confirmedAt) return { ok: true };
    await tx
      .update(appointments)
      .set({ confirmedAt: at, updatedAt: at })
      .where(and(eq(appointments.tenantId, tenant.id), eq(appointments.id, row.id)));
    await recordAudit(tx, {
      ...visitLinkAudit(actor),
      action: AppointmentAuditActions.confirmed, patientId: row.patientId, target: { type: 'appointment', id: row.id },
      details: { after: { confirmedAt: at.toISOString() }, startsAt: row.startsAt.toISOString() },
    });
    return { ok: true };
  });
}

/**
 * The patient cancels: the portal's cancellation (./booking.ts cancelAppointment, with the
 * patients' window), acting as the patient by the link, so the slot frees, appointment.cancelled
 * is recorded and the cancellation notices go, all in its one transaction. A second submit finds
 * the visit cancelled and changes nothing ('cancelled').
 */
export async function cancelVisitByLink(db: Executor, tenant: TenantRef, token: string, client: LinkClient = {}): Promise<VisitLinkResult> {
  const subject = subjectFor(tenant, token);
  if (!subject) return { ok: false, reason: 'invalid' };
  if (!subject.allows.includes('cancel')) return { ok: false, reason: 'not-allowed' };
  const actor: VisitLinkActor = { tenant, visitLink: { appointmentId: subject.appointmentId }, ip: client.ip, userAgent: client.userAgent };
  const result = await cancelAppointment(db, actor, subject.appointmentId, VISIT_LINK_CANCEL_REASON).catch((error: unknown) => {
    if (error instanceof NotFoundError) return null;
    throw error;
  });
  if (!result) return { ok: false, reason: 'invalid' };
  if (result.ok) return { ok: true };
  // Said in the page's words: read the visit again for why (moved, past, outside the window).
  const row = await loadVisit(db, tenant.id, subject.appointmentId);
  if (!row) return { ok: false, reason: 'invalid' };
  return { ok: false, reason: cancelRefusal(row, subject.allows, row.windowHours, clockNow()) ?? 'cancelled' };
}
