import { sql } from 'drizzle-orm';
import { boolean, check, integer, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clinicTable } from './clinic-table';
import { createdAt, sameClinicReference, updatedAt } from './columns';

/**
 * A named set of permissions. Built-in levels (`builtinKey` set) are created for every clinic and
 * cannot be deleted; custom levels are made of the same named permissions.
 */
export const accessLevels = clinicTable(
  'access_levels',
  {
    name: text('name').notNull(),
    builtinKey: text('builtin_key'),
    permissions: text('permissions').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('access_levels_tenant_name_key').on(t.tenantId, t.name),
    uniqueIndex('access_levels_tenant_builtin_key').on(t.tenantId, t.builtinKey),
  ],
);
export type AccessLevel = typeof accessLevels.$inferSelect;

export const staffStatuses = ['invited', 'active', 'deactivated'] as const;
export type StaffStatus = (typeof staffStatuses)[number];

/** A clinic's staff member. One row per clinic: a person working for two clinics has two rows. */
export const staffUsers = clinicTable(
  'staff_users',
  {
    email: text('email').notNull(),
    fullName: text('full_name').notNull(),
    title: text('title'),
    phone: text('phone'),
    passwordHash: text('password_hash'),
    accessLevelId: uuid('access_level_id').notNull(),
    status: text('status', { enum: staffStatuses }).notNull().default('invited'),
    isProvider: boolean('is_provider').notNull().default(false),
    totpSecretEnc: text('totp_secret_enc'),
    totpEnrolledAt: timestamp('totp_enrolled_at', { withTimezone: true }),
    // The last TOTP time step accepted: a code cannot be replayed within its window.
    totpLastStep: integer('totp_last_step'),
    failedSignIns: integer('failed_sign_ins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('staff_users_tenant_email_key').on(t.tenantId, t.email),
    sameClinicReference('staff_users_access_level_fk', t.tenantId, t.accessLevelId, accessLevels),
    check('staff_users_email_lower', sql`${t.email} = lower(${t.email})`),
    check('staff_users_phone_e164', sql`${t.phone} is null or ${t.phone} ~ '^\\+[1-9][0-9]{6,14}$'`),
  ],
);
export type StaffUser = typeof staffUsers.$inferSelect;
