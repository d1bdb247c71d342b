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
    updatedAt: updatedAt(),
  },
  (t) => [
    check('tenant_settings_idle_range', sql`${t.staffIdleTimeoutMinutes} between 5 and 720`),
    check('tenant_settings_upload_range', sql`${t.maxUploadBytes} between 1 and 104857600`),
    check('tenant_settings_form_reminders', sql`${t.formFirstReminderDays} between 0 and 30 and ${t.formLastReminderDays} between 0 and 30`),
    check('tenant_settings_booking_nonneg', sql`${t.minNoticeMinutes} >= 0 and ${t.bookingHorizonDays} > 0 and ${t.bufferMinutes} >= 0 and ${t.cancellationWindowHours} >= 0`),
  ],
);
export type TenantSettings = typeof tenantSettings.$inferSelect;
