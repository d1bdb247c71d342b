import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, conversations, documents, documentTypes, patients, portalAccountPatients } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { queryLinkedPatients } from '@/lib/access/linked-patients';
import { setClockForTests } from '@/lib/clock';
import { setConversationHiddenFromProxies, startStaffConversation } from '@/lib/conversations';
import { listPatientDocuments, updateDocument } from '@/lib/documents/staff-documents';
import { uploadDocument } from '@/lib/documents/upload-document';
import { loadPortalRelationships } from '@/lib/patient-notes/relationships';
import { decideProxyAccess, ProxyConsentError } from '@/lib/portal-access/proxy-consent';
import { proxyLinkSchema } from '@/lib/portal-access/proxy-link-form';
import { listProxyLinks, ProxyLinkError, saveProxyLink, type ProxyLinkChange } from '@/lib/portal-access/proxy-links';
import { FULL_PROXY_AREAS, LIMITED_AREAS, PORTAL_AREAS } from '@/lib/portal-access/proxy-scope';
import { setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { LocalObjectStore } from '@/lib/storage/local-object-store';
import { PDF_BYTES } from '../support/document-files';
import { createTestTenant } from '../support/factories';
import { portalContext } from '../support/portal-context';
import { createPortalAccount } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

/**
 * Proxy access, the people's side (issue 19 point 5): staff edit a link's scope, dates and
 * consent in the EMR; documents and conversations hidden from proxies; a teen's consent and an
 * adult's renewed grant in the portal; the age rules narrowing and ending a parent's access with
 * a fake clock, through the lib functions the pages call.
 */

let uploadsDir: string;
beforeAll(async () => {
  uploadsDir = await mkdtemp(path.join(os.tmpdir(), 'cb-proxy-people-'));
  setObjectStoreForTests(new LocalObjectStore(uploadsDir));
});
afterAll(async () => {
  setObjectStoreForTests(undefined);
  await rm(uploadsDir, { recursive: true, force: true });
});
afterEach(() => setClockForTests(undefined));

// The clinic has no location, so its calendar is UTC's. Leo turns 12 on 2026-04-01 and 18 on 2032-04-01.
const LEO_BORN = '2014-04-01';
const at = (iso: string) => () => new Date(iso);

let n = 0;
async function clinic() {
  const db = getDb();
  const tenant = await createTestTenant();
  const tag = `${++n}-${randomBytes(2).toString('hex')}`;
  const maria = await createPortalAccount(tenant, { email: `maria.${tag}@example.test`, phone: '+15555550101', password: 'Copper-kettle-64' });
  // Leo's own account (a teen may have one): a self link to the patient Leo.
  const leoAccount = await createPortalAccount(tenant, { email: `leo.${tag}@example.test`, phone: '+15555550109', password: 'Copper-kettle-64' });
  const [leo] = await db
    .update(patients)
    .set({ firstName: 'Leo', lastName: 'Lopez', dateOfBirth: LEO_BORN })
    .where(eq(patients.id, leoAccount.patient.id))
    .returning();
  await db.insert(portalAccountPatients).values({ tenantId: tenant.id, accountId: maria.account.id, patientId: leo!.id, relationship: 'parent' });
  const [type] = await db.select().from(documentTypes).where(and(eq(documentTypes.tenantId, tenant.id), eq(documentTypes.name, 'Report')));
  return {
    db, tenant, maria, leoAccount, leo: leo!, typeId: type!.id,
    operations: await createStaffContext(tenant, 'operations'),
    support: await createStaffContext(tenant, 'support'),
    mariaForLeo: portalContext(tenant, maria.account.id, leo!.id, { relationship: 'parent' }),
    mariaForHerself: portalContext(tenant, maria.account.id, maria.patient.id),
    leoForHimself: portalContext(tenant, leoAccount.account.id, leo!.id),
  };
}
type Clinic = Awaited<ReturnType<typeof clinic>>;

async function link(c: Clinic) {
  const [row] = await c.db.select().from(portalAccountPatients)
    .where(and(eq(portalAccountPatients.tenantId, c.tenant.id), eq(portalAccountPatients.accountId, c.maria.account.id), eq(portalAccountPatients.patientId, c.leo.id)));
  return row!;
}

async function addDocument(c: Clinic, patientId: string, title: string) {
  const [row] = await c.db.insert(documents).values({
    tenantId: c.tenant.id, patientId, typeId: c.typeId, title, examinationDate: '2026-01-05', visibleToPatient: true, status: 'available',
    storageKey: `documents/${randomUUID()}`, originalFilename: 'consent.pdf', contentType: 'application/pdf', sizeBytes: 1000,
    uploadedByKind: 'staff', uploadedById: c.operations.actor.id,
  }).returning();
  return row!;
}

function change(c: Clinic, overrides: Partial<ProxyLinkChange> = {}): ProxyLinkChange {
  return {
    patientId: c.leo.id, accountId: c.maria.account.id, scope: 'full', areas: [], startsOn: null, endsOn: null, evidenceDocumentId: null, ...overrides,
  };
}

async function auditOf(c: Clinic, action: string) {
  return c.db.select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, action)));
}

