import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, jsonb, pgTable, primaryKey, smallint, text, time, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clinicDetailTable, clinicTable } from './clinic-table';
import { createdAt, sameClinicReference, updatedAt } from './columns';
import { locations } from './locations';
import { patients } from './patients';
import { staffUsers } from './staff';

/** What can be booked: name, duration, optional price; online or staff-only. */
export const services = clinicTable(
  'services',
  {
    name: text('name').notNull(),
    description: text('description'),
    durationMinutes: integer('duration_minutes').notNull(),
    priceCents: integer('price_cents'),
    currency: text('currency').notNull().default('USD'),
    bookableOnline: boolean('bookable_online').notNull().default(true),
    isVideo: boolean('is_video').notNull().default(false),
    // Name and description in other portal languages (issue 20): { es: { name, description } }.
    translations: jsonb('translations').$type<Partial<Record<string, Partial<Record<'name' | 'description', string>>>>>().notNull().default({}),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('services_tenant_name_key').on(t.tenantId, t.name),
    check('services_duration_range', sql`${t.durationMinutes} between 5 and 480`),
    check('services_price_nonneg', sql`${t.priceCents} is null or ${t.priceCents} >= 0`),
  ],
);
export type Service = typeof services.$inferSelect;

/** Which services a provider (a staff member flagged as provider) offers. */
export const providerServices = pgTable(
  'provider_services',
  {
    tenantId: uuid('tenant_id').notNull(),
    providerId: uuid('provider_id').notNull(),
    serviceId: uuid('service_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.providerId, t.serviceId] }),
    sameClinicReference('provider_services_provider_fk', t.tenantId, t.providerId, staffUsers).onDelete('cascade'),
    sameClinicReference('provider_services_service_fk', t.tenantId, t.serviceId, services).onDelete('cascade'),
  ],
);

/**
 * A provider's weekly hours at a location, in the location's time zone (wall-clock times, so a
 * 09:00 start stays 09:00 across daylight-saving changes). weekday: 0 = Sunday … 6 = Saturday.
 */
export const availabilityRules = clinicDetailTable(
  'availability_rules',
  {
    providerId: uuid('provider_id').notNull(),
    locationId: uuid('location_id').notNull(),
    weekday: smallint('weekday').notNull(),
    startTime: time('start_time').notNull(),
    endTime: time('end_time').notNull(),
  },
  (t) => [
    sameClinicReference('availability_rules_provider_fk', t.tenantId, t.providerId, staffUsers).onDelete('cascade'),
    sameClinicReference('availability_rules_location_fk', t.tenantId, t.locationId, locations).onDelete('cascade'),
    index('availability_rules_provider_idx').on(t.tenantId, t.providerId),
    check('availability_rules_weekday', sql`${t.weekday} between 0 and 6`),
    check('availability_rules_order', sql`${t.endTime} > ${t.startTime}`),
  ],
);

export const timeOff = clinicDetailTable(
  'time_off',
  {
    providerId: uuid('provider_id').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    reason: text('reason'),
  },
  (t) => [
    sameClinicReference('time_off_provider_fk', t.tenantId, t.providerId, staffUsers).onDelete('cascade'),
    index('time_off_provider_idx').on(t.tenantId, t.providerId, t.startsAt),
    check('time_off_order', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

export const appointmentStatuses = ['booked', 'cancelled', 'completed', 'no_show'] as const;
export type AppointmentStatus = (typeof appointmentStatuses)[number];

/**
 * Visits. Two appointments of one provider that are not cancelled can never overlap: an
 * EXCLUDE constraint (migration 0007) on (provider, tstzrange(starts_at, ends_at)).
 */
export const appointments = clinicDetailTable(
  'appointments',
  {
    patientId: uuid('patient_id').notNull(),
    providerId: uuid('provider_id').notNull(),
    serviceId: uuid('service_id').notNull(),
    locationId: uuid('location_id').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: appointmentStatuses }).notNull().default('booked'),
    cancelReason: text('cancel_reason'),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    // The patient said they will come (a reminder's confirm link, or the portal).
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    bookedByKind: text('booked_by_kind', { enum: ['staff', 'patient'] }).notNull(),
    bookedById: uuid('booked_by_id').notNull(),
    videoUrl: text('video_url'),
    // A moved visit: the cancelled row points at the visit that replaced it (History: "Moved to …").
    rescheduledToId: uuid('rescheduled_to_id'),
    notes: text('notes'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('appointments_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('appointments_provider_fk', t.tenantId, t.providerId, staffUsers),
    sameClinicReference('appointments_service_fk', t.tenantId, t.serviceId, services),
    sameClinicReference('appointments_location_fk', t.tenantId, t.locationId, locations),
    foreignKey({ name: 'appointments_rescheduled_to_fk', columns: [t.tenantId, t.rescheduledToId], foreignColumns: [t.tenantId, t.id] }),
    index('appointments_patient_idx').on(t.tenantId, t.patientId, t.startsAt),
    index('appointments_provider_idx').on(t.tenantId, t.providerId, t.startsAt),
    index('appointments_location_idx').on(t.tenantId, t.locationId, t.startsAt),
    check('appointments_order', sql`${t.endsAt} > ${t.startsAt}`),
    check('appointments_cancel_reason', sql`${t.status} <> 'cancelled' or ${t.cancelReason} is not null`),
  ],
);
export type Appointment = typeof appointments.$inferSelect;
