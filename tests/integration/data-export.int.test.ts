import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { and, eq, like } from 'drizzle-orm';
import { unzipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import {
  appointments, auditLog, conversations, dataExports, documents, documentTypes, formAssignments, formResponses, formTemplates, formTemplateVersions,
  invoiceLines, invoices, locations, outboxMessages, patientContacts, patientPortalSettings, patients, portalAccountPatients, portalAccounts,
  services, staffUsers,
} from '@/db/schema';
import type { PortalContext } from '@/lib/access/context';
import { NotFoundError } from '@/lib/access/context';
import { answerFileKey } from '@/lib/clinic-forms/answer-files';
import { toResponseItems } from '@/lib/clinic-forms/response-items';
import { installStarterTemplates, readDefinition } from '@/lib/clinic-forms/templates';
import { setClockForTests } from '@/lib/clock';
import { replyAsPatient } from '@/lib/conversations/portal';
import { replyAsStaff, startStaffConversation } from '@/lib/conversations/staff';
import { claimExports, buildClaimedExport, DOWNLOAD_GRACE_SECONDS, EXPORT_TTL_DAYS, exportObjectKey, LEASE_SECONDS, runDataExportJob } from '@/lib/data-export/build';
import { claimDataExportDownload, DataExportRuleError, EXPORT_REQUESTS_PER_DAY, loadDataExport, requestDataExport } from '@/lib/data-export/requests';
import { SCHEDULED_JOBS } from '@/lib/jobs/scheduled';
import { getObjectStore, setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { LocalObjectStore } from '@/lib/storage/local-object-store';
import { hostFor, invokeRoute, signIn } from '../support/action-harness';
import { JPEG_BYTES, PDF_BYTES, PNG_BYTES } from '../support/document-files';
import { createTestTenant } from '../support/factories';
import { compileFhirSchema, FHIR_SCHEMA_COMPILE_MS, fhirErrors } from '../support/fhir-schema';
import { portalContext } from '../support/portal-context';
import { createStaffContext } from '../support/staff-context';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

const { POST } = await import('@/app/api/portal/exports/[id]/download/route');

/**
 * "Export my data" (issue 19 point 7) against Postgres and a real folder store: the job builds a
 * ZIP whose FHIR R4 Bundle validates against the official schema and whose files match their
 * hashes; it builds once with two runners and again once after a crash; the download works once
 * within 7 days, through the route with real portal sessions; and nobody else gets it.
 */

type Clinic = Awaited<ReturnType<typeof createTestTenant>>;
let storeDir: string;
let tmpDir: string;

beforeAll(async () => {
  storeDir = await mkdtemp(path.join(os.tmpdir(), 'cb-data-export-store-'));
  tmpDir = await mkdtemp(path.join(os.tmpdir(), 'cb-data-export-tmp-'));
  setObjectStoreForTests(new LocalObjectStore(storeDir));
  compileFhirSchema();
}, FHIR_SCHEMA_COMPILE_MS);

afterAll(async () => {
  setObjectStoreForTests(undefined);
  await rm(storeDir, { recursive: true, force: true });
  await rm(tmpDir, { recursive: true, force: true });
});

afterEach(() => setClockForTests(undefined));

const db = () => getDb();
const tag = () => randomBytes(3).toString('hex');
const run = (at: Date) => runDataExportJob(db(), at, { tmpDir, limit: 10 });

/** Leo (15) with his own account, his mother Maria acting for him, and a record with one of everything. */
async function clinicWithRecord(options: { proxyScope?: 'full' | 'limited' } = {}) {
  const clinic = await createTestTenant({ name: `Sunrise ${tag()}` });
  const staff = await createStaffContext(clinic, 'admin');
  const [location] = await db().insert(locations).values({ tenantId: clinic.id, name: 'Downtown', addressLine1: '1 Main St', city: 'Chicago', timeZone: 'America/Chicago' }).returning();
  const [service] = await db().insert(services).values({ tenantId: clinic.id, name: 'Check-up', durationMinutes: 30 }).returning();
  const [provider] = await db().insert(staffUsers).values({ tenantId: clinic.id, email: `dr.${tag()}@example.test`, fullName: 'Dr. Rivera', accessLevelId: clinic.levelId.physician, status: 'active', isProvider: true }).returning();
  const [leo] = await db().insert(patients).values({
    tenantId: clinic.id, recordNumber: `SUN-${tag()}`, firstName: 'Leo', lastName: 'Vandersloot', dateOfBirth: '2010-05-02', sex: 'male',
    email: `leo.${tag()}@example.test`, phone: '+15555550142', addressLine1: '1 Main St', city: 'Chicago', country: 'US', preferredLanguage: 'en',
  }).returning();
  await db().insert(patientPortalSettings).values({ tenantId: clinic.id, patientId: leo!.id, accessEnabled: true });
  const account = async (fullName: string, relationship: 'self' | 'parent', language = 'en') => {
    const [row] = await db().insert(portalAccounts).values({
      tenantId: clinic.id, fullName, email: `${fullName.split(' ')[0]!.toLowerCase()}.${tag()}@example.test`, phone: `+1555555${String(1000 + Math.floor(Math.random() * 8999)).slice(-4)}`,
      phoneVerifiedAt: new Date(), passwordHash: 'unused', language,
    }).returning();
    await db().insert(portalAccountPatients).values({
      tenantId: clinic.id, accountId: row!.id, patientId: leo!.id, relationship,
      ...(relationship === 'parent' ? { scope: options.proxyScope ?? 'full', teenConsentAt: new Date() } : {}),
    });
    return row!;
  };
  const leoAccount = await account('Leo Vandersloot', 'self');
  const mariaAccount = await account('Maria Vandersloot', 'parent', 'es');
  await db().insert(patientContacts).values({ tenantId: clinic.id, patientId: leo!.id, relationship: 'caregiver', fullName: 'Ana Ruiz', phone: '+15555550143' });

  const past = new Date(Date.now() - 20 * 86_400_000);
  await db().insert(appointments).values([
    { tenantId: clinic.id, patientId: leo!.id, providerId: provider!.id, serviceId: service!.id, locationId: location!.id, startsAt: past, endsAt: new Date(past.getTime() + 1_800_000), status: 'completed', bookedByKind: 'staff', bookedById: staff.actor.id },
    { tenantId: clinic.id, patientId: leo!.id, providerId: provider!.id, serviceId: service!.id, locationId: location!.id, startsAt: new Date(past.getTime() + 86_400_000), endsAt: new Date(past.getTime() + 86_400_000 + 1_800_000), status: 'cancelled', cancelReason: 'Patient request', cancelledAt: past, bookedByKind: 'staff', bookedById: staff.actor.id },
  ]);

  const [type] = await db().select().from(documentTypes).where(eq(documentTypes.tenantId, clinic.id)).limit(1);
  const doc = async (title: string, bytes: Buffer | null, contentType: string, extra: Partial<typeof documents.$inferInsert> = {}) => {
    const id = crypto.randomUUID();
    const storageKey = `documents/${clinic.id}/${leo!.id}/${id}`;
    if (bytes) await getObjectStore().put(storageKey, bytes, { contentType, contentLength: bytes.length });
    await db().insert(documents).values({
      tenantId: clinic.id, id, patientId: leo!.id, typeId: type!.id, title, examinationDate: '2026-01-05', visibleToPatient: true, status: 'available',
      storageKey, originalFilename: `${title}.${contentType === 'application/pdf' ? 'pdf' : 'png'}`, contentType, sizeBytes: bytes?.length ?? 10,
      sha256: bytes ? createHash('sha256').update(bytes).digest('hex') : null, uploadedByKind: 'staff', uploadedById: staff.actor.id, ...extra,
    });
    return id;
  };
  const docs = {
    report: await doc('análisis de sangre', PDF_BYTES, 'application/pdf'),
    hidden: await doc('Counselling notes', PNG_BYTES, 'image/png', { hiddenFromProxies: true }),
    notReleased: await doc('Draft letter', PDF_BYTES, 'application/pdf', { visibleToPatient: false }),
    lost: await doc('Lost scan', null, 'image/png'),
  };

  // Forms: a submitted intake with a file answer, and a PHQ-9 in progress.
  await installStarterTemplates(db(), clinic.id);
  const form = async (starterKey: string, status: 'submitted' | 'in_progress', answers: Record<string, unknown>, fileId?: string) => {
    const [template] = await db().select({ id: formTemplates.id, kind: formTemplates.kind, versionId: formTemplateVersions.id, definition: formTemplateVersions.definition })
      .from(formTemplates)
      .innerJoin(formTemplateVersions, and(eq(formTemplateVersions.tenantId, formTemplates.tenantId), eq(formTemplateVersions.templateId, formTemplates.id)))
      .where(and(eq(formTemplates.tenantId, clinic.id), eq(formTemplates.starterKey, starterKey)));
    const [assignment] = await db().insert(formAssignments).values({
      tenantId: clinic.id, patientId: leo!.id, templateId: template!.id, versionId: template!.versionId, source: 'chart',
      status: status === 'submitted' ? 'submitted' : 'in_progress', submittedAt: status === 'submitted' ? new Date() : null,
    }).returning();
    const items = toResponseItems(readDefinition(template!.definition, template!.kind), answers as never);
    if (fileId) {
      items.push({ linkId: 'insurance_card', text: 'Insurance card', answer: [{ valueAttachment: { id: fileId } }] });
      await getObjectStore().put(answerFileKey(clinic.id, leo!.id, assignment!.id, fileId), JPEG_BYTES, { contentType: 'image/jpeg', contentLength: JPEG_BYTES.length });
    }
    await db().insert(formResponses).values({
      tenantId: clinic.id, assignmentId: assignment!.id, patientId: leo!.id, versionId: template!.versionId, status, items,
      submittedAt: status === 'submitted' ? new Date() : null, revision: 1,
    });
  };
  await form('general-intake', 'submitted', { date_of_birth: '2010-05-02', phone: '+15555550142', conditions: ['asthma'], takes_medication: false, surgeries: 'None' }, crypto.randomUUID());
  await form('phq-9', 'in_progress', {});

  // Messages: one conversation open to proxies (a staff message with a file, Leo's reply), one hidden from them.
  const asLeo = portalContext(clinic, leoAccount.id, leo!.id);
  const conversation = async (subject: string, hidden: boolean) => {
    const started = await startStaffConversation(db(), staff, { patientId: leo!.id, subject, body: `${subject}: first` });
    if (!started.ok) throw new Error(started.message);
    if (hidden) await db().update(conversations).set({ hiddenFromProxies: true }).where(eq(conversations.id, started.conversationId));
    return started.conversationId;
  };
  const open = await conversation('Your results', false);
  const withFile = await replyAsStaff(db(), staff, open, { body: 'The report is attached.', files: [new File([PDF_BYTES], 'report final.pdf', { type: 'application/pdf' })] });
  if (!withFile.ok) throw new Error(withFile.message);
  const reply = await replyAsPatient(db(), asLeo, open, { body: 'Thank you!' });
  if (!reply.ok) throw new Error(reply.message);
  await conversation('Private question', true);

  // Billing: an open invoice with two lines, and a draft (never sent: not exported).
  const [invoice] = await db().insert(invoices).values({
    tenantId: clinic.id, patientId: leo!.id, number: 7, status: 'open', currency: 'USD', issueDate: '2026-01-05', dueDate: '2026-02-04',
    subtotal: 12_000, discountTotal: 1_000, taxTotal: 908, total: 11_908,
  }).returning();
  await db().insert(invoiceLines).values([
    { tenantId: clinic.id, invoiceId: invoice!.id, position: 1, kind: 'service', description: 'Check-up', quantity: 2, unitAmount: 5_000, discountAmount: 1_000, taxRateBp: 1000, subtotal: 10_000, taxAmount: 900, total: 9_900 },
    { tenantId: clinic.id, invoiceId: invoice!.id, position: 2, kind: 'other', description: 'Bandage', quantity: 1, unitAmount: 2_000, taxRateBp: 40, subtotal: 2_000, taxAmount: 8, total: 2_008 },
  ]);
  await db().insert(invoices).values({ tenantId: clinic.id, patientId: leo!.id, status: 'draft', currency: 'USD' });

  return {
    clinic, staff, leo: leo!, leoAccount, mariaAccount, docs,
    asLeo,
    asMaria: portalContext(clinic, mariaAccount.id, leo!.id, { relationship: 'parent' }),
  };
}

async function readyZip(exportId: string) {
  const [row] = await db().select().from(dataExports).where(eq(dataExports.id, exportId));
  expect(row).toMatchObject({ status: 'ready' });
  const object = await getObjectStore().get(row!.storageKey!);
  const zip = unzipSync(new Uint8Array(await buffer(object.body)));
  return { row: row!, zip, bundle: JSON.parse(Buffer.from(zip['bundle.json']!).toString('utf8')), readme: Buffer.from(zip['README.txt']!).toString('utf8') };
}

// Resources are read loosely, as JSON; the schema check is what holds their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resource = Record<string, any>;
const resources = (bundle: { entry: { resource: Resource }[] }, type?: string) => bundle.entry.map((e) => e.resource).filter((r) => !type || r.resourceType === type);

/** Every attachment in the Bundle, wherever it is (documents, messages, form answers). */
function attachments(value: unknown, found: Resource[] = []): Resource[] {
  if (Array.isArray(value)) value.forEach((v) => attachments(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if ((key === 'attachment' || key === 'contentAttachment' || key === 'valueAttachment') && v && typeof v === 'object') found.push(v as Resource);
      attachments(v, found);
    }
  }
  return found;
}

const auditOf = (tenantId: string, action: string) => db().select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action)));
const noticesOf = (exportId: string) => db().select().from(outboxMessages).where(like(outboxMessages.idempotencyKey, `data-export:${exportId}:%`));

