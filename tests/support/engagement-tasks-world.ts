/**
 * Staff tasks (issue 18 point 5) for the suites that attack or fuzz every action: the isolation
 * suite's victim and attacker worlds and the bad-input suite's clinic. Rows are written directly
 * (no lib/ call), as those suites seed commerce, so a change in the tasks code cannot break their
 * set-up.
 *
 * A patient gets two tasks about them: an open one given to a member of staff and a team, due
 * tomorrow (what "Done", "Edit" and "Reassign" act on), and a done one (what "Reopen" acts on).
 * `title` is the open task's title (a secret in the isolation suite: it must not leak).
 */
import type { Executor } from '@/db/client';
import { tasks } from '@/db/schema';

export interface TaskRecordIds {
  taskId: string;
  doneTaskId: string;
}

export async function seedTaskRecords(db: Executor, tenantId: string, who: { patientId: string; staffId: string; title: string; team?: string }): Promise<TaskRecordIds> {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const [open] = await db.insert(tasks).values({
    tenantId, title: who.title, details: `${who.title} details`, patientId: who.patientId, assigneeStaffId: who.staffId, assigneeTeam: who.team ?? 'Support',
    dueOn: tomorrow, createdByStaffId: who.staffId,
  }).returning({ id: tasks.id });
  const [done] = await db.insert(tasks).values({
    tenantId, title: `${who.title} (done)`, patientId: who.patientId, assigneeStaffId: who.staffId, status: 'done', doneAt: new Date(), doneByStaffId: who.staffId,
    createdByStaffId: who.staffId,
  }).returning({ id: tasks.id });
  return { taskId: open!.id, doneTaskId: done!.id };
}
