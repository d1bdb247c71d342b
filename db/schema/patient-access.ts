import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clinicTable } from './clinic-table';
import { createdAt, sameClinicReference } from './columns';
import { platformOperators, portalAccounts } from './identity';
import { patients } from './patients';
import { staffUsers } from './staff';
import { ownerTenantId } from './tenants';

// Issue 19: passkeys, recovery codes, the SMS spend guard, self-registration and data exports.

export const passkeySubjectKinds = ['staff', 'portal_account'] as const;
export type PasskeySubjectKind = (typeof passkeySubjectKinds)[number];

/**
 * A WebAuthn credential of a clinic's staff member or portal account. Bound to the exact host it
 * was made on (`rp_id`): a clinic on a subdomain and a custom domain has one per host.
 */
export const passkeys = clinicTable(
  'passkeys',
  {
    subjectKind: text('subject_kind', { enum: passkeySubjectKinds }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    name: text('name').notNull(),
    credentialId: text('credential_id').notNull(), // base64url
    publicKey: text('public_key').notNull(), // base64url COSE key
    counter: bigint('counter', { mode: 'number' }).notNull().default(0),
    transports: text('transports').array().notNull().default(sql`'{}'::text[]`),
    deviceType: text('device_type'),
    backedUp: boolean('backed_up').notNull().default(false),
    rpId: text('rp_id').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('passkeys_credential_key').on(t.tenantId, t.credentialId),
    index('passkeys_subject_idx').on(t.tenantId, t.subjectId),
  ],
);
export type Passkey = typeof passkeys.$inferSelect;

/** Operators' passkeys (the console, on the root host). */
export const operatorPasskeys = pgTable(
  'operator_passkeys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    operatorId: uuid('operator_id').notNull().references(() => platformOperators.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    credentialId: text('credential_id').notNull(),
    publicKey: text('public_key').notNull(),
    counter: bigint('counter', { mode: 'number' }).notNull().default(0),
    transports: text('transports').array().notNull().default(sql`'{}'::text[]`),
    deviceType: text('device_type'),
    backedUp: boolean('backed_up').notNull().default(false),
    rpId: text('rp_id').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('operator_passkeys_credential_key').on(t.credentialId),
    index('operator_passkeys_operator_idx').on(t.operatorId),
  ],
);
export type OperatorPasskey = typeof operatorPasskeys.$inferSelect;

export const passkeyCeremonies = ['register', 'authenticate'] as const;

/**
 * A WebAuthn challenge issued by a clinic's host, used once (UPDATE … WHERE used_at IS NULL).
 * `subject_id` is the signed-in person (register) or the sign-in attempt's subject (authenticate).
 */
export const passkeyChallenges = clinicTable(
  'passkey_challenges',
  {
    ceremony: text('ceremony', { enum: passkeyCeremonies }).notNull(),
    subjectKind: text('subject_kind', { enum: passkeySubjectKinds }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    // The sign-in attempt (auth_challenges) or session this ceremony belongs to.
    contextId: uuid('context_id').notNull(),
    challenge: text('challenge').notNull(),
    rpId: text('rp_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('passkey_challenges_context_idx').on(t.tenantId, t.contextId)],
);

/** The same for operators on the root host. */
export const operatorPasskeyChallenges = pgTable(
  'operator_passkey_challenges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ceremony: text('ceremony', { enum: passkeyCeremonies }).notNull(),
    operatorId: uuid('operator_id').notNull().references(() => platformOperators.id, { onDelete: 'cascade' }),
    contextId: uuid('context_id').notNull(),
    challenge: text('challenge').notNull(),
    rpId: text('rp_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('operator_passkey_challenges_context_idx').on(t.contextId)],
);

/** One-time recovery codes shown once when an authenticator app is enrolled; only hashes are kept. */
export const recoveryCodes = clinicTable(
  'recovery_codes',
  {
    subjectKind: text('subject_kind', { enum: passkeySubjectKinds }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('recovery_codes_subject_idx').on(t.tenantId, t.subjectId)],
);

/**
 * SMS sent by a clinic per calendar month (UTC), counted when the provider accepts a message:
 * the spend guard's budget, its 80 % warning (once) and the operators' console.
 */
export const smsMonthlyUsage = pgTable(
  'sms_monthly_usage',
  {
    tenantId: ownerTenantId(),
    month: date('month', { mode: 'string' }).notNull(), // first day of the month
    sent: integer('sent').notNull().default(0),
    segments: integer('segments').notNull().default(0),
    held: integer('held').notNull().default(0),
    warnedAt: timestamp('warned_at', { withTimezone: true }),
    exhaustedAt: timestamp('exhausted_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.month] })],
);

export const registrationStatuses = ['pending', 'approved', 'rejected'] as const;
export type RegistrationStatus = (typeof registrationStatuses)[number];

/** A patient's self-registration in the portal, and the clinic's decision where it needs one. */
export const portalRegistrations = clinicTable(
  'portal_registrations',
  {
    accountId: uuid('account_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    status: text('status', { enum: registrationStatuses }).notNull(),
    // A patient already on file that this registration likely repeats (the merge task names it).
    possibleDuplicateOf: uuid('possible_duplicate_of'),
    decidedByStaffId: uuid('decided_by_staff_id'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('portal_registrations_account_key').on(t.tenantId, t.accountId),
    index('portal_registrations_status_idx').on(t.tenantId, t.status, t.createdAt),
    sameClinicReference('portal_registrations_account_fk', t.tenantId, t.accountId, portalAccounts).onDelete('cascade'),
    sameClinicReference('portal_registrations_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('portal_registrations_duplicate_fk', t.tenantId, t.possibleDuplicateOf, patients).onDelete('set null'),
    sameClinicReference('portal_registrations_staff_fk', t.tenantId, t.decidedByStaffId, staffUsers),
  ],
);
export type PortalRegistration = typeof portalRegistrations.$inferSelect;

export const dataExportStatuses = ['queued', 'building', 'ready', 'downloaded', 'expired', 'failed'] as const;
export type DataExportStatus = (typeof dataExportStatuses)[number];

/**
 * A patient's "export my data": built by a background job into a ZIP (FHIR R4 Bundle and the
 * original files) in storage, downloaded once within 7 days.
 */
export const dataExports = clinicTable(
  'data_exports',
  {
    patientId: uuid('patient_id').notNull(),
    accountId: uuid('account_id').notNull(),
    status: text('status', { enum: dataExportStatuses }).notNull().default('queued'),
    storageKey: text('storage_key'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    attempts: integer('attempts').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    readyAt: timestamp('ready_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    downloadedAt: timestamp('downloaded_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('data_exports_patient_idx').on(t.tenantId, t.patientId, t.createdAt),
    index('data_exports_due_idx').on(t.createdAt).where(sql`${t.status} in ('queued', 'building')`),
    sameClinicReference('data_exports_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('data_exports_account_fk', t.tenantId, t.accountId, portalAccounts).onDelete('cascade'),
  ],
);
export type DataExport = typeof dataExports.$inferSelect;
