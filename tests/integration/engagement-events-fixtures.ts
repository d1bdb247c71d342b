import { and, asc, eq, inArray } from 'drizzle-orm';
import { expect } from 'vitest';
import { getDb } from '@/db/client';
import { domainEvents, type DomainEventRow } from '@/db/schema';
import type { EventName, EventSubject } from '@/lib/engagement/events';

/** Shared by the engagement-events-*.int.test.ts files (not a test file itself). */

/** The clinic's domain events, oldest first; only those of `names` when given. */
export async function eventsOf(tenantId: string, names?: readonly EventName[]): Promise<DomainEventRow[]> {
  return getDb().select().from(domainEvents)
    .where(and(eq(domainEvents.tenantId, tenantId), names ? inArray(domainEvents.name, [...names]) : undefined))
    .orderBy(asc(domainEvents.occurredAt), asc(domainEvents.id));
}

/**
 * The clinic's only event of this name, checked against what the change should have recorded:
 * its patient, its subject (exactly: no other key) and who did it.
 */
export async function expectOneEvent<N extends EventName>(
  tenantId: string,
  name: N,
  expected: { patientId: string; subject: EventSubject<N>; actor: { kind: 'staff' | 'patient' | 'system'; id?: string | null } },
): Promise<DomainEventRow> {
  const rows = await eventsOf(tenantId, [name]);
  expect(rows, name).toHaveLength(1);
  const [row] = rows;
  expect(row!.patientId, `${name} patient`).toBe(expected.patientId);
  expect(row!.subject, `${name} subject`).toStrictEqual(expected.subject);
  expect({ kind: row!.actorKind, id: row!.actorId }, `${name} actor`).toEqual({ kind: expected.actor.kind, id: expected.actor.id ?? null });
  return row!;
}
