import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, documents, documentTypes, patients, portalAccountPatients, staffUsers } from '@/db/schema';
import type { PortalContext, StaffContext } from '@/lib/access/context';
import {
  ACCESS_LOG_PAGE_SIZE, accessLogCsvHeader, accessLogCsvLine, accessLogFirstPageQuery, exportAccessLog, listAccessLog, parseAccessLogQuery,
  type AccessLogEntry, type AccessLogFilters,
} from '@/lib/audit/access-log';
import { recordAudit } from '@/lib/audit/record-audit';
import { recordStatementPrinted } from '@/lib/billing/statement-print';
import { authorizeDocumentDownload } from '@/lib/documents/authorize-download';
import { translator } from '@/lib/i18n/core';
import { accessLog } from '@/lib/i18n/messages/access-log';
import { getPatientChart } from '@/lib/patients/chart';
import { listContacts } from '@/lib/patients/contacts';
import { PDF_BYTES } from '../support/document-files';
import { hostFor, invokeAction, invokeRoute, signIn, type Outcome } from '../support/action-harness';
import { createTestTenant } from '../support/factories';
import { portalContext } from '../support/portal-context';
import { createStaffContext } from '../support/staff-context';
import { addAccount, addPatient, household, type Clinic } from './conversations-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * "Who viewed my record" (issue 19 point 6): the staff's reads and changes of a patient's record,
 * from the audit log, for the patient's own account; never the patient's own entries, a family
 * member's, the system's, another patient's or another clinic's; filters, pages, the CSV, and the
 * route's checks. Entries are made by the real lib/ reads where one exists.
 */

const { GET: csvRoute } = await import('@/app/t/[tenant]/portal/(app)/access-log/access-log.csv/route');
const { default: accessLogPage } = await import('@/app/t/[tenant]/portal/(app)/access-log/page');

const db = () => getDb();
const ZONE = 'America/Chicago';
const en = translator(accessLog, 'en');

async function addDocument(clinic: Clinic, patientId: string, staff: StaffContext) {
  const [type] = await db().select().from(documentTypes).where(eq(documentTypes.tenantId, clinic.id)).limit(1);
  const id = randomUUID();
  await db().insert(documents).values({
    tenantId: clinic.id, id, patientId, typeId: type!.id, title: 'Blood test', examinationDate: '2026-01-05', visibleToPatient: true,
    status: 'available', storageKey: `documents/${clinic.id}/${patientId}/${id}`, originalFilename: 'report.pdf', contentType: 'application/pdf',
    sizeBytes: PDF_BYTES.length, uploadedByKind: 'staff', uploadedById: staff.actor.id,
  });
  return id;
}

/**
 * A clinic with Maria (her own account), her son Leo, aged 8 (Maria is his parent, with the full
 * scope), Carlos (Maria's husband, whose access she granted again as an adult) and Robert.
 */
async function world() {
  const clinic = await createTestTenant();
  const admin = await createStaffContext(clinic, 'admin');
  const physician = await createStaffContext(clinic, 'physician');
  const { maria, leo, account, asMaria, asLeosParent } = await household(clinic);
  const eightYearsAgo = new Date(Date.now() - 8.5 * 365.25 * 86_400_000).toISOString().slice(0, 10);
  await db().update(patients).set({ dateOfBirth: eightYearsAgo }).where(and(eq(patients.tenantId, clinic.id), eq(patients.id, leo.id)));
  const carlos = await addAccount(clinic, 'Carlos Lopez', [{ patientId: maria.id, relationship: 'spouse' }]);
  await db().update(portalAccountPatients).set({ adultGrantAt: new Date() })
    .where(and(eq(portalAccountPatients.tenantId, clinic.id), eq(portalAccountPatients.accountId, carlos.account.id)));
  const robert = await addPatient(clinic, 'Robert');
  return { clinic, admin, physician, maria, leo, robert, account, carlosAccount: carlos.account, asMaria, asLeosParent, asCarlos: carlos.actorFor(maria.id) };
}

/** Maria grants (or Leo's link is given) the access log by name: a custom scope with it. */
async function grantAccessLog(w: World, accountId: string, patientId: string) {
  await db().update(portalAccountPatients).set({ scope: 'custom', areas: ['bookings', 'access_log'] })
    .where(and(eq(portalAccountPatients.tenantId, w.clinic.id), eq(portalAccountPatients.accountId, accountId), eq(portalAccountPatients.patientId, patientId)));
}
type World = Awaited<ReturnType<typeof world>>;

const list = async (ctx: PortalContext, filters: AccessLogFilters = {}, page: { before?: string; after?: string } = {}, pageSize?: number) =>
  listAccessLog(db(), ctx, { filters, page, timeZone: ZONE, pageSize });
