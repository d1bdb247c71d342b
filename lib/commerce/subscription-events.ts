import 'server-only';
import { and, eq, gt } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { subscriptionEvents, subscriptions, type SubscriptionStatus } from '@/db/schema';
import { recordAudit, recordAudits, type AuditRecord } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { CommerceAuditActions } from './audit-actions';

/**
 * A subscription's history (subscription_events) and its audit entry, written together in the
 * caller's transaction: what happened, from which status to which, who did it, and dates,
 * numbers and ids only — never the product or a typed reason, which can say what the patient is
 * treated for. Imports nothing of billing, so billing can call in here (the card hook below).
 */

export type SubscriptionEventAction =
  | 'started' | 'renewed' | 'renewal_failed' | 'ended' | 'cancelled'
  | 'skipped' | 'paused' | 'resumed' | 'rescheduled' | 'phase_changed' | 'retry_requested';

export interface SubscriptionActorRef {
  kind: 'patient' | 'staff' | 'system';
  id?: string | null;
  label?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

type CommerceAuditAction = (typeof CommerceAuditActions)[keyof typeof CommerceAuditActions];

export interface SubscriptionEventInput {
  tenantId: string;
  subscriptionId: string;
  patientId: string;
  action: SubscriptionEventAction;
  from: SubscriptionStatus | null;
  to: SubscriptionStatus | null;
  actor: SubscriptionActorRef;
  details: Record<string, string | number | boolean | null>;
  audit: CommerceAuditAction;
  at?: Date;
}

export async function recordSubscriptionEvent(tx: Executor, input: SubscriptionEventInput): Promise<void> {
  await tx.insert(subscriptionEvents).values(eventRow(input));
  await recordAudit(tx, auditOf(input));
}

/** Many subscriptions' events and their audit entries, in two statements (the renewal job's pass). */
export async function recordSubscriptionEvents(tx: Executor, inputs: readonly SubscriptionEventInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await tx.insert(subscriptionEvents).values(inputs.map(eventRow));
  await recordAudits(tx, inputs.map(auditOf));
}

function eventRow(input: SubscriptionEventInput): typeof subscriptionEvents.$inferInsert {
  return {
    tenantId: input.tenantId, subscriptionId: input.subscriptionId, action: input.action, fromStatus: input.from, toStatus: input.to,
    actorKind: input.actor.kind, actorId: input.actor.id ?? null, details: JSON.stringify(input.details), occurredAt: input.at ?? now(),
  };
}

function auditOf(input: SubscriptionEventInput): AuditRecord {
  return {
    tenantId: input.tenantId,
    actor: { kind: input.actor.kind, id: input.actor.id ?? null, label: input.actor.label ?? null },
    ip: input.actor.ip ?? null, userAgent: input.actor.userAgent ?? null,
    action: input.audit, patientId: input.patientId, target: { type: 'subscription', id: input.subscriptionId },
    details: { event: input.action, ...(input.from !== input.to ? { status: { before: input.from, after: input.to } } : { status: input.to }), ...input.details },
  };
}

/**
 * Billing's hook when a patient authorises a card for subscription renewals: their subscriptions
 * that are past due are tried again at the renewal job's next run instead of waiting for the
 * next day of the retry schedule. Returns how many.
 */
export async function retryPastDueSubscriptionsSoon(tx: Executor, tenantId: string, patientId: string, actor: SubscriptionActorRef): Promise<number> {
  const at = now();
  const moved = await tx.update(subscriptions)
    .set({ nextRetryAt: at, updatedAt: at })
    .where(and(eq(subscriptions.tenantId, tenantId), eq(subscriptions.patientId, patientId), eq(subscriptions.status, 'past_due'), gt(subscriptions.nextRetryAt, at)))
    .returning({ id: subscriptions.id });
  for (const { id } of moved) {
    await recordSubscriptionEvent(tx, {
      tenantId, subscriptionId: id, patientId, action: 'retry_requested', from: 'past_due', to: 'past_due', actor,
      details: { retryAt: at.toISOString() }, audit: CommerceAuditActions.subscriptionChanged, at,
    });
  }
  return moved.length;
}
