import Link from 'next/link';
import type { ClinicGlance } from '@/lib/staff-home/crm-setup';
import type { SetupStep } from '@/lib/staff-home/setup-rules';
import { homeLinkClass } from './home-card';

/**
 * The CRM overview: a new clinic's setup steps (done or not, why each matters, where to do it),
 * then, once they are done, the clinic at a glance.
 */

export function SetupChecklist({ steps, progress, mayOpen }: {
  steps: readonly SetupStep[];
  progress: { done: number; total: number };
  /** Whether the person may open a step's page (its permission). */
  mayOpen: (step: SetupStep) => boolean;
}) {
  const percent = progress.total === 0 ? 100 : Math.round((progress.done / progress.total) * 100);
  return (
    <section aria-labelledby="setup-heading" className="rounded-xl border border-line bg-surface p-5">
      <h2 id="setup-heading" className="text-lg font-semibold">Set up the clinic</h2>
      <p className="mt-1 text-sm text-fg-muted">
        Until these are done, patients find a half-ready portal. <span className="font-semibold text-fg">{progress.done} of {progress.total} done.</span>
      </p>
      <progress value={progress.done} max={progress.total} aria-label={`Setup: ${progress.done} of ${progress.total} steps done`} className="mt-3 h-2 w-full accent-brand">
        {percent}%
      </progress>
      <ol className="mt-4 divide-y divide-line border-t border-line">
        {steps.map((step) => (
          <li key={step.key} data-testid="setup-step" data-step={step.key} data-done={step.done} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-start sm:gap-4">
            <span
              className={`inline-flex w-fit shrink-0 items-center rounded-full border px-2.5 py-0.5 text-xs font-semibold ${step.done ? 'border-brand-accent bg-brand-soft text-fg' : 'border-line text-fg'}`}
            >
              {step.done ? 'Done' : step.optional ? 'Optional' : 'To do'}
            </span>
            <div className="min-w-0 flex-1">
              <h3 className="font-semibold">{step.title}</h3>
              <p className="text-sm text-fg-muted">{step.why}</p>
              {step.detail ? <p className="text-sm">{step.detail}</p> : null}
            </div>
            {mayOpen(step) ? (
              <Link href={step.href} className={`shrink-0 text-sm ${homeLinkClass}`} aria-label={`${step.linkLabel} (${step.title})`}>
                {step.linkLabel}
              </Link>
            ) : (
              <span className="shrink-0 text-sm text-fg-muted">Ask an admin</span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

interface Tile { key: string; label: string; value: number; href: string; linkLabel: string }

export function ClinicAtAGlance({ glance: g }: { glance: ClinicGlance }) {
  const tiles: Tile[] = [];
  if (g.patients !== null) tiles.push({ key: 'patients', label: 'Patients', value: g.patients, href: '/emr/patients', linkLabel: 'Open patients' });
  if (g.visitsThisWeek !== null) {
    tiles.push({ key: 'visits', label: 'Visits this week', value: g.visitsThisWeek, href: `/emr/schedule?${new URLSearchParams({ view: 'week', date: g.weekOf })}`, linkLabel: 'Open the week' });
  }
  if (g.activeSubscriptions !== null) {
    tiles.push({ key: 'subscriptions', label: 'Active subscriptions', value: g.activeSubscriptions, href: '/emr/orders/subscriptions', linkLabel: 'Open subscriptions' });
  }
  if (g.openConversations !== null) {
    tiles.push({ key: 'messages', label: 'Open conversations', value: g.openConversations, href: '/emr/messages', linkLabel: 'Open messages' });
  }
  if (tiles.length === 0) return null;
  return (
    <section aria-labelledby="glance-heading" className="rounded-xl border border-line bg-surface p-5">
      <h2 id="glance-heading" className="text-lg font-semibold">The clinic at a glance</h2>
      <ul className="mt-3 grid gap-3 sm:grid-cols-2 xl:grid-cols-4">
        {tiles.map((t) => (
          <li key={t.key} data-testid="glance-tile" className="rounded-lg border border-line p-4">
            <p className="text-sm text-fg-muted">{t.label}</p>
            <p className="text-3xl font-semibold tabular-nums">{t.value.toLocaleString('en-US')}</p>
            <Link href={t.href} className={`mt-1 inline-block text-sm ${homeLinkClass}`} aria-label={`${t.linkLabel} (${t.label}: ${t.value})`}>
              {t.linkLabel}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