const summary = (entries: AccessLogEntry[]) => entries.map((e) => `${e.staffName} (${e.role}): ${e.kind} ${e.phrase}`);

/** An entry at a chosen instant (audit_log's clock is the database's: a past time is written directly). */
async function entryAt(w: World, at: string, staff: StaffContext, action = 'patient.viewed', details: Record<string, unknown> = {}) {
  const [row] = await db().insert(auditLog).values({
    tenantId: w.clinic.id, occurredAt: new Date(at), actorKind: 'staff', actorId: staff.actor.id, actorLabel: staff.actor.email,
    action, patientId: w.maria.id, targetType: 'patient', targetId: w.maria.id, details,
  }).returning({ id: auditLog.id });
  return row!.id;
}

describe('who viewed my record', () => {
  it("shows staff reads, downloads, prints and changes with name, role and kind; not the patient's own, a family member's, the system's, another patient's or another clinic's", async () => {
    const w = await world();
    const documentId = await addDocument(w.clinic, w.maria.id, w.admin);
    // Staff, through the real reads.
    await getPatientChart(db(), w.physician, w.maria.id);
    await listContacts(db(), w.admin, w.maria.id);
    await authorizeDocumentDownload(db(), { kind: 'staff', ctx: w.physician }, documentId, { view: true });
    await authorizeDocumentDownload(db(), { kind: 'staff', ctx: w.physician }, documentId);
    await recordStatementPrinted(db(), w.admin, { patientId: w.maria.id, from: '2026-01-01', to: '2026-03-31' });
    await recordAudit(db(), w.admin, { action: 'patient.updated', patientId: w.maria.id, target: { type: 'patient', id: w.maria.id }, details: { changes: { city: {} } } });
    // Not shown: Maria's own download, her proxy's, the system's, a refused read, an action that is no read, another patient's.
    await authorizeDocumentDownload(db(), { kind: 'portal', ctx: w.asMaria }, documentId);
    await recordAudit(db(), w.asCarlos, { action: 'document.downloaded', patientId: w.maria.id, target: { type: 'document', id: documentId }, details: { disposition: 'attachment' } });
    await recordAudit(db(), { tenantId: w.clinic.id, actor: { kind: 'system' }, action: 'forms.assigned', patientId: w.maria.id });
    await recordAudit(db(), w.admin, { action: 'patient.viewed', outcome: 'denied', patientId: w.maria.id });
    await recordAudit(db(), w.admin, { action: 'auth.code_sent', patientId: w.maria.id });
    await getPatientChart(db(), w.admin, w.robert.id);
    // Another clinic: its staff reading its own patient, and an entry naming Maria's id there.
    const other = await createTestTenant();
    const otherAdmin = await createStaffContext(other, 'admin');
    const stranger = await addPatient(other, 'Stranger');
    await getPatientChart(db(), otherAdmin, stranger.id);
    await recordAudit(db(), otherAdmin, { action: 'patient.viewed', patientId: w.maria.id });

    const page = await list(w.asMaria);
    expect(summary(page.entries)).toEqual([
      'Test Admin (Admin): change changedDetails',
      'Test Admin (Admin): print printedStatement',
      'Test Physician (Physician): download downloadedDocument',
      'Test Physician (Physician): view viewedDocument',
      'Test Admin (Admin): view viewedContacts',
      'Test Physician (Physician): view viewedChart',
    ]);
    expect(page).toMatchObject({ older: null, newer: null });

    // Robert's log has only the admin's read of his chart; Leo's is empty (but only Leo may read it).
    const asRobert = (await addAccount(w.clinic, 'Robert Chen', [{ patientId: w.robert.id, relationship: 'self' }])).actorFor(w.robert.id);
    expect(summary((await list(asRobert)).entries)).toEqual(['Test Admin (Admin): view viewedChart']);

    // A staff member whose account is gone is named as such, never by the email the entry kept.
    await db().insert(auditLog).values({
      tenantId: w.clinic.id, actorKind: 'staff', actorId: randomUUID(), actorLabel: 'gone@clinic.test', action: 'patient.viewed', patientId: w.maria.id,
    });
    const [gone] = (await list(w.asMaria)).entries;
    expect(gone).toMatchObject({ staffName: null, role: null, phrase: 'viewedChart' });
    expect(JSON.stringify(gone)).not.toContain('gone@clinic.test');
  });

  it('answers only the patient: a family member is refused unless granted, an account not linked is not found', async () => {
    const w = await world();
    await getPatientChart(db(), w.physician, w.leo.id);
    await getPatientChart(db(), w.physician, w.maria.id);
    // A full scope does not include the access log: outside a proxy's scope is not-found (assertPortalArea).
    await expect(list(w.asLeosParent)).rejects.toMatchObject({ name: 'NotFoundError', message: 'portal.access_log not found' });
    await expect(list(w.asCarlos)).rejects.toMatchObject({ name: 'NotFoundError', message: 'portal.access_log not found' });
    await expect(exportAccessLog(db(), w.asCarlos, { filters: {}, timeZone: ZONE })).rejects.toMatchObject({ name: 'NotFoundError' });
    // Granted by name, a family member sees the log of the patient they act for, and only theirs.
    await grantAccessLog(w, w.carlosAccount.id, w.maria.id);
    await grantAccessLog(w, w.account.id, w.leo.id);
    expect(summary((await list(w.asCarlos)).entries)).toEqual(['Test Physician (Physician): view viewedChart']);
    expect((await list(w.asLeosParent)).entries.map((e) => e.phrase)).toEqual(['viewedChart']);
    const unlinked = portalContext(w.clinic, w.account.id, w.robert.id);
    await expect(list(unlinked)).rejects.toMatchObject({ name: 'NotFoundError' });
    const elsewhere = portalContext(await createTestTenant(), w.account.id, w.maria.id);
    await expect(list(elsewhere)).rejects.toMatchObject({ name: 'NotFoundError' });
    // Reading the log is Maria's own action: audited, and never in the log itself.
    await list(w.asMaria);
    const seen = await db().select().from(auditLog)
      .where(and(eq(auditLog.tenantId, w.clinic.id), eq(auditLog.action, 'portal.access_log_viewed'), eq(auditLog.patientId, w.maria.id), eq(auditLog.actorId, w.account.id)));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ actorKind: 'patient', details: { filters: {}, entries: 1 } });
    expect(summary((await list(w.asMaria)).entries)).toEqual(['Test Physician (Physician): view viewedChart']);
  });

  it("filters by kind and by dates in the patient's time zone", async () => {
    const w = await world();
    // 23:30 in Chicago (daylight time from 8 March) on 9 March is 04:30 UTC on 10 March.
    await entryAt(w, '2026-03-10T04:30:00Z', w.physician, 'patient.viewed');
    await entryAt(w, '2026-03-10T15:00:00Z', w.admin, 'document.downloaded', { disposition: 'attachment' });
    await entryAt(w, '2026-03-11T15:00:00Z', w.admin, 'billing.statement_printed');
    await entryAt(w, '2026-03-12T15:00:00Z', w.admin, 'appointment.booked');
    await entryAt(w, '2026-03-12T16:00:00Z', w.admin, 'message.attachment_read', { disposition: 'inline' });
    const phrases = async (filters: AccessLogFilters) => (await list(w.asMaria, filters)).entries.map((e) => e.phrase);
    expect(await phrases({ kind: 'view' })).toEqual(['viewedAttachment', 'viewedChart']);
    expect(await phrases({ kind: 'download' })).toEqual(['downloadedDocument']);
    expect(await phrases({ kind: 'print' })).toEqual(['printedStatement']);
    expect(await phrases({ kind: 'change' })).toEqual(['bookedVisit']);
    expect(await phrases({ to: '2026-03-09' })).toEqual(['viewedChart']);
    expect(await phrases({ from: '2026-03-10', to: '2026-03-10' })).toEqual(['downloadedDocument']);
    expect(await phrases({ from: '2026-03-11' })).toEqual(['viewedAttachment', 'bookedVisit', 'printedStatement']);
    expect(await phrases({ from: '2026-03-11', to: '2026-03-11', kind: 'view' })).toEqual([]);

    expect(parseAccessLogQuery({ from: '2026-02-30' })).toMatchObject({ ok: false, errors: { from: 'errorDate' } });
    expect(parseAccessLogQuery({ from: '2026-03-02', to: '2026-03-01' })).toMatchObject({ ok: false, errors: { to: 'errorRange' } });
    expect(parseAccessLogQuery({ kind: "view' or 1=1", before: '1;drop' })).toEqual({ ok: true, filters: {}, page: {} });
    expect(parseAccessLogQuery({ kind: ['print', 'view'], from: ' 2026-01-01 ' })).toMatchObject({ ok: true, filters: { kind: 'print', from: '2026-01-01' } });
  });

  it('pages newest first by a keyset, each entry once, also among entries of the same instant', async () => {
    const w = await world();
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) ids.push(await entryAt(w, `2026-03-10T15:00:${String(i % 10).padStart(2, '0')}Z`, w.admin));
    const expected = (await db().select({ id: auditLog.id }).from(auditLog)
      .where(and(eq(auditLog.tenantId, w.clinic.id), eq(auditLog.patientId, w.maria.id), eq(auditLog.actorKind, 'staff')))
      .orderBy(sql`${auditLog.occurredAt} desc, ${auditLog.id} desc`)).map((r) => r.id);
    expect(expected).toHaveLength(30);

    const seen: number[] = [];
    let page = await list(w.asMaria, {}, {}, 7);
    expect(page.newer).toBeNull();
    seen.push(...page.entries.map((e) => e.id));
    while (page.older) {
      page = await list(w.asMaria, {}, { before: page.older }, 7);
      seen.push(...page.entries.map((e) => e.id));
    }
    expect(seen).toEqual(expected);
    // And back up from the oldest page: the same entries in the same order.
    const back: number[][] = [page.entries.map((e) => e.id)];
    while (page.newer) {
      page = await list(w.asMaria, {}, { after: page.newer }, 7);
      back.unshift(page.entries.map((e) => e.id));
    }
    expect(back.flat()).toEqual(expected);
    expect((await list(w.asMaria)).entries).toHaveLength(ACCESS_LOG_PAGE_SIZE);
  });

  it('reads through audit_log_tenant_patient_idx', async () => {
    const w = await world();
    await entryAt(w, '2026-03-10T15:00:00Z', w.admin);
    await db().transaction(async (tx) => {
      // A tiny table is read fastest from the heap; forbidding that shows which index the query can use.
      await tx.execute(sql`set local enable_seqscan = off`);
      const query = accessLogFirstPageQuery(tx, w.asMaria, { filters: { from: '2026-01-01', kind: 'view' }, timeZone: ZONE });
      const result = await tx.execute(sql`explain ${query}`);
      const plan = JSON.stringify(result);
      expect(plan).toContain('audit_log_tenant_patient_idx');
    });
  });

  it('writes the CSV in the patient’s words and zone, quoted, with formula cells defused', () => {
    const entry = (staffName: string | null, role: string | null): AccessLogEntry => ({
      id: 1, occurredAt: new Date('2026-03-10T04:30:00Z'), staffName, role, kind: 'download', phrase: 'downloadedDocument', cursor: '1-1',
    });
    expect(accessLogCsvHeader(en)).toBe('When,Time zone,Staff member,Role,What they did,Details\r\n');
    expect(accessLogCsvLine(entry('Ana Ruiz', 'Physician'), en, ZONE)).toBe('2026-03-09 23:30,America/Chicago,Ana Ruiz,Physician,Downloaded,Downloaded a document\r\n');
    expect(accessLogCsvLine(entry('=HYPERLINK("http://x","Ruiz, Ana")', '+Admin'), en, ZONE))
      .toBe(`2026-03-09 23:30,America/Chicago,"'=HYPERLINK(""http://x"",""Ruiz, Ana"")",'+Admin,Downloaded,Downloaded a document\r\n`);
    expect(accessLogCsvLine(entry(null, null), translator(accessLog, 'es'), 'Not/AZone')).toBe('2026-03-10 04:30,UTC,Una persona que ya no trabaja en la clínica,,Descargó,Descargó un documento\r\n');
  });
});

