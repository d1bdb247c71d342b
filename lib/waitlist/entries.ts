import 'server-only';
import { and, asc, count, desc, eq, gte, inArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '@/db/client';
import {
  locations, patients, services, staffUsers, tenantSettings, waitlistEntries, waitlistOffers,
  type WaitlistEntryStatus, type WaitlistOfferStatus,
} from '@/db/schema';
import { assertPermission, NotFoundError, type PortalContext, type StaffContext } from '@/lib/access/context';
import { assertPortalArea, portalAreaOpen } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { now as clockNow } from '@/lib/clock';
import { localizedColumn, portalTextScope, type ClinicTextScope } from '@/lib/i18n/clinic-text-sql';
import { PG, postgresErrorCode, RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { loadBookingContext, offeringProviders } from '@/lib/scheduling/find-slots';
import { addDays, zonedDate } from '@/lib/scheduling/zoned-time';
import { isCalendarDate, WAITLIST_REASON_MAX } from './forms';
import { offerFreedTimesSoon } from './wake';

/**
 * Waitlist entries: a patient (in the portal, for the patient the session acts for) or staff put
 * someone on the list for a service at a location, with one provider or any, on the days and
 * times that suit, until a date; the patient leaves it, staff remove an entry with a reason.
 * Offers made from the list are lib/waitlist/offers.ts's; here they are only read, to show them.
 *
 * Who may: a portal account only for its selected patient, while its link opens Bookings and the
 * clinic lets patients join online (tenant_settings.waitlist_portal), and only for services
 * patients can book online; staff with schedule.manage for any patient of the clinic and any
 * active service. Another clinic's ids, or another patient's entry, are not found.
 */

export const WaitlistAuditActions = {
  joined: 'waitlist.joined',
  removed: 'waitlist.removed',
} as const;

/** Kept on an entry the patient took off the list themselves (staff read it on the EMR's list). */
export const PATIENT_LEFT_REASON = 'The patient left the waitlist in the portal.';

export type WaitlistRefusalCode =
  | 'portal-off' | 'not-offered' | 'times' | 'until-too-soon' | 'until-too-late' | 'duplicate' | 'not-waiting' | 'reason-required';

/** A rule of the waitlist refused the request; the portal's actions reword it by its code. */
export class WaitlistRefusal extends RuleError {
  constructor(code: WaitlistRefusalCode, message: string, field?: string, extra?: Record<string, unknown>) {
    super(code, message, field ? { [field]: message } : undefined, extra);
    this.name = 'WaitlistRefusal';
  }
}

type Actor = StaffContext | PortalContext;
const isPortal = (actor: Actor): actor is PortalContext => 'account' in actor;

/** The clinic's waitlist settings, with the booking horizon that bounds an entry's last day. */
export async function loadWaitlistSettings(db: Executor, tenantId: string) {
  const [row] = await db
    .select({
      portalJoining: tenantSettings.waitlistPortal, bookingHorizonDays: tenantSettings.bookingHorizonDays,
      offerMinutes: tenantSettings.waitlistOfferMinutes, offerBatch: tenantSettings.waitlistOfferBatch,
    })
    .from(tenantSettings)
    .where(eq(tenantSettings.tenantId, tenantId));
  if (!row) throw new Error('waitlist: clinic has no settings row');
  return row;
}

/**
 * The days an entry may end on, in the location's zone: from tomorrow to the last day the clinic
 * books (its horizon), and the form's first suggestion (four weeks, or the horizon if nearer).
 */
export function untilRange(at: Date, timeZone: string, bookingHorizonDays: number): { first: string; last: string; suggested: string } {
  const today = zonedDate(at, timeZone);
  const first = addDays(today, 1);
  const last = zonedDate(new Date(at.getTime() + bookingHorizonDays * 86_400_000), timeZone);
  const suggested = addDays(today, 28) < last ? addDays(today, 28) : last;
  return { first, last: last < first ? first : last, suggested };
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

export interface JoinWaitlistInput {
  /** Staff only: whom to put on the list. The portal's patient is the session's. */
  patientId?: string;
  serviceId: string;
  locationId: string;
  providerId: string | 'any';
  /** 0 = Sunday … 6 = Saturday. */
  weekdays: readonly number[];
  /** Local 'HH:MM' (24:00 for the end of the day), earliest before latest. */
  earliestTime: string;
  latestTime: string;
  /** The last local date that suits (YYYY-MM-DD). */
  untilOn: string;
}

/** The patient an actor may put on the list: the portal's selected one, or any of the clinic's for staff. */
async function patientFor(db: Executor, actor: Actor, patientId: string | undefined): Promise<string> {
  if (isPortal(actor)) {
    await assertPortalArea(db, actor, 'bookings');
    return actor.patient.id;
  }
  assertPermission(actor, 'schedule.manage');
  if (!patientId || !isUuid(patientId)) throw new NotFoundError('patient');
  const [row] = await db.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, actor.tenant.id), eq(patients.id, patientId)));
  if (!row) throw new NotFoundError('patient');
  return row.id;
}

