import { sql } from 'drizzle-orm';
import { check, date, index, smallint, text, time, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clinicDetailTable } from './clinic-table';
import { createdAt, sameClinicReference, updatedAt } from './columns';
import { locations } from './locations';
import { patients } from './patients';
import { appointments, services } from './scheduling';
import { staffUsers } from './staff';

// Issue 20: the waitlist and the offers made from it.

export const waitlistEntryStatuses = ['waiting', 'booked', 'removed', 'expired'] as const;
export type WaitlistEntryStatus = (typeof waitlistEntryStatuses)[number];

/**
 * A patient waiting for a time: a service at a location, with one provider or any, on the
 * weekdays and between the local (location-zone) times that suit, until a date. Entries are
 * served in the order they were made (created_at, id).
 */
export const waitlistEntries = clinicDetailTable(
  'waitlist_entries',
  {
    patientId: uuid('patient_id').notNull(),
    serviceId: uuid('service_id').notNull(),
    locationId: uuid('location_id').notNull(),
    // null: any provider who offers the service there.
    providerId: uuid('provider_id'),
    // 0 = Sunday … 6 = Saturday, in the location's zone.
    weekdays: smallint('weekdays').array().notNull().default(sql`'{0,1,2,3,4,5,6}'::smallint[]`),
    earliestTime: time('earliest_time').notNull().default('00:00'),
    latestTime: time('latest_time').notNull().default('24:00'),
    untilOn: date('until_on').notNull(),
    status: text('status', { enum: waitlistEntryStatuses }).notNull().default('waiting'),
    createdByKind: text('created_by_kind', { enum: ['staff', 'patient'] }).notNull(),
    createdById: uuid('created_by_id').notNull(),
    // The visit an accepted offer booked.
    appointmentId: uuid('appointment_id'),
    removedReason: text('removed_reason'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('waitlist_entries_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('waitlist_entries_service_fk', t.tenantId, t.serviceId, services).onDelete('cascade'),
    sameClinicReference('waitlist_entries_location_fk', t.tenantId, t.locationId, locations).onDelete('cascade'),
    sameClinicReference('waitlist_entries_provider_fk', t.tenantId, t.providerId, staffUsers).onDelete('cascade'),
    sameClinicReference('waitlist_entries_appointment_fk', t.tenantId, t.appointmentId, appointments),
    index('waitlist_entries_queue_idx').on(t.tenantId, t.locationId, t.status, t.createdAt),
    index('waitlist_entries_patient_idx').on(t.tenantId, t.patientId),
    // One open entry per patient, service and location.
    uniqueIndex('waitlist_entries_open_key').on(t.tenantId, t.patientId, t.serviceId, t.locationId).where(sql`status = 'waiting'`),
    check('waitlist_entries_times', sql`${t.latestTime} > ${t.earliestTime}`),
    check('waitlist_entries_weekdays', sql`cardinality(${t.weekdays}) between 1 and 7 and ${t.weekdays} <@ '{0,1,2,3,4,5,6}'::smallint[]`),
  ],
);
export type WaitlistEntry = typeof waitlistEntries.$inferSelect;

export const waitlistOfferStatuses = ['offered', 'accepted', 'expired', 'gone', 'declined'] as const;
export type WaitlistOfferStatus = (typeof waitlistOfferStatuses)[number];

/**
 * A free time offered to one waitlist entry: held for the clinic's offer minutes. Several
 * entries may hold offers of the same time (provider_id, starts_at); the first to accept books it
 * through the normal booking path, the others become `gone` and are told. A time is offered to an
 * entry at most once (the unique key), so two runners cannot send the same offer twice.
 */
export const waitlistOffers = clinicDetailTable(
  'waitlist_offers',
  {
    entryId: uuid('entry_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    serviceId: uuid('service_id').notNull(),
    locationId: uuid('location_id').notNull(),
    providerId: uuid('provider_id').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: waitlistOfferStatuses }).notNull().default('offered'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    // Set once the patient was told the time is gone (or the offer lapsed), so it is said once.
    toldAt: timestamp('told_at', { withTimezone: true }),
    appointmentId: uuid('appointment_id'),
    createdAt: createdAt(),
  },
  (t) => [
    sameClinicReference('waitlist_offers_entry_fk', t.tenantId, t.entryId, waitlistEntries).onDelete('cascade'),
    sameClinicReference('waitlist_offers_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('waitlist_offers_provider_fk', t.tenantId, t.providerId, staffUsers).onDelete('cascade'),
    sameClinicReference('waitlist_offers_appointment_fk', t.tenantId, t.appointmentId, appointments),
    uniqueIndex('waitlist_offers_once_key').on(t.tenantId, t.entryId, t.providerId, t.startsAt),
    index('waitlist_offers_slot_idx').on(t.tenantId, t.providerId, t.startsAt),
    index('waitlist_offers_open_idx').on(t.expiresAt).where(sql`status = 'offered'`),
    check('waitlist_offers_order', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);
export type WaitlistOffer = typeof waitlistOffers.$inferSelect;

/** Clinic-entered text in another portal language: { es: { name: '…', description: '…' } }. */
export type Translations = Partial<Record<string, Partial<Record<string, string>>>>;

