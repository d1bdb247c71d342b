import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { staffUsers, tasks, tenants } from '@/db/schema';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { createTask } from '@/lib/engagement/tasks';
import { addDays } from '@/lib/scheduling/zoned-time';
import { demoPatientId, demoStaffContext } from './contexts';

/**
 * Open tasks for a demo clinic's EMR (/emr/tasks, issue 18 point 5), made through the product's
 * own createTask as their author would in the EMR: one overdue, one due today, one for a team in a
 * few days, so the list shows each state. Due days are relative to the clinic's today on the day
 * the seed runs. Idempotent: a task is skipped when the clinic has one with its title.
 */
interface DemoTask {
  title: string;
  details?: string;
  /** Record number of the patient the task is about. */
  patient?: string;
  /** Staff email of the person it is given to. */
  assignee?: string;
  team?: string;
  /** Days from the clinic's today (negative: overdue). */
  dueInDays?: number;
}

const DEMO_TASKS: Record<string, { by: string; tasks: DemoTask[] }> = {
  sunrise: {
    by: 'admin@sunrise.test',
    tasks: [
      {
        title: 'Call back about moving the follow-up visit', patient: 'SUN-10001', assignee: 'ops@sunrise.test', dueInDays: 0,
        details: 'She asked for a morning slot next week at Downtown. Call her mobile; she prefers Spanish.',
      },
      {
        title: 'Follow up on the missed visit', patient: 'SUN-10003', assignee: 'dr.kim@sunrise.test', dueInDays: -2,
        details: 'No-show two weeks ago. Check whether he wants to rebook and note the reason in the chart.',
      },
      {
        title: 'Send the portal handout to last week’s new patients', team: 'Support', dueInDays: 3,
        details: 'Print from CRM → Portal handout and mail it with the welcome letter.',
      },
    ],
  },
};

export async function seedTasks(db: Database, slug: string): Promise<void> {
  const plan = DEMO_TASKS[slug];
  if (!plan) return;
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, slug));
  const t = tenant!;
  const existing = await db.select({ title: tasks.title }).from(tasks)
    .where(and(eq(tasks.tenantId, t.id), inArray(tasks.title, plan.tasks.map((task) => task.title))));
  const missing = plan.tasks.filter((task) => !existing.some((e) => e.title === task.title));
  if (missing.length === 0) return;
  const by = await demoStaffContext(db, t, plan.by);
  const today = await clinicToday(db, t.id);
  const emails = missing.flatMap((task) => (task.assignee ? [task.assignee] : []));
  const people = emails.length
    ? await db.select({ id: staffUsers.id, email: staffUsers.email }).from(staffUsers).where(and(eq(staffUsers.tenantId, t.id), inArray(staffUsers.email, emails)))
    : [];
  for (const task of missing) {
    await createTask(db, by, {
      title: task.title,
      details: task.details ?? null,
      patientId: task.patient ? await demoPatientId(db, t.id, task.patient) : null,
      assigneeStaffId: task.assignee ? people.find((p) => p.email === task.assignee)!.id : null,
      assigneeTeam: task.team ?? null,
      dueOn: task.dueInDays === undefined ? null : addDays(today, task.dueInDays),
    });
  }
}