describe('building an export', () => {
  it('makes a ZIP whose FHIR R4 Bundle validates and whose files match their hashes; tells the patient without naming anything', async () => {
    const w = await clinicWithRecord();
    const { id } = await requestDataExport(db(), w.asLeo);
    expect(await loadDataExport(db(), w.asLeo)).toMatchObject({ state: 'preparing', id });
    const result = await run(new Date());
    expect(result).toMatchObject({ exportsBuilt: 1, exportsFailed: 0 });

    const { row, zip, bundle, readme } = await readyZip(id);
    expect(fhirErrors(bundle)).toEqual([]);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', id });
    const types = new Set(resources(bundle).map((r) => r.resourceType));
    expect([...types].sort()).toEqual(['Appointment', 'Communication', 'DocumentReference', 'Invoice', 'Patient', 'QuestionnaireResponse', 'RelatedPerson']);
    expect(resources(bundle, 'Patient')[0]).toMatchObject({ id: w.leo.id, name: [{ family: 'Vandersloot' }], telecom: expect.any(Array) });
    expect(resources(bundle, 'RelatedPerson').map((r) => r.name[0].text).sort()).toEqual(['Ana Ruiz', 'Maria Vandersloot']);
    expect(resources(bundle, 'Appointment').map((a) => a.status).sort()).toEqual(['cancelled', 'fulfilled']);
    expect(resources(bundle, 'QuestionnaireResponse').map((q) => q.status).sort()).toEqual(['completed', 'in-progress']);
    expect(resources(bundle, 'Invoice')).toEqual([expect.objectContaining({ status: 'issued', totalGross: { value: 119.08, currency: 'USD' } })]);
    // Documents the portal shows, hidden-from-proxies included for the patient's own export; not the unreleased one.
    expect(resources(bundle, 'DocumentReference').map((d) => d.id).sort()).toEqual([w.docs.report, w.docs.hidden, w.docs.lost].sort());
    expect(resources(bundle, 'Communication').map((c) => c.topic.text)).toEqual(expect.arrayContaining(['Your results', 'Private question']));

    // Every attachment with a URL is a file in the ZIP with that size and SHA-1; documents also match their recorded SHA-256.
    const linked = attachments(bundle).filter((a) => a.url);
    expect(linked.length).toBe(4); // the report, the hidden PNG, the message's PDF, the form's photo
    for (const a of linked) {
      const bytes = zip[decodeURIComponent(a.url)];
      expect(bytes, a.url).toBeDefined();
      expect(a.size).toBe(bytes!.length);
      expect(a.hash).toBe(createHash('sha1').update(bytes!).digest('base64'));
    }
    const report = resources(bundle, 'DocumentReference').find((d) => d.id === w.docs.report)!;
    const reportBytes = Buffer.from(zip[decodeURIComponent(report.content[0].attachment.url)]!);
    expect(reportBytes.equals(PDF_BYTES)).toBe(true);
    expect(readme).toContain(createHash('sha256').update(reportBytes).digest('hex'));
    expect(report.content[0].attachment.url).toMatch(/^files\/documents\/.+-an%C3%A1lisis_de_sangre\.pdf$/);
    const photo = linked.find((a) => a.contentType === 'image/jpeg')!;
    expect(Buffer.from(zip[decodeURIComponent(photo.url)]!).equals(JPEG_BYTES)).toBe(true);
    // The lost document is listed, without a file.
    expect(resources(bundle, 'DocumentReference').find((d) => d.id === w.docs.lost)!.content[0].attachment).not.toHaveProperty('url');
    expect(readme).toContain(`files/documents/${w.docs.lost}-`);
    expect(Object.keys(zip).filter((name) => !name.endsWith('/')).length).toBe(2 + 4);

    expect(row).toMatchObject({ attempts: 1, lockedUntil: null, sizeBytes: (await getObjectStore().head(row.storageKey!))!.size });
    expect(row.expiresAt!.getTime() - row.readyAt!.getTime()).toBe(EXPORT_TTL_DAYS * 86_400_000);
    expect(await loadDataExport(db(), w.asLeo)).toMatchObject({ state: 'ready', id });

    // One email and one SMS to the person who asked: the clinic's name and a link, nothing of the record.
    const notices = await noticesOf(id);
    expect(notices.map((n) => [n.channel, n.recipient]).sort()).toEqual([['email', w.leoAccount.email], ['sms', w.leoAccount.phone]].sort());
    for (const n of notices) {
      expect(`${n.subject ?? ''} ${n.body} ${n.html ?? ''}`).toContain(w.clinic.name);
      expect(n.body).toContain('/portal/data');
      for (const secret of ['Leo', 'Vandersloot', 'análisis', 'Counselling', 'Check-up', 'results']) expect(`${n.subject ?? ''} ${n.body}`, secret).not.toContain(secret);
    }
    expect(await auditOf(w.clinic.id, 'data_export.requested')).toHaveLength(1);
    expect(await auditOf(w.clinic.id, 'data_export.built')).toEqual([expect.objectContaining({ actorKind: 'system', patientId: w.leo.id, targetId: id })]);
  });

  it("a parent's export leaves out what is hidden from proxies, and is told in the parent's language", async () => {
    const w = await clinicWithRecord();
    const { id } = await requestDataExport(db(), w.asMaria);
    await run(new Date());
    const { bundle, readme } = await readyZip(id);
    expect(fhirErrors(bundle)).toEqual([]);
    expect(resources(bundle, 'DocumentReference').map((d) => d.id).sort()).toEqual([w.docs.report, w.docs.lost].sort());
    expect(resources(bundle, 'Communication').map((c) => c.topic.text)).not.toContain('Private question');
    expect(JSON.stringify(bundle)).not.toContain('Counselling');
    expect(readme).toContain('Sus datos de');
    expect(readme).toContain('las partes del historial a las que usted tiene acceso');
    const notices = await noticesOf(id);
    expect(notices.map((n) => n.recipient).sort()).toEqual([w.mariaAccount.email, w.mariaAccount.phone].sort());
    expect(notices.find((n) => n.channel === 'sms')!.body).toContain('Su exportación de datos');
  });

  it('builds once when two runners take the queue at the same moment', async () => {
    const w = await clinicWithRecord();
    const { id } = await requestDataExport(db(), w.asLeo);
    const at = new Date();
    const [a, b] = await Promise.all([run(at), run(at)]);
    expect(a.exportsBuilt + b.exportsBuilt).toBe(1);
    const [row] = await db().select().from(dataExports).where(eq(dataExports.id, id));
    expect(row).toMatchObject({ status: 'ready', attempts: 1 });
    expect(await noticesOf(id)).toHaveLength(2);
    expect(await auditOf(w.clinic.id, 'data_export.built')).toHaveLength(1);
  });

  it('after a crash mid-build, builds again once the lease ends, once; the late runner changes nothing', async () => {
    const w = await clinicWithRecord();
    const { id } = await requestDataExport(db(), w.asLeo);
    const at = new Date();
    setClockForTests(() => at);
    // A runner claims it and dies before finishing.
    const { claimed } = await claimExports(db(), at, 10);
    const crashed = claimed.find((c) => c.id === id)!;
    expect(crashed.attempt).toBe(1);
    // While its lease holds nobody touches it.
    expect((await run(new Date(at.getTime() + 60_000))).exportsBuilt).toBe(0);
    // Then the next runner builds it.
    const later = new Date(at.getTime() + (LEASE_SECONDS + 1) * 1000);
    setClockForTests(() => later);
    expect((await run(later)).exportsBuilt).toBe(1);
    const { row } = await readyZip(id);
    expect(row).toMatchObject({ attempts: 2, storageKey: exportObjectKey(row, 2) });
    // The first runner was only slow after all: its build is fenced out and its object removed.
    expect(await buildClaimedExport(db(), crashed, tmpDir)).toBe('lost');
    expect(await getObjectStore().head(exportObjectKey(row, 1))).toBeNull();
    const [after] = await db().select().from(dataExports).where(eq(dataExports.id, id));
    expect(after).toMatchObject({ status: 'ready', attempts: 2, storageKey: exportObjectKey(row, 2) });
    expect(await noticesOf(id)).toHaveLength(2);
    expect(await auditOf(w.clinic.id, 'data_export.built')).toHaveLength(1);
  });

  it("runs in the scheduled jobs, before the outbox that sends its notice", async () => {
    const w = await clinicWithRecord();
    const { id } = await requestDataExport(db(), w.asLeo);
    const names = SCHEDULED_JOBS.map((j) => j.name);
    expect(names.indexOf('data-exports')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('data-exports')).toBeLessThan(names.indexOf('outbox'));
    const counts = await SCHEDULED_JOBS.find((j) => j.name === 'data-exports')!.run(db(), new Date());
    expect(counts.exportsBuilt).toBeGreaterThanOrEqual(1);
    expect((await readyZip(id)).row.status).toBe('ready');
  });

  it('retries after a storage failure with a delay, and gives up after the last attempt', async () => {
    const w = await clinicWithRecord();
    const { id } = await requestDataExport(db(), w.asLeo);
    const real = getObjectStore();
    let failing = true;
    setObjectStoreForTests(Object.assign(Object.create(Object.getPrototypeOf(real)), real, {
      put: async (key: string, body: never, options: never) => {
        if (failing && key.startsWith('exports/')) throw Object.assign(new Error('S3 is down'), { name: 'ServiceUnavailable' });
        return real.put(key, body, options);
      },
    }));
    try {
      const at = new Date();
      setClockForTests(() => at);
      expect(await run(at)).toMatchObject({ exportsBuilt: 0, exportsRetried: 1 });
      const [queued] = await db().select().from(dataExports).where(eq(dataExports.id, id));
      expect(queued).toMatchObject({ status: 'queued', attempts: 1, lastError: 'ServiceUnavailable', storageKey: null });
      expect(queued!.lockedUntil!.getTime()).toBeGreaterThan(at.getTime());
      // Not before its delay; then built, once, and told once.
      expect((await run(new Date(at.getTime() + 30_000))).exportsRetried).toBe(0);
      failing = false;
      const later = new Date(at.getTime() + 61_000);
      setClockForTests(() => later);
      expect((await run(later)).exportsBuilt).toBe(1);
      expect((await readyZip(id)).row).toMatchObject({ attempts: 2, lastError: null });
      expect(await noticesOf(id)).toHaveLength(2);

      // Another one that never gets through: failed after its last attempt, nothing sent, audited.
      const again = await requestDataExport(db(), w.asMaria);
      failing = true;
      let when = later.getTime();
      for (let i = 0; i < 8; i++) {
        when += 3 * 3_600_000;
        const t = new Date(when);
        setClockForTests(() => t);
        await run(t);
      }
      const [failed] = await db().select().from(dataExports).where(eq(dataExports.id, again.id));
      expect(failed).toMatchObject({ status: 'failed', attempts: 5, storageKey: null });
      expect(await noticesOf(again.id)).toHaveLength(0);
      expect(await auditOf(w.clinic.id, 'data_export.failed')).toEqual([expect.objectContaining({ targetId: again.id, details: { reason: 'error', attempts: 5 } })]);
    } finally {
      setObjectStoreForTests(real);
    }
  });

  it("fails without building when the person's access was withdrawn meanwhile", async () => {
    const w = await clinicWithRecord();
    const { id } = await requestDataExport(db(), w.asMaria);
    await db().update(portalAccountPatients).set({ scope: 'limited' }).where(eq(portalAccountPatients.accountId, w.mariaAccount.id));
    expect(await run(new Date())).toMatchObject({ exportsBuilt: 0, exportsFailed: 1 });
    const [row] = await db().select().from(dataExports).where(eq(dataExports.id, id));
    expect(row).toMatchObject({ status: 'failed', lastError: 'access_withdrawn', storageKey: null });
    expect(await noticesOf(id)).toHaveLength(0);
  });
});

