import 'server-only';
import type { AppointmentStatus } from '@/db/schema';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import type { FreeSlots } from './find-slots';

/**
 * How the staff schedule says times, statuses and free slots, for pages and the browser alike.
 * Staff pages are English-only; every time is shown in the location's zone, with the zone named.
 */

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

/** A booked visit the patient confirmed (a reminder's link) reads "Confirmed"; any other, its status. */
export function visitStatusText(visit: { status: AppointmentStatus; confirmedAt: Date | null }): string {
  return visit.status === 'booked' && visit.confirmedAt ? 'Confirmed' : STATUS_LABEL[visit.status];
}

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

/** A chosen slot as the form posts it; anything else is no choice. */
export function parseSlotValue(value: unknown): { startsAt: Date; providerId: string } | null {
  if (typeof value !== 'string') return null;
  const [iso, providerId] = value.split('|');
  const startsAt = new Date(iso ?? '');
  if (!iso || !providerId || Number.isNaN(startsAt.getTime())) return null;
  return { startsAt, providerId };
}