/** Puts a patient on the waitlist; one open entry per patient, service and location. */
export async function joinWaitlist(db: Executor, actor: Actor, input: JoinWaitlistInput): Promise<{ id: string }> {
  const tenantId = actor.tenant.id;
  const patientId = await patientFor(db, actor, input.patientId);
  const settings = await loadWaitlistSettings(db, tenantId);
  if (isPortal(actor) && !settings.portalJoining) {
    throw new WaitlistRefusal('portal-off', 'The clinic does not take waitlist requests online. Please call the clinic.');
  }
  // A staff-only or inactive service, an inactive location or another clinic's ids are not found.
  const { service, location } = await loadBookingContext(db, tenantId, {
    serviceId: input.serviceId, locationId: input.locationId, audience: isPortal(actor) ? 'patient' : 'staff',
  });
  const offering = await offeringProviders(db, tenantId, service.id, location.id, input.providerId);
  if (offering.length === 0) {
    if (input.providerId === 'any') throw new WaitlistRefusal('not-offered', 'No provider offers this service at this location.', 'serviceId');
    // Someone who is not an active provider of this clinic is not found; one of its providers may just not offer it here.
    const [provider] = await db.select({ id: staffUsers.id }).from(staffUsers).where(and(
      eq(staffUsers.tenantId, tenantId), eq(staffUsers.id, input.providerId), eq(staffUsers.isProvider, true), eq(staffUsers.status, 'active'),
    ));
    if (!provider) throw new NotFoundError('provider');
    throw new WaitlistRefusal('not-offered', 'That provider does not offer this service at this location.', 'providerId');
  }

  const weekdays = [...new Set(input.weekdays)].sort((a, b) => a - b);
  if (weekdays.length === 0 || weekdays.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) {
    throw new WaitlistRefusal('times', 'Tick at least one day.', 'weekdays');
  }
  if (!TIME.test(input.earliestTime) || !TIME.test(input.latestTime) || minutesOf(input.earliestTime) >= minutesOf(input.latestTime)) {
    throw new WaitlistRefusal('times', 'The earliest time must be before the latest.', 'timeOfDay');
  }
  const range = untilRange(clockNow(), location.timeZone, settings.bookingHorizonDays);
  if (!isCalendarDate(input.untilOn) || input.untilOn < range.first) {
    throw new WaitlistRefusal('until-too-soon', 'Choose a last day from tomorrow on.', 'untilOn', { first: range.first });
  }
  if (input.untilOn > range.last) {
    throw new WaitlistRefusal('until-too-late', `The clinic books up to ${range.last}: choose that day or an earlier one.`, 'untilOn', { last: range.last });
  }

  const providerId = input.providerId === 'any' ? null : input.providerId;
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(waitlistEntries)
        .values({
          tenantId, patientId, serviceId: service.id, locationId: location.id, providerId, weekdays,
          earliestTime: input.earliestTime, latestTime: input.latestTime, untilOn: input.untilOn,
          createdByKind: isPortal(actor) ? 'patient' : 'staff', createdById: isPortal(actor) ? actor.account.id : actor.actor.id,
        })
        .returning({ id: waitlistEntries.id });
      await recordAudit(tx, actor, {
        action: WaitlistAuditActions.joined, patientId,
        target: { type: 'waitlist_entry', id: row!.id },
        details: {
          after: {
            serviceId: service.id, locationId: location.id, providerId, weekdays,
            earliestTime: input.earliestTime, latestTime: input.latestTime, untilOn: input.untilOn,
          },
        },
      });
      return { id: row!.id };
    });
  } catch (error) {
    // waitlist_entries_open_key, the table's one unique index besides its key.
    if (postgresErrorCode(error) === PG.uniqueViolation) {
      throw new WaitlistRefusal('duplicate', 'This patient is already on the waitlist for this service at this location.');
    }
    throw error;
  }
}

