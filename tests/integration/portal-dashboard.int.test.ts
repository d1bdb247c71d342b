import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, documentTypes } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { listPortalDocumentTypes } from '@/lib/documents/portal-document-types';
import { portalDashboard } from '@/lib/patients/portal-dashboard';
import { portalContext } from '../support/portal-context';
import { createPortalVisitClinic } from '../support/portal-visit-fixtures';

afterEach(() => setClockForTests(undefined));

describe('portal dashboard', () => {
  it('shows the next three visits and the last 30 days of visible documents of the selected patient only', async () => {
    const db = getDb();
    const a = await createPortalVisitClinic();
    const b = await createPortalVisitClinic();
    const me = a.parent.patient.id;
    setClockForTests(() => new Date('2030-03-10T15:00:00Z'));

    const v1 = await a.book(me, '2030-03-10T14:50:00Z', { videoUrl: 'https://meet.example.test/now' }); // running
    const v2 = await a.book(me, '2030-03-11T15:00:00Z');
    const v3 = await a.book(me, '2030-03-12T15:00:00Z');
    await a.book(me, '2030-03-13T15:00:00Z'); // fourth: not on the dashboard
    await a.book(me, '2030-03-10T18:00:00Z', { status: 'cancelled' });
    await a.book(me, '2030-03-01T15:00:00Z', { status: 'completed' });
    await a.book(a.child.id, '2030-03-10T16:00:00Z');
    await a.book(a.stranger.id, '2030-03-10T16:30:00Z');
    await b.book(b.parent.patient.id, '2030-03-10T16:00:00Z');

    const recent = await a.addDocument(me, 'Blood test', { createdAt: '2030-03-05T10:00:00Z', examinationDate: '2030-03-04' });
    const newest = await a.addDocument(me, 'X-ray report', { createdAt: '2030-03-09T10:00:00Z', examinationDate: '2030-02-20' });
    await a.addDocument(me, 'Old letter', { createdAt: '2030-01-20T10:00:00Z' });
    await a.addDocument(me, 'Not shared', { createdAt: '2030-03-08T10:00:00Z', visible: false });
    await a.addDocument(me, 'Deleted', { createdAt: '2030-03-08T10:00:00Z', deleted: true });
    await a.addDocument(me, 'Still uploading', { createdAt: '2030-03-08T10:00:00Z', status: 'pending' });
    await a.addDocument(me, 'Invoice 7', { createdAt: '2030-03-08T10:00:00Z', typeId: a.invoiceType.id });
    await db.update(documentTypes).set({ hiddenFromPortal: true }).where(and(eq(documentTypes.tenantId, a.clinic.id), eq(documentTypes.id, a.invoiceType.id)));
    const leosDoc = await a.addDocument(a.child.id, 'Leo vaccination', { createdAt: '2030-03-07T10:00:00Z' });
    await a.addDocument(a.stranger.id, 'Stranger report', { createdAt: '2030-03-07T10:00:00Z' });
    await b.addDocument(b.parent.patient.id, 'Other clinic report', { createdAt: '2030-03-07T10:00:00Z' });

    const dashboard = await portalDashboard(db, portalContext(a.clinic, a.parent.account.id, me));
    expect(dashboard.upcoming.map((v) => v.id)).toEqual([v1, v2, v3]);
    expect(dashboard.upcoming[0]?.joinUrl).toBe('https://meet.example.test/now');
    expect(dashboard.upcoming[1]?.joinUrl).toBeNull();
    expect(dashboard.upcoming[1]).toMatchObject({ service: expect.any(String), location: expect.any(String), provider: expect.any(String) });
    expect(dashboard.openForms).toBe(0);
    expect(dashboard.newDocuments.map((d) => d.id)).toEqual([newest, recent]);
    expect(dashboard.newDocuments[0]).toMatchObject({ title: 'X-ray report', typeName: 'Report', examinationDate: '2030-02-20', contentType: 'application/pdf' });

    const leo = await portalDashboard(db, portalContext(a.clinic, a.parent.account.id, a.child.id));
    expect(leo.newDocuments.map((d) => d.id)).toEqual([leosDoc]);
    expect(leo.upcoming).toHaveLength(1);

    const crossClinic = await portalDashboard(db, portalContext(b.clinic, a.parent.account.id, me));
    expect(crossClinic).toEqual({ upcoming: [], newDocuments: [], openForms: 0 });

    const audits = await db.select({ patientId: auditLog.patientId, actorId: auditLog.actorId }).from(auditLog)
      .where(and(eq(auditLog.tenantId, a.clinic.id), eq(auditLog.action, 'document.listed')));
    expect(audits).toEqual(expect.arrayContaining([{ patientId: me, actorId: a.parent.account.id }, { patientId: a.child.id, actorId: a.parent.account.id }]));
  });

  it('is empty for a patient with nothing upcoming and nothing new', async () => {
    const a = await createPortalVisitClinic();
    setClockForTests(() => new Date('2030-03-10T15:00:00Z'));
    await a.book(a.parent.patient.id, '2030-03-01T15:00:00Z', { status: 'completed' });
    await a.addDocument(a.parent.patient.id, 'Old', { createdAt: '2030-01-01T10:00:00Z' });
    expect(await portalDashboard(getDb(), portalContext(a.clinic, a.parent.account.id, a.parent.patient.id)))
      .toEqual({ upcoming: [], newDocuments: [], openForms: 0 });
  });

  it('offers only the clinic’s own types that are not hidden from the portal as search filters', async () => {
    const db = getDb();
    const a = await createPortalVisitClinic();
    const b = await createPortalVisitClinic();
    await db.update(documentTypes).set({ hiddenFromPortal: true }).where(and(eq(documentTypes.tenantId, a.clinic.id), eq(documentTypes.id, a.invoiceType.id)));
    const types = await listPortalDocumentTypes(db, portalContext(a.clinic, a.parent.account.id, a.parent.patient.id));
    expect(types.map((t) => t.name)).toEqual(['Ambulatory sheet', 'Lab result', 'Referral', 'Report']);
    expect(types.map((t) => t.id)).not.toContain(b.reportType.id);
  });
});
