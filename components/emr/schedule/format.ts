import type { AppointmentStatus } from '@/db/schema';
import type { FreeSlots } from '@/lib/scheduling/find-slots';
import { dateTimeFormat } from '@/lib/intl/date-time-format';

/** Staff pages are English-only; every time is shown in the location's zone, with the zone named. */

export function formatTime(instant: Date, timeZone: string): string {
  return dateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', timeZone }).format(instant);
}

/** "CST" for an instant: the abbreviation changes with daylight saving. */
export function zoneAbbreviation(instant: Date, timeZone: string): string {
  const parts = dateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }).formatToParts(instant);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

export function formatDay(date: string, style: 'long' | 'short' = 'long'): string {
  return dateTimeFormat('en-US', style === 'long'
    ? { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' }
    : { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

export function formatWhen(instant: Date, timeZone: string): string {
  return dateTimeFormat('en-US', {
    weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short',
  }).format(instant);
}

export const STATUS_LABEL: Record<AppointmentStatus, string> = {
  booked: 'Booked',
  completed: 'Completed',
  cancelled: 'Cancelled',
  no_show: 'No-show',
};

/** Colour only supports the text label (WCAG 1.4.1). */
export const STATUS_STYLE: Record<AppointmentStatus, string> = {
  booked: 'bg-sky-100 text-sky-900 border-sky-300',
  completed: 'bg-emerald-100 text-emerald-900 border-emerald-300',
  cancelled: 'bg-slate-200 text-slate-800 border-slate-300',
  no_show: 'bg-amber-100 text-amber-900 border-amber-300',
};

export interface SlotOption {
  /** `${ISO start}|${providerId}`, read back by the actions. */
  value: string;
  label: string;
}

/** One choice per free start time, with the first free provider when 'any' was asked for. */
export function slotOptions(free: FreeSlots, providerId: string | 'any'): SlotOption[] {
  return free.days.flatMap((d) => d.slots.flatMap((slot) => {
    const provider = providerId === 'any' ? slot.providers[0] : slot.providers.find((p) => p.id === providerId);
    if (!provider) return [];
    const time = `${formatTime(slot.startsAt, free.timeZone)} ${zoneAbbreviation(slot.startsAt, free.timeZone)}`;
    return [{ value: `${slot.startsAt.toISOString()}|${provider.id}`, label: `${time} with ${provider.name}` }];
  }));
}

export function parseSlotValue(value: unknown): { startsAt: Date; providerId: string } | null {
  if (typeof value !== 'string') return null;
  const [iso, providerId] = value.split('|');
  const startsAt = new Date(iso ?? '');
  if (!iso || !providerId || Number.isNaN(startsAt.getTime())) return null;
  return { startsAt, providerId };
}
