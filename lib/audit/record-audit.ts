import { sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { preparedQuery } from '@/db/prepared';
import { auditLog, type auditActorKinds, type auditOutcomes } from '@/db/schema';
import type { AuditAction } from './actions';

/**
 * Writes one append-only audit entry (the table refuses UPDATE, DELETE and TRUNCATE).
 * Pass the transaction that makes the change, so the entry exists exactly when the change does;
 * for a refused attempt, which changes nothing, pass the database.
 */

export interface AuditActor {
  kind: (typeof auditActorKinds)[number];
  id?: string | null;
  /** Who it was as shown at the time (an email, a name): the row it points to may change or go. */
  label?: string | null;
}

export interface AuditRecord {
  /** Null for the platform operators' console. */
  tenantId: string | null;
  actor: AuditActor;
  action: AuditAction;
  outcome?: (typeof auditOutcomes)[number];
  /** The patient whose data was read or changed, so a patient's access history is one query. */
  patientId?: string | null;
  target?: { type: string; id: string };
  ip?: string | null;
  userAgent?: string | null;
  /** What changed (before/after field values) or why it failed. Never passwords, codes or tokens. */
  details?: Record<string, unknown>;
}

const auditInsert = preparedQuery((db) => db
  .insert(auditLog)
  .values({
    tenantId: sql.placeholder('tenantId'),
    actorKind: sql.placeholder('actorKind'),
    actorId: sql.placeholder('actorId'),
    actorLabel: sql.placeholder('actorLabel'),
    action: sql.placeholder('action'),
    outcome: sql.placeholder('outcome'),
    patientId: sql.placeholder('patientId'),
    targetType: sql.placeholder('targetType'),
    targetId: sql.placeholder('targetId'),
    ip: sql.placeholder('ip'),
    userAgent: sql.placeholder('userAgent'),
    details: sql.placeholder('details'),
  })
  .prepare('audit_insert'));

export async function recordAudit(db: Executor, entry: AuditRecord): Promise<void> {
  const values = {
    tenantId: entry.tenantId,
    actorKind: entry.actor.kind,
    actorId: entry.actor.id ?? null,
    actorLabel: entry.actor.label ?? null,
    action: entry.action,
    outcome: entry.outcome ?? 'success',
    patientId: entry.patientId ?? null,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent ?? null,
    details: entry.details ?? null,
  };
  await auditInsert(db).execute(values);
}
