import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns';

export const tenantStatuses = ['active', 'suspended'] as const;
export type TenantStatus = (typeof tenantStatuses)[number];

export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: tenantStatuses }).notNull().default('active'),
    // Raised by triggers (migration 0013) on any change to the clinic, its branding, settings,
    // locations or domains: every instance's caches compare it to notice a change made on another.
    settingsVersion: bigint('settings_version', { mode: 'number' }).notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('tenants_slug_key').on(t.slug),
    check('tenants_slug_format', sql`${t.slug} ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'`),
  ],
);
export type Tenant = typeof tenants.$inferSelect;
export type NewTenant = typeof tenants.$inferInsert;

/** The clinic that owns a row: deleting the clinic deletes the row. */
export const ownerTenantId = () => uuid('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' });

export const domainKinds = ['subdomain', 'custom'] as const;
export type DomainKind = (typeof domainKinds)[number];

/**
 * Hosts a tenant answers on. A `subdomain` row holds only the label (`sunrise`), so the same
 * data works whatever the platform's root domain is; a `custom` row holds the full host name.
 * Only verified rows route.
 */
export const tenantDomains = pgTable(
  'tenant_domains',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    kind: text('kind', { enum: domainKinds }).notNull(),
    hostname: text('hostname').notNull(),
    verificationToken: text('verification_token').notNull(),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    // A host name belongs to at most one clinic, whatever its verification state.
    uniqueIndex('tenant_domains_kind_hostname_key').on(t.kind, t.hostname),
    index('tenant_domains_tenant_idx').on(t.tenantId),
    check('tenant_domains_hostname_lower', sql`${t.hostname} = lower(${t.hostname})`),
  ],
);
export type TenantDomain = typeof tenantDomains.$inferSelect;

export const themes = ['light', 'dark', 'system'] as const;
export type Theme = (typeof themes)[number];

export const tenantBranding = pgTable(
  'tenant_branding',
  {
    tenantId: uuid('tenant_id')
      .primaryKey()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    displayName: text('display_name').notNull(),
    logoUrl: text('logo_url'),
    faviconUrl: text('favicon_url'),
    primaryColor: text('primary_color').notNull().default('#0f766e'),
    theme: text('theme', { enum: themes }).notNull().default('light'),
    updatedAt: updatedAt(),
  },
  (t) => [check('tenant_branding_color_hex', sql`${t.primaryColor} ~ '^#[0-9a-f]{6}$'`)],
);
export type TenantBranding = typeof tenantBranding.$inferSelect;

export const identificationModes = ['email', 'national_id'] as const;
export type IdentificationMode = (typeof identificationModes)[number];
export const accessModes = ['manual', 'automatic'] as const;
export type AccessMode = (typeof accessModes)[number];
export const documentNotifications = ['email', 'email_sms'] as const;
export type DocumentNotification = (typeof documentNotifications)[number];
export const messagingPolicies = ['reply_only', 'never_initiate', 'assigned_only', 'all_clients'] as const;
export type MessagingPolicy = (typeof messagingPolicies)[number];
// Issue 19: who may register in the portal without an invitation.
export const selfRegistrationModes = ['off', 'open', 'approval'] as const;
export type SelfRegistrationMode = (typeof selfRegistrationModes)[number];
// What still goes out once the month's SMS budget is spent: sign-in and security codes only, or
// those and care messages (reminders, notices); marketing stops either way.
export const smsBudgetPolicies = ['codes_only', 'codes_and_care'] as const;
export type SmsBudgetPolicy = (typeof smsBudgetPolicies)[number];

