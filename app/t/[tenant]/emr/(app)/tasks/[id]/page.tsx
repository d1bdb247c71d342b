import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AssignTaskForm, EditTaskForm, TaskStatusButton } from '@/components/engagement/tasks/task-forms';
import { TaskDue, taskAssigneeText } from '@/components/engagement/tasks/task-table';
import { FormMessage } from '@/components/ui/form-controls';
import { CardSection, FormSection } from '@/components/ui/sections';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { getTaskForStaff, taskFormOptions } from '@/lib/engagement/task-queries';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import { assignTaskAction, completeTaskAction, reopenTaskAction, updateTaskAction } from '../actions';

export const metadata: Metadata = { title: 'Task' };

const linkClass = 'link';
const STATUS = {
  open: 'inline-flex items-center rounded-full border border-line bg-brand-soft px-2.5 py-0.5 text-sm font-medium text-fg',
  done: 'inline-flex items-center rounded-full border border-emerald-300 bg-emerald-50 px-2.5 py-0.5 text-sm font-medium text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100',
} as const;

/**
 * One task (tasks.manage): what, about whom, whose, by when, who made it; done or reopen, edit
 * and reassign. Another clinic's task (or no task) is not found.
 */
export default async function TaskPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('emr', 'tasks.manage');
  const { id } = await params;
  const created = (await searchParams).created === '1';
  const db = getDb();
  const [{ task, today }, options, zone] = await Promise.all([
    getTaskForStaff(db, ctx, id),
    taskFormOptions(db, ctx),
    clinicTimeZone(db, ctx.tenant.id),
  ]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const when = dateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone });
  const open = task.status === 'open';
  const maker = task.source === 'automation' ? 'an automation' : task.createdBy?.fullName ?? 'a former member of staff';

  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="flex flex-wrap gap-x-2 text-sm">
        <Link href="/emr/tasks" className={linkClass}>Tasks</Link>
        {task.patient ? <><span aria-hidden>›</span><Link href={`/emr/patients/${task.patient.id}/tasks`} className={linkClass}>{task.patient.firstName} {task.patient.lastName}’s tasks</Link></> : null}
      </nav>

      {created ? <FormMessage tone="info" message="Task created." /> : null}

      <header className="rounded-xl border border-line bg-surface p-5">
        <h1 className="flex flex-wrap items-center gap-3 break-words text-2xl font-semibold">
          {task.title} <span className={STATUS[task.status]}>{open ? 'Open' : 'Done'}</span>
        </h1>
        <dl className="mt-3 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="text-fg-muted">Patient</dt>
          <dd>
            {task.patient ? (
              <Link href={`/emr/patients/${task.patient.id}`} className={linkClass}>{task.patient.firstName} {task.patient.lastName}</Link>
            ) : task.hasPatient ? 'A patient (seeing who needs permission to view patients)' : 'None'}
            {task.patient ? <span className="text-fg-muted"> · record {task.patient.recordNumber}</span> : null}
          </dd>
          <dt className="text-fg-muted">Assigned to</dt>
          <dd>{taskAssigneeText(task)}</dd>
          <dt className="text-fg-muted">Due</dt>
          <dd><TaskDue dueOn={task.dueOn} today={today} open={open} /></dd>
          <dt className="text-fg-muted">Created</dt>
          <dd>{when.format(task.createdAt)} by {maker}</dd>
          {!open && task.doneAt ? (
            <>
              <dt className="text-fg-muted">Done</dt>
              <dd>{when.format(task.doneAt)}{task.doneBy ? ` by ${task.doneBy.fullName}` : ''}</dd>
            </>
          ) : null}
        </dl>
        {task.details ? <p className="mt-4 whitespace-pre-wrap break-words border-t border-line pt-4">{task.details}</p> : null}
        <div className="mt-4">
          <TaskStatusButton action={open ? completeTaskAction : reopenTaskAction} taskId={task.id} title={task.title} reopen={!open} primary={open} />
        </div>
      </header>

      <FormSection id="edit-heading" title="Edit" description="The patient stays as it is; make a new task for another patient.">
        <EditTaskForm action={updateTaskAction} taskId={task.id} values={{ title: task.title, details: task.details, dueOn: task.dueOn }} />
      </FormSection>

      <CardSection id="assign-heading" title="Assignment" description="Who does it: a person who works on tasks, a team, or both. With neither, it shows under Unassigned.">
        <div className="mt-3">
          <AssignTaskForm action={assignTaskAction} taskId={task.id} staff={options.staff} teams={options.teams} current={{ staff: task.assignee, team: task.team }} />
        </div>
      </CardSection>
    </div>
  );
}
