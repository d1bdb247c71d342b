import 'server-only';
import { sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { preparedQuery } from '@/db/prepared';
import { auditLog, platformAuditLog, type auditActorKinds, type auditOutcomes } from '@/db/schema';
import type { OperatorContext, PortalAccountContext, StaffContext } from '@/lib/access/context';
import type { AuditAction } from './actions';

/**
 * Writes one append-only audit entry (the tables refuse UPDATE, DELETE and TRUNCATE): a
 * clinic's to audit_log, the operators' console's (tenantId null) to platform_audit_log.
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
  /** Null for the platform operators' console (platform_audit_log). */
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

const platformAuditInsert = preparedQuery((db) => db
  .insert(platformAuditLog)
  .values({
    actorKind: sql.placeholder('actorKind'),
    actorId: sql.placeholder('actorId'),
    actorLabel: sql.placeholder('actorLabel'),
    action: sql.placeholder('action'),
    outcome: sql.placeholder('outcome'),
    targetType: sql.placeholder('targetType'),
    targetId: sql.placeholder('targetId'),
    ip: sql.placeholder('ip'),
    userAgent: sql.placeholder('userAgent'),
    details: sql.placeholder('details'),
  })
  .prepare('platform_audit_insert'));

/** Any audience's context: who acts is filled in from it the same way everywhere. */
export type AuditContext = StaffContext | PortalAccountContext | OperatorContext;

/**
 * How a portal account acting for someone else is named in the log: "Maria Lopez acting for Leo
 * Lopez" (issue 19). Null for an account acting for itself, or with nobody selected. Kept in the
 * entry's actor label, never in its details.
 */
export function portalActorLabel(ctx: PortalAccountContext): string | null {
  const patient = ctx.patient;
  if (!patient || patient.relationship === 'self') return null;
  return `${ctx.account.fullName} acting for ${patient.firstName} ${patient.lastName}`;
}

/** The actor, clinic, address and browser of an entry, from the caller's context. */
export function auditFrom(ctx: AuditContext): Pick<AuditRecord, 'tenantId' | 'actor' | 'ip' | 'userAgent'> {
  const client = { ip: ctx.ip ?? null, userAgent: ctx.userAgent ?? null };
  if ('account' in ctx) return { tenantId: ctx.tenant.id, actor: { kind: 'patient', id: ctx.account.id }, ...client };
  if (ctx.actor.kind === 'operator') return { tenantId: null, actor: { kind: 'operator', id: ctx.actor.id, label: ctx.actor.email }, ...client };
  const staff = ctx as StaffContext;
  return { tenantId: staff.tenant.id, actor: { kind: 'staff', id: staff.actor.id, label: staff.actor.email }, ...client };
}

/**
 * `recordAudit(tx, ctx, { action, … })` for a person acting through a context (actor, label, IP
 * and user agent filled in from it), or `recordAudit(tx, entry)` for the system and sign-in flows.
 */
export async function recordAudit(db: Executor, ctx: AuditContext, entry: Omit<AuditRecord, 'tenantId' | 'actor'>): Promise<void>;
export async function recordAudit(db: Executor, entry: AuditRecord): Promise<void>;
export async function recordAudit(db: Executor, ctxOrEntry: AuditContext | AuditRecord, rest?: Omit<AuditRecord, 'tenantId' | 'actor'>): Promise<void> {
  const entry: AuditRecord = rest ? { ...auditFrom(ctxOrEntry as AuditContext), ...dropUndefined(rest), action: rest.action } : (ctxOrEntry as AuditRecord);
  // A proxy's entry about the patient they act for names both (the account's own entries, such
  // as a password change, name no patient and stay the account's).
  if (rest && 'account' in ctxOrEntry && rest.patientId && rest.patientId === ctxOrEntry.patient?.id) {
    const label = portalActorLabel(ctxOrEntry);
    if (label) entry.actor = { ...entry.actor, label };
  }
  const common = {
    actorKind: entry.actor.kind,
    actorId: entry.actor.id ?? null,
    actorLabel: entry.actor.label ?? null,
    action: entry.action,
    outcome: entry.outcome ?? 'success',
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent ?? null,
    details: entry.details ?? null,
  };
  // The console acts on the platform, never on a patient's record.
  if (entry.tenantId === null) await platformAuditInsert(db).execute(common);
  else await auditInsert(db).execute({ ...common, tenantId: entry.tenantId, patientId: entry.patientId ?? null });
}

/**
 * Many clinic entries in one statement (a batch job's pass), each the row recordAudit(db, entry)
 * writes for it.
 */
export async function recordAudits(db: Executor, entries: readonly AuditRecord[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(auditLog).values(entries.map((entry) => {
    if (entry.tenantId === null) throw new Error('recordAudits: a clinic entry needs its clinic');
    return {
      tenantId: entry.tenantId, actorKind: entry.actor.kind, actorId: entry.actor.id ?? null, actorLabel: entry.actor.label ?? null,
      action: entry.action, outcome: entry.outcome ?? 'success', patientId: entry.patientId ?? null,
      targetType: entry.target?.type ?? null, targetId: entry.target?.id ?? null, ip: entry.ip ?? null, userAgent: entry.userAgent ?? null,
      details: entry.details ?? null,
    };
  }));
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
