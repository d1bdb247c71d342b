import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AutomationBuilder } from '@/components/engagement/automations/automation-builder';
import { AutomationStatusBadge, BuiltInBadge } from '@/components/engagement/automations/badges';
import { RunLog } from '@/components/engagement/automations/run-log';
import { StatusButtons } from '@/components/engagement/automations/status-buttons';
import { Page } from '@/components/ui/page';
import { CardSection } from '@/components/ui/sections';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { getAutomation } from '@/lib/engagement/automations/automations';
import { draftOf } from '@/lib/engagement/automations/builder-form';
import { automationBuilderOptions } from '@/lib/engagement/automations/builder-options';
import { clinicTimeFormatter, triggerWords } from '@/lib/engagement/automations/builder-words';
import { listAutomationRuns, RUNS_PAGE_SIZE } from '@/lib/engagement/automations/run-queries';
import { webhookSecret } from '@/lib/engagement/automations/webhooks';
import { automationBuilderAction, automationStatusAction } from '../actions';

export const metadata: Metadata = { title: 'Automation' };

const linkClass = 'link';
const DONE: Record<string, string> = { created: 'Automation saved as a draft. Try it on the last events below, then switch it on.' };

const STATUS_WORDS = {
  draft: 'A draft: it acts on nothing until you switch it on.',
  active: 'On: every new event of its trigger that passes the filter starts a run.',
  paused: 'Paused: it starts no new runs. Events while it is paused are not caught up when it is switched on again.',
} as const;

/**
 * /crm/automations/[id] (automations.manage): its status and the buttons that change it, the
 * builder with the saved definition, and its runs, newest first, a page at a time (?runs=2).
 */
export default async function AutomationPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ done?: string; runs?: string }> }) {
  const ctx = await requireStaff('crm', 'automations.manage');
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const page = typeof query.runs === 'string' && /^\d{1,5}$/.test(query.runs) && Number(query.runs) > 0 ? Number(query.runs) : 1;
  const db = getDb();
  const [automation, options, runs, zone] = await Promise.all([
    getAutomation(db, ctx, id), automationBuilderOptions(db, ctx), listAutomationRuns(db, ctx, id, page), clinicTimeZone(db, ctx.tenant.id),
  ]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const when = clinicTimeFormatter(zone, now());
  const pages = Math.max(1, Math.ceil(runs.total / RUNS_PAGE_SIZE));
  const back = (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm">
      <Link href="/crm/automations" className={linkClass}>Automations</Link>
    </nav>
  );
  return (
    <Page
      title={automation.name} above={back}
      description={<>{triggerWords(automation.trigger)}. Version {automation.version}, saved {when(automation.updatedAt)}. Times are the clinic’s ({zone}).</>}
    >
      {query.done && DONE[query.done] ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">{DONE[query.done]}</p> : null}

      <CardSection id="automation-status-heading" title="Status">
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <AutomationStatusBadge status={automation.status} />
          {automation.builtinKey ? <BuiltInBadge /> : null}
          <span>{STATUS_WORDS[automation.status]}{automation.status === 'active' && automation.activeSince ? ` Since ${when(automation.activeSince)}.` : ''}</span>
        </div>
        <ul className="mt-3 list-disc space-y-1 pl-5 text-sm text-fg-muted">
          <li>Switching on acts on events from that moment on: nothing that happened before is caught up.</li>
          <li>Saving an edit does not change runs already under way: each finishes with the version it started with. Pausing stops new runs, not those.</li>
        </ul>
        <div className="mt-4">
          <StatusButtons action={automationStatusAction} automationId={automation.id} status={automation.status} />
        </div>
      </CardSection>

      <AutomationBuilder action={automationBuilderAction} automationId={automation.id} version={automation.version} draft={draftOf(automation)} options={options}
        webhookSecret={webhookSecret(ctx.tenant.id)} />

      <CardSection id="automation-runs-heading" title="Runs" description={`${runs.total} ${runs.total === 1 ? 'run' : 'runs'}, newest first. The log says what each step did, never about the patient’s health.`}>
        <div className="mt-3">
          <RunLog runs={runs.runs} when={when} show="patient" empty={page > 1 ? 'No runs on this page.' : 'No runs yet: it starts one for each matching event once it is on.'}
            caption={`Runs of ${automation.name}, newest first, page ${page} of ${pages}`} />
        </div>
        {pages > 1 ? (
          <nav aria-label="Run pages" className="mt-3 flex items-center justify-between text-sm">
            {page > 1 ? <Link className={linkClass} href={`/crm/automations/${automation.id}?runs=${page - 1}#automation-runs-heading`}>Newer runs</Link> : <span />}
            <span className="text-fg-muted">Page {page} of {pages}</span>
            {page < pages ? <Link className={linkClass} href={`/crm/automations/${automation.id}?runs=${page + 1}#automation-runs-heading`}>Older runs</Link> : <span />}
          </nav>
        ) : null}
      </CardSection>
    </Page>
  );
}