/** What Maria's account reaches of Leo today, as the session computes it. */
async function mariaReachesOfLeo(c: Clinic) {
  const linked = await queryLinkedPatients(c.db, c.tenant.id, c.maria.account.id);
  const leo = linked.find((p) => p.id === c.leo.id)!;
  return { areas: leo.areas, reason: leo.scopeReason };
}

describe('staff edit a proxy link', () => {
  it('saves scope, dates and a consent of the patient, audited with before and after, and shows the state', async () => {
    setClockForTests(at('2026-03-02T12:00:00Z'));
    const c = await clinic();
    const consent = await addDocument(c, c.leo.id, 'Signed consent');
    const result = await saveProxyLink(c.db, c.operations, change(c, {
      scope: 'custom', areas: ['messages', 'bookings', 'documents'], startsOn: '2026-03-01', endsOn: '2027-03-01', evidenceDocumentId: consent.id,
    }));
    expect(result).toEqual({ consentsCleared: false, evidenceDocumentId: consent.id });
    // Custom areas are kept in the rule's order.
    expect(await link(c)).toMatchObject({ scope: 'custom', areas: ['bookings', 'messages', 'documents'], startsOn: '2026-03-01', endsOn: '2027-03-01', evidenceDocumentId: consent.id });
    const [audit] = await auditOf(c, 'portal.proxy_link_changed');
    expect(audit).toMatchObject({
      actorKind: 'staff', actorId: c.operations.actor.id, patientId: c.leo.id, targetType: 'portal_account', targetId: c.maria.account.id,
      details: {
        before: { scope: 'full', areas: [], startsOn: null, endsOn: null, evidenceDocumentId: null, teenConsent: false, adultGrant: false },
        after: { scope: 'custom', areas: ['bookings', 'messages', 'documents'], startsOn: '2026-03-01', endsOn: '2027-03-01', evidenceDocumentId: consent.id },
      },
    });

    const view = await listProxyLinks(c.db, c.operations, c.leo.id);
    expect(view.patient).toEqual({ firstName: 'Leo', age: 11 });
    const maria = view.links.find((l) => l.accountId === c.maria.account.id)!;
    expect(maria).toMatchObject({ relationship: 'parent', evidence: { id: consent.id, title: 'Signed consent' }, effective: { reason: 'scope', areas: ['bookings', 'messages', 'documents'] } });
    expect(maria.state.label).toBe('Custom');
    expect(view.links.find((l) => l.accountId === c.leoAccount.account.id)?.effective.reason).toBe('self');

    // Limited: the custom areas are dropped; a link that starts later reaches nothing yet.
    await saveProxyLink(c.db, c.operations, change(c, { scope: 'limited', areas: ['documents'], startsOn: '2026-04-01' }));
    expect(await link(c)).toMatchObject({ scope: 'limited', areas: [], startsOn: '2026-04-01', evidenceDocumentId: null });
    const later = (await listProxyLinks(c.db, c.operations, c.leo.id)).links.find((l) => l.accountId === c.maria.account.id)!;
    expect(later.state).toEqual({ label: 'Not started', detail: 'The access starts on 2026-04-01.' });
    expect(await mariaReachesOfLeo(c)).toEqual({ areas: [], reason: 'not_started' });
  });

  it('files an uploaded consent as a hidden document of the patient and links it', async () => {
    setClockForTests(at('2026-03-02T12:00:00Z'));
    const c = await clinic();
    const file = new File([new Uint8Array(PDF_BYTES)], 'consent-scan.pdf', { type: 'application/pdf' });
    const parsed = proxyLinkSchema.parse({ patientId: c.leo.id, accountId: c.maria.account.id, scope: 'full', evidenceFile: file, evidenceTypeId: c.typeId });
    const { evidenceDocumentId } = await saveProxyLink(c.db, c.operations, parsed);
    const [doc] = await c.db.select().from(documents).where(eq(documents.id, evidenceDocumentId!));
    expect(doc).toMatchObject({
      patientId: c.leo.id, status: 'available', visibleToPatient: false, title: `Consent to portal access: ${c.maria.account.fullName}`, examinationDate: '2026-03-02',
    });
    expect((await link(c)).evidenceDocumentId).toBe(evidenceDocumentId);
    expect((await auditOf(c, 'portal.proxy_link_changed'))[0]?.details).toMatchObject({ evidenceUploaded: true });
    // A file without a type to file it under is refused by the form before anything is stored.
    expect(proxyLinkSchema.safeParse({ patientId: c.leo.id, accountId: c.maria.account.id, scope: 'full', evidenceFile: file }).error?.issues[0]).toMatchObject({
      path: ['evidenceTypeId'],
    });
  });

  it('refuses what staff may not do or what does not hold, and changes nothing', async () => {
    const c = await clinic();
    const other = await clinic();
    const before = await link(c);
    const strangersDocument = await addDocument(c, c.maria.patient.id, 'Maria’s own report');
    // Support administers portal access but does not edit patients.
    await expect(saveProxyLink(c.db, c.support, change(c, { scope: 'limited' }))).rejects.toBeInstanceOf(ForbiddenError);
    // Another clinic's staff, with the ids of this one.
    await expect(saveProxyLink(other.db, other.operations, change(c, { scope: 'limited' }))).rejects.toBeInstanceOf(NotFoundError);
    // An account that is not linked to the patient; the patient's own account.
    await expect(saveProxyLink(c.db, c.operations, change(c, { accountId: other.maria.account.id }))).rejects.toBeInstanceOf(NotFoundError);
    await expect(saveProxyLink(c.db, c.operations, change(c, { accountId: c.leoAccount.account.id, scope: 'limited' }))).rejects.toMatchObject({ code: 'self-link' });
    // A consent that is another patient's document; custom without areas; dates the wrong way round.
    await expect(saveProxyLink(c.db, c.operations, change(c, { evidenceDocumentId: strangersDocument.id }))).rejects.toMatchObject({
      code: 'evidence', fieldErrors: { evidenceDocumentId: expect.any(String) },
    });
    await expect(saveProxyLink(c.db, c.operations, change(c, { scope: 'custom', areas: [] }))).rejects.toBeInstanceOf(ProxyLinkError);
    await expect(saveProxyLink(c.db, c.operations, change(c, { startsOn: '2026-05-01', endsOn: '2026-04-01' }))).rejects.toMatchObject({ code: 'dates' });
    expect(await link(c)).toEqual(before);
    expect(await auditOf(c, 'portal.proxy_link_changed')).toEqual([]);
    // The form's own checks say the same before the post reaches the lib.
    const issues = proxyLinkSchema.safeParse({
      patientId: c.leo.id, accountId: c.maria.account.id, scope: 'custom', areas: 'nowhere', startsOn: '2026-02-30', endsOn: '',
    }).error?.issues.map((i) => i.path.join('.'));
    expect(issues).toEqual(['areas.0', 'startsOn']);
  });

  it('clears the teen’s consent and the adult’s grant only when the scope opens something new', async () => {
    const c = await clinic();
    await c.db.update(portalAccountPatients).set({ scope: 'custom', areas: ['bookings', 'messages', 'billing', 'documents'], teenConsentAt: new Date(), adultGrantAt: new Date() })
      .where(eq(portalAccountPatients.accountId, c.maria.account.id));
    // Narrower (documents dropped), new dates: the patient's say-so still covers it.
    expect(await saveProxyLink(c.db, c.operations, change(c, { scope: 'limited', endsOn: '2030-01-01' }))).toMatchObject({ consentsCleared: false });
    expect(await link(c)).toMatchObject({ teenConsentAt: expect.any(Date), adultGrantAt: expect.any(Date) });
    // Wider (full opens documents, forms, …): both lapse and the audit says so.
    expect(await saveProxyLink(c.db, c.operations, change(c, { scope: 'full' }))).toMatchObject({ consentsCleared: true });
    expect(await link(c)).toMatchObject({ scope: 'full', teenConsentAt: null, adultGrantAt: null });
    const audits = await auditOf(c, 'portal.proxy_link_changed');
    expect(audits.map((a) => (a.details as { consentsCleared?: boolean }).consentsCleared ?? false).sort()).toEqual([false, true]);
  });
});