/**
 * Takes an entry off the list: the patient their own (from the portal), staff any with a reason.
 * Offers still open for it are withdrawn (declined), so their times go to the next in line.
 */
export async function removeWaitlistEntry(db: Executor, actor: Actor, input: { entryId: string; reason?: string }): Promise<void> {
  const tenantId = actor.tenant.id;
  if (!isUuid(input.entryId)) throw new NotFoundError('waitlist entry');
  let reason = PATIENT_LEFT_REASON;
  if (isPortal(actor)) {
    await assertPortalArea(db, actor, 'bookings');
  } else {
    assertPermission(actor, 'schedule.manage');
    reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    if (!reason) throw new WaitlistRefusal('reason-required', 'Enter why the entry is removed.', 'reason');
    if (reason.length > WAITLIST_REASON_MAX) throw new WaitlistRefusal('reason-required', `Keep the reason under ${WAITLIST_REASON_MAX} characters.`, 'reason');
  }
  const withdrawn = await db.transaction(async (tx) => {
    const [entry] = await tx
      .select({ id: waitlistEntries.id, patientId: waitlistEntries.patientId, status: waitlistEntries.status })
      .from(waitlistEntries)
      .where(and(
        eq(waitlistEntries.tenantId, tenantId), eq(waitlistEntries.id, input.entryId),
        ...(isPortal(actor) ? [eq(waitlistEntries.patientId, actor.patient.id)] : []),
      ))
      .for('update');
    if (!entry) throw new NotFoundError('waitlist entry');
    if (entry.status !== 'waiting') throw new WaitlistRefusal('not-waiting', 'This entry is no longer on the waitlist.');
    const at = clockNow();
    await tx
      .update(waitlistEntries)
      .set({ status: 'removed', removedReason: reason, updatedAt: at })
      .where(and(eq(waitlistEntries.tenantId, tenantId), eq(waitlistEntries.id, entry.id)));
    const declined = await tx
      .update(waitlistOffers)
      .set({ status: 'declined', answeredAt: at })
      .where(and(eq(waitlistOffers.tenantId, tenantId), eq(waitlistOffers.entryId, entry.id), eq(waitlistOffers.status, 'offered')))
      .returning({ id: waitlistOffers.id });
    await recordAudit(tx, actor, {
      action: WaitlistAuditActions.removed, patientId: entry.patientId,
      target: { type: 'waitlist_entry', id: entry.id },
      details: { before: { status: entry.status }, after: { status: 'removed' }, reason, offersWithdrawn: declined.length },
    });
    return declined.length;
  });
  // A withdrawn offer's time goes to the next in line now rather than at the next scheduled pass.
  if (withdrawn > 0) offerFreedTimesSoon(tenantId);
}

// ---------------------------------------------------------------------------------------------
// Reads

export interface WaitlistOfferView {
  id: string;
  status: WaitlistOfferStatus;
  startsAt: Date;
  endsAt: Date;
  providerName: string;
  /** When it was sent. */
  sentAt: Date;
  expiresAt: Date;
  answeredAt: Date | null;
}

export interface WaitlistEntryView {
  id: string;
  status: WaitlistEntryStatus;
  weekdays: number[];
  earliestTime: string;
  latestTime: string;
  untilOn: string;
  createdAt: Date;
  removedReason: string | null;
  service: { id: string; name: string };
  location: { id: string; name: string; timeZone: string };
  /** Null: any provider. */
  provider: { id: string; name: string } | null;
}

const entryProvider = alias(staffUsers, 'entry_provider');

/** `text`: a portal reader's scope, for the clinic's names in their language (staff read them as written). */
function entryColumns(text?: ClinicTextScope) {
  return {
    id: waitlistEntries.id, status: waitlistEntries.status, weekdays: waitlistEntries.weekdays,
    earliestTime: waitlistEntries.earliestTime, latestTime: waitlistEntries.latestTime, untilOn: waitlistEntries.untilOn,
    createdAt: waitlistEntries.createdAt, removedReason: waitlistEntries.removedReason,
    serviceId: services.id, serviceName: text ? localizedColumn<string>(services.name, services.translations, 'name', text) : services.name,
    locationId: locations.id, locationName: text ? localizedColumn<string>(locations.name, locations.translations, 'name', text) : locations.name, timeZone: locations.timeZone,
    providerId: entryProvider.id, providerName: entryProvider.fullName,
  };
}

