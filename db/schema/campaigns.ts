import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { messageTemplates } from './automations';
import { clinicDetailTable, clinicTable } from './clinic-table';
import { createdAt, sameClinicReference, updatedAt } from './columns';
import { contactChannels } from './engagement';
import { patients } from './patients';
import { staffUsers } from './staff';

// Engagement (issue 18), third part: segments (saved filters over a clinic's patients) and
// marketing campaigns sent to them, one recipient row per patient with what happened to them.

/**
 * A saved filter over the clinic's patients ("seen in the last year"): `filter` is the shape
 * lib/engagement/segments parses (tags, last visit, service, location, age, subscription,
 * product, language), evaluated when counted and when a campaign is queued, never stored as a list.
 */
export const segments = clinicTable(
  'segments',
  {
    name: text('name').notNull(),
    description: text('description'),
    filter: jsonb('filter').$type<unknown>().notNull(),
    createdByStaffId: uuid('created_by_staff_id'),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('segments_created_by_fk', t.tenantId, t.createdByStaffId, staffUsers),
    uniqueIndex('segments_name_key').on(t.tenantId, sql`lower(${t.name})`),
    check('segments_name_length', sql`char_length(${t.name}) between 1 and 120`),
  ],
);
export type Segment = typeof segments.$inferSelect;

export const campaignStatuses = ['draft', 'scheduled', 'queueing', 'sending', 'sent', 'cancelled'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

/**
 * A marketing message to a segment by email or SMS. Sent now or at `send_at`; `queueing` while
 * its recipient rows are written (in batches, resumable), `sending` while they go out at
 * `rate_per_minute`; SMS are held outside `quiet_start`–`quiet_end` in each patient's zone.
 */
export const campaigns = clinicTable(
  'campaigns',
  {
    name: text('name').notNull(),
    channel: text('channel', { enum: contactChannels }).notNull(),
    templateId: uuid('template_id').notNull(),
    segmentId: uuid('segment_id').notNull(),
    status: text('status', { enum: campaignStatuses }).notNull().default('draft'),
    sendAt: timestamp('send_at', { withTimezone: true }),
    // "HH:MM" in the patient's zone; SMS only. Equal values turn quiet hours off.
    quietStart: text('quiet_start').notNull().default('21:00'),
    quietEnd: text('quiet_end').notNull().default('08:00'),
    ratePerMinute: integer('rate_per_minute').notNull().default(600),
    // Queueing resumes after the last patient id written (keyset), so a crash repeats nobody.
    queueCursor: uuid('queue_cursor'),
    // Recipients queued so far (not excluded): the next page's first throttle slot, kept with the
    // cursor so a page never counts the rows before it.
    queuedCount: integer('queued_count').notNull().default(0),
    queuedAt: timestamp('queued_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    createdByStaffId: uuid('created_by_staff_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('campaigns_template_fk', t.tenantId, t.templateId, messageTemplates),
    sameClinicReference('campaigns_segment_fk', t.tenantId, t.segmentId, segments),
    sameClinicReference('campaigns_created_by_fk', t.tenantId, t.createdByStaffId, staffUsers),
    index('campaigns_due_idx').on(t.sendAt).where(sql`${t.status} in ('scheduled', 'queueing', 'sending')`),
    check('campaigns_name_length', sql`char_length(${t.name}) between 1 and 120`),
    check('campaigns_quiet_hours', sql`${t.quietStart} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' and ${t.quietEnd} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`),
    check('campaigns_rate', sql`${t.ratePerMinute} between 1 and 100000`),
    check('campaigns_scheduled', sql`${t.status} <> 'scheduled' or ${t.sendAt} is not null`),
  ],
);
export type Campaign = typeof campaigns.$inferSelect;

export const campaignRecipientStatuses = ['excluded', 'queued', 'sent', 'delivered', 'failed', 'suppressed'] as const;
export const campaignExclusionReasons = ['no_consent', 'suppressed', 'no_address'] as const;

/**
 * One patient of a campaign: excluded with the reason, or queued with the instant it may go
 * (`send_after`: the throttle's slot, moved past quiet hours) and then what the outbox and the
 * provider said. Unique per (campaign, patient): queueing twice writes nobody twice.
 */
export const campaignRecipients = clinicDetailTable(
  'campaign_recipients',
  {
    campaignId: uuid('campaign_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    address: text('address'),
    status: text('status', { enum: campaignRecipientStatuses }).notNull(),
    exclusionReason: text('exclusion_reason', { enum: campaignExclusionReasons }),
    sendAfter: timestamp('send_after', { withTimezone: true }),
    outboxMessageId: uuid('outbox_message_id'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    clickedAt: timestamp('clicked_at', { withTimezone: true }),
    unsubscribedAt: timestamp('unsubscribed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    sameClinicReference('campaign_recipients_campaign_fk', t.tenantId, t.campaignId, campaigns).onDelete('cascade'),
    sameClinicReference('campaign_recipients_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    uniqueIndex('campaign_recipients_once').on(t.tenantId, t.campaignId, t.patientId),
    index('campaign_recipients_due_idx').on(t.sendAfter).where(sql`${t.status} = 'queued'`),
    index('campaign_recipients_outbox_idx').on(t.tenantId, t.outboxMessageId).where(sql`${t.outboxMessageId} is not null`),
    check('campaign_recipients_excluded', sql`(${t.status} = 'excluded') = (${t.exclusionReason} is not null)`),
  ],
);
export type CampaignRecipient = typeof campaignRecipients.$inferSelect;

/**
 * Delivery events the email provider reported by webhook (Resend: delivered, bounced,
 * complained, opened, clicked), each recorded once by its provider id after the signature check.
 */
export const emailProviderEvents = pgTable(
  'email_provider_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    provider: text('provider').notNull(),
    providerEventId: text('provider_event_id').notNull(),
    type: text('type').notNull(),
    providerMessageId: text('provider_message_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('email_provider_events_once').on(t.provider, t.providerEventId),
    index('email_provider_events_pending_idx').on(t.receivedAt).where(sql`${t.processedAt} is null`),
  ],
);
