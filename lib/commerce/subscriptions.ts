import 'server-only';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { productPhases, subscriptionEvents, subscriptionRenewals, subscriptions, type Subscription, type SubscriptionStatus } from '@/db/schema';
import { assertPermission, NotFoundError, type PortalContext, type StaffContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { portalActorLabel } from '@/lib/audit/record-audit';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { eventActorOf, recordEvent } from '@/lib/engagement/events';
import { RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { hasControlCharacters } from '@/lib/validation/text';
import { zonedDate } from '@/lib/scheduling/zoned-time';
import { CommerceAuditActions } from './audit-actions';
import { anchorDayOf } from './cycles';
import { abandonRenewal } from './renewals';
import { getCommerceSettings } from './settings';
import { recordSubscriptionEvent, type SubscriptionActorRef, type SubscriptionEventAction } from './subscription-events';
import {
  decideCancel, decidePause, decidePhase, decideReschedule, decideResume, decideSkip, nextChargePhase, STAFF_LIMITS,
  SUBSCRIPTION_REFUSALS, type CancelReason, type SubscriptionLimits, type SubscriptionRefusal,
} from './subscription-rules';

/**
 * What a patient (issue 17 point 8) and staff do to a subscription: skip the next cycle, pause
 * until a date, resume, move the next payment date, cancel with a reason, and (staff) move it to
 * another phase. The patient acts for the portal's selected patient within the clinic's settings;
 * staff need orders.manage and are not held to those settings. Each change is one transaction
 * under the subscription's row lock (the renewal job takes the same lock before it charges, so a
 * cancel that commits first is never charged), and writes the subscription's history and the
 * audit with dates and codes only. Another clinic's or patient's subscription is not found.
 */

export class SubscriptionRuleError extends RuleError {
  constructor(code: SubscriptionRefusal, message: string = SUBSCRIPTION_REFUSALS[code], fieldErrors?: Record<string, string>) {
    super(code, message, fieldErrors);
    this.name = 'SubscriptionRuleError';
  }
}

export type SubscriptionCaller = PortalContext | StaffContext;

const isPatient = (ctx: SubscriptionCaller): ctx is PortalContext => 'account' in ctx;

function actorOf(ctx: SubscriptionCaller): SubscriptionActorRef {
  return isPatient(ctx)
    ? { kind: 'patient', id: ctx.account.id, label: portalActorLabel(ctx), ip: ctx.ip ?? null, userAgent: ctx.userAgent ?? null }
    : { kind: 'staff', id: ctx.actor.id, label: ctx.actor.email, ip: ctx.ip ?? null, userAgent: ctx.userAgent ?? null };
}

/** The subscription, locked, if the caller may see it: the selected patient's, or (staff) the clinic's. */
async function lockOwn(tx: Executor, ctx: SubscriptionCaller, subscriptionId: string): Promise<Subscription> {
  if (!isPatient(ctx)) assertPermission(ctx, 'orders.manage');
  else await assertPortalArea(tx, ctx, 'orders');
  if (!isUuid(subscriptionId)) throw new NotFoundError('subscription');
  const [row] = await tx.select().from(subscriptions)
    .where(and(
      eq(subscriptions.tenantId, ctx.tenant.id), eq(subscriptions.id, subscriptionId),
      ...(isPatient(ctx) ? [eq(subscriptions.patientId, ctx.patient.id)] : []),
    ))
    .for('update');
  if (!row) throw new NotFoundError('subscription');
  return row;
}

async function limitsFor(tx: Executor, ctx: SubscriptionCaller): Promise<SubscriptionLimits> {
  return isPatient(ctx) ? getCommerceSettings(tx, ctx.tenant.id) : STAFF_LIMITS;
}

function refuseIf<T>(decision: { ok: true; value: T } | { ok: false; refusal: SubscriptionRefusal }, field?: string): T {
  if (decision.ok) return decision.value;
  const message = SUBSCRIPTION_REFUSALS[decision.refusal];
  throw new SubscriptionRuleError(decision.refusal, message, field ? { [field]: message } : undefined);
}

async function phasesOf(tx: Executor, sub: Subscription) {
  return tx.select().from(productPhases)
    .where(and(eq(productPhases.tenantId, sub.tenantId), eq(productPhases.productId, sub.productId))).orderBy(asc(productPhases.position));
}

interface Change {
  action: SubscriptionEventAction;
  set: Partial<typeof subscriptions.$inferInsert>;
  to: SubscriptionStatus;
  details: Record<string, string | number | boolean | null>;
  audit?: (typeof CommerceAuditActions)[keyof typeof CommerceAuditActions];
}

/** One change: lock, decide with the clinic's zone and today, write the row, the history and the audit (and a cancellation's event). */
async function change(
  db: Executor, ctx: SubscriptionCaller, subscriptionId: string,
  decide: (sub: Subscription, env: { tx: Executor; limits: SubscriptionLimits; zone: string; today: string; at: Date }) => Promise<Change>,
): Promise<void> {
  await db.transaction(async (tx) => {
    const sub = await lockOwn(tx, ctx, subscriptionId);
    const [limits, zone] = await Promise.all([limitsFor(tx, ctx), clinicTimeZone(tx, ctx.tenant.id)]);
    const at = now();
    const made = await decide(sub, { tx, limits, zone, today: zonedDate(at, zone), at });
    await tx.update(subscriptions).set({ ...made.set, updatedAt: at })
      .where(and(eq(subscriptions.tenantId, sub.tenantId), eq(subscriptions.id, sub.id)));
    await recordSubscriptionEvent(tx, {
      tenantId: sub.tenantId, subscriptionId: sub.id, patientId: sub.patientId, action: made.action, from: sub.status, to: made.to,
      actor: actorOf(ctx), details: made.details, audit: made.audit ?? CommerceAuditActions.subscriptionChanged, at,
    });
    if (made.action === 'cancelled') {
      await recordEvent(tx, sub.tenantId, {
        name: 'subscription.cancelled', patientId: sub.patientId, subject: { subscriptionId: sub.id, productId: sub.productId }, actor: eventActorOf(ctx), at,
      });
    }
  });
}

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

/** Skip the next cycle: it is not charged and not counted; the date after it becomes the next. */
export async function skipNextCycle(db: Executor, ctx: SubscriptionCaller, subscriptionId: string): Promise<void> {
  await change(db, ctx, subscriptionId, async (sub, { tx, limits, zone }) => {
    const phases = await phasesOf(tx, sub);
    const { nextCycleAt } = refuseIf(decideSkip(sub, limits, nextChargePhase(phases, sub.phasePosition, sub.cyclesInPhase), zone));
    return { action: 'skipped', to: sub.status, set: { nextCycleAt }, details: { skipped: iso(sub.nextCycleAt), nextCycleAt: iso(nextCycleAt) } };
  });
}

/** Pause until a date (nothing is charged while paused; the job resumes it on that date). */
export async function pauseSubscription(db: Executor, ctx: SubscriptionCaller, subscriptionId: string, until: string): Promise<void> {
  await change(db, ctx, subscriptionId, async (sub, { limits, today }) => {
    const { pausedUntil } = refuseIf(decidePause(sub, limits, until, today), 'until');
    return { action: 'paused', to: 'paused', set: { status: 'paused', pausedUntil }, details: { pausedUntil, nextCycleAt: iso(sub.nextCycleAt) } };
  });
}

/** Resume a paused subscription now; a cycle date already passed is charged at the next run. */
export async function resumeSubscription(db: Executor, ctx: SubscriptionCaller, subscriptionId: string): Promise<void> {
  await change(db, ctx, subscriptionId, async (sub, { zone, at }) => {
    const { nextCycleAt } = refuseIf(decideResume(sub, at));
    const anchorDay = nextCycleAt === sub.nextCycleAt ? sub.anchorDay : anchorDayOf(nextCycleAt, zone);
    return { action: 'resumed', to: 'active', set: { status: 'active', pausedUntil: null, nextCycleAt, anchorDay }, details: { pausedUntil: sub.pausedUntil, nextCycleAt: iso(nextCycleAt) } };
  });
}

/**
 * The date the next payment was due before any move this cycle: a patient's window is counted
 * from it, so moving the date again and again cannot walk it away. The latest event that set the
 * date says it (a reschedule keeps the date it moved from).
 */
async function originalDueDate(tx: Executor, sub: Subscription, zone: string): Promise<string> {
  const [last] = await tx.select({ action: subscriptionEvents.action, details: subscriptionEvents.details }).from(subscriptionEvents)
    .where(and(
      eq(subscriptionEvents.tenantId, sub.tenantId), eq(subscriptionEvents.subscriptionId, sub.id),
      inArray(subscriptionEvents.action, ['started', 'renewed', 'skipped', 'resumed', 'rescheduled']),
    ))
    .orderBy(desc(subscriptionEvents.occurredAt)).limit(1);
  if (last?.action === 'rescheduled' && last.details) {
    const dueDate = (JSON.parse(last.details) as { dueDate?: unknown }).dueDate;
    if (typeof dueDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(dueDate)) return dueDate;
  }
  return zonedDate(sub.nextCycleAt ?? now(), zone);
}

/** Move the next payment to another date (after today; a patient within the clinic's window). */
export async function rescheduleSubscription(db: Executor, ctx: SubscriptionCaller, subscriptionId: string, date: string): Promise<void> {
  await change(db, ctx, subscriptionId, async (sub, { tx, limits, zone, today, at }) => {
    const dueDate = await originalDueDate(tx, sub, zone);
    const { nextCycleAt } = refuseIf(decideReschedule(sub, limits, date, dueDate, today, zone, at), 'date');
    // The new day of the month is kept for the cycles after it.
    return {
      action: 'rescheduled', to: sub.status, set: { nextCycleAt, anchorDay: anchorDayOf(nextCycleAt, zone) },
      details: { dueDate, from: iso(sub.nextCycleAt), nextCycleAt: iso(nextCycleAt) },
    };
  });
}

const OTHER_REASON_MAX = 200;

/**
 * Cancel in one step. Nothing is charged after it; a renewal left unpaid (past due) is given up:
 * its order cancelled and its invoice voided. A typed reason stays on the subscription row only.
 */
export async function cancelSubscription(db: Executor, ctx: SubscriptionCaller, subscriptionId: string, input: { reason: CancelReason; other?: string | null }): Promise<void> {
  const other = input.other?.trim() || null;
  if (other !== null && (other.length > OTHER_REASON_MAX || hasControlCharacters(other))) {
    throw new SubscriptionRuleError('reason-invalid', undefined, { other: SUBSCRIPTION_REFUSALS['reason-invalid'] });
  }
  await change(db, ctx, subscriptionId, async (sub, { tx, limits, at }) => {
    refuseIf(decideCancel(sub, limits));
    const [open] = await tx.select().from(subscriptionRenewals)
      .where(and(
        eq(subscriptionRenewals.tenantId, sub.tenantId), eq(subscriptionRenewals.subscriptionId, sub.id),
        eq(subscriptionRenewals.cycleNumber, sub.cyclesBilled + 1), inArray(subscriptionRenewals.status, ['charging', 'failed']),
      ))
      .for('update');
    if (open) await abandonRenewal(tx, sub.tenantId, open, actorOf(ctx), at);
    return {
      action: 'cancelled', to: 'cancelled', audit: CommerceAuditActions.subscriptionCancelled,
      set: {
        status: 'cancelled', cancelledAt: at, cancelledBy: isPatient(ctx) ? 'patient' : 'staff',
        cancelReason: input.reason === 'other' && other ? other : input.reason, nextCycleAt: null, nextRetryAt: null, pausedUntil: null,
      },
      details: { reason: input.reason, wasDue: iso(sub.nextCycleAt) },
    };
  });
}

/** Staff: move the subscription to a phase of its product (by position); that phase charges next. */
export async function changeSubscriptionPhase(db: Executor, ctx: StaffContext, subscriptionId: string, position: number): Promise<void> {
  assertPermission(ctx, 'orders.manage');
  await change(db, ctx, subscriptionId, async (sub, { tx }) => {
    const phases = await phasesOf(tx, sub);
    const set = refuseIf(decidePhase(sub, phases, position), 'position');
    return { action: 'phase_changed', to: sub.status, set, details: { fromPhase: sub.phasePosition, toPhase: position, cyclesInPhase: sub.cyclesInPhase } };
  });
}
