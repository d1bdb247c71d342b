import type { DryRunView } from '@/lib/engagement/automations/builder-form';
import { DRY_RUN_OUTCOME_WORDS } from '@/lib/engagement/automations/builder-words';

// A dry run's answer (the builder's "Try it"): for each of the clinic's last events of the
// trigger, newest first, who and when, whether the filter let it through (and why not), and what
// each step would have done and when, in the clinic's zone. Outcomes are words, not only colours.

const OUTCOME_CLASS = {
  done: 'bg-brand-soft text-fg',
  wait: 'bg-surface-muted text-fg',
  skip: 'bg-amber-100 text-amber-900',
  stop: 'bg-red-100 text-red-900',
} as const;

export function DryRunResults({ view, headingRef }: { view: DryRunView; headingRef?: React.Ref<HTMLHeadingElement> }) {
  return (
    <section aria-labelledby="dry-run-heading" className="rounded-xl border border-line bg-surface p-5">
      <h2 id="dry-run-heading" ref={headingRef} tabIndex={-1} className="text-lg font-semibold">Dry run: “{view.trigger}”</h2>
      <p className="mt-1 text-sm text-fg-muted">
        What the automation as it is in the form would have done with the clinic’s last {view.events.length === 1 ? 'event' : `${view.events.length} events`} of its trigger,
        newest first. Conditions are checked as things are now; nothing was sent, tagged or changed.
      </p>
      {view.events.length === 0 ? (
        <p className="mt-3">No such events yet, so there is nothing to try it on.</p>
      ) : (
        <ol className="mt-4 space-y-3">
          {view.events.map((e) => (
            <li key={e.id} className="rounded-lg border border-line p-3">
              <h3 className="font-medium">
                {e.patient} <span className="font-normal text-fg-muted">· {e.event} · {e.when}</span>
              </h3>
              {e.matched ? (
                e.steps.length > 0 ? (
                  <ol className="mt-2 space-y-1 text-sm">
                    {e.steps.map((s) => (
                      <li key={s.index} className="flex flex-wrap items-baseline gap-x-2">
                        <span className="font-medium">Step {s.index + 1}.</span>
                        <span>{s.description}:</span>
                        <span className={`rounded px-1.5 text-xs font-semibold ${OUTCOME_CLASS[s.outcome]}`}>{DRY_RUN_OUTCOME_WORDS[s.outcome]}</span>
                        <span>{s.outcome === 'wait' ? s.text : `${s.text} (${s.when})`}</span>
                      </li>
                    ))}
                  </ol>
                ) : <p className="mt-1 text-sm">Matched; no steps to do.</p>
              ) : (
                <p className="mt-1 text-sm"><span className="font-medium">Filtered out:</span> {e.filteredOut}</p>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
