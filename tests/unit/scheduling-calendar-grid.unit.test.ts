import { describe, expect, it } from 'vitest';
import { buildCalendarGrid } from '@/lib/scheduling/calendar-grid';
import type { ScheduleAppointment, ScheduleView } from '@/lib/scheduling/schedule-view';
import { scheduleRange } from '@/lib/scheduling/schedule-view';
import { zonedInstant } from '@/lib/scheduling/zoned-time';

/**
 * The calendar's model from a schedule view (lib/scheduling/calendar-grid.ts): which cells are
 * working time, time off or free to book (and for whom), where visits and time off sit, and the
 * "now" line. Rows start at 08:00 (row 0), so 09:00 is row 4.
 */

const NY = 'America/New_York';
const DAY = '2030-03-05';
const ny = (time: string, date = DAY) => zonedInstant(date, time, NY);
const east = { id: 'loc-east', name: 'East Side', timeZone: NY };
const ada = { id: 'prov-ada', name: 'Dr Ada' };
const bob = { id: 'prov-bob', name: 'Dr Bob' };

function visit(id: string, provider: { id: string; name: string }, from: string, to: string, over: Partial<ScheduleAppointment> = {}, date = DAY): ScheduleAppointment {
  return {
    id, startsAt: ny(from, date), endsAt: ny(to, date), status: 'booked', cancelReason: null, movedTo: null, moved: false, confirmedAt: null, date,
    patient: { id: `pat-${id}`, name: `Patient ${id}`, recordNumber: `R-${id}` }, service: { id: 'svc', name: 'Consultation' },
    provider, location: east, ...over,
  };
}

function view(over: Partial<ScheduleView> = {}): ScheduleView {
  const kind = over.view ?? 'day';
  const { days, from, to } = scheduleRange(kind, DAY, NY);
  return {
    view: kind, by: 'location', date: DAY, today: DAY, days, from, to, timeZone: NY, location: east, provider: null,
    locations: [east], providers: [ada, bob], columns: [ada, bob],
    appointments: [
      visit('maria', ada, '09:00', '09:30'),
      visit('leo', ada, '09:00', '09:30', { status: 'cancelled', cancelReason: 'Rescheduled' }),
    ],
    hours: [
      { providerId: ada.id, locationId: east.id, startsAt: ny('09:00'), endsAt: ny('12:00') },
      { providerId: bob.id, locationId: east.id, startsAt: ny('13:00'), endsAt: ny('17:00') },
    ],
    timeOff: [{ providerId: bob.id, startsAt: ny('14:00'), endsAt: ny('15:00'), reason: 'Conference' }],
    ...over,
  };
}

const NOW = ny('09:40');
const row = (time: string) => {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return (h - 8) * 4 + m / 15;
};

describe('calendar grid, day by location', () => {
  const grid = buildCalendarGrid(view(), { now: NOW, canManage: true });
  const [adaColumn, bobColumn] = grid.columns;

  it('has one column per provider on the location’s rows', () => {
    expect(grid.columns.map((c) => [c.key, c.name, c.today])).toEqual([[ada.id, 'Dr Ada', true], [bob.id, 'Dr Bob', true]]);
    expect(grid.rows).toHaveLength(40);
    expect(grid.rows[row('09:00')]).toMatchObject({ label: '9:00 AM', hour: true });
  });

  it('offers free, future working cells for booking, for the column’s provider at the location’s wall time', () => {
    const book = (c: typeof adaColumn, time: string) => c!.cells[row(time)]!.book;
    expect(book(adaColumn, '09:00')).toBeNull(); // Maria's visit
    expect(book(adaColumn, '09:30')).toBeNull(); // already past at 09:40
    expect(book(adaColumn, '09:45')).toEqual({
      providerId: ada.id, locationId: east.id, day: DAY, time: '09:45', providerName: 'Dr Ada', locationName: 'East Side',
    });
    expect(book(adaColumn, '11:45')).not.toBeNull();
    expect(book(adaColumn, '12:00')).toBeNull(); // outside hours
    expect(adaColumn!.cells[row('12:00')]!.open).toBe(false);
    expect(adaColumn!.cells[row('11:45')]!.open).toBe(true);
    expect(book(bobColumn, '13:00')?.providerId).toBe(bob.id);
    expect(book(bobColumn, '14:00')).toBeNull(); // time off
    expect(bobColumn!.cells[row('14:45')]!.away).toBe(true);
    expect(bobColumn!.cells[row('15:00')]!.away).toBe(false);
  });

  it('draws visits to scale, overlapping ones side by side, and time off with its label', () => {
    expect(adaColumn!.blocks.map((b) => [b.appointment.id, b.row, b.offset, b.span, b.lane, b.lanes])).toEqual([
      ['maria', row('09:00'), 0, 2, 0, 2], ['leo', row('09:00'), 0, 2, 1, 2],
    ]);
    expect(bobColumn!.away).toEqual([{ row: row('14:00'), offset: 0, span: 4, label: 'Time off: Conference' }]);
    expect(adaColumn!.away).toEqual([]);
  });

  it('draws the now line on today’s columns only', () => {
    expect(adaColumn!.now).toEqual({ row: row('09:30'), offset: 10 / 15 });
    const tomorrow = buildCalendarGrid(view({ today: '2030-03-04' }), { now: NOW, canManage: true });
    expect(tomorrow.columns.every((c) => c.now === null)).toBe(true);
  });

  it('drops onto the column’s provider at the location', () => {
    expect(bobColumn!.cells[row('10:00')]!.drop).toEqual({ providerId: bob.id, locationId: east.id });
  });

  it('offers nothing to book or drop without schedule.manage', () => {
    const readOnly = buildCalendarGrid(view(), { now: NOW, canManage: false });
    expect(readOnly.columns.flatMap((c) => c.cells).some((c) => c.book || c.drop)).toBe(false);
    expect(readOnly.columns[0]!.blocks).toHaveLength(2);
  });
});

