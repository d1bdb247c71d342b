import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import {
  auditLog, availabilityRules, documentTypes, formTemplates, locations, providerServices, services, staffUsers, tenantDomains, tenantSettings,
} from '@/db/schema';
import { ForbiddenError } from '@/lib/access/context';
import { setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { LocalObjectStore } from '@/lib/storage/local-object-store';
import { formData, hostFor, invokeAction, invokeRoute, isRefusal, signIn, withRequest, type Outcome } from '../support/action-harness';
import { createTestTenant } from '../support/factories';
import { pdfText } from '../support/pdf-text';
import { createStaffContext } from '../support/staff-context';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

const { GET } = await import('@/app/t/[tenant]/crm/(app)/handout/pdf/route');
const { saveHandoutNoteAction } = await import('@/app/t/[tenant]/crm/(app)/handout/actions');
const { loadHandoutFacts } = await import('@/lib/handout/facts');
const { uploadBrandingAsset } = await import('@/lib/branding-assets/branding-assets');

/**
 * The portal handout in the CRM (issue 15 point 12): the PDF for staff who manage the clinic's
 * settings, nobody else, and never another clinic's; the paragraph saved and audited; the facts
 * the handout is built from read from this clinic's own settings.
 */

// A 1×1 PNG, as a clinic's logo.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

type Clinic = Awaited<ReturnType<typeof createTestTenant>>;
let storeDir: string;

beforeAll(async () => {
  storeDir = await mkdtemp(path.join(os.tmpdir(), 'cb-handout-'));
  setObjectStoreForTests(new LocalObjectStore(storeDir));
});

afterAll(async () => {
  setObjectStoreForTests(undefined);
  await rm(storeDir, { recursive: true, force: true });
});

async function clinicWithStaff(name: string) {
  const clinic = await createTestTenant({ name });
  const admin = await createStaffContext(clinic, 'admin');
  const marketing = await createStaffContext(clinic, 'marketing');
  const physician = await createStaffContext(clinic, 'physician');
  const session = async (ctx: typeof admin) => (await signIn('staff', { tenantId: clinic.id, subjectId: ctx.actor.id })).cookies;
  return { clinic, admin, marketing, physician, cookies: { admin: await session(admin), marketing: await session(marketing), physician: await session(physician) } };
}

/** The route as the browser calls it, with the PDF's bytes kept (invokeRoute reads bodies as text). */
async function downloadPdf(clinic: Clinic, cookies: Record<string, string>, query = '') {
  const host = hostFor(clinic.slug);
  const response = await withRequest({ host, cookies, path: '/crm/handout/pdf' }, () =>
    GET(new Request(`http://${host}/crm/handout/pdf${query}`), { params: Promise.resolve({ tenant: clinic.slug }) }));
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

function callRoute(host: string, tenant: string, cookies: Record<string, string> | undefined, query = ''): Promise<Outcome> {
  return invokeRoute({ host, cookies }, GET, { path: `/crm/handout/pdf${query}`, params: { tenant } });
}

const isPdf = (outcome: Outcome) => outcome.kind === 'response' && outcome.body.startsWith('%PDF');

describe('the handout PDF route', () => {
  it('gives staff with settings.manage a PDF with the clinic’s portal address, in the language asked for', async () => {
    const a = await clinicWithStaff('Lakeside Clinic');
    const { response, bytes } = await downloadPdf(a.clinic, a.cookies.admin, '?lang=es&paper=a4');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="portal-handout-${a.clinic.slug}-es.pdf"`);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const text = pdfText(bytes);
    expect(text).toContain(`http://${a.clinic.slug}.localhost:3000/portal`);
    expect(text).toContain('Su portal del paciente');
    expect(text).toContain('Lakeside Clinic');
    const doc = await PDFDocument.load(bytes);
    expect(Math.round(doc.getPage(0).getHeight())).toBe(842);

    // Without a language: the clinic's default portal language.
    await getDb().update(tenantSettings).set({ defaultLanguage: 'es' }).where(eq(tenantSettings.tenantId, a.clinic.id));
    expect(pdfText((await downloadPdf(a.clinic, a.cookies.admin)).bytes)).toContain('Su portal del paciente');
    expect(pdfText((await downloadPdf(a.clinic, a.cookies.admin, '?lang=en')).bytes)).toContain('Your patient portal');
  });

  it('prints the verified custom domain, never an unverified one', async () => {
    const a = await clinicWithStaff('Domain Clinic');
    const custom = `portal.${a.clinic.slug}.test`;
    await getDb().insert(tenantDomains).values({ tenantId: a.clinic.id, kind: 'custom', hostname: custom, verificationToken: 'tok' });
    expect(pdfText((await downloadPdf(a.clinic, a.cookies.admin)).bytes)).not.toContain(custom);
    await getDb().update(tenantDomains).set({ verifiedAt: new Date() }).where(and(eq(tenantDomains.tenantId, a.clinic.id), eq(tenantDomains.hostname, custom)));
    const text = pdfText((await downloadPdf(a.clinic, a.cookies.admin)).bytes);
    expect(text).toContain(`http://${custom}:3000/portal`);
    expect(text).not.toContain(`${a.clinic.slug}.localhost`);
  });

  it('embeds the clinic’s PNG logo', async () => {
    const a = await clinicWithStaff('Logo Clinic');
    const images = async () => {
      const doc = await PDFDocument.load((await downloadPdf(a.clinic, a.cookies.admin)).bytes);
      const xObjects = doc.getPage(0).node.Resources()?.lookupMaybe(PDFName.of('XObject'), PDFDict);
      return xObjects?.keys().length ?? 0;
    };
    expect(await images()).toBe(0);
    await uploadBrandingAsset(getDb(), a.admin, 'logo', PNG);
    expect(await images()).toBe(1);
  });

  it('refuses everyone else: signed out, without the permission, outside the CRM, and another clinic’s staff', async () => {
    const a = await clinicWithStaff('Victim Clinic');
    const b = await clinicWithStaff('Other Clinic');
    const hostA = hostFor(a.clinic.slug);
    const outcomes = {
      signedOut: await callRoute(hostA, a.clinic.slug, undefined),
      marketing: await callRoute(hostA, a.clinic.slug, a.cookies.marketing),
      physician: await callRoute(hostA, a.clinic.slug, a.cookies.physician),
      otherClinicsAdminHere: await callRoute(hostA, a.clinic.slug, b.cookies.admin),
      otherClinicsAdminOwnHost: await callRoute(hostFor(b.clinic.slug), a.clinic.slug, b.cookies.admin),
      ownAdminOnOtherHost: await callRoute(hostFor(b.clinic.slug), a.clinic.slug, a.cookies.admin),
    };
    expect(outcomes.signedOut).toMatchObject({ kind: 'redirect', location: expect.stringMatching(/^\/crm\/sign-in\?/) });
    expect(outcomes.marketing.kind).toBe('forbidden');
    expect(outcomes.physician.kind).toBe('forbidden');
    expect(outcomes.otherClinicsAdminOwnHost.kind).toBe('not-found');
    for (const [who, outcome] of Object.entries(outcomes)) {
      expect(isRefusal(outcome), who).toBe(true);
      expect(isPdf(outcome), who).toBe(false);
    }
    // The same admin on their own clinic's host gets it: the refusals above are about who asks.
    expect(isPdf(await callRoute(hostA, a.clinic.slug, a.cookies.admin))).toBe(true);
  });

  it('answers 400 to an unknown language or paper, and 409 while the portal is switched off', async () => {
    const a = await clinicWithStaff('Closed Clinic');
    const host = hostFor(a.clinic.slug);
    expect(await callRoute(host, a.clinic.slug, a.cookies.admin, '?lang=fr')).toMatchObject({ kind: 'response', status: 400, body: 'Choose a portal language: en or es.\n' });
    expect(await callRoute(host, a.clinic.slug, a.cookies.admin, '?paper=legal')).toMatchObject({ kind: 'response', status: 400 });
    await getDb().update(tenantSettings).set({ portalEnabled: false }).where(eq(tenantSettings.tenantId, a.clinic.id));
    const closed = await callRoute(host, a.clinic.slug, a.cookies.admin);
    expect(closed).toMatchObject({ kind: 'response', status: 409 });
    expect(closed.kind === 'response' && closed.body).toContain('The patient portal is switched off');
  });
});

describe('the handout paragraph', () => {
  const save = (clinic: Clinic, cookies: Record<string, string>, note: string) =>
    invokeAction({ host: hostFor(clinic.slug), cookies, path: '/crm/handout' }, saveHandoutNoteAction, {}, formData({ note }));
  const noteOf = async (clinic: Clinic) => (await getDb().select({ note: tenantSettings.handoutNote }).from(tenantSettings).where(eq(tenantSettings.tenantId, clinic.id)))[0]!.note;
  const audits = (clinic: Clinic) => getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'settings.handout_note_changed')));

  it('is saved, audited with before and after, printed on the handout, and removed when blank', async () => {
    const a = await clinicWithStaff('Note Clinic');
    const saved = await save(a.clinic, a.cookies.admin, 'Open Monday to Friday.\r\n\r\nParking is free.');
    expect(saved).toMatchObject({ kind: 'returned', value: { ok: true, message: 'Paragraph saved. It appears on the handout in every language.' } });
    expect(saved.revalidated).toContain('path:/crm/handout');
    expect(await noteOf(a.clinic)).toBe('Open Monday to Friday.\n\nParking is free.');
    const [entry] = await audits(a.clinic);
    expect(entry).toMatchObject({ actorId: a.admin.actor.id, details: { changed: { handoutNote: { before: null, after: 'Open Monday to Friday.\n\nParking is free.' } } } });

    const text = pdfText((await downloadPdf(a.clinic, a.cookies.admin)).bytes);
    expect(text).toContain('A note from Note Clinic');
    expect(text).toContain('Parking is free.');

    expect(await save(a.clinic, a.cookies.admin, 'Open Monday to Friday.\n\nParking is free.')).toMatchObject({ kind: 'returned', value: { ok: true, message: 'Nothing to save: the paragraph is already as shown.' } });
    expect(await audits(a.clinic)).toHaveLength(1);

    expect(await save(a.clinic, a.cookies.admin, '   ')).toMatchObject({ kind: 'returned', value: { ok: true, message: 'Paragraph removed from the handout.' } });
    expect(await noteOf(a.clinic)).toBeNull();
    expect(await audits(a.clinic)).toHaveLength(2);
    expect(pdfText((await downloadPdf(a.clinic, a.cookies.admin)).bytes)).not.toContain('A note from');
  });

  it('refuses a paragraph too long, and staff without the permission, changing nothing', async () => {
    const a = await clinicWithStaff('Strict Clinic');
    const long = await save(a.clinic, a.cookies.admin, 'x'.repeat(1001));
    expect(long).toMatchObject({ kind: 'returned', value: { ok: false, fieldErrors: { note: 'Keep the paragraph to 1000 characters or fewer.' }, values: { note: 'x'.repeat(1001) } } });
    expect((await save(a.clinic, a.cookies.marketing, 'Hello')).kind).toBe('forbidden');
    expect(await noteOf(a.clinic)).toBeNull();
    expect(await audits(a.clinic)).toHaveLength(0);
  });

  it('changes only the acting clinic', async () => {
    const a = await clinicWithStaff('Clinic A');
    const b = await clinicWithStaff('Clinic B');
    // B's admin on A's host has no session there; on B's host they change B.
    expect(isRefusal(await save(a.clinic, b.cookies.admin, 'From B'))).toBe(true);
    expect(await save(b.clinic, b.cookies.admin, 'From B')).toMatchObject({ kind: 'returned', value: { ok: true } });
    expect(await noteOf(a.clinic)).toBeNull();
    expect(await noteOf(b.clinic)).toBe('From B');
  });
});

