import 'server-only';
import { assignLanes, buildAxis, cellInside, cellTouches, place, rowAt, type CalendarRow, type Interval } from './calendar-layout';
import { formatDay, formatTime, zoneAbbreviation } from './schedule-format';
import type { ScheduleAppointment, ScheduleHours, ScheduleTimeOff, ScheduleView } from './schedule-view';
import { zonedDate, zonedTime } from './zoned-time';

/**
 * The staff calendar's model: the schedule view (lib/scheduling/schedule-view.ts) laid out on the
 * rows of calendar-layout.ts, one column per provider or location (day) or per day (week). Each
 * cell knows whether it is working time, time off, or free to book and for whom; each visit and
 * each time off its place. The page only draws it.
 */

export interface GridRow extends CalendarRow {
  /** "9:00 AM"; on a fall-back night the repeated times name their zone ("1:00 AM EST"). */
  label: string;
}

/** Who and where a drop on (or a booking in) a cell means. */
export interface CellTarget {
  providerId: string;
  locationId: string;
  /** The location's local day and wall time of the cell, for the booking page. */
  day: string;
  time: string;
  /** Who and where, for the link's name. */
  providerName: string;
  locationName: string;
}

export interface GridCell {
  /** The row's instant on this column's day; null where that wall time does not exist that day. */
  at: Date | null;
  /** Inside someone's working hours. */
  open: boolean;
  /** Overlaps time off shown in this column. */
  away: boolean;
  /** Free 15 minutes (hours, no time off, no visit, not past): the booking it offers. */
  book: CellTarget | null;
  /** Where a visit dropped here goes (what is unset stays the visit's); null without schedule.manage. */
  drop: Partial<Pick<CellTarget, 'providerId' | 'locationId'>> | null;
}

export interface Placed {
  /** The row the item starts in, and how far into it (0–1). */
  row: number;
  offset: number;
  /** Height in rows. */
  span: number;
}

export interface GridBlock extends Placed {
  appointment: ScheduleAppointment;
  lane: number;
  lanes: number;
}

export interface GridAway extends Placed {
  label: string;
}

export interface GridColumn {
  key: string;
  date: string;
  name: string;
  today: boolean;
  cells: GridCell[];
  blocks: GridBlock[];
  away: GridAway[];
  /** The "now" line, on today's column. */
  now: { row: number; offset: number } | null;
}

export interface CalendarGrid {
  rows: GridRow[];
  columns: GridColumn[];
}

interface ColumnSpec {
  key: string;
  date: string;
  name: string;
  hours: ScheduleHours[];
  away: ScheduleTimeOff[];
  /** Time off that decides free cells without being drawn (a location's week: each provider's). */
  blocking: ScheduleTimeOff[];
  appointments: ScheduleAppointment[];
  /** The column's own provider and location, when it has them. */
  providerId?: string;
  locationId?: string;
}

function columnSpecs(view: ScheduleView): ColumnSpec[] {
  const { hours, timeOff, appointments } = view;
  if (view.view === 'day') {
    return view.columns.map((c) => view.by === 'location'
      ? {
        key: c.id, date: view.date, name: c.name, providerId: c.id, locationId: view.location?.id,
        hours: hours.filter((h) => h.providerId === c.id), away: timeOff.filter((t) => t.providerId === c.id), blocking: [],
        appointments: appointments.filter((a) => a.provider.id === c.id),
      }
      : {
        key: c.id, date: view.date, name: c.name, providerId: view.provider?.id, locationId: c.id,
        hours: hours.filter((h) => h.locationId === c.id), away: timeOff, blocking: [],
        appointments: appointments.filter((a) => a.location.id === c.id),
      });
  }
  return view.days.map((date) => ({
    key: date, date, name: formatDay(date, 'short'), hours,
    // A location's week mixes providers: time off only stops their own free cells.
    away: view.by === 'provider' ? timeOff : [], blocking: view.by === 'location' ? timeOff : [],
    appointments: appointments.filter((a) => a.date === date),
    providerId: view.provider?.id, locationId: view.location?.id,
  }));
}

const active = (a: ScheduleAppointment) => a.status !== 'cancelled';

export function buildCalendarGrid(view: ScheduleView, options: { now: Date; canManage: boolean }): CalendarGrid {
  const specs = columnSpecs(view);
  const zone = view.timeZone;
  const locationOf = new Map(view.locations.map((l) => [l.id, l]));
  const providerName = new Map(view.providers.map((p) => [p.id, p.name]));
  const axis = buildAxis(view.days, zone, [
    ...view.hours, ...view.appointments, ...specs.flatMap((s) => s.away),
  ]);
  // The day with every row, for the labels.
  const full = [...axis.instants.values()].find((list) => list.every(Boolean)) ?? [];
  const twice = new Set(axis.rows.filter((r) => r.repeat > 0).map((r) => r.time));
  const rows: GridRow[] = axis.rows.map((r, i) => {
    const at = full[i];
    const time = at ? formatTime(at, zone) : r.time;
    return { ...r, label: at && twice.has(r.time) ? `${time} ${zoneAbbreviation(at, zone)}` : time };
  });
  const busy = view.appointments.filter(active);

  const columns = specs.map((spec): GridColumn => {
    const instants = axis.instants.get(spec.date) ?? [];
    const cells = instants.map((at): GridCell => {
      if (!at) return { at, open: false, away: false, book: null, drop: null };
      const window = spec.hours.filter((h) => cellInside(at, [h]));
      const free = options.canManage && at.getTime() >= options.now.getTime()
        ? window.find((h) => !cellTouches(at, [...spec.away, ...spec.blocking].filter((t) => t.providerId === h.providerId))
          && !cellTouches(at, busy.filter((a) => a.provider.id === h.providerId)))
        : undefined;
      // A drop takes the column's provider and location; what the column does not fix stays the
      // visit's, except a provider's week, where the location is the one the hours there are at.
      const drop = { providerId: spec.providerId, locationId: spec.locationId ?? window[0]?.locationId };
      return {
        at,
        open: cellTouches(at, spec.hours),
        away: cellTouches(at, spec.away),
        book: free ? target(free, at, locationOf.get(free.locationId), providerName.get(free.providerId)) : null,
        drop: options.canManage ? drop : null,
      };
    });
    const laneOf = assignLanes(spec.appointments);
    const blocks = spec.appointments.flatMap((appointment): GridBlock[] => {
      const placed = placedOn(appointment, instants);
      return placed ? [{ ...placed, appointment, ...laneOf.get(appointment)! }] : [];
    });
    const away = spec.away.flatMap((t): GridAway[] => {
      const placed = placedOn(t, instants);
      return placed ? [{ ...placed, label: t.reason ? `Time off: ${t.reason}` : 'Time off' }] : [];
    });
    return {
      key: spec.key, date: spec.date, name: spec.name, today: spec.date === view.today, cells, blocks, away,
      now: spec.date === view.today ? rowAt(options.now, instants) : null,
    };
  });
  return { rows, columns };
}

function placedOn(interval: Interval, instants: readonly (Date | null)[]): Placed | null {
  const p = place(interval, instants);
  if (!p) return null;
  const row = Math.min(Math.floor(p.top), instants.length - 1);
  return { row, offset: p.top - row, span: p.span };
}

function target(h: ScheduleHours, at: Date, location: { name: string; timeZone: string } | undefined, providerName = ''): CellTarget {
  const timeZone = location?.timeZone ?? 'UTC';
  return {
    providerId: h.providerId, locationId: h.locationId, day: zonedDate(at, timeZone), time: zonedTime(at, timeZone),
    providerName, locationName: location?.name ?? '',
  };
}