type EntryRow = {
  id: string; status: WaitlistEntryStatus; weekdays: number[]; earliestTime: string; latestTime: string; untilOn: string; createdAt: Date;
  removedReason: string | null; serviceId: string; serviceName: string; locationId: string; locationName: string; timeZone: string;
  providerId: string | null; providerName: string | null;
};

function toEntryView(r: EntryRow): WaitlistEntryView {
  return {
    id: r.id, status: r.status, weekdays: r.weekdays, earliestTime: r.earliestTime.slice(0, 5), latestTime: r.latestTime.slice(0, 5),
    untilOn: r.untilOn, createdAt: r.createdAt, removedReason: r.removedReason,
    service: { id: r.serviceId, name: r.serviceName },
    location: { id: r.locationId, name: r.locationName, timeZone: r.timeZone },
    provider: r.providerId ? { id: r.providerId, name: r.providerName ?? '' } : null,
  };
}

/** The offers made to these entries, oldest first, grouped by entry. */
async function offersOf(db: Executor, tenantId: string, entryIds: string[]): Promise<Map<string, WaitlistOfferView[]>> {
  const byEntry = new Map<string, WaitlistOfferView[]>();
  if (entryIds.length === 0) return byEntry;
  const rows = await db
    .select({
      entryId: waitlistOffers.entryId, id: waitlistOffers.id, status: waitlistOffers.status, startsAt: waitlistOffers.startsAt,
      endsAt: waitlistOffers.endsAt, providerName: staffUsers.fullName, sentAt: waitlistOffers.createdAt,
      expiresAt: waitlistOffers.expiresAt, answeredAt: waitlistOffers.answeredAt,
    })
    .from(waitlistOffers)
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, waitlistOffers.tenantId), eq(staffUsers.id, waitlistOffers.providerId)))
    .where(and(eq(waitlistOffers.tenantId, tenantId), inArray(waitlistOffers.entryId, entryIds)))
    .orderBy(asc(waitlistOffers.createdAt), asc(waitlistOffers.startsAt), asc(waitlistOffers.id));
  for (const { entryId, ...offer } of rows) byEntry.set(entryId, [...(byEntry.get(entryId) ?? []), offer]);
  return byEntry;
}

function entryQuery(db: Executor, text?: ClinicTextScope) {
  return db
    .select(entryColumns(text))
    .from(waitlistEntries)
    .innerJoin(services, and(eq(services.tenantId, waitlistEntries.tenantId), eq(services.id, waitlistEntries.serviceId)))
    .innerJoin(locations, and(eq(locations.tenantId, waitlistEntries.tenantId), eq(locations.id, waitlistEntries.locationId)))
    .leftJoin(entryProvider, and(eq(entryProvider.tenantId, waitlistEntries.tenantId), eq(entryProvider.id, waitlistEntries.providerId)));
}

export interface PatientWaitlistEntry extends WaitlistEntryView {
  /** The newest offer made for it, if any. */
  latestOffer: WaitlistOfferView | null;
}

/** How long an entry that left the list stays in the patient's list, so they see what happened. */
const RECENT_DAYS = 30;

/**
 * The selected patient's entries: those waiting, and those that ended in the last 30 days, newest
 * first, each with its latest offer. Empty when the account's link does not open Bookings.
 */
export async function listPatientWaitlist(db: Executor, ctx: PortalContext): Promise<PatientWaitlistEntry[]> {
  const tenantId = ctx.tenant.id;
  if (!isUuid(tenantId) || !isUuid(ctx.patient.id) || !(await portalAreaOpen(db, ctx, 'bookings'))) return [];
  const since = new Date(clockNow().getTime() - RECENT_DAYS * 86_400_000);
  const rows = await entryQuery(db, portalTextScope(ctx))
    .where(and(
      eq(waitlistEntries.tenantId, tenantId), eq(waitlistEntries.patientId, ctx.patient.id),
      or(eq(waitlistEntries.status, 'waiting'), gte(waitlistEntries.updatedAt, since)),
    ))
    .orderBy(desc(waitlistEntries.createdAt), desc(waitlistEntries.id))
    .limit(50);
  const offers = await offersOf(db, tenantId, rows.map((r) => r.id));
  return rows.map((r) => ({ ...toEntryView(r), latestOffer: offers.get(r.id)?.at(-1) ?? null }));
}

