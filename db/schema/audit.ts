import { bigserial, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const auditActorKinds = ['staff', 'patient', 'operator', 'system', 'anonymous'] as const;
export const auditOutcomes = ['success', 'failure', 'denied'] as const;

/**
 * Append-only record of a clinic's sign-ins, PHI reads and changes. A trigger (migration 0003)
 * refuses UPDATE, DELETE and TRUNCATE. No foreign keys: entries outlive what they describe.
 * Keyed by (tenant_id, id) like every clinic-owned table; the operators' console writes to
 * platform_audit_log.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    actorKind: text('actor_kind', { enum: auditActorKinds }).notNull(),
    actorId: uuid('actor_id'),
    actorLabel: text('actor_label'),
    action: text('action').notNull(),
    outcome: text('outcome', { enum: auditOutcomes }).notNull().default('success'),
    patientId: uuid('patient_id'),
    targetType: text('target_type'),
    targetId: text('target_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('audit_log_tenant_time_idx').on(t.tenantId, t.occurredAt),
    index('audit_log_tenant_patient_idx').on(t.tenantId, t.patientId, t.occurredAt),
    index('audit_log_tenant_actor_idx').on(t.tenantId, t.actorId, t.occurredAt),
  ],
);
export type AuditEntry = typeof auditLog.$inferSelect;
export type NewAuditEntry = typeof auditLog.$inferInsert;

/**
 * The platform's own audit entries: the operators' console (sign-ins, clinics created or
 * suspended). Append-only like audit_log (migration 0016).
 */
export const platformAuditLog = pgTable(
  'platform_audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    actorKind: text('actor_kind', { enum: auditActorKinds }).notNull(),
    actorId: uuid('actor_id'),
    actorLabel: text('actor_label'),
    action: text('action').notNull(),
    outcome: text('outcome', { enum: auditOutcomes }).notNull().default('success'),
    targetType: text('target_type'),
    targetId: text('target_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [
    index('platform_audit_log_time_idx').on(t.occurredAt),
    index('platform_audit_log_actor_idx').on(t.actorId, t.occurredAt),
  ],
);
export type PlatformAuditEntry = typeof platformAuditLog.$inferSelect;
