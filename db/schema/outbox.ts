import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * What the local "outbox" SMS and email providers captured instead of sending, shown at
 * /dev/outbox outside production.
 */
export const devOutboxMessages = pgTable(
  'dev_outbox_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel', { enum: ['sms', 'email'] }).notNull(),
    recipient: text('recipient').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    html: text('html'),
    idempotencyKey: text('idempotency_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('dev_outbox_created_idx').on(t.createdAt)],
);
export type DevOutboxMessage = typeof devOutboxMessages.$inferSelect;

// `suppressed`: not sent, because at send time the address was on the clinic's suppression list
// or (marketing) the patient had not consented (issue 18).
// `held`: an SMS the clinic's spend guard kept back at send time because the month's budget was
// used up (last_error 'sms_budget'; next_attempt_at is when it was held). Released to 'pending'
// when the budget allows again within 2 hours of being held, else it stays held, unsent
// (lib/sms-spend, issue 19). A text enum: no migration.
export const outboxStatuses = ['pending', 'sending', 'sent', 'dead', 'suppressed', 'held'] as const;
export const outboxPurposes = ['care', 'marketing'] as const;

/**
 * The transactional outbox: a message is written in the same transaction as the change that
 * causes it, then delivered by the dispatcher (right after commit, and by the cron route) with
 * retries and backoff. `idempotency_key` makes a second enqueue of the same event a no-op, and
 * is passed to the provider so a crash between sending and marking never sends twice. Every
 * message is a clinic's, keyed by (tenant_id, id); the key is unique within the clinic.
 */
export const outboxMessages = pgTable(
  'outbox_messages',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    channel: text('channel', { enum: ['sms', 'email'] }).notNull(),
    recipient: text('recipient').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    html: text('html'),
    attachments: jsonb('attachments').$type<{ filename: string; content: string; contentType?: string }[]>(),
    idempotencyKey: text('idempotency_key').notNull(),
    // Care messages (reminders, notices, codes) or marketing (campaigns): what the suppression
    // list and the patient's consent are checked against when it is sent.
    purpose: text('purpose', { enum: outboxPurposes }).notNull().default('care'),
    // The patient a message is to, when it is to one (automations, campaigns): marketing is held
    // back at send time if their consent was withdrawn after it was queued.
    patientId: uuid('patient_id'),
    status: text('status', { enum: outboxStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    providerMessageId: text('provider_message_id'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('outbox_messages_idempotency_key').on(t.tenantId, t.idempotencyKey),
    index('outbox_messages_provider_id_idx').on(t.providerMessageId).where(sql`${t.providerMessageId} is not null`),
    index('outbox_messages_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'sending')`),
    // What a request delivers right after its response (its receipts, codes, replies): never a
    // campaign's backlog, which the worker sends at the campaign's pace.
    index('outbox_messages_due_care_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'sending') and ${t.purpose} <> 'marketing'`),
    // SMS held by the clinic's spend guard, released oldest first when the budget allows (issue 19).
    index('outbox_messages_held_idx').on(t.tenantId, t.nextAttemptAt).where(sql`${t.status} = 'held'`),
  ],
);
export type OutboxMessage = typeof outboxMessages.$inferSelect;
