import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { TaskTable } from '@/components/engagement/tasks/task-table';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { listPatientTasks } from '@/lib/engagement/task-queries';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import { completeTaskAction } from '../../../tasks/actions';

export const metadata: Metadata = { title: 'Tasks' };

const linkClass = 'link';

/** The chart's Tasks tab (tasks.manage, and patients.view from the chart): the patient's open tasks, then the last done. */
export default async function PatientTasksTab({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requireStaff('emr', 'tasks.manage');
  const { id } = await params;
  const db = getDb();
  const [list, zone] = await Promise.all([listPatientTasks(db, ctx, id), clinicTimeZone(db, ctx.tenant.id)]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const when = dateTimeFormat('en-US', { dateStyle: 'medium', timeZone: zone });
  return (
    <div className="space-y-4">
      <section aria-labelledby="open-tasks-heading" className="rounded-xl border border-line bg-surface p-5">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="open-tasks-heading" className="text-lg font-semibold">Open tasks</h2>
          <Link href={`/emr/tasks/new?patient=${id}`} className={`${linkClass} inline-flex min-h-11 items-center`}>New task about this patient</Link>
        </div>
        <div className="mt-3">
          <TaskTable rows={list.open} today={list.today} doneAction={completeTaskAction} showPatient={false} caption="The patient’s open tasks, by due date" empty="No open tasks about this patient." />
        </div>
      </section>
      {list.done.length > 0 ? (
        <section aria-labelledby="done-tasks-heading" className="rounded-xl border border-line bg-surface p-5">
          <h2 id="done-tasks-heading" className="text-lg font-semibold">Done</h2>
          <div className="mt-3">
            <TaskTable rows={list.done} today={list.today} doneAction={completeTaskAction} showPatient={false} whenDone={(at) => when.format(at)} caption="The patient’s done tasks, latest first" empty="" />
          </div>
        </section>
      ) : null}
    </div>
  );
}
