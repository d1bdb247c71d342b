import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, eq, like } from 'drizzle-orm';
import { getDb } from '@/db/client';
import {
  auditLog, conversationMessages, messageAttachments, outboxMessages, patientAssignments, patientPortalSettings, patients,
  portalAccountPatients, portalAccounts, type MessagingPolicy, type PortalRelationship,
} from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import { setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { LocalObjectStore } from '@/lib/storage/local-object-store';
import { PDF_BYTES } from '../support/document-files';
import { createTestTenant } from '../support/factories';
import { portalContext } from '../support/portal-context';
import { createStaffContext } from '../support/staff-context';

/** Shared set-up for the conversations-*.int.test.ts files (not a test file itself). */

export type Clinic = Awaited<ReturnType<typeof createTestTenant>>;
let counter = 0;

export async function useTempStore() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cb-conversations-'));
  const store = new LocalObjectStore(dir);
  setObjectStoreForTests(store);
  return {
    dir,
    store,
    async files(): Promise<string[]> {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
    },
    async dispose() {
      setObjectStoreForTests(undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function messagingClinic(policy: MessagingPolicy = 'reply_only') {
  const clinic = await createTestTenant({ settings: { messagingPolicy: policy } });
  const support = await createStaffContext(clinic, 'support');
  const admin = await createStaffContext(clinic, 'admin');
  const marketing = await createStaffContext(clinic, 'marketing');
  return { clinic, support, admin, marketing };
}

export async function addPatient(clinic: Clinic, firstName = 'Maria', extra: { email?: string | null; phone?: string | null; dateOfBirth?: string } = {}) {
  const n = ++counter;
  const [row] = await getDb()
    .insert(patients)
    .values({
      tenantId: clinic.id, recordNumber: `MSG-${process.pid}-${n}-${randomBytes(2).toString('hex')}`,
      firstName, lastName: `Lopez${n}`, dateOfBirth: extra.dateOfBirth ?? '1986-04-12',
      email: extra.email === undefined ? `patient${n}-${randomBytes(2).toString('hex')}@example.test` : extra.email,
      phone: extra.phone ?? null,
    })
    .returning();
  await getDb().insert(patientPortalSettings).values({ tenantId: clinic.id, patientId: row!.id, accessEnabled: true }).onConflictDoNothing();
  return row!;
}

/** A portal account linked to patients; returns the actor acting for each linked patient. */
export async function addAccount(clinic: Clinic, fullName: string, links: { patientId: string; relationship: PortalRelationship }[]) {
  const n = ++counter;
  const [account] = await getDb()
    .insert(portalAccounts)
    .values({
      tenantId: clinic.id, fullName, email: `account${n}-${randomBytes(2).toString('hex')}@example.test`,
      phone: `+1555555${String(1000 + n).slice(-4)}`, phoneVerifiedAt: new Date(), passwordHash: 'unused-in-these-tests',
    })
    .returning();
  if (links.length) {
    await getDb().insert(portalAccountPatients).values(links.map((l) => ({ tenantId: clinic.id, accountId: account!.id, ...l })));
  }
  const actorFor = (patientId: string) => portalContext(clinic, account!.id, patientId, { relationship: links.find((l) => l.patientId === patientId)?.relationship });
  return { account: account!, actorFor };
}

/** Maria's household: Maria (self) and her son Leo, one portal account acting for both. */
export async function household(clinic: Clinic) {
  const maria = await addPatient(clinic, 'Maria');
  // A child: a parent's access to an adult ends with the clinic's age rules (lib/portal-access/proxy-scope.ts).
  const leo = await addPatient(clinic, 'Leo', { email: null, dateOfBirth: '2019-06-02' });
  const { account, actorFor } = await addAccount(clinic, 'Maria Lopez', [
    { patientId: maria.id, relationship: 'self' },
    { patientId: leo.id, relationship: 'parent' },
  ]);
  return { maria, leo, account, asMaria: actorFor(maria.id), asLeosParent: actorFor(leo.id) };
}

export async function assign(clinic: Clinic, patientId: string, staff: StaffContext) {
  await getDb().insert(patientAssignments).values({ tenantId: clinic.id, patientId, staffId: staff.actor.id });
}

export function file(bytes: Uint8Array, name: string, type = 'application/pdf'): File {
  return new File([Buffer.from(bytes)], name, { type });
}

export const pdf = (name = 'note.pdf') => file(PDF_BYTES, name);

export async function messagesOf(tenantId: string, conversationId: string) {
  return getDb().select().from(conversationMessages)
    .where(and(eq(conversationMessages.tenantId, tenantId), eq(conversationMessages.conversationId, conversationId)));
}

export async function attachmentsOf(tenantId: string) {
  return getDb().select().from(messageAttachments).where(eq(messageAttachments.tenantId, tenantId));
}

export async function auditActions(tenantId: string) {
  return getDb().select().from(auditLog).where(eq(auditLog.tenantId, tenantId));
}

export async function notificationsFor(messageId: string) {
  return getDb().select().from(outboxMessages).where(like(outboxMessages.idempotencyKey, `message:${messageId}:%`));
}
