import 'server-only';
import { and, asc, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Database, Executor } from '@/db/client';
import { formAssignments, locations, openAssignmentStatuses, tenantSettings } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { enqueueFormNotice } from '@/lib/notifications/form-notifications';
import { addDays, zonedDate, zonedInstant } from '@/lib/scheduling/zoned-time';
import { FormsAuditActions } from './audit-actions';

/**
 * Form reminders and expiry (issue 15 point 4), run by the scheduled jobs.
 *
 * An assignment with a due date gets at most two reminders: the clinic's "first" one N days
 * before and its "last" one M days before (tenant_settings; 0 turns one off), each at 09:00 in
 * the clinic's time zone. `next_reminder_at` holds the next one still to send and
 * `reminders_sent` how many went; a reminder whose time passed before it could be sent (assigned
 * the day before it was due) is skipped, never sent late in a burst.
 */

/** When reminders go out, in the clinic's zone. */
export const REMINDER_TIME = '09:00';
const REMINDER_BATCH = 100;

export interface ReminderSettings {
  firstDays: number;
  lastDays: number;
  timeZone: string;
}

/** The reminder instants of a due date, earliest first (none without a due date). */
export function reminderTimes(dueOn: string | null, settings: ReminderSettings): Date[] {
  if (!dueOn) return [];
  const days = [...new Set([settings.firstDays, settings.lastDays].filter((d) => d > 0))].sort((a, b) => b - a);
  return days.map((d) => zonedInstant(addDays(dueOn, -d), REMINDER_TIME, settings.timeZone));
}

/** The first reminder strictly after `after`, or null when none is left. */
export function nextReminderAfter(dueOn: string | null, settings: ReminderSettings, after: Date): Date | null {
  return reminderTimes(dueOn, settings).find((t) => t.getTime() > after.getTime()) ?? null;
}

/**
 * The clinic's time zone: its first location's (the clinic has no zone of its own), UTC when it
 * has none yet.
 */
export async function clinicTimeZone(db: Executor, tenantId: string): Promise<string> {
  const [row] = await db
    .select({ timeZone: locations.timeZone })
    .from(locations)
    .where(eq(locations.tenantId, tenantId))
    .orderBy(sql`${locations.active} desc`, asc(locations.createdAt), asc(locations.id))
    .limit(1);
  return row?.timeZone ?? 'UTC';
}

/**
 * clinicTimeZone as a column of another query (the same rule), so a list that needs the clinic's
 * today costs no statement of its own.
 */
export function clinicTimeZoneColumn(tenantId: string) {
  return sql<string>`coalesce((
    select l.time_zone from locations l where l.tenant_id = ${tenantId}
    order by l.active desc, l.created_at, l.id limit 1
  ), 'UTC')`;
}

export async function reminderSettings(db: Executor, tenantId: string): Promise<ReminderSettings> {
  const [settings] = await db
    .select({ firstDays: tenantSettings.formFirstReminderDays, lastDays: tenantSettings.formLastReminderDays })
    .from(tenantSettings)
    .where(eq(tenantSettings.tenantId, tenantId));
  return { firstDays: settings?.firstDays ?? 0, lastDays: settings?.lastDays ?? 0, timeZone: await clinicTimeZone(db, tenantId) };
}

/** Today's date in the clinic's zone (due dates are calendar dates there). */
export async function clinicToday(db: Executor, tenantId: string, at: Date = now()): Promise<string> {
  return zonedDate(at, await clinicTimeZone(db, tenantId));
}

/**
 * Sends the reminders that are due, in every clinic. Rows are claimed with FOR UPDATE SKIP
 * LOCKED and advanced in the same transaction as their outbox messages, so with several runners
 * each reminder is sent once: a second runner skips the locked rows, and after the commit their
 * `next_reminder_at` is later or null. Reminders to one patient on one day share an
 * idempotency key (one message, however many forms are waiting).
 */
export async function sendDueFormReminders(db: Database, at: Date = now()): Promise<{ remindersSent: number; more: boolean }> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({
        id: formAssignments.id, tenantId: formAssignments.tenantId, patientId: formAssignments.patientId,
        dueOn: formAssignments.dueOn, remindersSent: formAssignments.remindersSent,
      })
      .from(formAssignments)
      .where(and(
        isNotNull(formAssignments.nextReminderAt),
        lte(formAssignments.nextReminderAt, at),
        inArray(formAssignments.status, [...openAssignmentStatuses]),
      ))
      .orderBy(asc(formAssignments.nextReminderAt))
      .limit(REMINDER_BATCH)
      .for('update', { skipLocked: true });
    const settingsByClinic = new Map<string, ReminderSettings>();
    for (const row of due) {
      let settings = settingsByClinic.get(row.tenantId);
      if (!settings) settingsByClinic.set(row.tenantId, (settings = await reminderSettings(tx, row.tenantId)));
      const sent = row.remindersSent + 1;
      await tx
        .update(formAssignments)
        .set({ remindersSent: sent, nextReminderAt: nextReminderAfter(row.dueOn, settings, at), updatedAt: at })
        .where(and(eq(formAssignments.tenantId, row.tenantId), eq(formAssignments.id, row.id)));
      await enqueueFormNotice(tx, {
        tenantId: row.tenantId, patientId: row.patientId, kind: 'reminder',
        event: `forms:reminder:${row.patientId}:${zonedDate(at, settings.timeZone)}`,
      });
      await recordAudit(tx, {
        tenantId: row.tenantId, actor: { kind: 'system', label: 'form-reminders' }, action: FormsAuditActions.reminderSent,
        patientId: row.patientId, target: { type: 'form_assignment', id: row.id }, details: { reminder: sent },
      });
    }
    return { remindersSent: due.length, more: due.length === REMINDER_BATCH };
  });
}

/**
 * Open assignments (forms and home activities) whose due date has passed in their clinic's
 * zone become 'expired'. One conditional UPDATE: a second runner finds nothing left, and a
 * submission that committed first keeps its row out of it.
 */
export async function expireOverdueAssignments(db: Database, at: Date = now()): Promise<{ assignmentsExpired: number }> {
  return db.transaction(async (tx) => {
    const zone = sql`coalesce((select ${locations.timeZone} from ${locations} where ${locations.tenantId} = ${formAssignments.tenantId}
      order by ${locations.active} desc, ${locations.createdAt}, ${locations.id} limit 1), 'UTC')`;
    const expired = await tx
      .update(formAssignments)
      .set({ status: 'expired', nextReminderAt: null, updatedAt: at })
      .where(and(
        inArray(formAssignments.status, [...openAssignmentStatuses]),
        isNotNull(formAssignments.dueOn),
        sql`${formAssignments.dueOn} < (${at.toISOString()}::timestamptz at time zone ${zone})::date`,
      ))
      .returning({ id: formAssignments.id, tenantId: formAssignments.tenantId, patientId: formAssignments.patientId, dueOn: formAssignments.dueOn });
    for (const row of expired) {
      await recordAudit(tx, {
        tenantId: row.tenantId, actor: { kind: 'system', label: 'form-expiry' }, action: FormsAuditActions.assignmentExpired,
        patientId: row.patientId, target: { type: 'form_assignment', id: row.id }, details: { dueOn: row.dueOn },
      });
    }
    return { assignmentsExpired: expired.length };
  });
}