/** Per-clinic behaviour of the portals. Defaults are the stricter choice (DESIGN.md). */
export const tenantSettings = pgTable(
  'tenant_settings',
  {
    tenantId: uuid('tenant_id')
      .primaryKey()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    portalEnabled: boolean('portal_enabled').notNull().default(true),
    identificationMode: text('identification_mode', { enum: identificationModes }).notNull().default('email'),
    nationalIdLabel: text('national_id_label').notNull().default('SSN'),
    accessMode: text('access_mode', { enum: accessModes }).notNull().default('manual'),
    defaultDocumentNotification: text('default_document_notification', { enum: documentNotifications })
      .notNull()
      .default('email'),
    patientUploadsAllowed: boolean('patient_uploads_allowed').notNull().default(false),
    maxUploadBytes: integer('max_upload_bytes').notNull().default(20 * 1024 * 1024),
    staffIdleTimeoutMinutes: integer('staff_idle_timeout_minutes').notNull().default(30),
    minNoticeMinutes: integer('min_notice_minutes').notNull().default(120),
    bookingHorizonDays: integer('booking_horizon_days').notNull().default(60),
    bufferMinutes: integer('buffer_minutes').notNull().default(0),
    cancellationWindowHours: integer('cancellation_window_hours').notNull().default(24),
    messagingPolicy: text('messaging_policy', { enum: messagingPolicies }).notNull().default('reply_only'),
    defaultLanguage: text('default_language').notNull().default('en'),
    // Form reminders: the first and the last, in days before the due date (0: none). Read once, when
    // the built-in "Form due reminder" automation is installed; the automation is edited after that.
    formFirstReminderDays: integer('form_first_reminder_days').notNull().default(3),
    formLastReminderDays: integer('form_last_reminder_days').notNull().default(1),
    // The clinic's own paragraph on the printed portal handout (seed 003).
    handoutNote: text('handout_note'),
    // Patient sign-in (issue 19): the SMS code at every sign-in (seed 004) unless the clinic also
    // accepts a passkey, or (when the SMS does not arrive) an authenticator app.
    portalPasskeysAllowed: boolean('portal_passkeys_allowed').notNull().default(false),
    portalTotpAllowed: boolean('portal_totp_allowed').notNull().default(false),
    selfRegistration: text('self_registration', { enum: selfRegistrationModes }).notNull().default('off'),
    // SMS spend guard: a monthly budget in messages (null: none), what goes out past it, and
    // send-rate ceilings against SMS pumping (per phone number and per clinic, per hour).
    smsMonthlyBudget: integer('sms_monthly_budget'),
    smsBudgetPolicy: text('sms_budget_policy', { enum: smsBudgetPolicies }).notNull().default('codes_only'),
    smsPerPhoneHourly: integer('sms_per_phone_hourly').notNull().default(10),
    smsPerClinicHourly: integer('sms_per_clinic_hourly').notNull().default(1000),
    // Proxy age rules: from proxy_teen_age a parent's access narrows to the limited scope unless
    // the teen consents; from proxy_adult_age it ends unless the adult grants it again.
    proxyAgeRules: boolean('proxy_age_rules').notNull().default(true),
    proxyTeenAge: integer('proxy_teen_age').notNull().default(12),
    proxyAdultAge: integer('proxy_adult_age').notNull().default(18),
    // Waitlist (issue 20): patients may join it in the portal; an offer holds this many minutes and
    // goes to this many entries at once, in the order they joined.
    waitlistPortal: boolean('waitlist_portal').notNull().default(true),
    waitlistOfferMinutes: integer('waitlist_offer_minutes').notNull().default(15),
    waitlistOfferBatch: integer('waitlist_offer_batch').notNull().default(3),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('tenant_settings_sms_limits', sql`(${t.smsMonthlyBudget} is null or ${t.smsMonthlyBudget} > 0) and ${t.smsPerPhoneHourly} between 1 and 100 and ${t.smsPerClinicHourly} between 1 and 100000`),
    check('tenant_settings_proxy_ages', sql`${t.proxyTeenAge} between 1 and 21 and ${t.proxyAdultAge} between ${t.proxyTeenAge} and 25`),
    check('tenant_settings_waitlist', sql`${t.waitlistOfferMinutes} between 5 and 1440 and ${t.waitlistOfferBatch} between 1 and 20`),
    check('tenant_settings_idle_range', sql`${t.staffIdleTimeoutMinutes} between 5 and 720`),
    check('tenant_settings_upload_range', sql`${t.maxUploadBytes} between 1 and 104857600`),
    check('tenant_settings_form_reminders', sql`${t.formFirstReminderDays} between 0 and 30 and ${t.formLastReminderDays} between 0 and 30`),
    check('tenant_settings_booking_nonneg', sql`${t.minNoticeMinutes} >= 0 and ${t.bookingHorizonDays} > 0 and ${t.bufferMinutes} >= 0 and ${t.cancellationWindowHours} >= 0`),
  ],
);
export type TenantSettings = typeof tenantSettings.$inferSelect;
