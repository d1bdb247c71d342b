import Link from 'next/link';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { describeDue } from '@/lib/engagement/task-forms';
import type { TaskListRow } from '@/lib/engagement/task-queries';
import { TaskStatusButton } from './task-forms';

// The task list's table, shared by /emr/tasks and the chart's Tasks tab. An overdue task is
// highlighted by its row and says "Overdue" in words (the colour only supports them, WCAG 1.4.1).

const th = 'px-3 py-2 font-medium';
const td = 'cell';
const linkClass = 'link';
const OVERDUE = 'inline-flex items-center rounded-full border border-red-300 bg-red-50 px-2.5 py-0.5 text-sm font-medium text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100';
const TODAY = 'inline-flex items-center rounded-full border border-amber-300 bg-amber-50 px-2.5 py-0.5 text-sm font-medium text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100';

/** A task's due day as a pill when it needs attention (overdue, today), else as words. */
export function TaskDue({ dueOn, today, open }: { dueOn: string | null; today: string; open: boolean }) {
  const due = describeDue(dueOn, today, open);
  if (due.overdue) return <span className={OVERDUE}>{due.text}</span>;
  if (due.dueToday) return <span className={TODAY}>Due today</span>;
  return <span className={dueOn ? undefined : 'text-fg-muted'}>{due.text}</span>;
}

/** Who has a task: a person, a team, both, or nobody. */
export function taskAssigneeText(row: Pick<TaskListRow, 'assignee' | 'team'>): string {
  return [row.assignee?.fullName, row.team].filter(Boolean).join(' · ') || 'Nobody';
}

export function TaskTable({ rows, today, caption, empty, doneAction, showPatient = true, whenDone }: {
  rows: TaskListRow[];
  today: string;
  caption: string;
  empty: string;
  /** The "Done" button's action; open rows get one. */
  doneAction: FormAction<ActionState>;
  /** False on a patient's own chart, where every row is theirs. */
  showPatient?: boolean;
  /** How a done task's "when" is written (the clinic's zone). */
  whenDone?: (at: Date) => string;
}) {
  const columns = showPatient ? 5 : 4;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-line text-fg-muted">
          <tr>
            <th scope="col" className={th}>Task</th>
            {showPatient ? <th scope="col" className={th}>Patient</th> : null}
            <th scope="col" className={th}>Assigned to</th>
            <th scope="col" className={th}>Due</th>
            <th scope="col" className={th}><span className="sr-only">Status</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {rows.map((t) => {
            const open = t.status === 'open';
            const overdue = describeDue(t.dueOn, today, open).overdue;
            return (
              <tr key={t.id} className={overdue ? 'bg-red-50/60 dark:bg-red-950/40' : undefined}>
                <td className={td}>
                  <Link href={`/emr/tasks/${t.id}`} className={`${linkClass} break-words`}>{t.title}</Link>
                  {t.source === 'automation' ? <span className="block text-xs text-fg-muted">Made by an automation</span> : null}
                </td>
                {showPatient ? (
                  <td className={td}>
                    {t.patient ? (
                      <>
                        <Link href={`/emr/patients/${t.patient.id}`} className={linkClass}>{t.patient.lastName}, {t.patient.firstName}</Link>
                        <span className="block font-mono text-xs text-fg-muted">{t.patient.recordNumber}</span>
                      </>
                    ) : t.hasPatient ? <span className="text-fg-muted">A patient</span> : <span className="text-fg-muted">—</span>}
                  </td>
                ) : null}
                <td className={td}>{taskAssigneeText(t)}</td>
                <td className={td}><TaskDue dueOn={t.dueOn} today={today} open={open} /></td>
                <td className={`${td} text-right`}>
                  {open ? <TaskStatusButton action={doneAction} taskId={t.id} title={t.title} /> : (
                    <span className="text-fg-muted">Done{t.doneBy ? ` by ${t.doneBy.fullName}` : ''}{t.doneAt && whenDone ? `, ${whenDone(t.doneAt)}` : ''}</span>
                  )}
                </td>
              </tr>
            );
          })}
          {rows.length === 0 ? <tr><td colSpan={columns} className="px-3 py-6 text-center text-fg-muted">{empty}</td></tr> : null}
        </tbody>
      </table>
    </div>
  );
}