describe('the facts the handout is built from', () => {
  it('need settings.manage', async () => {
    const a = await clinicWithStaff('Facts Clinic');
    await expect(loadHandoutFacts(getDb(), a.marketing, 'http://x.localhost:3000')).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('offer online booking only when something can be booked, forms only when one is published, and the first location’s phone', async () => {
    const a = await clinicWithStaff('Booking Clinic');
    const db = getDb();
    const facts = () => loadHandoutFacts(db, a.admin, `http://${a.clinic.slug}.localhost:3000`);
    expect(await facts()).toMatchObject({ onlineBooking: false, forms: false, homeActivities: false, contactPhone: null, portalHost: `${a.clinic.slug}.localhost` });

    const [location] = await db.insert(locations).values({ tenantId: a.clinic.id, name: 'Downtown', addressLine1: '1 Main St', city: 'Chicago', timeZone: 'America/Chicago', phone: '+13125550100' }).returning();
    const [service] = await db.insert(services).values({ tenantId: a.clinic.id, name: 'Check-up', durationMinutes: 30, bookableOnline: false }).returning();
    const [provider] = await db.insert(staffUsers).values({
      tenantId: a.clinic.id, email: `dr@${a.clinic.slug}.test`, fullName: 'Dr. Lake', accessLevelId: a.clinic.levelId.physician, status: 'active', isProvider: true,
    }).returning();
    await db.insert(providerServices).values({ tenantId: a.clinic.id, providerId: provider!.id, serviceId: service!.id });
    await db.insert(availabilityRules).values({ tenantId: a.clinic.id, providerId: provider!.id, locationId: location!.id, weekday: 2, startTime: '09:00', endTime: '17:00' });
    // Staff-only service: nothing to book online yet.
    expect(await facts()).toMatchObject({ onlineBooking: false, contactPhone: '(312) 555-0100' });
    await db.update(services).set({ bookableOnline: true }).where(eq(services.id, service!.id));
    expect((await facts()).onlineBooking).toBe(true);

    const [type] = await db.select().from(documentTypes).where(eq(documentTypes.tenantId, a.clinic.id)).limit(1);
    const [draft] = await db.insert(formTemplates).values({ tenantId: a.clinic.id, kind: 'intake', title: 'Intake', documentTypeId: type!.id }).returning();
    expect((await facts()).forms).toBe(false);
    await db.update(formTemplates).set({ publishedVersion: 1 }).where(eq(formTemplates.id, draft!.id));
    expect(await facts()).toMatchObject({ forms: true, homeActivities: false });
    await db.update(formTemplates).set({ archivedAt: new Date() }).where(eq(formTemplates.id, draft!.id));
    expect((await facts()).forms).toBe(false);
    await db.insert(formTemplates).values({ tenantId: a.clinic.id, kind: 'home_activity', title: 'Stretches', documentTypeId: type!.id, publishedVersion: 1 });
    expect(await facts()).toMatchObject({ forms: false, homeActivities: true });

    // Another clinic's published form and bookable service say nothing about this one.
    const other = await clinicWithStaff('Quiet Clinic');
    expect(await loadHandoutFacts(db, other.admin, 'http://x.localhost:3000')).toMatchObject({ onlineBooking: false, forms: false, homeActivities: false, contactPhone: null });
  });
});
