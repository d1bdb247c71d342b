import 'server-only';
import { asc, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { locations, products, services } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';

/**
 * What the segment builder offers (CRM → Segments): the clinic's services, locations and
 * products (inactive and archived ones last and marked: past visits and orders still count) and
 * the tags its patients carry. Read with campaigns.manage, which the marketing level has without
 * the settings and catalogue permissions the other lists ask for.
 */

export interface Choice {
  id: string;
  name: string;
  /** An inactive service or location, an archived product. */
  retired: boolean;
}

export interface SegmentChoices {
  services: Choice[];
  locations: Choice[];
  products: Choice[];
  tags: string[];
}

/** At most this many tags are offered; the field takes any other tag typed. */
export const TAG_CHOICES = 500;

/**
 * The distinct tags of the clinic's patients, in order, read as a skip scan of
 * patient_tags_tag_idx (tenant_id, tag): one index probe a tag, however many patients have it.
 */
export async function clinicTags(db: Executor, tenantId: string, limit = TAG_CHOICES): Promise<string[]> {
  const result = await db.execute(sql`
    with recursive t(tag, n) as (
      (select tag, 1 from patient_tags where tenant_id = ${tenantId} order by tag limit 1)
      union all
      select (select p.tag from patient_tags p where p.tenant_id = ${tenantId} and p.tag > t.tag order by p.tag limit 1), t.n + 1
      from t where t.tag is not null and t.n < ${limit}
    )
    select tag from t where tag is not null`);
  // postgres.js answers the rows, PGlite an object holding them.
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { tag: string }[];
  return rows.map((r) => r.tag);
}

export async function segmentChoices(db: Executor, ctx: StaffContext): Promise<SegmentChoices> {
  assertPermission(ctx, 'campaigns.manage');
  const tenantId = ctx.tenant.id;
  const [svc, loc, prod, tags] = await Promise.all([
    db.select({ id: services.id, name: services.name, active: services.active }).from(services).where(eq(services.tenantId, tenantId))
      .orderBy(desc(services.active), asc(services.name), asc(services.id)),
    db.select({ id: locations.id, name: locations.name, active: locations.active }).from(locations).where(eq(locations.tenantId, tenantId))
      .orderBy(desc(locations.active), asc(locations.name), asc(locations.id)),
    db.select({ id: products.id, name: products.name, status: products.status }).from(products).where(eq(products.tenantId, tenantId))
      .orderBy(asc(products.status), asc(products.name), asc(products.id)),
    clinicTags(db, tenantId),
  ]);
  return {
    services: svc.map((s) => ({ id: s.id, name: s.name, retired: !s.active })),
    locations: loc.map((l) => ({ id: l.id, name: l.name, retired: !l.active })),
    products: prod.map((p) => ({ id: p.id, name: p.name, retired: p.status === 'archived' })),
    tags,
  };
}

/** Names by id, for describing saved filters (describeFilter). */
export function choiceNames(choices: SegmentChoices) {
  const names = (list: Choice[]) => new Map(list.map((c) => [c.id, c.name]));
  return { services: names(choices.services), locations: names(choices.locations), products: names(choices.products) };
}