export const WAITLIST_PAGE_SIZE = 50;
export const WAITLIST_STATUS_FILTERS = ['waiting', 'booked', 'removed', 'expired', 'all'] as const satisfies readonly (WaitlistEntryStatus | 'all')[];
export type WaitlistStatusFilter = (typeof WAITLIST_STATUS_FILTERS)[number];

export interface ClinicWaitlistEntry extends WaitlistEntryView {
  /** Place in the location's queue, for waiting entries (1 is offered first); null otherwise. */
  position: number | null;
  patient: { id: string; name: string; recordNumber: string };
  offers: WaitlistOfferView[];
}

export interface ClinicWaitlist {
  locations: { id: string; name: string; timeZone: string }[];
  location: { id: string; name: string; timeZone: string } | null;
  status: WaitlistStatusFilter;
  page: number;
  total: number;
  entries: ClinicWaitlistEntry[];
}

/**
 * One location's waitlist in the order it is served (made first, offered first), with the offers
 * sent for each entry. `locationId` of another clinic, or none, shows the first location.
 */
export async function listClinicWaitlist(
  db: Executor,
  ctx: StaffContext,
  filters: { locationId?: string; status?: WaitlistStatusFilter; page?: number } = {},
): Promise<ClinicWaitlist> {
  assertPermission(ctx, 'schedule.view');
  const tenantId = ctx.tenant.id;
  const status = filters.status && (WAITLIST_STATUS_FILTERS as readonly string[]).includes(filters.status) ? filters.status : 'waiting';
  const page = Number.isSafeInteger(filters.page) && filters.page! > 0 ? filters.page! : 1;
  const locationRows = await db
    .select({ id: locations.id, name: locations.name, timeZone: locations.timeZone })
    .from(locations)
    .where(and(eq(locations.tenantId, tenantId), eq(locations.active, true)))
    .orderBy(asc(locations.name), asc(locations.id));
  const location = locationRows.find((l) => l.id === filters.locationId) ?? locationRows[0] ?? null;
  const empty: ClinicWaitlist = { locations: locationRows, location, status, page, total: 0, entries: [] };
  if (!location) return empty;

  const where = and(
    eq(waitlistEntries.tenantId, tenantId), eq(waitlistEntries.locationId, location.id),
    ...(status === 'all' ? [] : [eq(waitlistEntries.status, status)]),
  );
  // The queue's order among the waiting entries of the location, whatever the page or filter shows.
  const position = sql<number | null>`case when ${waitlistEntries.status} = 'waiting' then row_number() over (partition by ${waitlistEntries.status} order by ${waitlistEntries.createdAt}, ${waitlistEntries.id}) end`;
  const [[counted], rows] = await Promise.all([
    db.select({ total: count() }).from(waitlistEntries).where(where),
    db
      .select({ ...entryColumns(), position, patientId: patients.id, firstName: patients.firstName, lastName: patients.lastName, recordNumber: patients.recordNumber })
      .from(waitlistEntries)
      .innerJoin(services, and(eq(services.tenantId, waitlistEntries.tenantId), eq(services.id, waitlistEntries.serviceId)))
      .innerJoin(locations, and(eq(locations.tenantId, waitlistEntries.tenantId), eq(locations.id, waitlistEntries.locationId)))
      .innerJoin(patients, and(eq(patients.tenantId, waitlistEntries.tenantId), eq(patients.id, waitlistEntries.patientId)))
      .leftJoin(entryProvider, and(eq(entryProvider.tenantId, waitlistEntries.tenantId), eq(entryProvider.id, waitlistEntries.providerId)))
      .where(where)
      .orderBy(asc(waitlistEntries.createdAt), asc(waitlistEntries.id))
      .limit(WAITLIST_PAGE_SIZE)
      .offset((page - 1) * WAITLIST_PAGE_SIZE),
  ]);
  const offers = await offersOf(db, tenantId, rows.map((r) => r.id));
  return {
    ...empty,
    total: counted?.total ?? 0,
    entries: rows.map((r) => ({
      ...toEntryView(r),
      position: r.position === null ? null : Number(r.position),
      patient: { id: r.patientId, name: `${r.firstName} ${r.lastName}`, recordNumber: r.recordNumber },
      offers: offers.get(r.id) ?? [],
    })),
  };
}