describe('asking for an export', () => {
  it('one open export at a time, and a few a day', async () => {
    const w = await clinicWithRecord();
    await requestDataExport(db(), w.asLeo);
    await expect(requestDataExport(db(), w.asLeo)).rejects.toMatchObject({ refusal: 'open-export' });
    // Two tabs at once: one export.
    const other = await clinicWithRecord();
    const both = await Promise.allSettled([requestDataExport(db(), other.asLeo), requestDataExport(db(), other.asLeo)]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    // Maria's export for Leo is her own, beside Leo's.
    await requestDataExport(db(), w.asMaria);

    for (let i = 1; i < EXPORT_REQUESTS_PER_DAY; i++) {
      await db().update(dataExports).set({ status: 'downloaded', downloadedAt: new Date() }).where(eq(dataExports.accountId, w.leoAccount.id));
      await requestDataExport(db(), w.asLeo);
    }
    await db().update(dataExports).set({ status: 'expired' }).where(eq(dataExports.accountId, w.leoAccount.id));
    const refused = await requestDataExport(db(), w.asLeo).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataExportRuleError);
    expect(refused).toMatchObject({ refusal: 'rate-limited' });
    expect((refused as DataExportRuleError).retryAfterSeconds).toBeGreaterThan(0);
  });

  it('is refused to a proxy whose scope has no export, and to a patient of another clinic', async () => {
    const w = await clinicWithRecord({ proxyScope: 'limited' });
    // Out of scope reads as not-found (lib/access/linked-patients.ts assertPortalArea): nothing is told about the area.
    await expect(requestDataExport(db(), w.asMaria)).rejects.toBeInstanceOf(NotFoundError);
    await expect(loadDataExport(db(), w.asMaria)).rejects.toBeInstanceOf(NotFoundError);
    const other = await createTestTenant();
    await expect(requestDataExport(db(), portalContext(other, w.leoAccount.id, w.leo.id))).rejects.toBeInstanceOf(NotFoundError);
    expect(await db().select().from(dataExports).where(eq(dataExports.patientId, w.leo.id))).toEqual([]);
  });
});

