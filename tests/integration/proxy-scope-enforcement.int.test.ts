import { and, desc, eq, inArray } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import {
  auditLog, billingSettings, conversations, documents, outboxMessages, patientNotes, portalAccountPatients, tenantSettings, type ProxyScope,
} from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { assertPortalArea, queryLinkedPatients, queryPatientLinks } from '@/lib/access/linked-patients';
import { listPortalInvoices } from '@/lib/billing/invoice-reads';
import { setClockForTests } from '@/lib/clock';
import { listPortalForms } from '@/lib/clinic-forms/responses';
import { listPortalOrders } from '@/lib/commerce/orders-portal';
import { listPortalConversations, openPortalThread, portalUnreadCount } from '@/lib/conversations/portal';
import { startStaffConversation } from '@/lib/conversations/staff';
import { authorizeDocumentDownload } from '@/lib/documents/authorize-download';
import { listPortalDocuments } from '@/lib/documents/portal-documents';
import { portalAreas } from '@/lib/i18n/messages/portal-areas';
import { enqueueDocumentNotification } from '@/lib/notifications/document-notifications';
import { loadPersonalData } from '@/lib/patients/personal-data';
import { portalDashboard } from '@/lib/patients/portal-dashboard';
import type { PortalArea } from '@/lib/portal-access/proxy-scope';
import { listPortalAppointments } from '@/lib/scheduling/portal-visits';
import { formData, hostFor, invokeAction, signIn, withRequest } from '../support/action-harness';
import { portalContext } from '../support/portal-context';
import { createPortalVisitClinic } from '../support/portal-visit-fixtures';
import { createStaffContext } from '../support/staff-context';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * Issue 19 point 5, the server side: what a link between a portal account and a patient opens
 * (its scope, its dates, the clinic's age rules on the clinic's calendar date) is enforced in
 * lib/ for every area, documents and conversations hidden from proxies stay out of a proxy's
 * reach and notices, and a proxy's entries in the audit log name both people.
 */

const db = getDb;
// Leo (2016-09-03) is 9 here; the clinic is in Chicago.
const MID_2026 = new Date('2026-06-15T15:00:00Z');

type World = Awaited<ReturnType<typeof world>>;

async function world() {
  const w = await createPortalVisitClinic();
  await db().insert(billingSettings).values({ tenantId: w.clinic.id, paymentsEnabled: true, portalBillingVisible: true, gateway: 'test' });
  // A visit each, so Bookings shows something whenever it is open (upcoming now, past later).
  await w.book(w.child.id, '2026-07-01T15:00:00Z');
  await w.book(w.parent.patient.id, '2026-07-01T16:00:00Z');
  const staff = await createStaffContext(w.clinic, 'admin');
  // Maria (the fixture's parent account) acting for Leo, and for herself.
  const asParent: PortalContext = portalContext(w.clinic, w.parent.account.id, w.child.id, { relationship: 'parent' });
  const asSelf: PortalContext = portalContext(w.clinic, w.parent.account.id, w.parent.patient.id);
  const setLink = (values: Partial<typeof portalAccountPatients.$inferInsert>) => db().update(portalAccountPatients).set(values)
    .where(and(eq(portalAccountPatients.tenantId, w.clinic.id), eq(portalAccountPatients.accountId, w.parent.account.id), eq(portalAccountPatients.patientId, w.child.id)));
  return { ...w, staff, asParent, asSelf, setLink };
}

