import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { patientConsents, patients, tenants } from '@/db/schema';
import { mayContact, recordConsent } from '@/lib/engagement/consent';
import { seedDemoData } from '@/scripts/demo-seed';

/** The demo's consent (issue 18): Maria (Sunrise) said yes to marketing by email, recorded once; nobody else did. */

async function ids(slug: string, recordNumber: string) {
  const [row] = await getDb()
    .select({ tenantId: tenants.id, patientId: patients.id })
    .from(patients).innerJoin(tenants, eq(tenants.id, patients.tenantId))
    .where(and(eq(tenants.slug, slug), eq(patients.recordNumber, recordNumber)));
  return row!;
}

beforeAll(async () => {
  await seedDemoData(getDb());
  await seedDemoData(getDb());
}, 240_000);

describe('consent demo seed', () => {
  it("records Maria's yes to marketing email once (source seed), and never over her own later answer", async () => {
    const maria = await ids('sunrise', 'SUN-10001');
    const rows = () => getDb().select({ channel: patientConsents.channel, purpose: patientConsents.purpose, granted: patientConsents.granted, source: patientConsents.source })
      .from(patientConsents).where(eq(patientConsents.patientId, maria.patientId));
    expect(await rows()).toEqual([{ channel: 'email', purpose: 'marketing', granted: true, source: 'seed' }]);
    expect(await mayContact(getDb(), maria.tenantId, maria.patientId, 'email', 'marketing')).toEqual({ ok: true, address: 'maria.lopez@sunrise.test' });
    // She unsubscribes in the demo; the seed runs again at the next start and leaves her answer.
    await recordConsent(getDb(), maria.tenantId, { patientId: maria.patientId, channel: 'email', purpose: 'marketing', granted: false, source: 'unsubscribe_link' });
    await seedDemoData(getDb());
    expect((await rows()).at(-1)).toMatchObject({ granted: false, source: 'unsubscribe_link' });
    const all = await getDb().select({ patientId: patientConsents.patientId }).from(patientConsents);
    expect(new Set(all.map((r) => r.patientId))).toEqual(new Set([maria.patientId]));
  });
});
