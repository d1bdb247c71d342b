import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { documents, patients, services, timeOff } from '@/db/schema';
import { describeOutcome, formData, hostFor, invokeAction, invokeRoute, signIn, type Outcome } from '../support/action-harness';
import { PDF_BYTES } from '../support/document-files';
import { leaksIn, stringsIn } from '../support/hostile';
import { createPortalVisitClinic } from '../support/portal-visit-fixtures';
import { createStaffContext } from '../support/staff-context';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * Issue 7, bad input: the named hostile cases, one by one, through the real actions (the random
 * suite in bad-input-actions covers the rest): dates that do not exist, a time off that ends before
 * it starts or starts in the spring-forward gap, digits of other scripts, path traversal in file
 * names, impossible prices.
 */

let w: Awaited<ReturnType<typeof createPortalVisitClinic>> & { cookies: Record<string, string> };

beforeAll(async () => {
  const v = await createPortalVisitClinic();
  const admin = await createStaffContext(v.clinic, 'admin');
  const staff = await signIn('staff', { tenantId: v.clinic.id, subjectId: admin.actor.id });
  w = { ...v, cookies: staff.cookies };
});

const req = (path: string) => ({ host: hostFor(w.clinic.slug), cookies: w.cookies, path });

function refusedCleanly(outcome: Outcome): void {
  expect(outcome.kind, describeOutcome(outcome)).toBe('returned');
  const value = (outcome as { value: { ok?: boolean; fieldErrors?: unknown; message?: string } }).value;
  expect(value.ok === true, describeOutcome(outcome)).toBe(false);
  for (const text of stringsIn({ message: value.message, fieldErrors: value.fieldErrors })) expect(leaksIn(text), text).toEqual([]);
}

describe('time off and opening hours', () => {
  const providers = () => import('@/app/t/[tenant]/crm/(app)/providers/actions');
  const rows = async () => getDb().select().from(timeOff).where(eq(timeOff.providerId, w.provider.id));

  it('a time off that ends before it starts is refused and nothing is stored', async () => {
    const { addTimeOffAction } = await providers();
    const outcome = await invokeAction(req('/crm/providers'), addTimeOffAction, {}, formData({
      staffId: w.provider.id, locationId: w.location.id, startsAt: '2027-01-10T10:00', endsAt: '2027-01-10T09:00',
    }));
    refusedCleanly(outcome);
    expect(await rows()).toEqual([]);
  });

  it.each([['2027-02-30T09:00'], ['2027-13-01T09:00'], ['2027-01-01T24:00'], ['２０２７-０１-１０T09:00'], ['٢٠٢٧-٠١-١٠T09:00']])('a start of %s is refused', async (startsAt) => {
    const { addTimeOffAction } = await providers();
    refusedCleanly(await invokeAction(req('/crm/providers'), addTimeOffAction, {}, formData({
      staffId: w.provider.id, locationId: w.location.id, startsAt, endsAt: '2027-03-01T09:00',
    })));
    expect(await rows()).toEqual([]);
  });

  it('a time off from a wall time that does not exist (02:30 on the spring-forward day) is stored as real instants in order, or refused', async () => {
    const { addTimeOffAction } = await providers();
    const outcome = await invokeAction(req('/crm/providers'), addTimeOffAction, {}, formData({
      staffId: w.provider.id, locationId: w.location.id, startsAt: '2027-03-14T02:30', endsAt: '2027-03-14T04:00',
    }));
    expect(outcome.kind, describeOutcome(outcome)).toBe('returned');
    for (const row of await rows()) {
      expect(Number.isNaN(row.startsAt.getTime())).toBe(false);
      expect(row.endsAt.getTime()).toBeGreaterThan(row.startsAt.getTime());
    }
  });

  it('opening hours that end before they start are refused', async () => {
    const { addHoursAction } = await providers();
    refusedCleanly(await invokeAction(req('/crm/providers'), addHoursAction, {}, formData({
      staffId: w.provider.id, locationId: w.location.id, weekday: '1', startTime: '17:00', endTime: '09:00',
    })));
  });
});