/** Whether a lib/ call for the patient went through (not-found is the refusal). */
async function reaches(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

/** One real lib/ read per area a proxy can be given (the access log and the export are the patient's own: their tests). */
const AREA_CALLS: Record<Exclude<PortalArea, 'access_log' | 'export'>, (w: World, ctx: PortalContext) => Promise<boolean>> = {
  bookings: async (_w, ctx) => {
    const shown = await Promise.all((['upcoming', 'past'] as const).map((when) => listPortalAppointments(db(), ctx, { when, limit: 5 })));
    return shown.some((page) => page.visits.length > 0);
  },
  messages: (_w, ctx) => reaches(() => listPortalConversations(db(), ctx)),
  billing: (_w, ctx) => reaches(() => listPortalInvoices(db(), ctx)),
  documents: (_w, ctx) => reaches(() => listPortalDocuments(db(), ctx)),
  forms: (_w, ctx) => reaches(() => listPortalForms(db(), ctx)),
  orders: (_w, ctx) => reaches(() => listPortalOrders(db(), ctx)),
  records: (_w, ctx) => reaches(() => loadPersonalData(db(), ctx)),
};
const AREAS = Object.keys(AREA_CALLS) as (keyof typeof AREA_CALLS)[];

async function reachable(w: World, ctx: PortalContext): Promise<string[]> {
  const open: string[] = [];
  for (const area of AREAS) if (await AREA_CALLS[area](w, ctx)) open.push(area);
  return open;
}

beforeEach(() => setClockForTests(() => MID_2026));
afterEach(() => setClockForTests(undefined));

describe('a proxy reaches the areas of its scope, in lib/', () => {
  const cases: { scope: ProxyScope; areas?: string[]; expected: string[] }[] = [
    { scope: 'full', expected: [...AREAS] },
    { scope: 'limited', expected: ['bookings', 'messages', 'billing'] },
    { scope: 'custom', areas: ['documents', 'forms', 'not-an-area'], expected: ['documents', 'forms'] },
    { scope: 'custom', areas: ['orders', 'records'], expected: ['orders', 'records'] },
    { scope: 'custom', areas: [], expected: [] },
  ];
  it.each(cases)('$scope $areas', async ({ scope, areas, expected }) => {
    const w = await world();
    await w.setLink({ scope, areas: areas ?? [] });
    expect(await reachable(w, w.asParent)).toEqual(expected);
    // The account acting for itself is untouched by its link to Leo.
    expect(await reachable(w, w.asSelf)).toEqual(AREAS);
  });
});

describe('the link as the session sees it', () => {
  it('opens nothing before its start or after its end (the clinic’s calendar date), and the session then acts for nobody', async () => {
    const w = await world();
    await w.setLink({ startsOn: '2026-06-16', endsOn: '2026-06-30' });
    const leo = async () => (await queryLinkedPatients(db(), w.clinic.id, w.parent.account.id)).find((p) => p.id === w.child.id)!;
    expect(await leo()).toMatchObject({ areas: [], scopeReason: 'not_started' });
    await expect(assertPortalArea(db(), w.asParent, 'bookings')).rejects.toThrow(NotFoundError);

    // 16 June 03:00 UTC is still the 15th in Chicago: not started yet.
    setClockForTests(() => new Date('2026-06-16T03:00:00Z'));
    expect((await leo()).scopeReason).toBe('not_started');
    setClockForTests(() => new Date('2026-06-16T06:00:00Z'));
    expect(await leo()).toMatchObject({ scopeReason: 'scope', areas: expect.arrayContaining(['documents', 'bookings']) });
    setClockForTests(() => new Date('2026-07-01T04:59:00Z'));
    expect((await leo()).scopeReason).toBe('scope');
    setClockForTests(() => new Date('2026-07-01T05:00:00Z'));
    expect(await leo()).toMatchObject({ areas: [], scopeReason: 'ended' });

    // A session that had chosen Leo acts for nobody now, and lists him with the reason.
    const { getPortalSession } = await import('@/lib/auth/portal-session');
    const session = await signIn('portal', { tenantId: w.clinic.id, subjectId: w.parent.account.id, selectedPatientId: w.child.id });
    const state = await withRequest({ host: hostFor(w.clinic.slug), cookies: session.cookies }, () => getPortalSession());
    expect(state.status).toBe('signed-in');
    if (state.status !== 'signed-in') return;
    expect(state.context.patient).toBeNull();
    expect(state.context.patients.find((p) => p.id === w.child.id)).toMatchObject({ areas: [], scopeReason: 'ended' });
  });

  it('narrows a parent to the limited areas from the teen age unless the teen consents, and ends at the adult age unless granted again', async () => {
    const w = await world();
    const leo = async () => (await queryLinkedPatients(db(), w.clinic.id, w.parent.account.id)).find((p) => p.id === w.child.id)!;
    // The day before his 12th birthday in Chicago (late evening: already the 3rd in UTC).
    setClockForTests(() => new Date('2028-09-03T04:00:00Z'));
    expect(await leo()).toMatchObject({ scopeReason: 'scope' });
    expect(await reachable(w, w.asParent)).toEqual([...AREAS]);
    setClockForTests(() => new Date('2028-09-03T15:00:00Z'));
    expect(await leo()).toMatchObject({ scopeReason: 'teen_limited', areas: ['bookings', 'messages', 'billing'] });
    expect(await reachable(w, w.asParent)).toEqual(['bookings', 'messages', 'billing']);

    await w.setLink({ teenConsentAt: new Date('2028-09-03T15:00:00Z') });
    expect(await reachable(w, w.asParent)).toEqual([...AREAS]);

    setClockForTests(() => new Date('2034-09-03T15:00:00Z'));
    expect(await leo()).toMatchObject({ areas: [], scopeReason: 'adult_ended' });
    expect(await reachable(w, w.asParent)).toEqual([]);
    await w.setLink({ adultGrantAt: new Date('2034-09-04T15:00:00Z') });
    expect(await reachable(w, w.asParent)).toEqual([...AREAS]);

    // A clinic without age rules keeps the scope as granted.
    await w.setLink({ teenConsentAt: null, adultGrantAt: null });
    await db().update(tenantSettings).set({ proxyAgeRules: false }).where(eq(tenantSettings.tenantId, w.clinic.id));
    expect(await leo()).toMatchObject({ scopeReason: 'scope' });
    expect(await reachable(w, w.asParent)).toEqual([...AREAS]);
    // The clinic's own ages count: 14 and 21.
    await db().update(tenantSettings).set({ proxyAgeRules: true, proxyTeenAge: 14, proxyAdultAge: 21 }).where(eq(tenantSettings.tenantId, w.clinic.id));
    setClockForTests(() => new Date('2030-09-03T15:00:00Z'));
    expect((await leo()).scopeReason).toBe('teen_limited');
    setClockForTests(() => new Date('2036-09-03T15:00:00Z'));
    expect((await leo()).scopeReason).toBe('teen_limited');
    setClockForTests(() => new Date('2037-09-03T15:00:00Z'));
    expect((await leo()).scopeReason).toBe('adult_ended');
  });

  it('is refused by a portal action outside its areas, in the account’s language, with nothing written', async () => {
    const w = await world();
    await w.setLink({ scope: 'limited' });
    const { createNoteAction } = await import('@/app/t/[tenant]/portal/(app)/notes/actions');
    const session = await signIn('portal', { tenantId: w.clinic.id, subjectId: w.parent.account.id, selectedPatientId: w.child.id });
    const outcome = await invokeAction({ host: hostFor(w.clinic.slug), cookies: session.cookies }, createNoteAction, {}, formData({ title: 'Fever', body: 'Since Monday', visibility: 'private' }));
    expect(outcome).toMatchObject({ kind: 'returned', value: { ok: false, message: portalAreas.en.areaNotOpen } });
    expect(await db().select().from(patientNotes).where(eq(patientNotes.patientId, w.child.id))).toEqual([]);
    // Records opened again: the same note is written.
    await w.setLink({ scope: 'custom', areas: ['records'] });
    const again = await invokeAction({ host: hostFor(w.clinic.slug), cookies: session.cookies }, createNoteAction, {}, formData({ title: 'Fever', body: 'Since Monday', visibility: 'private' }));
    expect(again).not.toMatchObject({ kind: 'returned', value: { ok: false } });
    expect(await db().select().from(patientNotes).where(eq(patientNotes.patientId, w.child.id))).toHaveLength(1);
  });
});

describe('documents and conversations hidden from proxies', () => {
  it('are out of a proxy’s lists, counts, reads, downloads and the home page, and still the patient’s own', async () => {
    const w = await world();
    const shown = await w.addDocument(w.child.id, 'Growth chart', { createdAt: '2026-06-10T12:00:00Z' });
    const hidden = await w.addDocument(w.child.id, 'Counselling note', { createdAt: '2026-06-11T12:00:00Z' });
    await db().update(documents).set({ hiddenFromProxies: true }).where(eq(documents.id, hidden));
    // Leo has his own account too (a teen's), acting for himself.
    const { createPortalAccount } = await import('../support/portal-fixtures');
    const own = await createPortalAccount(w.clinic, { email: `leo-${w.child.id.slice(0, 8)}@x.test`, phone: '+15555550112', password: 'Leo-password-12' });
    await db().insert(portalAccountPatients).values({ tenantId: w.clinic.id, accountId: own.account.id, patientId: w.child.id, relationship: 'self' })
      .onConflictDoNothing();
    const asLeo = portalContext(w.clinic, own.account.id, w.child.id);

    expect((await listPortalDocuments(db(), w.asParent)).map((d) => d.id)).toEqual([shown]);
    expect((await listPortalDocuments(db(), asLeo)).map((d) => d.id).sort()).toEqual([shown, hidden].sort());
    await expect(authorizeDocumentDownload(db(), { kind: 'portal', ctx: w.asParent }, hidden)).rejects.toThrow(NotFoundError);
    expect((await authorizeDocumentDownload(db(), { kind: 'portal', ctx: asLeo }, hidden)).id).toBe(hidden);
    expect((await authorizeDocumentDownload(db(), { kind: 'portal', ctx: w.asParent }, shown)).id).toBe(shown);
    expect((await portalDashboard(db(), w.asParent)).newDocuments.map((d) => d.id)).toEqual([shown]);
    expect((await portalDashboard(db(), asLeo)).newDocuments.map((d) => d.id)).toEqual([hidden, shown]);

    const open = await startStaffConversation(db(), w.staff, { patientId: w.child.id, subject: 'Your visit', body: 'See you Tuesday' });
    const secret = await startStaffConversation(db(), w.staff, { patientId: w.child.id, subject: 'Private', body: 'Only for you' });
    if (!open.ok || !secret.ok) throw new Error('setup');
    await db().update(conversations).set({ hiddenFromProxies: true }).where(eq(conversations.id, secret.conversationId));
    expect((await listPortalConversations(db(), w.asParent)).map((c) => c.id)).toEqual([open.conversationId]);
    expect(await portalUnreadCount(db(), w.asParent)).toBe(1);
    await expect(openPortalThread(db(), w.asParent, secret.conversationId)).rejects.toThrow(NotFoundError);
    expect((await listPortalConversations(db(), asLeo)).map((c) => c.id).sort()).toEqual([open.conversationId, secret.conversationId].sort());
    expect(await portalUnreadCount(db(), asLeo)).toBe(2);
    expect((await openPortalThread(db(), asLeo, secret.conversationId)).messages).toHaveLength(1);
  });

  it('are announced to the patient’s own addresses only; a proxy hears only of what the link opens', async () => {
    const w = await world();
    const recipients = async (key: string) => (await db().select({ to: outboxMessages.recipient }).from(outboxMessages)
      .where(and(eq(outboxMessages.tenantId, w.clinic.id), eq(outboxMessages.idempotencyKey, key)))).map((r) => r.to);
    const parentEmail = w.parent.account.email!;
    const shown = await w.addDocument(w.child.id, 'Growth chart', { createdAt: '2026-06-10T12:00:00Z' });
    const hidden = await w.addDocument(w.child.id, 'Counselling note', { createdAt: '2026-06-11T12:00:00Z' });
    await db().update(documents).set({ hiddenFromProxies: true }).where(eq(documents.id, hidden));

    await enqueueDocumentNotification(db(), { tenantId: w.clinic.id, patientId: w.child.id, documentId: shown });
    await enqueueDocumentNotification(db(), { tenantId: w.clinic.id, patientId: w.child.id, documentId: hidden });
    const keys = (await db().select({ key: outboxMessages.idempotencyKey }).from(outboxMessages).where(eq(outboxMessages.tenantId, w.clinic.id))).map((r) => r.key);
    const shownKeys = keys.filter((k) => k.includes(shown));
    const hiddenKeys = keys.filter((k) => k.includes(hidden));
    expect((await Promise.all(shownKeys.map(recipients))).flat()).toContain(parentEmail);
    expect((await Promise.all(hiddenKeys.map(recipients))).flat()).not.toContain(parentEmail);

    // A limited link does not hear of documents at all.
    await w.setLink({ scope: 'limited' });
    const third = await w.addDocument(w.child.id, 'X-ray', { createdAt: '2026-06-12T12:00:00Z' });
    await enqueueDocumentNotification(db(), { tenantId: w.clinic.id, patientId: w.child.id, documentId: third });
    const thirdKeys = (await db().select({ key: outboxMessages.idempotencyKey }).from(outboxMessages).where(eq(outboxMessages.tenantId, w.clinic.id)))
      .map((r) => r.key).filter((k) => k.includes(third));
    expect((await Promise.all(thirdKeys.map(recipients))).flat()).not.toContain(parentEmail);

    const links = await queryPatientLinks(db(), w.clinic.id, w.child.id);
    expect(links).toEqual([expect.objectContaining({ accountId: w.parent.account.id, relationship: 'parent', areas: ['bookings', 'messages', 'billing'] })]);
  });
});

describe('the audit log', () => {
  it('names a proxy as “<account> acting for <patient>”, and the patient acting for themselves as before', async () => {
    const w = await world();
    const leo = portalContext(w.clinic, w.parent.account.id, w.child.id, { relationship: 'parent' });
    // The session's names, as it loads them.
    const linked = await queryLinkedPatients(db(), w.clinic.id, w.parent.account.id);
    const asParent: PortalContext = {
      ...leo, account: { ...leo.account, fullName: w.parent.account.fullName }, patients: linked, patient: linked.find((p) => p.id === w.child.id)!,
    };
    const asSelf: PortalContext = { ...asParent, patient: linked.find((p) => p.id === w.parent.patient.id)! };
    await listPortalDocuments(db(), asParent);
    await listPortalDocuments(db(), asSelf);
    const rows = await db().select({ patientId: auditLog.patientId, label: auditLog.actorLabel, actorId: auditLog.actorId, details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, w.clinic.id), eq(auditLog.action, 'document.listed'), inArray(auditLog.patientId, [w.child.id, w.parent.patient.id])))
      .orderBy(desc(auditLog.occurredAt));
    const forLeo = rows.find((r) => r.patientId === w.child.id)!;
    expect(forLeo).toMatchObject({ actorId: w.parent.account.id, label: `${w.parent.account.fullName} acting for Leo Test` });
    expect(JSON.stringify(forLeo.details)).not.toContain('Leo');
    expect(rows.find((r) => r.patientId === w.parent.patient.id)).toMatchObject({ actorId: w.parent.account.id, label: null });
  });
});
