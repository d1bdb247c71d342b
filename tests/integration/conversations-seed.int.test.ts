import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import {
  conversationMessages, conversations, patientAssignments, patients, portalAccounts, staffUsers, tenantSettings, tenants,
} from '@/db/schema';
import { seedDemoData } from '@/scripts/demo-seed';
import { seedMessages } from '@/scripts/demo-seed/messages';
import { listPortalConversations, portalComposeState } from '@/lib/conversations/portal';
import { portalContext } from '../support/portal-context';

async function tenantId(slug: string) {
  const [row] = await getDb().select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug));
  return row!.id;
}

/** Runs the messaging seed as scripts/demo-seed/index.ts does, once per clinic, inside a transaction. */
async function runSeed() {
  for (const slug of ['sunrise', 'harbor']) {
    const id = await tenantId(slug);
    await getDb().transaction((tx) => seedMessages(tx, id, slug));
  }
}

beforeAll(async () => {
  await seedDemoData(getDb());
  await runSeed();
  await runSeed();
}, 120_000);

describe('messaging demo seed', () => {
  it('assigns Maria and Leo to the support user and opens one conversation with Maria, once', async () => {
    const sunrise = await tenantId('sunrise');
    const [support] = await getDb().select().from(staffUsers).where(and(eq(staffUsers.tenantId, sunrise), eq(staffUsers.email, 'support@sunrise.test')));
    const assigned = await getDb()
      .select({ record: patients.recordNumber })
      .from(patientAssignments)
      .innerJoin(patients, and(eq(patients.tenantId, patientAssignments.tenantId), eq(patients.id, patientAssignments.patientId)))
      .where(and(eq(patientAssignments.tenantId, sunrise), eq(patientAssignments.staffId, support!.id)));
    expect(assigned.map((a) => a.record).sort()).toEqual(['SUN-10001', 'SUN-10002']);
    const rows = await getDb().select().from(conversations).where(eq(conversations.tenantId, sunrise));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'open', startedByKind: 'staff', startedById: support!.id, assignedStaffId: support!.id });
    expect(await getDb().select().from(conversationMessages).where(eq(conversationMessages.conversationId, rows[0]!.id))).toHaveLength(1);

    const [maria] = await getDb().select().from(portalAccounts).where(and(eq(portalAccounts.tenantId, sunrise), eq(portalAccounts.email, 'maria.lopez@sunrise.test')));
    const [mariaPatient] = await getDb().select().from(patients).where(and(eq(patients.tenantId, sunrise), eq(patients.recordNumber, 'SUN-10001')));
    const actor = portalContext({ id: sunrise }, maria!.id, mariaPatient!.id);
    expect(await listPortalConversations(getDb(), actor)).toMatchObject([{ id: rows[0]!.id, unreadCount: 1, status: 'open' }]);
  });

  it('sets Harbor to "Never initiate"', async () => {
    const harbor = await tenantId('harbor');
    const [settings] = await getDb().select().from(tenantSettings).where(eq(tenantSettings.tenantId, harbor));
    expect(settings!.messagingPolicy).toBe('never_initiate');
    const [sunrise] = await getDb().select().from(tenantSettings).where(eq(tenantSettings.tenantId, await tenantId('sunrise')));
    expect(sunrise!.messagingPolicy).toBe('reply_only');
    const [account] = await getDb().select().from(portalAccounts).where(eq(portalAccounts.tenantId, harbor)).limit(1);
    if (account) {
      const { listLinkedPatients } = await import('@/lib/access/linked-patients');
      const [patient] = await listLinkedPatients(getDb(), harbor, account.id);
      if (patient) expect(await portalComposeState(getDb(), portalContext({ id: harbor }, account.id, patient.id))).toEqual({ mayStart: false, reason: 'never_initiate' });
    }
  });
});
