import Link from 'next/link';
import { buildCalendarGrid, type CellTarget, type GridBlock, type GridCell, type GridColumn, type GridRow } from '@/lib/scheduling/calendar-grid';
import { formatDay, formatTime } from '@/lib/scheduling/schedule-format';
import type { ScheduleView } from '@/lib/scheduling/schedule-view';
import { AppointmentCard } from './appointment-card';

/**
 * The schedule as a calendar: a table (so a screen reader hears the time and the column of each
 * cell) with 15-minute rows and one column per provider or location (day) or per day (week).
 * Visits are drawn to scale inside the cell of their start row; free working time is white,
 * outside hours grey, time off hatched and named. The table scrolls inside its frame with the
 * time axis and the column headers sticky, so a tablet scrolls the grid, not the page.
 */

/** One 15-minute row, in rem (26 px: a free cell's link stays a 24 px target inside its border, WCAG 2.5.8). */
const ROW_REM = 1.625;

const HATCH = 'bg-[repeating-linear-gradient(135deg,var(--color-surface-muted)_0_6px,var(--color-line)_6px_8px)]';

function Empty({ text }: { text: string }) {
  return <p className="rounded-lg border border-dashed border-line p-3 text-sm text-fg-muted">{text}</p>;
}

function bookHref(t: CellTarget) {
  return `/emr/schedule/book?${new URLSearchParams({ location: t.locationId, day: t.day, provider: t.providerId, time: t.time })}`;
}

const pct = (fraction: number) => `${(fraction * 100).toFixed(3)}%`;

function Block({ block, view, canManage, show }: {
  block: GridBlock;
  view: ScheduleView;
  canManage: boolean;
  show: { provider: boolean; location: boolean };
}) {
  const a = block.appointment;
  const movable = canManage && a.status === 'booked';
  const height = `${block.span * ROW_REM}rem`;
  const zone = a.location.timeZone;
  return (
    <div
      className={`absolute z-10 p-px hover:z-20 hover:h-auto! focus-within:z-20 focus-within:h-auto! data-dragging:z-40 data-dragging:opacity-90 data-dragging:shadow-xl ${movable ? 'cursor-grab touch-none select-none data-dragging:cursor-grabbing' : ''}`}
      style={{ top: pct(block.offset), left: pct(block.lane / block.lanes), width: pct(1 / block.lanes), height, minHeight: height }}
      {...(movable ? {
        'data-drag-id': a.id, 'data-drag-provider': a.provider.id, 'data-drag-location': a.location.id, 'data-drag-at': a.startsAt.toISOString(), 'data-drag-name': a.patient.name,
        'data-drag-when': `${formatTime(a.startsAt, zone)}${view.view === 'week' ? ` on ${formatDay(a.date, 'short')}` : ''}`,
      } : {})}
    >
      <AppointmentCard appointment={a} canManage={canManage} show={show} viewZone={view.timeZone} />
    </div>
  );
}

function Cell({ cell, row, column, view, canManage, show }: {
  cell: GridCell;
  row: { index: number; row: GridRow };
  column: GridColumn;
  view: ScheduleView;
  canManage: boolean;
  show: { provider: boolean; location: boolean };
}) {
  const blocks = column.blocks.filter((b) => b.row === row.index);
  const away = column.away.filter((b) => b.row === row.index);
  const now = column.now?.row === row.index ? column.now : null;
  const background = !cell.at ? HATCH : cell.away ? HATCH : cell.open ? 'bg-surface' : 'bg-surface-muted';
  const when = view.view === 'week' ? `${column.name}, ${row.row.label}` : row.row.label;
  return (
    <td
      className={`relative h-[1.625rem] border-l border-t border-line p-0 align-top ${row.row.hour ? '' : 'border-t-line/40'} ${background} data-drop-target:outline-2 data-drop-target:-outline-offset-2 data-drop-target:outline-brand-accent`}
      {...(cell.at && cell.drop ? {
        'data-at': cell.at.toISOString(), 'data-provider': cell.drop.providerId ?? '', 'data-location': cell.drop.locationId ?? '',
        'data-label': view.view === 'week' ? when : `${when} · ${column.name}`,
      } : {})}
    >
      {!cell.at ? <span className="sr-only">Not on this day (clock change)</span> : null}
      {cell.book ? (
        <Link
          href={bookHref(cell.book)}
          className="group absolute inset-0 block hover:bg-brand-soft focus-visible:z-20 focus-visible:bg-brand-soft focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-accent"
        >
          <span className="sr-only">Book {when} {view.by === 'location' ? `with ${cell.book.providerName}` : `at ${cell.book.locationName}`}</span>
          <span aria-hidden="true" className="hidden px-1 text-xs font-medium text-fg group-hover:inline group-focus-visible:inline">+ {row.row.label}</span>
        </Link>
      ) : null}
      {away.map((t, i) => (
        <div key={`away-${i}`} className="pointer-events-none absolute inset-x-0 overflow-hidden" style={{ top: pct(t.offset), height: `${t.span * ROW_REM}rem` }}>
          <span className="m-0.5 inline-block rounded bg-surface px-1 text-xs font-medium text-fg">{t.label}</span>
        </div>
      ))}
      {blocks.map((b) => <Block key={b.appointment.id} block={b} view={view} canManage={canManage} show={show} />)}
      {now ? (
        <div aria-hidden="true" data-testid="schedule-now" className="pointer-events-none absolute inset-x-0 z-[15] h-0.5 bg-red-600" style={{ top: pct(now.offset) }} />
      ) : null}
    </td>
  );
}