describe('patient dates of birth and huge names', () => {
  const create = async (fields: Record<string, string>) => {
    const { createPatientAction } = await import('@/app/t/[tenant]/emr/(app)/patients/actions');
    return invokeAction(req('/emr/patients/new'), createPatientAction, {}, formData({
      firstName: 'Zoë', lastName: `Dob${Math.random().toString(36).slice(2, 8)}`, sex: 'female', preferredLanguage: 'en', confirmDuplicates: 'yes', ...fields,
    }));
  };

  it.each([['02/30/2020'], ['2026-13-01'], ['2025-02-29'], ['١٩٩٠-٠١-٠٢'], ['1990-01-02\u0000'], ['9999-12-31'], ['1899-12-31']])('%j is refused', async (dateOfBirth) => {
    refusedCleanly(await create({ dateOfBirth }));
  });

  it('fullwidth digits are read as the date they show', async () => {
    const outcome = await create({ dateOfBirth: '１９９０-０１-０２', lastName: 'Fullwidth' });
    expect(outcome.kind, describeOutcome(outcome)).toBe('redirect');
    const [row] = await getDb().select().from(patients).where(and(eq(patients.tenantId, w.clinic.id), eq(patients.lastName, 'Fullwidth')));
    expect(row?.dateOfBirth).toBe('1990-01-02');
  });

  it('a 100,000-character name is refused without echoing it in the message', async () => {
    const outcome = await create({ dateOfBirth: '1990-01-02', firstName: 'x'.repeat(100_000) });
    refusedCleanly(outcome);
    const value = (outcome as { value: { message?: string; fieldErrors?: Record<string, string> } }).value;
    expect(JSON.stringify({ m: value.message, f: value.fieldErrors }).length).toBeLessThan(2_000);
  });
});

describe('file names on upload and download', () => {
  it.each([['../../etc/passwd'], ['a/../../b.pdf'], ['..\\x.pdf'], ['scan\u0000.pdf.html'], ['\u202Efdp.exe'], ['...'], [`${'é'.repeat(400)}.pdf`]])('%j is stored and downloaded under a safe name', async (name) => {
    const { uploadDocumentAction } = await import('@/app/t/[tenant]/emr/(app)/patients/[id]/documents/actions');
    const title = `Upload ${Math.random().toString(36).slice(2, 8)}`;
    const outcome = await invokeAction(req(`/emr/patients/${w.parent.patient.id}/documents`), uploadDocumentAction, {}, formData({
      patientId: w.parent.patient.id, typeId: w.reportType.id, title, examinationDate: '2026-01-05',
      file: new File([PDF_BYTES], name, { type: 'application/pdf' }),
    }));
    expect(outcome.kind === 'returned' && (outcome.value as { ok?: boolean }).ok, describeOutcome(outcome)).toBe(true);
    const [doc] = await getDb().select().from(documents).where(and(eq(documents.tenantId, w.clinic.id), eq(documents.title, title)));
    expect(doc!.originalFilename).not.toMatch(/[/\\\u0000-\u001f\u202a-\u202e]|^[.\s]/);
    expect([...doc!.originalFilename].length).toBeLessThanOrEqual(150);
    expect(doc!.storageKey).not.toContain('..');

    const { GET } = await import('@/app/api/documents/[id]/download/route');
    const download = await invokeRoute(req('/emr'), GET, { path: `/api/documents/${doc!.id}/download`, params: { id: doc!.id } });
    expect(download.kind, describeOutcome(download)).toBe('response');
    if (download.kind !== 'response') return;
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[\x21-\x7e]*$/);
    expect(download.headers.get('content-disposition')).not.toMatch(/filename="[^"]*[/\\]|\.\.\//);
  });
});

describe('prices and durations', () => {
  it.each([['1e309'], ['-1'], ['NaN'], ['Infinity'], ['١٢٠'], ['１２０'], ['99999999.99'], ['0x10'], ['12.345']])('a price of %j is refused and nothing is stored', async (price) => {
    const { addServiceAction } = await import('@/app/t/[tenant]/crm/(app)/services/actions');
    const name = `Svc ${Math.random().toString(36).slice(2, 8)}`;
    refusedCleanly(await invokeAction(req('/crm/services'), addServiceAction, {}, formData({ name, durationMinutes: '30', price })));
    expect(await getDb().select().from(services).where(and(eq(services.tenantId, w.clinic.id), eq(services.name, name)))).toEqual([]);
  });

  it.each([['-30'], ['0'], ['1e3'], ['٣٠'], ['30.5'], ['481'], ['9'.repeat(400)]])('a duration of %j is refused', async (durationMinutes) => {
    const { addServiceAction } = await import('@/app/t/[tenant]/crm/(app)/services/actions');
    refusedCleanly(await invokeAction(req('/crm/services'), addServiceAction, {}, formData({ name: `Svc ${durationMinutes.slice(0, 5)}`, durationMinutes, price: '' })));
  });
});
