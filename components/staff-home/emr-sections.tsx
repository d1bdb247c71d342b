import Link from 'next/link';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import type { HomeForms, HomeMessages, HomeTasks } from '@/lib/staff-home/emr-overview';
import { HomeCard, HomeList, homeLinkClass, plural } from './home-card';

/** The EMR overview's work lists: messages, forms to review, tasks, registrations. */

function when(instant: Date, timeZone: string): string {
  return dateTimeFormat('en-US', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(instant);
}

function day(date: string): string {
  return dateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

export function MessagesCard({ messages: m, timeZone }: { messages: HomeMessages; timeZone: string }) {
  return (
    <HomeCard
      id="home-messages"
      title="Unread messages"
      summary={m.unread === 0 ? 'No unread patient messages for you or unassigned.' : `${plural(m.unread, 'unread message', 'unread messages')} for you or unassigned.`}
      more={{ href: '/emr/messages', label: 'Open messages' }}
    >
      <HomeList items={m.conversations} label="Conversations with unread messages, newest first">
        {(c) => (
          <li key={c.id} className="flex items-start justify-between gap-3 py-2.5">
            <div className="min-w-0">
              <Link href={`/emr/messages/${c.id}`} className={homeLinkClass}>{c.subject}</Link>
              <p className="text-sm text-fg-muted">{c.patient.name} · {when(c.lastMessageAt, timeZone)}</p>
            </div>
            <span className="shrink-0 rounded-full bg-brand px-2 py-0.5 text-xs font-semibold text-brand-contrast">
              {c.unread}<span className="sr-only"> unread</span>
            </span>
          </li>
        )}
      </HomeList>
    </HomeCard>
  );
}

export function FormsCard({ forms: f, timeZone, canReadAnswers }: { forms: HomeForms; timeZone: string; canReadAnswers: boolean }) {
  return (
    <HomeCard
      id="home-forms"
      title="Forms to review"
      summary={f.toReview === 0 ? 'No submitted forms are waiting for review.' : `${plural(f.toReview, 'submitted form is', 'submitted forms are')} waiting for review.`}
      more={{ href: '/emr/forms', label: 'Open forms' }}
    >
      <HomeList items={f.latest} label="Submitted forms waiting for review, newest first">
        {(a) => (
          <li key={a.assignmentId} className="py-2.5">
            <Link href={canReadAnswers ? `/emr/patients/${a.patient.id}/forms/${a.assignmentId}` : `/emr/patients/${a.patient.id}/forms`} className={homeLinkClass}>
              {a.title}
            </Link>
            <p className="text-sm text-fg-muted">{a.patient.name} · sent {when(a.submittedAt, timeZone)}</p>
          </li>
        )}
      </HomeList>
      {f.recordChanges > 0 ? (
        <p className="mt-3 text-sm">
          {plural(f.recordChanges, 'proposed change', 'proposed changes')} to patients’ records.{' '}
          <Link href="/emr/forms/review" className={homeLinkClass}>Open the review list</Link>
        </p>
      ) : null}
    </HomeCard>
  );
}

export function TasksCard({ tasks: t }: { tasks: HomeTasks }) {
  const summary = t.open === 0
    ? 'You have no open tasks.'
    : `${plural(t.open, 'open task', 'open tasks')} assigned to you${t.overdue > 0 ? `, ${t.overdue} overdue` : ''}.`;
  return (
    <HomeCard id="home-tasks" title="Your tasks" summary={summary} more={{ href: '/emr/tasks?view=mine', label: 'Open tasks' }}>
      <HomeList items={t.latest} label="Your open tasks, overdue first">
        {(task) => (
          <li key={task.id} className="py-2.5">
            <Link href={`/emr/tasks/${task.id}`} className={homeLinkClass}>{task.title}</Link>
            <p className="text-sm text-fg-muted">
              {task.overdue
                ? <span className="font-semibold text-fg">Overdue · due {day(task.dueOn!)}</span>
                : task.dueOn === t.today ? 'Due today' : task.dueOn ? `Due ${day(task.dueOn)}` : 'No due date'}
              {task.patient ? ` · ${task.patient.name}` : ''}
            </p>
          </li>
        )}
      </HomeList>
    </HomeCard>
  );
}

export function RegistrationsCard({ waiting }: { waiting: number }) {
  return (
    <HomeCard
      id="home-registrations"
      title="Registrations"
      summary={waiting === 0 ? 'No registrations are waiting for a decision.' : `${plural(waiting, 'registration is', 'registrations are')} waiting for a decision.`}
      more={{ href: '/emr/registrations', label: 'Open registrations' }}
    />
  );
}
