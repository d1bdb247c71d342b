import 'server-only';
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Database, Executor } from '@/db/client';
import type { Placeholder } from '@/db/prepared';
import { formAssignments, locations, openAssignmentStatuses } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { zonedDate } from '@/lib/scheduling/zoned-time';
import { FormsAuditActions } from './audit-actions';

/**
 * Form expiry (issue 15 point 4), run by the scheduled jobs, and the clinic's zone and today that
 * due dates are read in. Reminders before a due date are the built-in "Form due reminder"
 * automation (lib/engagement/automations/builtins.ts), which clinics edit in CRM → Automations.
 */

/** The hour of a due day that form reminders count from, in the clinic's zone. */
export const REMINDER_TIME = '09:00';

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
export function clinicTimeZoneColumn(tenantId: string | Placeholder) {
  return sql<string>`coalesce((
    select l.time_zone from locations l where l.tenant_id = ${tenantId}
    order by l.active desc, l.created_at, l.id limit 1
  ), 'UTC')`;
}

/** Today's date in the clinic's zone (due dates are calendar dates there). */
export async function clinicToday(db: Executor, tenantId: string, at: Date = now()): Promise<string> {
  return zonedDate(at, await clinicTimeZone(db, tenantId));
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
      .set({ status: 'expired', updatedAt: at })
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