describe('the page and the CSV route', () => {
  async function signedIn(w: World, patientId: string) {
    const { cookies } = await signIn('portal', { tenantId: w.clinic.id, subjectId: w.account.id, selectedPatientId: patientId });
    return { host: hostFor(w.clinic.slug), cookies };
  }
  const csv = (req: { host: string; cookies: Record<string, string> }, w: World, query = '') =>
    invokeRoute(req, csvRoute, { path: `/portal/access-log/access-log.csv${query}`, params: { tenant: w.clinic.slug } });
  const response = (outcome: Outcome) => {
    expect(outcome.kind, JSON.stringify(outcome)).toBe('response');
    return outcome as Extract<Outcome, { kind: 'response' }>;
  };

  it('downloads the filtered log as CSV for the patient, audited as her export; a proxy gets 404; a bad date 400', async () => {
    const w = await world();
    await db().update(staffUsers).set({ fullName: '=cmd|"/c calc"!A1' }).where(eq(staffUsers.id, w.admin.actor.id));
    await entryAt(w, '2026-03-10T15:00:00Z', w.admin, 'document.downloaded', { disposition: 'attachment' });
    await entryAt(w, '2026-03-11T15:00:00Z', w.physician, 'patient.viewed');
    const maria = await signedIn(w, w.maria.id);

    const all = response(await csv(maria, w));
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(all.headers.get('content-disposition')).toBe('attachment; filename="who-viewed-my-record.csv"');
    expect(all.headers.get('cache-control')).toBe('private, no-store');
    expect(all.body.replace(/^\uFEFF/, '').split('\r\n')).toEqual([
      'When,Time zone,Staff member,Role,What they did,Details',
      // The clinic has no location: the patient's zone falls back to UTC.
      '2026-03-11 15:00,UTC,Test Physician,Physician,Viewed,Opened your chart',
      `2026-03-10 15:00,UTC,"'=cmd|""/c calc""!A1",Admin,Downloaded,Downloaded a document`,
      '',
    ]);
    const downloads = response(await csv(maria, w, '?kind=download&from=2026-03-10&to=2026-03-10'));
    expect(downloads.body.split('\r\n')).toHaveLength(3);
    const [exported] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, w.clinic.id), eq(auditLog.action, 'portal.access_log_exported')))
      .orderBy(auditLog.id).limit(1);
    expect(exported).toMatchObject({ actorKind: 'patient', actorId: w.account.id, patientId: w.maria.id, details: { filters: {} } });

    expect(response(await csv(maria, w, '?from=2026-13-01'))).toMatchObject({ status: 400, body: 'Enter a date, for example 2026-03-31.\n' });

    const leosEntries = () => db().select({ id: auditLog.id }).from(auditLog).where(and(eq(auditLog.tenantId, w.clinic.id), eq(auditLog.patientId, w.leo.id)));
    const asParent = response(await csv(await signedIn(w, w.leo.id), w));
    expect(asParent.status).toBe(404);
    expect(await leosEntries()).toEqual([]);
  });

  it('renders the list, the filters as a GET form, the CSV link and the pager; a family member without the grant is sent home', async () => {
    const w = await world();
    await entryAt(w, '2026-03-10T15:00:00Z', w.physician, 'patient.viewed');
    const render = async (patientId: string, searchParams: Record<string, string> = {}) => {
      const req = await signedIn(w, patientId);
      const { renderToStaticMarkup } = await import('react-dom/server');
      const outcome = await invokeAction(req, async () => renderToStaticMarkup(await accessLogPage({
        params: Promise.resolve({ tenant: w.clinic.slug }), searchParams: Promise.resolve(searchParams),
      })));
      expect(outcome.kind, JSON.stringify(outcome)).toBe('returned');
      const html = (outcome as { value: string }).value;
      return { html, text: html.replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ') };
    };
    const page = await render(w.maria.id, { kind: 'view' });
    expect(page.text).toContain('Who viewed my record');
    expect(page.text).toContain('Test Physician · Physician');
    expect(page.text).toContain('Opened your chart');
    expect(page.html).toContain('method="get"');
    expect(page.html).toContain('href="/portal/access-log/access-log.csv?kind=view"');
    expect(page.text).toContain('Clear filters');

    const bad = await render(w.maria.id, { from: '2026-02-30' });
    expect(bad.text).toContain('Enter a date, for example 2026-03-31.');
    expect(bad.html).toContain('aria-invalid="true"');

    const none = await render(w.maria.id, { to: '2000-01-01' });
    expect(none.text).toContain('Nothing matches these filters.');

    for (let i = 0; i <= ACCESS_LOG_PAGE_SIZE; i++) await entryAt(w, `2026-03-11T15:00:${String(i).padStart(2, '0')}Z`, w.admin, 'patient.updated');
    const first = await render(w.maria.id, { kind: 'change' });
    expect(first.text).toContain('Changed your personal details');
    expect(first.text).not.toContain('Opened your chart');
    const older = /href="(\/portal\/access-log\?kind=change&amp;before=\d+-\d+)"/.exec(first.html);
    expect(older, 'an Older link keeping the filter').not.toBeNull();
    expect(first.html).not.toContain('after=');
    const all = await render(w.maria.id);
    const next = /href="\/portal\/access-log\?before=(\d+-\d+)"/.exec(all.html)![1]!;
    const second = await render(w.maria.id, { before: next });
    expect(second.text).toContain('Opened your chart');
    expect(second.html).toMatch(/href="\/portal\/access-log\?after=\d+-\d+"/);
    expect(second.text).toContain('Back to the newest');

    // Leo's parent, with the full scope: sent home with a notice, before anything is read.
    const req = await signedIn(w, w.leo.id);
    const asParent = await invokeAction(req, async () => accessLogPage({ params: Promise.resolve({ tenant: w.clinic.slug }), searchParams: Promise.resolve({}) }));
    expect(asParent).toMatchObject({ kind: 'redirect', location: '/portal?unavailable=access_log' });
  });
});
