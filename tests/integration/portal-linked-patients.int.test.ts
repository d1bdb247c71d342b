import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { patientPortalSettings, portalAccountPatients } from '@/db/schema';
import { linkedPatientsJson, listLinkedPatients, queryLinkRows, resolveLinkedPatients, type LinkRow } from '@/lib/access/linked-patients';
import { createPortalVisitClinic } from '../support/portal-visit-fixtures';

/** The JSON value as the session query reads it (selected through drizzle, like the app). */
async function linkedAsJson(tenantId: string, accountId: string): Promise<unknown> {
  const [row] = await getDb()
    .select({ linked: linkedPatientsJson(sql`${tenantId}::uuid`, sql`${accountId}::uuid`) })
    .from(sql`(select 1) as one`);
  return row!.linked;
}

/** The session check loads the linked patients as JSON inside its one query; it must agree. */
describe('linked patients as loaded with the session', () => {
  it('lists the same patients, in the same order, leaving out disabled ones and other accounts', async () => {
    const db = getDb();
    const a = await createPortalVisitClinic();
    const b = await createPortalVisitClinic();
    const accountId = a.parent.account.id;
    // A third link whose portal access staff disabled: in neither list.
    await db.insert(portalAccountPatients).values({ tenantId: a.clinic.id, accountId, patientId: a.stranger.id, relationship: 'other' });
    await db.insert(patientPortalSettings).values({ tenantId: a.clinic.id, patientId: a.stranger.id, disabledAt: new Date() });

    const listed = await listLinkedPatients(db, a.clinic.id, accountId);
    const loaded = await linkedAsJson(a.clinic.id, accountId);

    expect(listed.map((p) => p.id)).toEqual([a.parent.patient.id, a.child.id]);
    // The rows before the rule are equal (every link column, the clinic's rules and zone), and so is what the rule makes of them.
    expect(loaded).toEqual(await queryLinkRows(db, a.clinic.id, accountId));
    expect(resolveLinkedPatients(loaded as LinkRow[])).toEqual(listed);
    // Another clinic's tenant id with this account id finds nothing.
    expect(await linkedAsJson(b.clinic.id, accountId)).toEqual([]);
  });
});
