import Link from 'next/link';
import type { AutomationRunStatus } from '@/db/schema/automations';
import { eventWords, LOG_OUTCOME_WORDS, RUN_STATUS_WORDS } from '@/lib/engagement/automations/builder-words';
import type { RunRow } from '@/lib/engagement/automations/run-queries';

// A run log (issue 18 point 2): on an automation's page (every run of it) and on a patient's chart
// (every run about them). Each run: its status in words, the event, the patient, when it started,
// its next wake-up, and the steps' log lines, oldest first. Log lines are words about the steps,
// never the patient's data (lib/engagement/automations/runner.ts writes them).

const STATUS_CLASS: Record<AutomationRunStatus, string> = {
  waiting: 'bg-surface-muted text-fg',
  completed: 'bg-brand-soft text-fg',
  stopped: 'bg-amber-100 text-amber-900',
  failed: 'bg-red-100 text-red-900',
};

export function RunStatusBadge({ status }: { status: AutomationRunStatus }) {
  return <span className={`inline-block rounded-full px-2 text-xs font-semibold ${STATUS_CLASS[status]}`}>{RUN_STATUS_WORDS[status]}</span>;
}

export function RunLog({ runs, when, show, empty, caption, linkAutomations = false }: {
  runs: readonly RunRow[];
  /** An instant in the clinic's zone. */
  when: (at: Date) => string;
  /** Which column names the run: the patient (an automation's log) or the automation (a patient's). */
  show: 'patient' | 'automation';
  empty: string;
  caption: string;
  /** Link each automation's name to its CRM page (for readers who may open it). */
  linkAutomations?: boolean;
}) {
  const th = 'px-3 py-2 font-medium';
  const td = 'cell';
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[48rem] text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-line text-fg-muted">
          <tr>
            <th scope="col" className={th}>Status</th>
            <th scope="col" className={th}>{show === 'patient' ? 'Patient' : 'Automation'}</th>
            <th scope="col" className={th}>Event</th>
            <th scope="col" className={th}>Started</th>
            <th scope="col" className={th}>Next wake-up</th>
            <th scope="col" className={th}>Steps</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {runs.map((run) => (
            <tr key={run.id}>
              <td className={td}><RunStatusBadge status={run.status} /></td>
              <td className={td}>
                {show === 'patient' ? (run.patientLabel ?? 'No patient') : !linkAutomations ? run.automationName : (
                  <Link href={`/crm/automations/${run.automationId}`} className="link">{run.automationName}</Link>
                )}
                <span className="block text-xs text-fg-muted">version {run.automationVersion}</span>
              </td>
              <td className={td}>{eventWords(run.eventName)}<span className="block text-xs text-fg-muted">{when(run.occurredAt)}</span></td>
              <td className={td}>{when(run.startedAt)}</td>
              <td className={td}>{run.nextRunAt ? when(run.nextRunAt) : run.finishedAt ? `Finished ${when(run.finishedAt)}` : '—'}</td>
              <td className={td}>
                {run.log.length === 0 ? <span className="text-fg-muted">Nothing done yet.</span> : (
                  <ol className="space-y-1">
                    {run.log.map((line, i) => (
                      <li key={i}>
                        <span className="font-medium">{line.kind === 'error' ? 'Error' : `Step ${line.stepIndex + 1}`}</span>{' '}
                        <span className="text-fg-muted">({LOG_OUTCOME_WORDS[line.outcome] ?? line.outcome}, {when(line.at)})</span>: {line.detail}
                      </li>
                    ))}
                  </ol>
                )}
              </td>
            </tr>
          ))}
          {runs.length === 0 ? <tr><td colSpan={6} className="px-3 py-6 text-center text-fg-muted">{empty}</td></tr> : null}
        </tbody>
      </table>
    </div>
  );
}
