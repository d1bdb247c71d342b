import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { platformOperators } from './identity';

/**
 * Single-use links that let a new platform operator choose a password and enrol an
 * authenticator (`npm run platform:create-operator`). Platform-wide, like the operators: no
 * clinic owns them. Only the token's hash is stored.
 */
export const operatorEnrolments = pgTable(
  'operator_enrolments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    operatorId: uuid('operator_id')
      .notNull()
      .references(() => platformOperators.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    // The authenticator secret offered on the enrolment page, kept (encrypted) from the page
    // that shows its QR code to the submit that confirms a code from it.
    totpSecretEnc: text('totp_secret_enc'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('operator_enrolments_token_hash_key').on(t.tokenHash),
    index('operator_enrolments_operator_idx').on(t.operatorId),
  ],
);
export type OperatorEnrolment = typeof operatorEnrolments.$inferSelect;
