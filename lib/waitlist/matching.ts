import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { locations, waitlistEntries } from '@/db/schema';
import { NotFoundError } from '@/lib/access/context';
import { findFreeSlots } from '@/lib/scheduling/find-slots';
import { addDays, zonedInstant } from '@/lib/scheduling/zoned-time';
import { timeKey, type FreeTime, type WaitingEntry } from './match-rules';

/**
 * The free times that may suit a clinic's waiting entries (issue 20, point 2): one slot query
 * (lib/scheduling/find-slots.ts, the portal's and the desk's engine: hours, time off, visits,
 * buffer, minimum notice and horizon) per service, location, provider-or-any and audience, from
 * now to the last day any of those entries waits for. ./match-rules.ts then decides who gets what.
 *
 * Audience: an entry the patient made in the portal is matched as the portal would book it (a
 * service the clinic has since made staff-only finds nothing); one the desk made may be for a
 * staff-only service, as the desk could book it. A group whose service, location or provider is
 * gone (inactive, deleted, no longer offered) finds nothing and its entries simply wait.
 */

export interface EntryDemand extends WaitingEntry {
  patientId: string;
  serviceId: string;
  locationId: string;
  timeZone: string;
  /** Free times of the entry's group; the rules filter them per entry. */
  candidates: FreeTime[];
  /** Keys (provider|start) of every free time of the entry's group, to tell whether an open offer's time is still free. */
  freeKeys: ReadonlySet<string>;
}

type EntryRow = Omit<EntryDemand, 'candidates' | 'freeKeys'> & { audience: 'patient' | 'staff' };

async function waitingEntries(tx: Executor, tenantId: string): Promise<EntryRow[]> {
  const rows = await tx
    .select({
      id: waitlistEntries.id, createdAt: waitlistEntries.createdAt, patientId: waitlistEntries.patientId,
      serviceId: waitlistEntries.serviceId, locationId: waitlistEntries.locationId, providerId: waitlistEntries.providerId,
      weekdays: waitlistEntries.weekdays, earliestTime: waitlistEntries.earliestTime, latestTime: waitlistEntries.latestTime,
      untilOn: waitlistEntries.untilOn, createdByKind: waitlistEntries.createdByKind, timeZone: locations.timeZone,
    })
    .from(waitlistEntries)
    .innerJoin(locations, and(eq(locations.tenantId, waitlistEntries.tenantId), eq(locations.id, waitlistEntries.locationId)))
    .where(and(eq(waitlistEntries.tenantId, tenantId), eq(waitlistEntries.status, 'waiting')))
    .orderBy(asc(waitlistEntries.createdAt), asc(waitlistEntries.id));
  return rows.map(({ createdByKind, ...row }) => ({ ...row, audience: createdByKind === 'staff' ? 'staff' : 'patient' }));
}

/** Each waiting entry of the clinic with the free times of its group, in the order they joined. */
export async function loadWaitlistDemand(tx: Executor, tenantId: string, at: Date): Promise<EntryDemand[]> {
  const entries = await waitingEntries(tx, tenantId);
  const groups = new Map<string, EntryRow[]>();
  for (const entry of entries) {
    const key = [entry.serviceId, entry.locationId, entry.providerId ?? 'any', entry.audience].join('|');
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const demand: EntryDemand[] = [];
  for (const members of groups.values()) {
    const { serviceId, locationId, providerId, audience, timeZone } = members[0]!;
    const lastDay = members.reduce((last, e) => (e.untilOn > last ? e.untilOn : last), members[0]!.untilOn);
    const to = zonedInstant(addDays(lastDay, 1), '00:00', timeZone);
    const candidates: FreeTime[] = [];
    if (to > at) {
      try {
        const free = await findFreeSlots(tx, tenantId, { serviceId, locationId, providerId: providerId ?? 'any', from: at, to, audience });
        for (const day of free.days) {
          for (const slot of day.slots) {
            for (const provider of slot.providers) candidates.push({ providerId: provider.id, startsAt: slot.startsAt, endsAt: slot.endsAt });
          }
        }
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    const freeKeys = new Set(candidates.map((t) => timeKey(t.providerId, t.startsAt)));
    for (const entry of members) {
      const { audience: _audience, ...rest } = entry;
      demand.push({ ...rest, candidates, freeKeys });
    }
  }
  return demand;
}