export function ScheduleCalendar({ view, canManage, now }: { view: ScheduleView; canManage: boolean; now: Date }) {
  const byLocation = view.by === 'location';
  if (view.view === 'day' && view.columns.length === 0) {
    return <Empty text={byLocation ? 'No provider works here this day and no visits are booked.' : 'This provider has no hours and no visits this day.'} />;
  }
  const grid = buildCalendarGrid(view, { now, canManage });
  const show = view.view === 'day' ? { provider: !byLocation, location: false } : { provider: byLocation, location: !byLocation };
  const subject = view.location?.name ?? view.provider?.name ?? '';
  const per = view.view === 'week' ? 'one column per day' : byLocation ? 'one column per provider' : 'one column per location';
  const range = view.view === 'day' ? formatDay(view.date) : `the week of ${formatDay(view.days[0]!)}`;
  const nowRow = grid.columns.find((c) => c.now)?.now?.row;
  return (
    <div role="region" aria-labelledby="schedule-caption" tabIndex={0}
      className="max-h-[75vh] overflow-auto rounded-xl border border-line bg-surface focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent">
      <table data-testid="schedule-grid" className="w-full min-w-max table-fixed border-separate border-spacing-0 text-sm">
        <caption id="schedule-caption" className="sr-only">
          {subject}, {range}: {per}, rows of 15 minutes, times in {view.timeZone.replace(/_/g, ' ')}.
          {canManage ? ' Choose a free time to book it; each visit has Move and Manage.' : ''}
        </caption>
        <colgroup>
          <col className="w-20" />
          {grid.columns.map((c) => <col key={c.key} className={view.view === 'week' ? 'w-32' : 'w-52'} />)}
        </colgroup>
        <thead>
          <tr>
            <th scope="col" className="sticky left-0 top-0 z-40 border-b border-line bg-surface px-2 py-2 text-left text-xs font-semibold">Time</th>
            {grid.columns.map((c) => {
              const visits = c.blocks.length;
              return (
                <th key={c.key} scope="col" data-testid={view.view === 'day' ? 'schedule-column' : 'schedule-day'} data-date={c.date}
                  className={`sticky top-0 z-30 border-b border-l border-line px-2 py-2 text-left align-bottom font-semibold ${c.today && view.view === 'week' ? 'bg-brand-soft' : 'bg-surface'}`}>
                  {c.name}
                  {c.today && view.view === 'week' ? <span className="ml-1 rounded bg-brand px-1.5 text-xs text-brand-contrast">Today</span> : null}
                  <span className="block text-xs font-normal">{visits} {visits === 1 ? 'visit' : 'visits'}</span>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {grid.rows.map((row, index) => (
            <tr key={`${row.time}-${row.repeat}`}>
              <th scope="row" className={`sticky left-0 z-30 h-[1.625rem] border-t border-line bg-surface px-2 text-right align-top text-xs font-normal ${row.hour ? 'text-fg' : 'border-t-transparent'}`}>
                <span className={row.hour || index === 0 ? '' : 'sr-only'}>{row.label}</span>
                {index === nowRow ? <span className="sr-only"> (now)</span> : null}
              </th>
              {grid.columns.map((c) => (
                <Cell key={c.key} cell={c.cells[index]!} row={{ index, row }} column={c} view={view} canManage={canManage} show={show} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
