import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { segments, tenants } from '@/db/schema';
import type { SegmentFilter } from '@/lib/engagement/segments/filter';
import { createSegment } from '@/lib/engagement/segments/segments';
import { demoStaffContext } from './contexts';

/**
 * Segments of a demo clinic (issue 18 point 6), made through the product's own createSegment by
 * the clinic's marketing lead, as in CRM → Segments: Sunrise's "Seen in the last year" (a
 * completed visit within the last 12 months, counted from the clinic's today whenever it is
 * counted), the audience of its draft campaign. Idempotent: skipped when the clinic has a segment
 * of that name (in any case), so an edit made in the demo stays.
 */
interface DemoSegment {
  name: string;
  description: string;
  filter: SegmentFilter;
}

const DEMO_SEGMENTS: Record<string, { by: string; segments: DemoSegment[] }> = {
  sunrise: {
    by: 'marketing@sunrise.test',
    segments: [{
      name: 'Seen in the last year',
      description: 'Patients with a completed visit in the last 12 months.',
      filter: { conditions: [{ kind: 'last_visit', when: 'since', ago: { amount: 12, unit: 'months' } }] },
    }],
  },
};

export async function seedSegments(db: Database, slug: string): Promise<void> {
  const plan = DEMO_SEGMENTS[slug];
  if (!plan) return;
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, slug));
  if (!tenant) return;
  let by: Awaited<ReturnType<typeof demoStaffContext>> | undefined;
  for (const segment of plan.segments) {
    const [existing] = await db.select({ id: segments.id }).from(segments)
      .where(and(eq(segments.tenantId, tenant.id), eq(sql`lower(${segments.name})`, segment.name.toLowerCase())));
    if (existing) continue;
    by ??= await demoStaffContext(db, tenant, plan.by);
    await createSegment(db, by, segment);
  }
}
