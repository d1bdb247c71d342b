import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clinicDetailTable, clinicTable } from './clinic-table';
import { createdAt, sameClinicReference, updatedAt } from './columns';
import { documents } from './documents';
import { patients } from './patients';
import { staffUsers } from './staff';

/** People who run the deployment. Not tenant-owned: they sign in on the root host only. */
export const platformOperators = pgTable(
  'platform_operators',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    fullName: text('full_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    totpSecretEnc: text('totp_secret_enc'),
    totpEnrolledAt: timestamp('totp_enrolled_at', { withTimezone: true }),
    // The last TOTP time step accepted: a code cannot be replayed within its window.
    totpLastStep: integer('totp_last_step'),
    failedSignIns: integer('failed_sign_ins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('platform_operators_email_key').on(t.email)],
);
export type PlatformOperator = typeof platformOperators.$inferSelect;

// `pending`: registered by the patient, waiting for the clinic's approval (issue 19); `rejected`:
// the clinic refused the registration. Neither can sign in.
export const portalAccountStatuses = ['active', 'disabled', 'pending', 'rejected'] as const;

/**
 * A person who signs in to a clinic's patient portal: a patient, or a parent, guardian or
 * caregiver reaching other patients through portal_account_patients. Exists once a password
 * has been chosen and the phone confirmed.
 */
export const portalAccounts = clinicTable(
  'portal_accounts',
  {
    fullName: text('full_name').notNull(),
    email: text('email'),
    // Keyed hash of the national ID, for clinics that identify patients by it.
    nationalIdHash: text('national_id_hash'),
    phone: text('phone').notNull(),
    phoneVerifiedAt: timestamp('phone_verified_at', { withTimezone: true }).notNull(),
    passwordHash: text('password_hash').notNull(),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull().defaultNow(),
    status: text('status', { enum: portalAccountStatuses }).notNull().default('active'),
    failedSignIns: integer('failed_sign_ins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    language: text('language').notNull().default('en'),
    timeZone: text('time_zone'),
    // An authenticator app the patient enrolled in Settings (seed 002), where the clinic allows it.
    totpSecretEnc: text('totp_secret_enc'),
    totpEnrolledAt: timestamp('totp_enrolled_at', { withTimezone: true }),
    totpLastStep: integer('totp_last_step'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('portal_accounts_tenant_email_key').on(t.tenantId, t.email),
    uniqueIndex('portal_accounts_tenant_national_id_key').on(t.tenantId, t.nationalIdHash),
    check('portal_accounts_email_lower', sql`${t.email} is null or ${t.email} = lower(${t.email})`),
    check('portal_accounts_phone_e164', sql`${t.phone} ~ '^\\+[1-9][0-9]{6,14}$'`),
    check('portal_accounts_identifier', sql`${t.email} is not null or ${t.nationalIdHash} is not null`),
  ],
);
export type PortalAccount = typeof portalAccounts.$inferSelect;

export const portalRelationships = ['self', 'parent', 'guardian', 'caregiver', 'spouse', 'other'] as const;
export type PortalRelationship = (typeof portalRelationships)[number];

/**
 * How much of a patient's portal a proxy (any link but `self`) reaches: everything, the limited set
 * (bookings, messages, billing), or the areas listed in `areas`. Age rules may narrow it further at
 * request time (lib/portal-access/proxy-scope.ts).
 */
export const proxyScopes = ['full', 'limited', 'custom'] as const;
export type ProxyScope = (typeof proxyScopes)[number];

/** Which patients a portal account may act for. */
export const portalAccountPatients = pgTable(
  'portal_account_patients',
  {
    tenantId: uuid('tenant_id').notNull(),
    accountId: uuid('account_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    relationship: text('relationship', { enum: portalRelationships }).notNull(),
    scope: text('scope', { enum: proxyScopes }).notNull().default('full'),
    // The portal areas of a `custom` scope (lib/portal-access/proxy-scope.ts names them).
    areas: text('areas').array().notNull().default(sql`'{}'::text[]`),
    // The link works from starts_on (clinic's calendar date) to ends_on inclusive, when set.
    startsOn: date('starts_on', { mode: 'string' }),
    endsOn: date('ends_on', { mode: 'string' }),
    // The signed consent staff uploaded for this link, a document of the patient.
    evidenceDocumentId: uuid('evidence_document_id'),
    // A patient aged 12–17 (the clinic's ages) keeps the proxy's full scope by consenting in the
    // portal; an adult grants access again. Both are cleared when staff widen the link's scope
    // (lib/portal-access/proxy-link-form.ts widensScope: the consent covered the narrower access).
    teenConsentAt: timestamp('teen_consent_at', { withTimezone: true }),
    adultGrantAt: timestamp('adult_grant_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.accountId, t.patientId] }),
    sameClinicReference('portal_account_patients_account_fk', t.tenantId, t.accountId, portalAccounts).onDelete('cascade'),
    sameClinicReference('portal_account_patients_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('portal_account_patients_evidence_fk', t.tenantId, t.evidenceDocumentId, documents).onDelete('set null'),
    index('portal_account_patients_patient_idx').on(t.tenantId, t.patientId),
    check('portal_account_patients_dates', sql`${t.endsOn} is null or ${t.startsOn} is null or ${t.endsOn} >= ${t.startsOn}`),
  ],
);

export const documentNotificationPrefs = ['email', 'email_sms'] as const;

/**
 * A patient's portal administration (seed 001): whether staff enabled access (manual mode),
 * the printed-activation portal ID and its lockout, and the document notification preference.
 */
export const patientPortalSettings = pgTable(
  'patient_portal_settings',
  {
    tenantId: uuid('tenant_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    accessEnabled: boolean('access_enabled').notNull().default(false),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    portalCode: text('portal_code'),
    portalCodeCreatedAt: timestamp('portal_code_created_at', { withTimezone: true }),
    portalCodeFailedAttempts: integer('portal_code_failed_attempts').notNull().default(0),
    portalCodeLockedAt: timestamp('portal_code_locked_at', { withTimezone: true }),
    documentNotification: text('document_notification', { enum: documentNotificationPrefs }),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.patientId] }),
    sameClinicReference('patient_portal_settings_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    uniqueIndex('patient_portal_settings_code_key').on(t.tenantId, t.portalCode),
    check('patient_portal_settings_code_format', sql`${t.portalCode} is null or ${t.portalCode} ~ '^[0-9]{6}$'`),
  ],
);

export const authTokenPurposes = ['staff_invite', 'patient_invite', 'password_reset'] as const;
export type AuthTokenPurpose = (typeof authTokenPurposes)[number];

/**
 * Single-use links sent by email. Only a SHA-256 of the token is stored. Using one is an
 * UPDATE ... WHERE used_at IS NULL, so two concurrent accepts cannot both succeed.
 */
export const authTokens = clinicTable(
  'auth_tokens',
  {
    purpose: text('purpose', { enum: authTokenPurposes }).notNull(),
    tokenHash: text('token_hash').notNull(),
    email: text('email').notNull(),
    staffUserId: uuid('staff_user_id'),
    portalAccountId: uuid('portal_account_id'),
    patientId: uuid('patient_id'),
    relationship: text('relationship', { enum: portalRelationships }),
    message: text('message'),
    createdByStaffId: uuid('created_by_staff_id'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('auth_tokens_hash_key').on(t.tenantId, t.tokenHash),
    index('auth_tokens_staff_idx').on(t.tenantId, t.staffUserId),
    index('auth_tokens_patient_idx').on(t.tenantId, t.patientId),
    sameClinicReference('auth_tokens_staff_fk', t.tenantId, t.staffUserId, staffUsers).onDelete('cascade'),
    sameClinicReference('auth_tokens_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('auth_tokens_account_fk', t.tenantId, t.portalAccountId, portalAccounts).onDelete('cascade'),
  ],
);

export const challengePurposes = [
  'portal_sign_in', 'staff_sign_in', 'portal_activation', 'portal_invite',
  'portal_claim', 'password_reset', 'phone_change', 'portal_signup', 'portal_registration',
] as const;
export type ChallengePurpose = (typeof challengePurposes)[number];

/**
 * One attempt at a multi-step flow of a clinic (password accepted, now waiting for the SMS
 * code). The browser holds only the challenge id in an HttpOnly cookie; everything else is
 * here. Operators' sign-in attempts are platform rows of their own (operator_challenges).
 */
export const authChallenges = clinicTable(
  'auth_challenges',
  {
    purpose: text('purpose', { enum: challengePurposes }).notNull(),
    subjectKind: text('subject_kind', { enum: ['portal_account', 'staff', 'patient'] }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    // What the flow will do on success (for example the token of an invite, the new phone).
    payload: text('payload'),
    phone: text('phone'),
    codeHash: text('code_hash'),
    codeSentAt: timestamp('code_sent_at', { withTimezone: true }),
    codeExpiresAt: timestamp('code_expires_at', { withTimezone: true }),
    codeAttempts: integer('code_attempts').notNull().default(0),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    createdAt: createdAt(),
  },
  (t) => [index('auth_challenges_subject_idx').on(t.tenantId, t.subjectId, t.createdAt)],
);
export type AuthChallenge = typeof authChallenges.$inferSelect;

/** Every SMS code sent, for the per-person hourly limit. */
export const smsCodeSends = clinicDetailTable(
  'sms_code_sends',
  {
    challengeId: uuid('challenge_id').notNull(),
    subjectId: uuid('subject_id').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    sameClinicReference('sms_code_sends_challenge_fk', t.tenantId, t.challengeId, authChallenges).onDelete('cascade'),
    index('sms_code_sends_subject_idx').on(t.tenantId, t.subjectId, t.sentAt),
  ],
);

/** The audiences that sign in (each with its own session cookie). */
export const sessionKinds = ['staff', 'portal', 'operator'] as const;
export type SessionKind = (typeof sessionKinds)[number];
/** The sessions a clinic holds; operators' sessions are operator_sessions. */
export const clinicSessionKinds = ['staff', 'portal'] as const;
export type ClinicSessionKind = (typeof clinicSessionKinds)[number];

/** Server-side sessions of a clinic's staff and patients. The Auth.js cookie only carries this row's id. */
export const authSessions = clinicTable(
  'auth_sessions',
  {
    kind: text('kind', { enum: clinicSessionKinds }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    selectedPatientId: uuid('selected_patient_id'),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    idleTimeoutSeconds: integer('idle_timeout_seconds').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokeReason: text('revoke_reason'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('auth_sessions_subject_idx').on(t.tenantId, t.subjectId)],
);
export type AuthSession = typeof authSessions.$inferSelect;

/**
 * An operator's sign-in attempt on the root host (password accepted, waiting for the
 * authenticator code). Platform-wide, like the operators.
 */
export const operatorChallenges = pgTable(
  'operator_challenges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    operatorId: uuid('operator_id').notNull().references(() => platformOperators.id, { onDelete: 'cascade' }),
    /** The sign-in lockout key of the email typed, cleared on success. */
    lockKey: text('lock_key').notNull(),
    codeAttempts: integer('code_attempts').notNull().default(0),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    createdAt: createdAt(),
  },
  (t) => [index('operator_challenges_operator_idx').on(t.operatorId, t.createdAt)],
);
export type OperatorChallenge = typeof operatorChallenges.$inferSelect;

/** Operators' server-side sessions (the console). */
export const operatorSessions = pgTable(
  'operator_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    operatorId: uuid('operator_id').notNull().references(() => platformOperators.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    idleTimeoutSeconds: integer('idle_timeout_seconds').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokeReason: text('revoke_reason'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('operator_sessions_operator_idx').on(t.operatorId)],
);
export type OperatorSession = typeof operatorSessions.$inferSelect;

/** Fixed-window counters for limits that must hold across server instances (per IP, per key). */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  count: integer('count').notNull(),
});