describe('hidden from proxies, staff side', () => {
  it('marks documents on upload and edit, audited', async () => {
    const c = await clinic();
    const row = await uploadDocument(c.db, c.operations, {
      patientId: c.leo.id, typeId: c.typeId, title: 'Counselling letter', examinationDate: '2026-03-01', visibleToPatient: true, sendNotification: false,
      hiddenFromProxies: true, file: { bytes: PDF_BYTES, name: 'letter.pdf', declaredType: 'application/pdf' },
    });
    expect(row.hiddenFromProxies).toBe(true);
    expect((await listPatientDocuments(c.db, c.operations, c.leo.id))[0]).toMatchObject({ id: row.id, hiddenFromProxies: true });
    const meta = { typeId: c.typeId, title: 'Counselling letter', examinationDate: '2026-03-01', visibleToPatient: true, sendNotification: false };
    // An edit without the box ticked shows it to proxies again, and says so in the audit.
    await updateDocument(c.db, c.operations, row.id, meta);
    const [edited] = await c.db.select().from(documents).where(eq(documents.id, row.id));
    expect(edited!.hiddenFromProxies).toBe(false);
    const [uploaded] = await auditOf(c, 'document.uploaded');
    expect(uploaded?.details).toMatchObject({ after: { hiddenFromProxies: true } });
    const [updated] = await auditOf(c, 'document.updated');
    expect(updated?.details).toEqual({ before: { hiddenFromProxies: true }, after: { hiddenFromProxies: false } });
  });

  it('marks conversations when started and from the thread, audited, for staff who may send only', async () => {
    const c = await clinic();
    const other = await clinic();
    const started = await startStaffConversation(c.db, c.operations, { patientId: c.leo.id, subject: 'Just for you', body: 'Hello Leo', hiddenFromProxies: true });
    if (!started.ok) throw new Error(started.message);
    const row = async () => (await c.db.select().from(conversations).where(eq(conversations.id, started.conversationId)))[0]!;
    expect((await row()).hiddenFromProxies).toBe(true);
    expect((await auditOf(c, 'conversation.started'))[0]?.details).toMatchObject({ hiddenFromProxies: true });

    expect(await setConversationHiddenFromProxies(c.db, c.operations, started.conversationId, false)).toEqual({ ok: true });
    expect((await row()).hiddenFromProxies).toBe(false);
    expect((await auditOf(c, 'conversation.proxy_visibility_changed'))[0]?.details).toEqual({ before: { hiddenFromProxies: true }, after: { hiddenFromProxies: false } });
    // Another clinic's staff cannot reach it; nothing changes.
    await expect(setConversationHiddenFromProxies(other.db, other.operations, started.conversationId, true)).rejects.toBeInstanceOf(NotFoundError);
    expect((await row()).hiddenFromProxies).toBe(false);
  });
});