describe('calendar grid, week', () => {
  it('has a column a day; a location’s week frees a cell while any provider is free, not drawing each one’s time off', () => {
    const week = view({ view: 'week' });
    const grid = buildCalendarGrid(week, { now: NOW, canManage: true });
    expect(grid.columns.map((c) => c.key)).toEqual(week.days);
    const tuesday = grid.columns.find((c) => c.date === DAY)!;
    expect(tuesday.away).toEqual([]);
    expect(tuesday.cells[row('14:00')]!.book).toBeNull(); // Bob away, nobody else works then
    expect(tuesday.cells[row('13:00')]!.book?.providerId).toBe(bob.id);
    // A drop on a day keeps the visit's provider.
    expect(tuesday.cells[row('10:00')]!.drop).toEqual({ providerId: undefined, locationId: east.id });
    // Monday has no hours loaded in this view: nothing to book.
    expect(grid.columns[0]!.cells.some((c) => c.book)).toBe(false);
  });

  it('a provider’s week drops onto the location the provider works at that day', () => {
    const budapest = { id: 'loc-bud', name: 'Zz Budapest', timeZone: 'Europe/Budapest' };
    const week = view({
      view: 'week', by: 'provider', location: null, provider: ada, locations: [east, budapest], columns: [east, budapest],
      hours: [{ providerId: ada.id, locationId: budapest.id, startsAt: ny('04:00'), endsAt: ny('06:00') }, ...view().hours.slice(0, 1)],
    });
    const grid = buildCalendarGrid(week, { now: ny('09:40', '2030-03-04'), canManage: true });
    // Budapest's hours start the axis at 04:00 New York time.
    const at = (time: string) => grid.rows.findIndex((r) => r.time === time);
    expect(at('04:00')).toBe(0);
    const tuesday = grid.columns.find((c) => c.date === DAY)!;
    expect(tuesday.cells[at('10:00')]!.drop).toEqual({ providerId: ada.id, locationId: east.id });
    expect(tuesday.cells[at('04:00')]!.drop).toEqual({ providerId: ada.id, locationId: budapest.id });
    expect(tuesday.cells[at('04:00')]!.book).toMatchObject({ locationName: 'Zz Budapest', time: '10:00', day: DAY });
    expect(tuesday.cells[at('07:00')]!.drop).toEqual({ providerId: ada.id, locationId: undefined });
  });

  it('widens the rows to a visit outside 08:00–18:00 and names the repeated hour on a fall-back week', () => {
    const late = view({ appointments: [visit('late', ada, '19:00', '19:30')] });
    expect(buildCalendarGrid(late, { now: NOW, canManage: true }).rows.at(-1)?.time).toBe('19:45');

    const fallBack = '2030-11-03';
    const { days, from, to } = scheduleRange('week', fallBack, NY);
    const night = visit('night', ada, '00:30', '03:00', {}, fallBack);
    const grid = buildCalendarGrid(view({ view: 'week', date: fallBack, days, from, to, today: '2030-01-01', appointments: [night], hours: [], timeOff: [] }), { now: NOW, canManage: true });
    const labels = grid.rows.map((r) => r.label);
    expect(labels).toContain('1:00 AM EDT');
    expect(labels).toContain('1:00 AM EST');
    expect(labels.filter((l) => l.startsWith('1:00 AM'))).toHaveLength(2);
    const sunday = grid.columns.find((c) => c.date === fallBack)!;
    // 00:30 EDT to 03:00 EST is three and a half real hours: 14 rows.
    expect(sunday.blocks[0]).toMatchObject({ row: 2, span: 14 });
    // The other days have no instant for the repeated hour.
    expect(grid.columns[0]!.cells.filter((c) => c.at === null)).toHaveLength(4);
  });
});
