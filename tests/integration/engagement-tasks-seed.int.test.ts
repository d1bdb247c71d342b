import { asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { staffUsers, tasks, tenants } from '@/db/schema';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { addDays } from '@/lib/scheduling/zoned-time';
import { seedDemoData } from '@/scripts/demo-seed';

/** The demo's tasks (issue 18 point 5): Sunrise's list shows an overdue task, one due today and a team's. */

async function clinic(slug: string) {
  const [row] = await getDb().select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug));
  return row!.id;
}

beforeAll(async () => {
  await seedDemoData(getDb());
  await seedDemoData(getDb());
}, 240_000);

describe('tasks demo seed', () => {
  it('gives Sunrise three open tasks, once, due around its today; Harbor none', async () => {
    const sunrise = await clinic('sunrise');
    const rows = await getDb().select({ title: tasks.title, status: tasks.status, dueOn: tasks.dueOn, team: tasks.assigneeTeam, assignee: staffUsers.email, patientId: tasks.patientId, source: tasks.source })
      .from(tasks).leftJoin(staffUsers, eq(staffUsers.id, tasks.assigneeStaffId)).where(eq(tasks.tenantId, sunrise)).orderBy(asc(tasks.dueOn));
    const today = await clinicToday(getDb(), sunrise);
    expect(rows.map(({ patientId, ...r }) => ({ ...r, aboutPatient: patientId !== null }))).toEqual([
      { title: 'Follow up on the missed visit', status: 'open', dueOn: addDays(today, -2), team: null, assignee: 'dr.kim@sunrise.test', source: 'staff', aboutPatient: true },
      { title: 'Call back about moving the follow-up visit', status: 'open', dueOn: today, team: null, assignee: 'ops@sunrise.test', source: 'staff', aboutPatient: true },
      { title: 'Send the portal handout to last week’s new patients', status: 'open', dueOn: addDays(today, 3), team: 'Support', assignee: null, source: 'staff', aboutPatient: false },
    ]);
    expect(await getDb().select({ id: tasks.id }).from(tasks).where(eq(tasks.tenantId, await clinic('harbor')))).toEqual([]);
  });
});