describe('age rules through the pages’ functions, with a fake clock', () => {
  it('narrows Maria’s access when Leo turns 12 until he agrees, and ends it at 18 until he grants it again', async () => {
    setClockForTests(at('2026-03-31T12:00:00Z'));
    const c = await clinic();
    // 11: full access; Leo's own page offers no decision.
    expect(await mariaReachesOfLeo(c)).toEqual({ areas: [...FULL_PROXY_AREAS], reason: 'scope' });
    const at11 = await loadPortalRelationships(c.db, c.leoForHimself);
    expect(at11.patient).toMatchObject({ age: 11, stage: 'child', isOwnRecord: true });
    expect(at11.accounts.find((a) => a.fullName === c.maria.account.fullName)).not.toHaveProperty('decision');

    // 12: limited until Leo agrees. Maria's page says why and shows no documents; staff see the same.
    setClockForTests(at('2026-04-01T12:00:00Z'));
    expect(await mariaReachesOfLeo(c)).toEqual({ areas: [...LIMITED_AREAS], reason: 'teen_limited' });
    const mariaSees = await loadPortalRelationships(c.db, { ...c.mariaForLeo, patient: { ...c.mariaForLeo.patient, areas: [...LIMITED_AREAS] } });
    expect(mariaSees.actsFor.find((p) => p.id === c.leo.id)).toMatchObject({ areas: [...LIMITED_AREAS], scopeReason: 'teen_limited', age: 12 });
    expect(mariaSees.canSeeDocuments).toBe(false);
    expect(mariaSees.accounts.every((a) => !('decision' in a))).toBe(true);
    const staffView = (await listProxyLinks(c.db, c.operations, c.leo.id)).links.find((l) => l.accountId === c.maria.account.id)!;
    expect(staffView.state).toEqual({ label: 'Limited', detail: 'Leo is 12 and has not agreed in the portal to more than appointments, messages and bills.' });

    // A proxy cannot decide for the teen; an offer that is not today's is refused.
    await expect(decideProxyAccess(c.db, c.mariaForLeo, { accountId: c.maria.account.id, decision: 'teen-consent' })).rejects.toBeInstanceOf(ProxyConsentError);
    await expect(decideProxyAccess(c.db, c.leoForHimself, { accountId: c.maria.account.id, decision: 'adult-grant' })).rejects.toMatchObject({ code: 'not-available' });
    await expect(decideProxyAccess(c.db, c.leoForHimself, { accountId: randomUUID(), decision: 'teen-consent' })).rejects.toBeInstanceOf(NotFoundError);

    // Leo agrees from his own account: Maria has everything again; he takes it back: limited.
    const leoSees = await loadPortalRelationships(c.db, c.leoForHimself);
    const offer = leoSees.accounts.find((a) => a.fullName === c.maria.account.fullName)!;
    expect(offer).toMatchObject({ decision: 'teen-consent', accountId: c.maria.account.id, scopeReason: 'teen_limited' });
    await decideProxyAccess(c.db, c.leoForHimself, { accountId: c.maria.account.id, decision: 'teen-consent' });
    expect(await mariaReachesOfLeo(c)).toEqual({ areas: [...FULL_PROXY_AREAS], reason: 'scope' });
    expect((await loadPortalRelationships(c.db, c.leoForHimself)).accounts.find((a) => a.fullName === c.maria.account.fullName)).toMatchObject({ decision: 'teen-withdraw' });
    await decideProxyAccess(c.db, c.leoForHimself, { accountId: c.maria.account.id, decision: 'teen-withdraw' });
    expect(await mariaReachesOfLeo(c)).toEqual({ areas: [...LIMITED_AREAS], reason: 'teen_limited' });
    const consentAudits = await c.db.select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.targetId, c.maria.account.id)));
    expect(consentAudits.map((a) => [a.action, a.actorId, a.patientId])).toEqual(expect.arrayContaining([
      ['portal.proxy_teen_consent_given', c.leoAccount.account.id, c.leo.id],
      ['portal.proxy_teen_consent_withdrawn', c.leoAccount.account.id, c.leo.id],
    ]));

    // 18: ended. Maria can no longer act for Leo; acting for herself she sees why.
    await decideProxyAccess(c.db, c.leoForHimself, { accountId: c.maria.account.id, decision: 'teen-consent' });
    setClockForTests(at('2032-04-01T12:00:00Z'));
    expect(await mariaReachesOfLeo(c)).toEqual({ areas: [], reason: 'adult_ended' });
    await expect(loadPortalRelationships(c.db, c.mariaForLeo)).rejects.toBeInstanceOf(NotFoundError);
    const herself = await loadPortalRelationships(c.db, c.mariaForHerself);
    expect(herself.actsFor.find((p) => p.id === c.leo.id)).toMatchObject({ areas: [], scopeReason: 'adult_ended', age: 18 });

    // Leo, an adult, grants it again (the teen's consent does not count any more), then ends it.
    expect((await loadPortalRelationships(c.db, c.leoForHimself)).accounts.find((a) => a.fullName === c.maria.account.fullName)).toMatchObject({ decision: 'adult-grant' });
    await decideProxyAccess(c.db, c.leoForHimself, { accountId: c.maria.account.id, decision: 'adult-grant' });
    expect(await mariaReachesOfLeo(c)).toEqual({ areas: [...FULL_PROXY_AREAS], reason: 'scope' });
    await decideProxyAccess(c.db, c.leoForHimself, { accountId: c.maria.account.id, decision: 'adult-withdraw' });
    expect(await mariaReachesOfLeo(c)).toEqual({ areas: [], reason: 'adult_ended' });
    // The patient's own account always reaches everything.
    const own = (await queryLinkedPatients(c.db, c.tenant.id, c.leoAccount.account.id))[0]!;
    expect(own.areas).toEqual([...PORTAL_AREAS]);
  });

  it('turns the rules off per clinic: nothing to decide, the scope as granted', async () => {
    setClockForTests(at('2026-04-01T12:00:00Z'));
    const c = await clinic();
    const { tenantSettings } = await import('@/db/schema');
    await c.db.update(tenantSettings).set({ proxyAgeRules: false }).where(eq(tenantSettings.tenantId, c.tenant.id));
    expect(await mariaReachesOfLeo(c)).toEqual({ areas: [...FULL_PROXY_AREAS], reason: 'scope' });
    const leoSees = await loadPortalRelationships(c.db, c.leoForHimself);
    expect(leoSees.patient.stage).toBe('none');
    expect(leoSees.accounts.some((a) => 'decision' in a)).toBe(false);
  });
});