describe('downloading an export', () => {
  async function readyExport(w: Awaited<ReturnType<typeof clinicWithRecord>>, who: PortalContext = w.asLeo) {
    const { id } = await requestDataExport(db(), who);
    await run(new Date());
    return id;
  }
  const post = async (w: { clinic: Clinic }, session: { tenantId: string; subjectId: string; selectedPatientId: string } | null, id: string, host = hostFor(w.clinic.slug)) => {
    const cookies = session ? (await signIn('portal', session)).cookies : {};
    return invokeRoute({ host, cookies }, POST, { method: 'POST', path: `/api/portal/exports/${id}/download`, params: { id } });
  };

  it('works once: the ZIP, then a clear refusal; the file goes an hour later', async () => {
    const w = await clinicWithRecord();
    const id = await readyExport(w);
    const session = { tenantId: w.clinic.id, subjectId: w.leoAccount.id, selectedPatientId: w.leo.id };
    const [stored] = await db().select().from(dataExports).where(eq(dataExports.id, id));
    const first = await post(w, session, id);
    expect(first).toMatchObject({ kind: 'response', status: 200 });
    if (first.kind !== 'response') throw new Error('no response');
    expect(first.headers.get('content-type')).toBe('application/zip');
    expect(first.headers.get('content-disposition')).toMatch(/^attachment; filename="health-record-export-\d{4}-\d{2}-\d{2}\.zip"/);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(Number(first.headers.get('content-length'))).toBe(stored!.sizeBytes);

    const second = await post(w, session, id);
    expect(second).toMatchObject({ kind: 'response', status: 303 });
    if (second.kind === 'response') expect(second.headers.get('location')).toBe('/portal/data?export=already-downloaded#export');
    const [row] = await db().select().from(dataExports).where(eq(dataExports.id, id));
    expect(row).toMatchObject({ status: 'downloaded' });
    expect(await auditOf(w.clinic.id, 'data_export.downloaded')).toHaveLength(1);
    expect(await auditOf(w.clinic.id, 'data_export.download_refused')).toEqual([expect.objectContaining({ outcome: 'denied', details: { reason: 'already-downloaded' } })]);
    expect(await loadDataExport(db(), w.asLeo)).toMatchObject({ state: 'downloaded' });

    // The file stays while the download may still be streaming, then goes.
    expect((await run(new Date(row!.downloadedAt!.getTime() + 60_000))).exportFilesRemoved).toBe(0);
    expect((await run(new Date(row!.downloadedAt!.getTime() + (DOWNLOAD_GRACE_SECONDS + 1) * 1000))).exportFilesRemoved).toBeGreaterThanOrEqual(1);
    expect(await getObjectStore().head(stored!.storageKey!)).toBeNull();
    const [cleaned] = await db().select().from(dataExports).where(eq(dataExports.id, id));
    expect(cleaned).toMatchObject({ status: 'downloaded', storageKey: null });
  });

  it('two clicks at once download once', async () => {
    const w = await clinicWithRecord();
    const id = await readyExport(w);
    const results = await Promise.allSettled([claimDataExportDownload(db(), w.asLeo, id), claimDataExportDownload(db(), w.asLeo, id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.objectContaining({ refusal: 'already-downloaded' }) });
  });

  it('expires after 7 days: the file is deleted and the download refused', async () => {
    const w = await clinicWithRecord();
    const id = await readyExport(w);
    const [ready] = await db().select().from(dataExports).where(eq(dataExports.id, id));
    const past = new Date(ready!.expiresAt!.getTime() + 1000);
    setClockForTests(() => past);
    expect(await loadDataExport(db(), w.asLeo)).toMatchObject({ state: 'expired' });
    await expect(claimDataExportDownload(db(), w.asLeo, id)).rejects.toMatchObject({ refusal: 'expired' });
    // (Other tests' exports in this database expire at the same time.)
    expect((await run(past)).exportsExpired).toBeGreaterThanOrEqual(1);
    expect(await getObjectStore().head(ready!.storageKey!)).toBeNull();
    const [row] = await db().select().from(dataExports).where(eq(dataExports.id, id));
    expect(row).toMatchObject({ status: 'expired', storageKey: null });
    expect(await auditOf(w.clinic.id, 'data_export.expired')).toEqual([expect.objectContaining({ actorKind: 'system', targetId: id })]);
    // A second pass finds nothing more to do.
    expect((await run(past)).exportsExpired).toBe(0);
    // And a new export can be asked for.
    await expect(requestDataExport(db(), w.asLeo)).resolves.toMatchObject({ id: expect.any(String) });
  });

  it('is refused to anyone else: another person of the patient, another patient, another clinic, signed out, a proxy without export', async () => {
    const w = await clinicWithRecord();
    const id = await readyExport(w);
    // Maria acts for Leo, but the export is Leo's own (it holds what is hidden from her).
    expect(await post(w, { tenantId: w.clinic.id, subjectId: w.mariaAccount.id, selectedPatientId: w.leo.id }, id)).toMatchObject({ kind: 'response', status: 404 });
    // Another patient of the clinic.
    const [robert] = await db().insert(patients).values({ tenantId: w.clinic.id, recordNumber: `R-${tag()}`, firstName: 'Robert', lastName: 'Chen', dateOfBirth: '1980-01-01' }).returning();
    const [robertAccount] = await db().insert(portalAccounts).values({ tenantId: w.clinic.id, fullName: 'Robert Chen', email: `robert.${tag()}@example.test`, phone: '+15555550199', phoneVerifiedAt: new Date(), passwordHash: 'x' }).returning();
    await db().insert(portalAccountPatients).values({ tenantId: w.clinic.id, accountId: robertAccount!.id, patientId: robert!.id, relationship: 'self' });
    expect(await post(w, { tenantId: w.clinic.id, subjectId: robertAccount!.id, selectedPatientId: robert!.id }, id)).toMatchObject({ kind: 'response', status: 404 });
    // Another clinic's patient, on their own host and on this one.
    const other = await clinicWithRecord();
    const foreign = { tenantId: other.clinic.id, subjectId: other.leoAccount.id, selectedPatientId: other.leo.id };
    expect(await post(other, foreign, id)).toMatchObject({ kind: 'response', status: 404 });
    expect(await post(w, foreign, id, hostFor(w.clinic.slug))).toMatchObject({ kind: 'response', status: 401 });
    // Signed out; a form from another site.
    expect(await post(w, null, id)).toMatchObject({ kind: 'response', status: 401 });
    const session = { tenantId: w.clinic.id, subjectId: w.leoAccount.id, selectedPatientId: w.leo.id };
    const crossSite = await invokeRoute({ host: hostFor(w.clinic.slug), cookies: (await signIn('portal', session)).cookies, headers: { origin: 'https://evil.example' } }, POST, { method: 'POST', path: `/api/portal/exports/${id}/download`, params: { id } });
    expect(crossSite).toMatchObject({ kind: 'response', status: 403 });
    // Not a uuid.
    expect(await post(w, session, 'not-a-uuid')).toMatchObject({ kind: 'response', status: 404 });
    // A parent whose scope lost the export area: Maria's own export is refused too.
    const mine = await readyExport(w, w.asMaria);
    await db().update(portalAccountPatients).set({ scope: 'limited' }).where(eq(portalAccountPatients.accountId, w.mariaAccount.id));
    expect(await post(w, { tenantId: w.clinic.id, subjectId: w.mariaAccount.id, selectedPatientId: w.leo.id }, mine)).toMatchObject({ kind: 'response', status: 404 });

    // None of it spent the download.
    const [row] = await db().select().from(dataExports).where(eq(dataExports.id, id));
    expect(row).toMatchObject({ status: 'ready', downloadedAt: null });
    expect(await post(w, session, id)).toMatchObject({ kind: 'response', status: 200 });
  });
});
