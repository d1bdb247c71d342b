import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
