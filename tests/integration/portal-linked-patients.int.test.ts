import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { patientPortalSettings, portalAccountPatients } from '@/db/schema';
import { linkedPatientsJson, listLinkedPatients } from '@/lib/portal/linked-patients';
import { createPortalVisitClinic } from '../support/portal-visit-fixtures';

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
    const [row] = await db.execute<{ linked: unknown }>(sql`select ${linkedPatientsJson(sql`${a.clinic.id}::uuid`, sql`${accountId}::uuid`)} as linked`)
      .then((r) => ('rows' in r ? (r.rows as { linked: unknown }[]) : (r as unknown as { linked: unknown }[])));
    const loaded = typeof row!.linked === 'string' ? JSON.parse(row!.linked) : row!.linked;

    expect(listed.map((p) => p.id)).toEqual([a.parent.patient.id, a.child.id]);
    expect(loaded).toEqual(listed);
    // Another clinic's tenant id with this account id finds nothing.
    const [other] = await db.execute<{ linked: unknown }>(sql`select ${linkedPatientsJson(sql`${b.clinic.id}::uuid`, sql`${accountId}::uuid`)} as linked`)
      .then((r) => ('rows' in r ? (r.rows as { linked: unknown }[]) : (r as unknown as { linked: unknown }[])));
    expect(typeof other!.linked === 'string' ? JSON.parse(other!.linked) : other!.linked).toEqual([]);
  });
});
