import type { ActivityDay } from '@/lib/clinic-forms/activity-plan';
import { formatters } from '@/lib/i18n/core';
import { Check } from 'lucide-react';

const fmt = formatters('en');

const CELL = {
  done: 'border-brand bg-brand text-brand-contrast font-semibold',
  missed: 'border-line bg-surface text-fg',
  future: 'border-dashed border-line bg-surface-muted text-fg-muted',
} as const;

/**
 * A plan's days as a row of squares (done, not done, still to come), for the chart. Each square
 * says its date and state in words too, so the grid reads the same without the colours.
 */
export function ActivityDayGrid({ days, label }: { days: readonly ActivityDay[]; label: string }) {
  if (days.length === 0) return null;
  return (
    <div className="mt-4">
      <ol aria-label={label} className="flex flex-wrap gap-1">
        {days.map((d) => {
          const state = d.done ? 'done' : d.when === 'future' ? 'future' : 'missed';
          const words = d.done ? 'done' : d.when === 'future' ? 'to come' : 'not done';
          const date = fmt.calendarDay(d.day);
          return (
            <li
              key={d.day}
              title={`${date}: ${words}`}
              className={`flex h-9 w-9 flex-col items-center justify-center rounded-md border text-xs ${CELL[state]} ${d.when === 'today' ? 'ring-2 ring-brand-accent ring-offset-1' : ''}`}
            >
              {d.done ? <Check aria-hidden className="size-4" /> : <span aria-hidden="true">{Number(d.day.slice(8))}</span>}
              <span className="sr-only">{`${date}${d.when === 'today' ? ' (today)' : ''}: ${words}`}</span>
            </li>
          );
        })}
      </ol>
      <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-fg-muted" aria-hidden="true">
        <span><span className={`mr-1 inline-block h-3 w-3 rounded-sm border align-middle ${CELL.done}`} />Done</span>
        <span><span className={`mr-1 inline-block h-3 w-3 rounded-sm border align-middle ${CELL.missed}`} />Not done</span>
        <span><span className={`mr-1 inline-block h-3 w-3 rounded-sm border align-middle ${CELL.future}`} />To come</span>
        <span><span className="mr-1 inline-block h-3 w-3 rounded-sm align-middle ring-2 ring-brand-accent" />Today</span>
      </p>
    </div>
  );
}
