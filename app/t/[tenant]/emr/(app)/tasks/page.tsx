import type { Metadata } from 'next';
import Link from 'next/link';
import { TaskTable } from '@/components/engagement/tasks/task-table';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { sameTaskView, TASK_SHOW_LABELS, TASK_SHOWS, taskListHref, taskListQuery, type TaskShow, type TaskView } from '@/lib/engagement/task-forms';
import { listTasks } from '@/lib/engagement/task-queries';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import { completeTaskAction } from './actions';

export const metadata: Metadata = { title: 'Tasks' };

const linkClass = 'link';
const tabClass = (current: boolean) => `inline-flex min-h-11 items-center gap-2 rounded-lg border px-3 text-sm ${current ? 'border-brand-accent bg-brand-soft font-semibold' : 'border-line font-medium hover:bg-surface-muted'}`;

function Count({ n, alert = false }: { n: number; alert?: boolean }) {
  return <span className={`rounded-full px-2 text-xs font-semibold tabular-nums ${alert && n > 0 ? 'bg-red-700 text-white' : 'bg-surface-muted text-fg'}`}>{n}</span>;
}

/**
 * /emr/tasks (tasks.manage): the clinic's tasks, by whose they are (everyone's, mine, nobody's,
 * each team's: tabs with the open count) and which (open, overdue, due today, done: with their
 * counts in that view). Filters are links, so they work without JavaScript and can be shared;
 * each open row has a Done button that also works without it.
 */
export default async function TasksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('emr', 'tasks.manage');
  const db = getDb();
  const query = taskListQuery(await searchParams);
  const [list, zone] = await Promise.all([listTasks(db, ctx, query), clinicTimeZone(db, ctx.tenant.id)]);
  const when = dateTimeFormat('en-US', { dateStyle: 'medium', timeZone: zone });
  const views: { view: TaskView; label: string; n: number }[] = [
    { view: { kind: 'all' }, label: 'All', n: list.counts.views.all },
    { view: { kind: 'mine' }, label: 'Mine', n: list.counts.views.mine },
    { view: { kind: 'unassigned' }, label: 'Unassigned', n: list.counts.views.unassigned },
    ...list.teams.map((name) => ({ view: { kind: 'team', name } as TaskView, label: name, n: list.counts.views.teams[name] ?? 0 })),
  ];
  const viewLabel = views.find((v) => sameTaskView(v.view, query.view))?.label ?? 'All';
  const heading = `${viewLabel === 'All' ? 'Everyone' : viewLabel}: ${TASK_SHOW_LABELS[query.show].toLowerCase()}`;
  const empty: Record<TaskShow, string> = {
    open: 'Nothing open here.', overdue: 'Nothing overdue here.', today: 'Nothing due today here.', done: 'Nothing done here yet.',
  };

  return (
    <Page
      title="Tasks"
      description="Work for the clinic’s staff and teams, made by people and by automations. Open one to edit, reassign or reopen it."
      above={<p className="mb-2 text-sm"><Link href="/emr/tasks/new" className={linkClass}>New task</Link></p>}
    >
      <nav aria-label="Whose tasks" className="space-y-2">
        <ul className="flex flex-wrap gap-2">
          {views.map((v) => {
            const current = sameTaskView(v.view, query.view);
            return (
              <li key={v.label}>
                <Link href={taskListHref(query, { view: v.view })} aria-current={current ? 'page' : undefined} className={tabClass(current)}>
                  {v.label}<span className="sr-only">, open:</span> <Count n={v.n} />
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>

      <section aria-labelledby="tasks-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="tasks-heading" className="text-lg font-semibold">{heading}</h2>
        <nav aria-label="Which tasks" className="mt-3">
          <ul className="flex flex-wrap gap-2">
            {TASK_SHOWS.map((show) => {
              const current = show === query.show;
              return (
                <li key={show}>
                  <Link href={taskListHref(query, { show })} aria-current={current ? 'page' : undefined} className={tabClass(current)}>
                    {TASK_SHOW_LABELS[show]} <Count n={list.counts.shows[show]} alert={show === 'overdue'} />
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>

        <div className="mt-3">
          <TaskTable
            rows={list.rows} today={list.today} doneAction={completeTaskAction} whenDone={(at) => when.format(at)}
            caption={`${heading}, ${query.show === 'done' ? 'latest done first' : 'by due date'}, page ${list.page}`} empty={empty[query.show]}
          />
        </div>
        {list.page > 1 || list.hasMore ? (
          <nav aria-label="Task pages" className="mt-3 flex items-center justify-between text-sm">
            {list.page > 1 ? <Link className={linkClass} href={taskListHref(query, { page: list.page - 1 })}>Previous page</Link> : <span />}
            <span className="text-fg-muted">Page {list.page}</span>
            {list.hasMore ? <Link className={linkClass} href={taskListHref(query, { page: list.page + 1 })}>Next page</Link> : <span />}
          </nav>
        ) : null}
      </section>
    </Page>
  );
}
