import { and, countDistinct, eq, gte } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { appointments, auditLog, segments, staffUsers, tenants } from '@/db/schema';
import { parseStoredFilter } from '@/lib/engagement/segments/filter';
import { clinicDay, countSegment, visitBoundary } from '@/lib/engagement/segments/query';

/** The demo's segment (issue 18 point 6): Sunrise has "Seen in the last year", once, made by its marketing lead; Harbor none. */

async function clinic(slug: string) {
  const [row] = await getDb().select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug));
  return row!.id;
}

beforeAll(async () => {
  const { seedDemoData } = await import('@/scripts/demo-seed');
  await seedDemoData(getDb());
  await seedDemoData(getDb());
}, 240_000);

describe('segments demo seed', () => {
  it('gives Sunrise "Seen in the last year" once, counting its patients with a completed visit in the last 12 months', async () => {
    const db = getDb();
    const sunrise = await clinic('sunrise');
    const rows = await db.select({ id: segments.id, name: segments.name, filter: segments.filter, archivedAt: segments.archivedAt, by: staffUsers.email })
      .from(segments).leftJoin(staffUsers, eq(staffUsers.id, segments.createdByStaffId)).where(eq(segments.tenantId, sunrise));
    expect(rows.map(({ id: _id, ...r }) => r)).toEqual([{
      name: 'Seen in the last year', archivedAt: null, by: 'marketing@sunrise.test',
      filter: { conditions: [{ kind: 'last_visit', when: 'since', ago: { amount: 12, unit: 'months' } }] },
    }]);
    const [audited] = await db.select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.tenantId, sunrise), eq(auditLog.targetId, rows[0]!.id)));
    expect(audited).toEqual({ action: 'engagement.segment_created' });

    // The count is the patients with a completed visit since midnight 12 months ago, in Sunrise's zone.
    const filter = parseStoredFilter(rows[0]!.filter);
    const day = await clinicDay(db, sunrise);
    const since = visitBoundary({ kind: 'last_visit', when: 'since', ago: { amount: 12, unit: 'months' } }, day);
    const [expected] = await db.select({ n: countDistinct(appointments.patientId) }).from(appointments)
      .where(and(eq(appointments.tenantId, sunrise), eq(appointments.status, 'completed'), gte(appointments.startsAt, since)));
    expect(await countSegment(db, sunrise, filter, { day })).toBe(expected!.n);
    expect(expected!.n).toBeGreaterThan(0);

    expect(await db.select({ id: segments.id }).from(segments).where(eq(segments.tenantId, await clinic('harbor')))).toEqual([]);
  });
});
