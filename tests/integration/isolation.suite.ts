import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { describeAction } from '@/lib/actions/wrappers';
import {
  accessLevels, appointments, authSessions, authTokens, availabilityRules, conversations, documents, documentTypes, formAssignments, formRecordChanges, formResponses, formTemplates,
  formTemplateVersions, homeActivityDays, locations, patientAssignments, patientContacts, patientNotes, patientPortalSettings, patients,
  portalAccountPatients, portalAccounts, providerServices, services, staffUsers, tenantDomains, timeOff,
  billingSettings, cardAuthorizations, cardSetups, invoiceLines, invoices, ledgerEntries, paymentAllocations, payments, savedCards,
  dataExports,
  passkeys,
  portalRegistrations,
  waitlistEntries,
} from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import { installStarterTemplates } from '@/lib/clinic-forms/templates';
import { replyAsPatient } from '@/lib/conversations/portal';
import { replyAsStaff, startStaffConversation } from '@/lib/conversations/staff';
import { portalAreas } from '@/lib/i18n/messages/portal-areas';
import { hashPassword } from '@/lib/identity/password-hash';
import { getObjectStore, setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { LocalObjectStore } from '@/lib/storage/local-object-store';
import {
  describeOutcome, diffSnapshots, fingerprintTenants, formData, hostFor, invokeAction, invokeRoute, isAccessError, isRefusal,
  safeJson, signIn, snapshotTenants, withRequest, type Outcome, type RequestSpec, type RowChange, type Snapshot,
} from '../support/action-harness';
import {
  findInlineServerActions, findServerActionFiles, listRouteHandlers, listServerActions, loadModule,
  type Area, type RouteHandlerEntry, type ServerActionEntry,
} from '../support/app-registry';
import { seedCommerceCatalog, seedCommerceRecords } from '../support/commerce-world';
import { PDF_BYTES } from '../support/document-files';
import { seedConsentRecords } from '../support/engagement-consent-world';
import { seedTaskRecords } from '../support/engagement-tasks-world';
import { seedTemplateRecords } from '../support/engagement-templates-world';
import { createTestTenant } from '../support/factories';
import { createPortalAccount } from '../support/portal-fixtures';
import { portalContext } from '../support/portal-context';
import { createStaffContext } from '../support/staff-context';

// The test files that run this suite (isolation-*.int.test.ts) mock next/headers, next/cache and
// next-auth for it (vi.mock belongs in the test file).

/**
 * Issue 7, point 4: every server action and route handler, called by five attackers against a
 * victim clinic with the victim's real ids. The lists come from the source tree
 * (tests/support/app-registry.ts), so a new action or route is attacked the day it is written.
 *
 * Oracle, for every call: nothing of the victim changed (a row-level diff of every table with a
 * tenant_id, the clinic rows and success entries in the audit log), nothing of the victim is in
 * the answer (names, contact details, titles, message text), and nothing threw (a 500). Calls on
 * authenticated areas from outside the clinic, or without the permission, must also be refused
 * outright (sign-in redirect, 401/403/404). An attacker acting inside their own rights (a portal
 * account of the victim clinic booking for its own patient) may change its own rows only.
 *
 * Attackers: (a) signed out; (b) a patient of another clinic, with its cookie on the victim's
 * host and on its own host; (c) the same for the other clinic's admin; (d) staff of the victim
 * clinic whose level has only emr.access and crm.access; (e) a portal account of the victim
 * clinic linked to its own patient only (and once more with a session row naming the victim);
 * (f) a family member of the victim acting for her with the limited scope (bookings, messages,
 * billing: issue 19): every portal action and route of another area is refused with nothing
 * written, the ones in scope may act for her, and nothing hidden from proxies reaches them.
 * Every request also carries x-middleware-subrequest and an X-Forwarded-Host of the other clinic.
 *
 * A new action or route needs nothing here unless it is public by design (list it below, with
 * why) or its path is a new area (teach app-registry.ts areaOf). ISOLATION_TRACE=1 prints what
 * each call answered.
 */

// Today's inventory; the suite fails when the scan finds fewer (a broken glob, a lost file).
const MINIMUM = { actionFiles: 33, actions: 87, routeHandlers: 13 };

// Public by design: sign-in, activation and recovery flows, the operator's sign-in, and a new
// operator's enrolment (its single-use link is the credential).
// /dev/outbox's reply form is development-only (404 in production or with real providers) and
// acts on a captured text by its id: attackers' ids name none.
const PUBLIC_ACTIONS = new Set([
  'app/platform/console/actions.ts#operatorSignInAction', 'app/platform/console/enrol/[token]/actions.ts#enrolOperatorAction',
  'app/platform/dev/outbox/actions.ts#replyAsNumberAction',
]);
const PUBLIC_ROUTES: Record<string, string> = {
  'app/api/health/route.ts#GET': 'liveness for the load balancer',
  'app/api/branding/[tenantId]/[file]/route.ts#GET': "a clinic's logo, shown on its public sign-in page",
  'app/api/bench/queries/route.ts#GET': 'a query counter, 404 unless the server runs in bench mode',
  'app/api/cron/dispatch/route.ts#GET': 'needs CRON_SECRET (checked below: 401 without it)',
  'app/api/cron/dispatch/route.ts#POST': 'needs CRON_SECRET (checked below: 401 without it)',
  'app/api/webhooks/stripe/route.ts#POST': "needs Stripe's signature (checked below: 400 without it)",
  'app/api/webhooks/resend/route.ts#POST': "needs Resend's Svix signature (checked below: 400 without it)",
  'app/api/webhooks/sms/route.ts#POST': "needs an SNS signature for the configured topic (checked below: 400 without it)",
  'app/api/commerce/product-images/[file]/route.ts#GET': "pictures of a clinic's shop products, served on the clinic's host (another clinic's host: 404, checked below)",
  'app/api/unsubscribe/[token]/route.ts#GET': 'a marketing email\'s unsubscribe address opened in a browser: only a signed token of this host\'s clinic is sent on to its page (checked below: 404 otherwise)',
  'app/api/unsubscribe/[token]/route.ts#POST': 'RFC 8058 one-click unsubscribe: the signed token is the credential (checked below: 404 without one)',
};

/**
 * Actions that answer anyone about the caller's own session instead of refusing. Each answer must
 * pass its check (carry nothing but that); everything else about them is tested as usual.
 */
const SELF_ONLY_ACTIONS: Record<string, (value: unknown) => boolean> = {
  // The idle warning asks how long the session has left: 0 for a caller without one.
  'app/t/[tenant]/portal/(app)/actions.ts#idleSecondsLeftAction': (value) => typeof value === 'number',
  // The staff idle warning (any staff member of the area): the caller's own seconds left, and "stay signed in".
  ...Object.fromEntries(['emr', 'crm'].flatMap((area) => [
    [`app/t/[tenant]/${area}/(app)/idle-actions.ts#idleSecondsLeftAction`, (value: unknown) => isOwnSecondsLeft(value)],
    [`app/t/[tenant]/${area}/(app)/idle-actions.ts#keepAliveAction`, (value: unknown) => JSON.stringify(value) === '{"ok":true}'],
  ])),
};

function isOwnSecondsLeft(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).join() === 'ok,seconds' && Number.isInteger((value as { seconds: unknown }).seconds);
}

/**
 * Actions on the caller's own sign-in ("Sign-in and security": their passkeys) that every staff
 * member may use whatever their level: the victim's staff member without permissions acts within
 * their rights there, on their own rows only (anything of anyone else's is still a problem).
 */
const OWN_ACCOUNT_ACTIONS = /^app\/t\/\[tenant\]\/(emr|crm)\/\(app\)\/account\/actions\.ts#/;
const actingOnOwnAccount = (entry: ServerActionEntry, attacker: Attacker): Attacker =>
  OWN_ACCOUNT_ACTIONS.test(entry.id) && attacker.key === 'd-staff-without-permission' ? { ...attacker, insider: true, mustBeRefused: () => false } : attacker;

/**
 * Routes that answer a caller about their own session instead of refusing (no id in the URL can
 * point them at anyone else). Only insiders acting for their own records (a session valid on the
 * host they call) may get such an answer, and it must be exactly this shape; everyone else,
 * including a session that names the victim as its patient, is refused.
 */
const ownCount = (body: unknown) => typeof body === 'object' && body !== null && Object.keys(body).join() === 'count' && Number.isInteger((body as { count: unknown }).count);
/** A CSV of six columns with its header row (the body as text when it is not JSON). */
const ownCsv = (body: unknown) => typeof body === 'string' && /^[^\r\n,]+(,[^\r\n,]+){5}\r\n/.test(body);
const SELF_ONLY_ROUTES: Record<string, (body: unknown) => boolean> = {
  // The Messages badge: the caller's own unread count (their clinic, their selected patient).
  'app/api/emr/messages/unread/route.ts#GET': ownCount,
  'app/api/portal/messages/unread/route.ts#GET': ownCount,
  // Who viewed my record, as CSV: the log of the caller's own selected patient (no id in the URL).
  'app/t/[tenant]/portal/(app)/access-log/access-log.csv/route.ts#GET': ownCsv,
};

/** Known holes, documented as failing until the lead fixes them: `id -> what happens`. */
const KNOWN_HOLES: Record<string, string> = {};

type World = Awaited<ReturnType<typeof buildWorld>>;
let world: World;
let storeDir: string;
const tally = { calls: 0, refused: 0, answered: 0, byAttacker: {} as Record<string, number> };

beforeAll(async () => {
  storeDir = await mkdtemp(path.join(os.tmpdir(), 'cb-isolation-'));
  setObjectStoreForTests(new LocalObjectStore(storeDir));
  process.env.EMAIL_PROVIDER = 'outbox';
  process.env.SMS_PROVIDER = 'outbox';
  // Webhooks configured, so an unsigned call meets the signature check (400), not "not configured".
  process.env.STRIPE_WEBHOOK_SECRET = 'whsec_isolation_test';
  process.env.RESEND_WEBHOOK_SECRET = 'whsec_aXNvbGF0aW9uLXRlc3Qtc2lnbmluZy1zZWNyZXQ=';
  process.env.SMS_INBOUND_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:isolation-inbound-sms';
  world = await buildWorld();
});

afterAll(async () => {
  setObjectStoreForTests(undefined);
  await rm(storeDir, { recursive: true, force: true });
  console.log(
    `isolation: ${tally.calls} calls tried (${tally.refused} refused outright, ${tally.answered} answered without touching the victim); `
    + `by attacker: ${Object.entries(tally.byAttacker).map(([k, v]) => `${k}=${v}`).join(', ')}`,
  );
});

// ---------------------------------------------------------------------------------------------
// The world: a victim clinic full of data, a second clinic built the same way, and a portal
// account of the victim clinic with records of its own. Attackers acting inside their rights
// get their own valid ids, so one victim id at a time reaches the check that guards it.

type Clinic = Awaited<ReturnType<typeof createTestTenant>>;

/** The clinic's first starter form of a kind, with its version (installStarterTemplates made them). */
async function starterOfKind(tenantId: string, kind: 'home_activity' | 'intake') {
  const [row] = await getDb()
    .select({ templateId: formTemplates.id, versionId: formTemplateVersions.id })
    .from(formTemplates)
    .innerJoin(formTemplateVersions, and(eq(formTemplateVersions.tenantId, formTemplates.tenantId), eq(formTemplateVersions.templateId, formTemplates.id)))
    .where(and(eq(formTemplates.tenantId, tenantId), eq(formTemplates.kind, kind)))
    .limit(1);
  return row;
}

/** What a clinic is set up with: the ids a staff form names. */
async function seedClinicSetup(clinic: Clinic, admin: StaffContext, label: string) {
  const db = getDb();
  const tag = randomBytes(3).toString('hex');
  const [location] = await db.insert(locations).values({ tenantId: clinic.id, name: `${label} Downtown`, addressLine1: '1 Main St', city: 'Chicago', timeZone: 'America/Chicago' }).returning();
  const [service] = await db.insert(services).values({ tenantId: clinic.id, name: 'Check-up', durationMinutes: 30 }).returning();
  const [provider] = await db.insert(staffUsers).values({
    tenantId: clinic.id, email: `provider.${tag}@${label}.test`, fullName: `Dr. ${label} Provider`, accessLevelId: clinic.levelId.physician, status: 'active', isProvider: true,
  }).returning();
  await db.insert(providerServices).values({ tenantId: clinic.id, providerId: provider!.id, serviceId: service!.id });
  const [rule] = await db.insert(availabilityRules).values({ tenantId: clinic.id, providerId: provider!.id, locationId: location!.id, weekday: 2, startTime: '09:00', endTime: '17:00' }).returning();
  const soon = new Date(Date.now() + 30 * 86_400_000);
  const [off] = await db.insert(timeOff).values({ tenantId: clinic.id, providerId: provider!.id, startsAt: soon, endsAt: new Date(soon.getTime() + 86_400_000), reason: 'Leave' }).returning();
  const [domain] = await db.insert(tenantDomains).values({ tenantId: clinic.id, kind: 'custom', hostname: `portal.${label}-${tag}.test`, verificationToken: 'tok' }).returning();
  const [level] = await db.insert(accessLevels).values({ tenantId: clinic.id, name: 'Areas only', permissions: ['emr.access', 'crm.access'] }).returning();
  const [type] = await db.select().from(documentTypes).where(eq(documentTypes.tenantId, clinic.id)).limit(1);
  // The starter forms, among them the home activity the patients are given.
  await installStarterTemplates(db, clinic.id);
  // Commerce: the shop open to new visitors (so the public cart and sign-up are reached, not
  // not-found), a product with its picture in storage, a subscription product, a coupon.
  const commerce = await seedCommerceCatalog(db, clinic.id, { typeId: type!.id, store: getObjectStore() });
  // A message template (CRM → Message templates) the clinic wrote.
  const templates = await seedTemplateRecords(db, clinic.id, { name: `${label} reminder`, secret: `${label} template words ${tag}` });
  return {
    ...commerce,
    ...templates,
    tenantId: clinic.id, staffId: admin.actor.id, providerId: provider!.id, locationId: location!.id, serviceId: service!.id,
    ruleId: rule!.id, timeOffId: off!.id, domainId: domain!.id, levelId: level!.id, adminLevelId: clinic.levelId.admin, typeId: type!.id,
  };
}

interface RecordTexts { documentTitle: string; subject: string; staffMessage: string; patientMessage: string; contactName: string; noteTitle: string; staffNoteTitle: string }

/**
 * A patient's records: a visit, documents, a conversation with a file and a reply, a contact, an
 * invitation, a note the patient shared and one staff shared, and a home activity with a day done.
 */
async function seedPatientRecords(
  clinic: Clinic, admin: StaffContext, setup: Awaited<ReturnType<typeof seedClinicSetup>>,
  who: { patientId: string; accountId: string; email: string }, texts: RecordTexts,
) {
  const db = getDb();
  const [contact] = await db.insert(patientContacts).values({ tenantId: clinic.id, patientId: who.patientId, relationship: 'spouse', fullName: texts.contactName, phone: '+15555550143' }).returning();
  await db.insert(patientAssignments).values({ tenantId: clinic.id, patientId: who.patientId, staffId: setup.providerId });
  const visitAt = new Date(Date.now() + 7 * 86_400_000);
  visitAt.setUTCHours(15, 0, 0, 0);
  // One provider: visits of different patients must not overlap.
  visitAt.setUTCMinutes((await db.select().from(appointments).where(eq(appointments.providerId, setup.providerId))).length * 30);
  const [appointment] = await db.insert(appointments).values({
    tenantId: clinic.id, patientId: who.patientId, providerId: setup.providerId, serviceId: setup.serviceId, locationId: setup.locationId,
    startsAt: visitAt, endsAt: new Date(visitAt.getTime() + 30 * 60_000), status: 'booked', bookedByKind: 'staff', bookedById: admin.actor.id,
  }).returning();
  const newDocument = async (status: 'available' | 'pending') => {
    const id = crypto.randomUUID();
    await db.insert(documents).values({
      tenantId: clinic.id, id, patientId: who.patientId, typeId: setup.typeId, title: texts.documentTitle, examinationDate: '2026-01-05',
      visibleToPatient: true, status, storageKey: `documents/${clinic.id}/${who.patientId}/${id}`, originalFilename: 'report.pdf',
      contentType: 'application/pdf', sizeBytes: PDF_BYTES.length, uploadedByKind: 'staff', uploadedById: admin.actor.id,
    });
    return id;
  };
  const documentId = await newDocument('available');
  const pendingDocumentId = await newDocument('pending');
  // A data export ready for its one download (issue 19): only its own asker may spend it.
  const dataExportId = crypto.randomUUID();
  const exportKey = `exports/${clinic.id}/${who.patientId}/${dataExportId}-1.zip`;
  await getObjectStore().put(exportKey, PDF_BYTES, { contentType: 'application/zip', contentLength: PDF_BYTES.length });
  await db.insert(dataExports).values({
    tenantId: clinic.id, id: dataExportId, patientId: who.patientId, accountId: who.accountId, status: 'ready', storageKey: exportKey,
    sizeBytes: PDF_BYTES.length, attempts: 1, readyAt: new Date(), expiresAt: new Date(Date.now() + 7 * 86_400_000),
  });
  const started = await startStaffConversation(db, admin, { patientId: who.patientId, subject: texts.subject, body: texts.staffMessage });
  if (!started.ok) throw new Error(`setup: ${started.message}`);
  const withFile = await replyAsStaff(db, admin, started.conversationId, {
    body: texts.staffMessage, files: [new File([PDF_BYTES], 'report.pdf', { type: 'application/pdf' })],
  });
  if (!withFile.ok) throw new Error(`setup: ${withFile.message}`);
  const reply = await replyAsPatient(db, portalContext(clinic, who.accountId, who.patientId), started.conversationId, { body: texts.patientMessage });
  if (!reply.ok) throw new Error(`setup: ${reply.message}`);
  const [attachment] = await db.execute(sql`select id from message_attachments where message_id = ${withFile.messageId} limit 1`).then((r) => rowsOf<{ id: string }>(r));
  const [invite] = await db.insert(authTokens).values({
    tenantId: clinic.id, purpose: 'patient_invite', tokenHash: `hash-${randomBytes(6).toString('hex')}`, email: who.email, patientId: who.patientId,
    relationship: 'self', createdByStaffId: admin.actor.id, expiresAt: new Date(Date.now() + 86_400_000),
  }).returning();
  const [patientNote] = await db.insert(patientNotes).values({
    tenantId: clinic.id, patientId: who.patientId, authorKind: 'patient', authorAccountId: who.accountId, title: texts.noteTitle, body: `${texts.noteTitle} body`, visibility: 'shared',
  }).returning();
  const [staffNote] = await db.insert(patientNotes).values({
    tenantId: clinic.id, patientId: who.patientId, authorKind: 'staff', authorStaffId: admin.actor.id, title: texts.staffNoteTitle, body: `${texts.staffNoteTitle} body`, visibility: 'shared',
  }).returning();
  const activity = await starterOfKind(clinic.id, 'home_activity');
  const [assignment] = await db.insert(formAssignments).values({
    tenantId: clinic.id, patientId: who.patientId, templateId: activity!.templateId, versionId: activity!.versionId, source: 'chart', assignedById: admin.actor.id,
  }).returning();
  await db.insert(homeActivityDays).values({ tenantId: clinic.id, assignmentId: assignment!.id, day: new Date().toISOString().slice(0, 10), markedByAccountId: who.accountId });
  // A submitted intake whose answer proposes a new city: the review list's change.
  const intake = await starterOfKind(clinic.id, 'intake');
  const [submitted] = await db.insert(formAssignments).values({
    tenantId: clinic.id, patientId: who.patientId, templateId: intake!.templateId, versionId: intake!.versionId, source: 'chart', status: 'submitted', submittedAt: new Date(),
  }).returning();
  const [response] = await db.insert(formResponses).values({
    tenantId: clinic.id, assignmentId: submitted!.id, patientId: who.patientId, versionId: intake!.versionId, status: 'submitted', submittedAt: new Date(), revision: 1,
  }).returning();
  const [change] = await db.insert(formRecordChanges).values({
    tenantId: clinic.id, responseId: response!.id, patientId: who.patientId, field: 'city', proposedValue: `${texts.noteTitle} City`,
  }).returning();
  // Billing: an open invoice, a paid one with its desk payment, a saved card the patient authorised.
  await db.insert(billingSettings).values({ tenantId: clinic.id, paymentsEnabled: true, gateway: 'test' }).onConflictDoNothing();
  const newInvoice = async (paid: boolean) => {
    const [inv] = await db.insert(invoices).values({
      tenantId: clinic.id, patientId: who.patientId, number: (await db.select().from(invoices).where(eq(invoices.tenantId, clinic.id))).length + 1,
      status: paid ? 'paid' : 'open', currency: 'USD', issueDate: '2026-12-01', dueDate: '2026-12-31', subtotal: 5_000, total: 5_000,
    }).returning();
    await db.insert(invoiceLines).values({ tenantId: clinic.id, invoiceId: inv!.id, position: 1, kind: 'service', description: `${texts.noteTitle} service`, quantity: 1, unitAmount: 5_000, subtotal: 5_000, taxAmount: 0, total: 5_000 });
    await db.insert(ledgerEntries).values({ tenantId: clinic.id, patientId: who.patientId, kind: 'charge', amount: 5_000, currency: 'USD', invoiceId: inv!.id, actorKind: 'staff' });
    return inv!.id;
  };
  const invoiceId = await newInvoice(false);
  const paidInvoiceId = await newInvoice(true);
  const [payment] = await db.insert(payments).values({
    tenantId: clinic.id, patientId: who.patientId, method: 'cash', status: 'succeeded', amount: 5_000, currency: 'USD',
    idempotencyKey: `seed:${randomBytes(4).toString('hex')}`, succeededAt: new Date(), staffId: admin.actor.id,
  }).returning();
  await db.insert(paymentAllocations).values({ tenantId: clinic.id, paymentId: payment!.id, invoiceId: paidInvoiceId, amount: 5_000 });
  await db.insert(ledgerEntries).values({ tenantId: clinic.id, patientId: who.patientId, kind: 'payment', amount: -5_000, currency: 'USD', invoiceId: paidInvoiceId, paymentId: payment!.id, actorKind: 'staff' });
  const [card] = await db.insert(savedCards).values({
    tenantId: clinic.id, patientId: who.patientId, gateway: 'test', paymentMethodRef: `test_pm_${randomBytes(4).toString('hex')}`, brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, isDefault: true,
  }).returning();
  await db.insert(cardAuthorizations).values({ tenantId: clinic.id, savedCardId: card!.id, patientId: who.patientId, accountId: who.accountId, textVersion: 'v', scopes: ['invoices', 'no_show_fees'] });
  // A card being saved, waiting on the bank's check.
  const [cardSetup] = await db.insert(cardSetups).values({
    tenantId: clinic.id, patientId: who.patientId, accountId: who.accountId, gateway: 'test', status: 'requires_action',
    idempotencyKey: `seed:${randomBytes(4).toString('hex')}`, setupRef: `test_seti_${randomBytes(4).toString('hex')}`,
  }).returning();
  // Consent: a yes to marketing texts and an unsubscribed email, which no attacker may change.
  const consent = await seedConsentRecords(db, clinic.id, { patientId: who.patientId, email: who.email });
  // Commerce: a paid order waiting for its form and upload, the subscription it started and its
  // failed renewal (on the open invoice), a shipped order with its package and a staff note.
  const commerce = await seedCommerceRecords(db, clinic.id, setup, {
    patientId: who.patientId, accountId: who.accountId, staffId: admin.actor.id, typeId: setup.typeId, cardId: card!.id,
    paidInvoiceId, openInvoiceId: invoiceId, shipTo: texts.contactName, noteText: `${texts.staffNoteTitle} order note`,
  });
  // Tasks: an open one about the patient given to the provider (its title carries a secret), and a
  // done one. Only the open one's id is sent (each id here is tried on every route with an [id]).
  const { taskId } = await seedTaskRecords(db, clinic.id, { patientId: who.patientId, staffId: setup.providerId, title: `${texts.staffNoteTitle} task` });
  // A passkey of the account (issue 19): only the account itself may rename or remove it, and its name is never told to anyone else.
  const [passkey] = await db.insert(passkeys).values({
    tenantId: clinic.id, subjectKind: 'portal_account', subjectId: who.accountId, name: `${texts.staffNoteTitle} passkey`,
    credentialId: randomBytes(16).toString('base64url'), publicKey: randomBytes(16).toString('base64url'), rpId: `${clinic.slug}.localhost`,
  }).returning();
  // A self-registration waiting for the clinic (issue 19): only its own staff who may edit patients decide on it.
  const [registrant] = await db.insert(patients).values({
    tenantId: clinic.id, recordNumber: `REG-${randomBytes(3).toString('hex')}`, firstName: texts.contactName, lastName: `${texts.staffNoteTitle} registrant`, dateOfBirth: '1990-01-01',
  }).returning();
  const [pendingAccount] = await db.insert(portalAccounts).values({
    tenantId: clinic.id, fullName: texts.contactName, email: `registrant.${randomBytes(3).toString('hex')}@${clinic.slug}.test`, phone: '+15555550144',
    phoneVerifiedAt: new Date(), passwordHash: 'not-a-hash', status: 'pending',
  }).returning();
  const [registration] = await db.insert(portalRegistrations).values({
    tenantId: clinic.id, accountId: pendingAccount!.id, patientId: registrant!.id, status: 'pending', possibleDuplicateOf: who.patientId,
  }).returning();
  // On the waitlist (issue 20): staff remove it, the patient leaves it, nobody else reaches it.
  const [waiting] = await db.insert(waitlistEntries).values({
    tenantId: clinic.id, patientId: who.patientId, serviceId: setup.serviceId, locationId: setup.locationId,
    untilOn: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10), createdByKind: 'staff', createdById: admin.actor.id,
  }).returning();
  return {
    waitlistEntryId: waiting!.id,
    registrationId: registration!.id,
    passkeyId: passkey!.id,
    ...commerce,
    taskId,
    ...consent,
    invoiceId, paidInvoiceId, paymentId: payment!.id, cardId: card!.id, setupId: cardSetup!.id,
    patientId: who.patientId, accountId: who.accountId, appointmentId: appointment!.id, documentId, pendingDocumentId,
    conversationId: started.conversationId, staffMessageId: withFile.messageId, patientMessageId: reply.messageId,
    attachmentId: attachment!.id, contactId: contact!.id, tokenId: invite!.id, dataExportId,
    patientNoteId: patientNote!.id, staffNoteId: staffNote!.id, assignmentId: assignment!.id,
    templateId: intake!.templateId, submittedAssignmentId: submitted!.id, changeId: change!.id,
  };
}

type IdMap = Awaited<ReturnType<typeof seedClinicSetup>> & Awaited<ReturnType<typeof seedPatientRecords>>;

async function buildWorld() {
  const db = getDb();
  const tag = randomBytes(3).toString('hex');
  const victim = await createTestTenant({ slug: `victim-${tag}`, name: 'Victim Clinic' });
  const harbor = await createTestTenant({ slug: `harbor-${tag}`, name: 'Harbor Clinic' });
  const admin = await createStaffContext(victim, 'admin', `admin.secret.${tag}@victim.test`);
  const harborAdmin = await createStaffContext(harbor, 'admin');

  const secret = {
    firstName: 'Wilhelmina', lastName: `Vandersloot${tag}`, email: `wilhelmina.${tag}@victim.test`, phone: '+15555550142',
    recordNumber: `VIC-${tag}`, documentTitle: `Vandersloot biopsy ${tag}`, subject: `Vandersloot subject ${tag}`,
    staffMessage: `Vandersloot staff note ${tag}`, patientMessage: `Vandersloot patient words ${tag}`, contactName: `Ottoline Kessler${tag}`,
    noteTitle: `Vandersloot own note ${tag}`, staffNoteTitle: `Vandersloot chart note ${tag}`,
    adminEmail: admin.actor.email,
  };
  const [patient] = await db.insert(patients).values({
    tenantId: victim.id, recordNumber: secret.recordNumber, firstName: secret.firstName, lastName: secret.lastName,
    dateOfBirth: '1961-02-03', email: secret.email, phone: secret.phone,
  }).returning();
  await db.insert(patientPortalSettings).values({ tenantId: victim.id, patientId: patient!.id, accessEnabled: true, portalCode: '481516' });
  const [account] = await db.insert(portalAccounts).values({
    tenantId: victim.id, fullName: `${secret.firstName} ${secret.lastName}`, email: secret.email, phone: secret.phone,
    phoneVerifiedAt: new Date(), passwordHash: await hashPassword('Victim-password-42'),
  }).returning();
  await db.insert(portalAccountPatients).values({ tenantId: victim.id, accountId: account!.id, patientId: patient!.id, relationship: 'self' });

  const victimSetup = await seedClinicSetup(victim, admin, 'victim');
  const victimRecords = await seedPatientRecords(victim, admin, victimSetup, { patientId: patient!.id, accountId: account!.id, email: secret.email }, secret);
  const bland = (who: string): RecordTexts => ({
    documentTitle: `${who} x-ray`, subject: `${who} question`, staffMessage: `${who} hello`, patientMessage: `${who} thanks`, contactName: `${who} contact`,
    noteTitle: `${who} note`, staffNoteTitle: `${who} chart note`,
  });

  // Attacker (d): staff of the victim clinic who may open both areas and do nothing else.
  const [lite] = await db.insert(staffUsers).values({
    tenantId: victim.id, email: `lite.${tag}@victim.test`, fullName: 'Lite Staffer', accessLevelId: victimSetup.levelId, status: 'active',
  }).returning();
  // Attacker (e): a portal account of the victim clinic, linked to its own patient only.
  const stranger = await createPortalAccount(victim, { email: `stranger.${tag}@victim.test`, phone: '+15555550177', password: 'Stranger-password-7' });
  const strangerRecords = await seedPatientRecords(victim, admin, victimSetup, { patientId: stranger.patient.id, accountId: stranger.account.id, email: stranger.account.email! }, bland('Stranger'));
  // Attacker (f): a caregiver of the victim with the limited scope; the victim, an adult, granted it.
  const proxy = await createPortalAccount(victim, { email: `proxy.${tag}@victim.test`, phone: '+15555550166', password: 'Proxy-password-6' });
  await db.insert(portalAccountPatients).values({
    tenantId: victim.id, accountId: proxy.account.id, patientId: patient!.id, relationship: 'caregiver', scope: 'limited', adultGrantAt: new Date(),
  });
  // What staff hid from proxies: a document and a conversation of the victim (their words are secrets for everyone).
  const hidden = { documentTitle: `Vandersloot hidden report ${tag}`, subject: `Vandersloot hidden subject ${tag}`, body: `Vandersloot hidden words ${tag}` };
  const hiddenDocumentId = crypto.randomUUID();
  await db.insert(documents).values({
    tenantId: victim.id, id: hiddenDocumentId, patientId: patient!.id, typeId: victimSetup.typeId, title: hidden.documentTitle, examinationDate: '2026-01-06',
    visibleToPatient: true, hiddenFromProxies: true, status: 'available', storageKey: `documents/${victim.id}/${patient!.id}/${hiddenDocumentId}`,
    originalFilename: 'hidden.pdf', contentType: 'application/pdf', sizeBytes: PDF_BYTES.length, uploadedByKind: 'staff', uploadedById: admin.actor.id,
  });
  await getObjectStore().put(`documents/${victim.id}/${patient!.id}/${hiddenDocumentId}`, PDF_BYTES, { contentType: 'application/pdf', contentLength: PDF_BYTES.length });
  const hiddenThread = await startStaffConversation(db, admin, { patientId: patient!.id, subject: hidden.subject, body: hidden.body });
  if (!hiddenThread.ok) throw new Error(`setup: ${hiddenThread.message}`);
  await db.update(conversations).set({ hiddenFromProxies: true }).where(eq(conversations.id, hiddenThread.conversationId));
  // Attackers (b) and (c): a patient and an admin of another clinic, which has data of its own.
  const harborPatient = await createPortalAccount(harbor, { email: `harbor.${tag}@harbor.test`, phone: '+15555550188', password: 'Harbor-password-8' });
  const harborSetup = await seedClinicSetup(harbor, harborAdmin, 'harbor');
  const harborRecords = await seedPatientRecords(harbor, harborAdmin, harborSetup, { patientId: harborPatient.patient.id, accountId: harborPatient.account.id, email: harborPatient.account.email! }, bland('Harbor'));

  // The victim's own sessions: an attack that revokes or re-points them shows in the diff.
  await signIn('portal', { tenantId: victim.id, subjectId: account!.id, selectedPatientId: patient!.id });
  await signIn('staff', { tenantId: victim.id, subjectId: admin.actor.id });

  const ids: IdMap = { ...victimSetup, ...victimRecords };
  return {
    victim, harbor, ids, secret, hidden,
    hiddenIds: { documentId: hiddenDocumentId, conversationId: hiddenThread.conversationId },
    /** The victim's own records: a change touching one is never "the attacker's own business". */
    principals: [...Object.values(victimRecords), hiddenDocumentId, hiddenThread.conversationId],
    /** Whose sessions must survive every call: the victim patient's account and the clinic's admin. */
    victimSubjects: [account!.id, admin.actor.id],
    /** Valid ids for insiders' forms (staff: a colleague, never the attacker's own account). */
    own: {
      harbor: { ...harborSetup, ...harborRecords, staffId: harborSetup.providerId } satisfies IdMap,
      // The stranger names the clinic's own locations, services and staff, and its own records.
      stranger: { ...victimSetup, ...strangerRecords, staffId: victimSetup.providerId } satisfies IdMap,
    },
    /** Rows holding one of these are the attacker's own business. */
    ownRecords: { harbor: [harbor.id, harborAdmin.actor.id, ...Object.values(harborRecords)], stranger: Object.values(strangerRecords) },
    attackers: {
      lite: { staffId: lite!.id },
      stranger: { accountId: stranger.account.id, patientId: stranger.patient.id },
      proxy: { accountId: proxy.account.id, patientId: proxy.patient.id },
      harborPatient: { accountId: harborPatient.account.id, patientId: harborPatient.patient.id },
      harborAdmin: { staffId: harborAdmin.actor.id },
    },
  };
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

// ---------------------------------------------------------------------------------------------
// Attackers.

interface Attacker {
  key: string;
  /** Signed in to the clinic whose host it uses, acting within its rights there. */
  insider: boolean;
  /** Must be refused outright on authenticated areas (not merely harmless). */
  mustBeRefused: (area: Area) => boolean;
  host: () => string;
  cookies: () => Promise<Record<string, string>>;
  ownIds: () => string[];
  /** For insiders: valid ids of their own, so each victim id can be sent alone. */
  own?: () => IdMap;
  /**
   * A proxy acting for the victim: the portal areas its link opens. A portal action or route in
   * one of them may act for the victim (change and show her records, nothing hidden from
   * proxies); one outside them must be refused with nothing changed.
   */
  scopeAreas?: readonly string[];
}

const sessions = new Map<string, { sessionId: string; cookies: Record<string, string> }>();

/** One session per attacker, made again when a call has ended it (the sign-out actions). */
async function sessionFor(key: string, kind: 'portal' | 'staff', session: { tenantId: string; subjectId: string; selectedPatientId?: string }) {
  const cached = sessions.get(key);
  if (cached) {
    const [row] = await getDb().select({ revokedAt: authSessions.revokedAt }).from(authSessions).where(eq(authSessions.id, cached.sessionId));
    if (row && !row.revokedAt) return cached.cookies;
  }
  const made = await signIn(kind, session);
  sessions.set(key, made);
  return made.cookies;
}

const rootHost = () => 'localhost:3000';
const victimHost = () => hostFor(world.victim.slug);
const protectedArea = (area: Area) => area === 'portal' || area === 'emr' || area === 'crm' || area === 'operator';

const ATTACKERS: Attacker[] = [
  {
    key: 'a-signed-out', insider: false, mustBeRefused: protectedArea, host: victimHost,
    cookies: async () => ({}), ownIds: () => [],
  },
  {
    key: 'b-other-clinic-patient', insider: false, mustBeRefused: protectedArea, host: victimHost,
    cookies: () => sessionFor('harbor-patient', 'portal', { tenantId: world.harbor.id, subjectId: world.attackers.harborPatient.accountId, selectedPatientId: world.attackers.harborPatient.patientId }),
    ownIds: () => world.ownRecords.harbor,
  },
  {
    // The same patient on their own clinic's host, sending the victim's ids.
    key: 'b-other-clinic-patient@own-host', insider: true, mustBeRefused: (area) => area === 'emr' || area === 'crm' || area === 'operator', host: () => hostFor(world.harbor.slug),
    cookies: () => sessionFor('harbor-patient', 'portal', { tenantId: world.harbor.id, subjectId: world.attackers.harborPatient.accountId, selectedPatientId: world.attackers.harborPatient.patientId }),
    ownIds: () => world.ownRecords.harbor, own: () => world.own.harbor,
  },
  {
    key: 'c-other-clinic-admin', insider: false, mustBeRefused: protectedArea, host: victimHost,
    cookies: () => sessionFor('harbor-admin', 'staff', { tenantId: world.harbor.id, subjectId: world.attackers.harborAdmin.staffId }),
    ownIds: () => world.ownRecords.harbor,
  },
  {
    key: 'c-other-clinic-admin@own-host', insider: true, mustBeRefused: (area) => area === 'portal' || area === 'operator', host: () => hostFor(world.harbor.slug),
    cookies: () => sessionFor('harbor-admin', 'staff', { tenantId: world.harbor.id, subjectId: world.attackers.harborAdmin.staffId }),
    ownIds: () => world.ownRecords.harbor, own: () => world.own.harbor,
  },
  {
    key: 'd-staff-without-permission', insider: false, mustBeRefused: protectedArea, host: victimHost,
    cookies: () => sessionFor('lite', 'staff', { tenantId: world.victim.id, subjectId: world.attackers.lite.staffId }),
    ownIds: () => [world.attackers.lite.staffId],
  },
  {
    key: 'e-unlinked-portal-account', insider: true, mustBeRefused: (area) => area === 'emr' || area === 'crm' || area === 'operator', host: victimHost,
    cookies: () => sessionFor('stranger', 'portal', { tenantId: world.victim.id, subjectId: world.attackers.stranger.accountId, selectedPatientId: world.attackers.stranger.patientId }),
    ownIds: () => world.ownRecords.stranger, own: () => world.own.stranger,
  },
  {
    // The same account with a session row that names the victim as the patient acted for (as a
    // bug in patient switching might leave it): the link must still be checked on every request.
    key: 'e-unlinked-portal-account+victim-selected', insider: true, mustBeRefused: (area) => area === 'emr' || area === 'crm' || area === 'operator', host: victimHost,
    cookies: () => sessionFor('stranger-selecting-victim', 'portal', { tenantId: world.victim.id, subjectId: world.attackers.stranger.accountId, selectedPatientId: world.ids.patientId }),
    ownIds: () => world.ownRecords.stranger,
  },
  {
    key: 'f-limited-proxy', insider: true, mustBeRefused: (area) => area === 'emr' || area === 'crm' || area === 'operator', host: victimHost,
    cookies: () => sessionFor('limited-proxy', 'portal', { tenantId: world.victim.id, subjectId: world.attackers.proxy.accountId, selectedPatientId: world.ids.patientId }),
    ownIds: () => [world.attackers.proxy.accountId, world.attackers.proxy.patientId], scopeAreas: ['bookings', 'messages', 'billing'],
  },
];

/**
 * Sent with every call: the header of CVE-2025-29927 (which made Next skip middleware) and a
 * forwarded host naming the other clinic. Neither may change whose data a call reaches.
 */
function spoofedHeaders(host: string): Record<string, string> {
  const other = host === victimHost() ? hostFor(world.harbor.slug) : victimHost();
  return {
    'x-middleware-subrequest': 'middleware:middleware:middleware:middleware:middleware',
    'x-forwarded-host': other,
    'x-original-host': other,
  };
}

// ---------------------------------------------------------------------------------------------
// Oracle: what changed in the victim's data, and what the answer gave away.

type Change = RowChange;
const snapshot = () => snapshotTenants([world.victim.id]);

// The state after the last call, so most calls cost one digest query; reset per test because
// set-up steps in a test change the database between calls.
let baseline: { snapshot: Snapshot; digest: string } | undefined;
beforeEach(() => { baseline = undefined; });

async function currentBaseline() {
  baseline ??= { snapshot: await snapshot(), digest: await fingerprintTenants([world.victim.id]) };
  return baseline;
}

/** What the call changed since the baseline, which then moves on. */
async function changesSinceBaseline(): Promise<Change[]> {
  const before = await currentBaseline();
  const digest = await fingerprintTenants([world.victim.id]);
  if (digest === before.digest) return [];
  const after = await snapshot();
  baseline = { snapshot: after, digest };
  return diff(before.snapshot, after);
}
const diff = diffSnapshots;

// Audit entries a public sign-in or recovery flow writes for anyone who asks (no access granted).
const PUBLIC_FLOW_AUDIT = new Set(['auth.password_reset_requested', 'auth.code_sent']);

/**
 * Changes a call may make: its own sessions; its own records when it is acting inside its
 * rights; and, in the public sign-in and recovery flows, the bookkeeping those flows keep for
 * anyone (challenges, attempt counters, a reset code or link sent to the account's owner).
 */
function allowed(change: Change, attacker: Attacker, publicFlow: boolean): boolean {
  const table = change.key.split(':')[0];
  const touchesVictim = world.principals.some((id) => change.row.includes(id));
  const own = attacker.ownIds().some((id) => change.row.includes(id));
  // Sessions: any but the victim's own (an attacker's session row may name the victim patient).
  if (table === 'auth_sessions') {
    const subject = (JSON.parse(change.after ?? change.before!) as { subject_id: string }).subject_id;
    if (!world.victimSubjects.includes(subject)) return true;
  }
  // The clinic's SMS count (lib/sms-spend): a code the call sent to its own caller counts, as
  // any SMS does; nothing else of the month's row (held, the budget marks) may move.
  if (table === 'sms_monthly_usage') {
    const row = JSON.parse(change.after ?? '{}') as { held?: number; warned_at?: unknown; exhausted_at?: unknown };
    if (change.kind === 'added' && row.held === 0 && row.warned_at === null && row.exhausted_at === null) return true;
    if (change.kind === 'changed' && change.columns.every((c) => c === 'sent' || c === 'segments')) return true;
  }
  // The simulated card processor's own records (a tokenised test card): what a real provider
  // would hold on its side, made when a patient types a card for themselves.
  if (table === 'test_gateway_objects' && attacker.insider && !touchesVictim) return true;
  if (own && !touchesVictim) {
    if (attacker.insider) return true;
    // Outside their rights, only their own sign-out and its audit entry.
    if (table === 'audit_log' && change.row.includes('"action": "auth.sign_out"')) return true;
  }
  if (publicFlow) {
    if (table === 'auth_challenges' || table === 'sms_code_sends') return true;
    const counter = (c: string) => /failed|locked|attempts/.test(c);
    if (change.kind === 'changed' && change.columns.some(counter) && change.columns.every((c) => counter(c) || c === 'updated_at')) return true;
    if (table === 'auth_tokens' && change.row.includes('"purpose": "password_reset"') && change.row.includes('"used_at": null')) return true;
    if (table === 'audit_log' && change.kind === 'added') {
      const action = (JSON.parse(change.after!) as { action: string }).action;
      if (PUBLIC_FLOW_AUDIT.has(action)) return true;
    }
  }
  return false;
}

function sensitiveStrings(): string[] {
  return [...Object.values(world.secret), ...Object.values(world.hidden)];
}

/** For a proxy acting for the victim in scope: only what staff hid from proxies is a leak. */
function hiddenLeaks(outcome: Outcome, input: string): string[] {
  const answer = outcome.kind === 'returned' ? safeJson(outcome.value) : outcome.kind === 'response' ? outcome.body : outcome.kind === 'redirect' ? outcome.location : '';
  return Object.values(world.hidden).filter((s) => answer.includes(s) && !input.includes(s));
}

/**
 * What a proxy in scope may change: anything of the patient it acts for in her clinic (a
 * booking, a payment, a message) but the victim's own sessions.
 */
function allowedInScope(change: Change): boolean {
  if (change.key.split(':')[0] !== 'auth_sessions') return true;
  const subject = (JSON.parse(change.after ?? change.before!) as { subject_id: string }).subject_id;
  return !world.victimSubjects.includes(subject);
}

/** A portal action's refusal of an area the link does not open (lib/actions/wrappers.ts), in either language. */
const isAreaRefusal = (outcome: Outcome) => outcome.kind === 'returned'
  && [portalAreas.en, portalAreas.es].some((words) => safeJson(outcome.value) === safeJson({ ok: false, message: words.areaNotOpen }));

function leaks(outcome: Outcome, input: string): string[] {
  const answer = outcome.kind === 'returned' ? safeJson(outcome.value)
    : outcome.kind === 'response' ? outcome.body
      : outcome.kind === 'redirect' ? outcome.location
        : outcome.kind === 'threw' ? String((outcome.error as Error)?.stack ?? outcome.error) : '';
  return sensitiveStrings().filter((s) => answer.includes(s) && !input.includes(s));
}

interface CallResult { attacker: string; label: string; outcome: Outcome; problems: string[]; refused: boolean; inScope: boolean }

async function attack(
  attacker: Attacker,
  label: string,
  area: Area,
  publicFlow: boolean,
  input: string,
  call: (req: RequestSpec) => Promise<Outcome>,
  selfOnly?: (value: unknown) => boolean,
  /** The portal area of the action or route (lib/portal-access/proxy-scope.ts), when it has one. */
  portalArea?: string,
): Promise<CallResult> {
  const host = area === 'operator' ? rootHost() : attacker.host();
  await currentBaseline();
  const req: RequestSpec = { host, cookies: await attacker.cookies(), headers: spoofedHeaders(host) };
  const outcome = await call(req);
  // A proxy acting for the victim inside its scope (issue 19).
  const inScope = attacker.scopeAreas !== undefined && portalArea !== undefined && attacker.scopeAreas.includes(portalArea);
  const changes = (await changesSinceBaseline()).filter((c) => !(inScope ? allowedInScope(c) : allowed(c, attacker, publicFlow)));
  const problems: string[] = [];
  if (outcome.kind === 'threw' && !isAccessError(outcome.error)) problems.push(`threw (a 500): ${describeOutcome(outcome)}`);
  if (outcome.kind === 'response' && outcome.status >= 500) problems.push(`answered ${outcome.status}`);
  for (const c of changes) problems.push(`${c.kind} ${c.key}: ${c.row.slice(0, 400)}`);
  for (const s of inScope ? hiddenLeaks(outcome, input) : leaks(outcome, input)) problems.push(`leaked "${s}" in ${describeOutcome(outcome).slice(0, 300)}`);
  // On another clinic's host, a redirect naming a victim's id is that id accepted (a cart line, a
  // subscription's page after a change): the victim's ids do not exist there.
  if (host !== victimHost() && outcome.kind === 'redirect') {
    const named = Object.values(world.ids).filter((id) => outcome.location.includes(id));
    if (named.length) problems.push(`accepted the victim's ${named.join(', ')} on another clinic's host: ${describeOutcome(outcome)}`);
  }
  const refused = isRefusal(outcome) || (selfOnly !== undefined && (
    (outcome.kind === 'returned' && selfOnly(outcome.value))
    || (outcome.kind === 'response' && outcome.status === 200 && selfOnly(parseJson(outcome.body) ?? outcome.body))));
  // ISOLATION_TRACE=1 prints every call's answer: how far each attacker got.
  if (process.env.ISOLATION_TRACE) console.log(`TRACE ${attacker.key} ${label} -> ${describeOutcome(outcome).slice(0, 200)}`);
  // A proxy's portal call of an area its link does not open must be refused (the wrapper's answer
  // counts); its account's own actions (settings, sign-out) are not patient areas.
  const mustRefuse = attacker.scopeAreas && portalArea !== undefined ? !inScope : attacker.scopeAreas && area === 'portal' ? false : attacker.mustBeRefused(area);
  const refusedHere = refused || (attacker.scopeAreas !== undefined && isAreaRefusal(outcome));
  if (!publicFlow && mustRefuse && !refusedHere) problems.push(`not refused: ${describeOutcome(outcome)}`);
  if (ATTACKERS.includes(attacker)) {
    tally.calls++;
    tally.byAttacker[attacker.key] = (tally.byAttacker[attacker.key] ?? 0) + 1;
    if (refusedHere) tally.refused++; else tally.answered++;
  }
  return { attacker: attacker.key, label, outcome, problems, refused: refusedHere, inScope };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Arguments: every plausible field filled with the victim's ids.

/** Form field -> the id it carries. */
const FIELD_IDS: Record<string, (area: Area) => keyof IdMap> = {
  patientId: () => 'patientId', id: () => 'patientId', documentId: () => 'documentId', appointmentId: () => 'appointmentId',
  appointment: () => 'appointmentId', conversationId: () => 'conversationId', staffId: () => 'staffId',
  messageId: (area) => (area === 'portal' ? 'patientMessageId' : 'staffMessageId'), locationId: () => 'locationId', location: () => 'locationId',
  serviceId: () => 'serviceId', service: () => 'serviceId', provider: () => 'providerId', providerId: () => 'providerId',
  providerChoice: () => 'providerId', levelId: () => 'levelId', level: () => 'levelId', accessLevelId: () => 'adminLevelId',
  typeId: () => 'typeId', domainId: () => 'domainId', ruleId: () => 'ruleId', timeOffId: () => 'timeOffId', contactId: () => 'contactId',
  tokenId: () => 'tokenId', tenantId: () => 'tenantId',
  // The portal edits the patient's own notes, the chart the staff's.
  noteId: (area) => (area === 'portal' ? 'patientNoteId' : 'staffNoteId'), assignmentId: () => 'assignmentId',
  templateIds: () => 'templateId', templateId: () => 'templateId', changeId: () => 'changeId',
  invoiceId: () => 'invoiceId', invoiceIds: () => 'invoiceId', invoice: () => 'invoiceId', paymentId: () => 'paymentId',
  cardId: () => 'cardId', savedCardId: () => 'cardId', setupId: () => 'setupId',
  // Commerce. A product is the subscription product (its phases, form and upload are the form's
  // rows); an order id names the renewal's order, awaiting payment: what the portal pays again and
  // staff retry or cancel; a requirement is the upload still to do; payWith is a saved card.
  productId: () => 'subscriptionProductId', productIds: () => 'productId', couponId: () => 'couponId', orderId: () => 'renewalOrderId',
  shipmentId: () => 'shipmentId', subscriptionId: () => 'subscriptionId', requirementId: () => 'uploadRequirementId',
  orderRequirementId: () => 'uploadRequirementId', requiredFormIds: () => 'templateId', uploadId: () => 'requiredUploadId',
  uploadTypeId: () => 'typeId', payWith: () => 'cardId',
  // Tasks: the open task about the patient (Done, Edit, Reassign); a person to give it to.
  taskId: () => 'taskId', assigneeStaffId: () => 'staffId',
  // Self-registration (issue 19): the registration waiting for a decision.
  registrationId: () => 'registrationId',
  // Message templates (CRM): the clinic's own template.
  messageTemplateId: () => 'messageTemplateId',
  // Passkeys (issue 19): the account's own, renamed or removed in settings and on the staff's account page.
  passkeyId: () => 'passkeyId',
  // The waitlist (issue 20): the patient's entry, left in the portal or removed by staff.
  entryId: () => 'waitlistEntryId',
};

/**
 * Values a form of one place needs where the shared ones below would fail its schema, so the
 * call gets past parsing and only the ids can refuse it (by the page path the action lives under).
 */
function fieldsOfPlace(pagePath: string): Record<string, string | string[] | File> {
  const later = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  if (pagePath.startsWith('/crm/products')) return { kind: 'subscription', visibility: 'portal', category: 'Plans', imageAlt: 'A plan', uploadLabel: 'Photo ID' };
  if (pagePath.startsWith('/crm/coupons')) {
    return { code: `PROBE${randomBytes(3).toString('hex')}`, kind: 'percent', percent: '10', amount: '', appliesTo: 'chosen', maxRedemptions: '5', perPatientLimit: '1', subscriptionCycles: '2', firstOrderOnly: 'on' };
  }
  if (pagePath.startsWith('/crm/shop')) {
    return {
      shopEnabled: 'on', openToNewVisitors: 'on', allowSkip: 'on', allowPause: 'on', maxPauseDays: '30', allowReschedule: 'on', rescheduleWindowDays: '14',
      allowCancel: 'on', retryDays: '1, 3, 7', requirementsDueDays: '7', teams: 'Fulfilment',
    };
  }
  if (pagePath.endsWith('/subscriptions')) return { reason: 'other', other: 'Probe reason', until: later(10), date: later(22), position: '1' };
  if (pagePath.startsWith('/emr/orders')) {
    // The CSV import's preview takes a file before pasted lines: the file is the CSV.
    const csv = `order number,carrier,tracking number,status\n2,usps,9400${Array.from(randomBytes(18), (b) => String(b % 10)).join('')},in_transit\n`;
    return { to: 'awaiting_review', status: 'in_transit', team: 'Fulfilment', file: new File([csv], 'tracking.csv', { type: 'text/csv' }) };
  }
  if (pagePath.startsWith('/portal/shop')) return { decision: 'approve', quantity: '1' };
  if (pagePath.startsWith('/crm/templates')) return { channel: 'email', purpose: 'care', enSubject: 'Probe subject', enBody: 'Probe body', esSubject: '', esBody: '' };
  if (pagePath.startsWith('/emr/tasks')) return { title: 'Probe task', details: 'Probe details', dueOn: later(3), assigneeTeam: 'Support' };
  // A join that passes the schema, so only the ids can refuse it (the waitlist's last day is a date within the horizon).
  if (pagePath.endsWith('/waitlist')) return { weekdays: ['1', '2', '3'], timeOfDay: 'any', untilOn: later(10) };
  return {};
}

/** Every plausible field: ids from `ids` (one of them, `victimKey`, from the victim instead). */
function fieldsFor(area: Area, ids: IdMap, intent?: string, victimField?: string, pagePath = ''): Record<string, string | File | string[]> {
  const slot = new Date(Date.now() + 14 * 86_400_000);
  slot.setUTCHours(16, 0, 0, 0);
  const idFields = Object.fromEntries(Object.entries(FIELD_IDS).map(([field, key]) => [field, (field === victimField ? world.ids : ids)[key(area)]]));
  const level = idFields.level!;
  const fields: Record<string, string | File | string[]> = {
    ...idFields,
    [`p:${level}`]: ['patients.view', 'patients.edit', 'documents.view', 'users.manage'], token: 'not-a-real-token',
    slot: area === 'emr' ? `${slot.toISOString()}|${idFields.providerId}` : slot.toISOString(), day: slot.toISOString().slice(0, 10), week: slot.toISOString().slice(0, 10),
    addressLine1: '1 Probe Street', city: 'Probe City', region: 'IL', postalCode: '60601', country: 'US', price: '10',
    title: 'Probe title', body: 'Probe body', subject: 'Probe subject', reason: 'Probe reason', name: 'Probe name', message: 'Probe message',
    fullName: 'Probe Person', firstName: 'Probe', lastName: 'Person', dateOfBirth: area === 'portal-public' ? '01/01/1990' : '1990-01-01', sex: 'other', preferredLanguage: 'en',
    email: `probe-${randomBytes(2).toString('hex')}@attacker.test`, phone: '+15555550199', kind: 'person', relationship: 'other',
    identifier: world.secret.email, password: 'Wrong-password-1!', currentPassword: 'Wrong-password-1!', confirmPassword: 'Wrong-password-1!',
    code: '123456', portalCode: '481516', firstInitial: 'W', lastInitial: 'V', enabled: 'true', active: 'true', isProvider: 'true',
    value: 'true', done: 'true', visibility: 'shared', decision: 'accept', field: 'active', to: 'closed', preference: 'email', language: 'es', timeZone: 'America/Chicago', confirm: 'on',
    confirmDuplicates: 'yes', area: area === 'crm' ? 'crm' : 'emr', next: '/emr', weekday: '2', startTime: '08:00', endTime: '18:00',
    startsAt: '2027-01-01T09:00', endsAt: '2027-01-02T09:00', examinationDate: '2026-01-01', visibleToPatient: 'on', sendNotification: 'on',
    hostname: 'probe-attacker.example.test', subdomain: `probe${randomBytes(2).toString('hex')}`, durationMinutes: '45', status: 'active',
    file: new File([PDF_BYTES], 'probe.pdf', { type: 'application/pdf' }),
    // Billing: a fresh attempt key (a valid one, so the refusal must come from the ids), money as typed.
    attemptKey: crypto.randomUUID(), amount: '50.00', method: 'cash', currency: 'USD', direction: 'credit', memo: 'Probe memo', creditInvoice: 'on',
    number: '4242424242424242', expiry: '12/30', cvc: '123', scope: ['invoices', 'no_show_fees'], maxAmount: '',
    // Commerce: a shop order, a package, the CSV import (order numbers are per clinic: the caller's own), coupons and phases.
    couponCode: 'WELCOME10', quantity: '2', expectedTotal: '0', authorize: 'yes', note: 'Probe note', team: 'Support',
    shipName: 'Probe Person', shipLine1: '1 Probe Street', shipCity: 'Probe City', shipRegion: 'IL', shipPostalCode: '60601', shipCountry: 'US',
    carrier: 'usps', trackingNumber: `9400${Array.from(randomBytes(18), (b) => String(b % 10)).join('')}`,
    csv: `order number,carrier,tracking number,status\n1,usps,9400${Array.from(randomBytes(18), (b) => String(b % 10)).join('')},in_transit\n`,
    description: 'Probe description', category: 'Probe', taxable: 'on', requiresShipping: 'on', position: '1',
    phasePrice: ['99', '149'], phaseUnit: ['month', 'month'], phaseCount: ['1', '1'], phaseEnds: ['cycles', 'forever'], phaseCycles: ['1', ''],
    uploadLabel: 'Photo ID', appliesTo: 'all', percent: '10', validFrom: '', validTo: '', other: 'Probe reason', until: '2027-01-10', date: '2027-01-20',
    ...fieldsOfPlace(pagePath),
  };
  if (intent) fields.intent = intent;
  return fields;
}

function argsFor(entry: ServerActionEntry, ids: IdMap, intent?: string, victimField?: string, declared: readonly string[] = []): unknown[] {
  const pick = (field: string, key: keyof IdMap) => (field === victimField ? world.ids : ids)[key];
  return entry.params.map((p) => {
    if (p.type === 'FormData') {
      const fields = fieldsFor(entry.area, ids, intent, victimField, entry.pagePath);
      // A form whose schema is known gets only its fields (and what the file reads itself): a strict
      // schema refuses a field it does not have, which would stop the call before any id is read.
      const keep = new Set([...declared, ...entry.formFields, 'intent']);
      return formData(declared.length ? Object.fromEntries(Object.entries(fields).filter(([k]) => keep.has(k))) : fields);
    }
    if (p.type === 'string') return /message/i.test(p.name) ? pick('messageId', 'patientMessageId') : pick('patientId', 'patientId');
    if (p.type === 'unknown') {
      // JSON-style actions (direct upload, deleting a message): ids and plausible metadata in one object.
      return {
        patientId: pick('patientId', 'patientId'), documentId: pick('documentId', 'pendingDocumentId'), name: 'probe.pdf', size: 1000, declaredType: 'application/pdf',
        messageId: pick('messageId', entry.area === 'portal' ? 'patientMessageId' : 'staffMessageId'),
        // The shop's calls from the browser (Stripe's Payment Element): an order, its payment, a card token.
        orderId: pick('orderId', 'renewalOrderId'), paymentId: pick('paymentId', 'paymentId'), attemptKey: crypto.randomUUID(), token: 'pm_probe_card',
        expectedTotal: '0', authorize: 'yes',
        metadata: { title: 'Probe', typeId: pick('typeId', 'typeId'), examinationDate: '2026-01-01', visibleToPatient: true, sendNotification: false },
      };
    }
    // The previous form state: empty, as on first submit.
    return {};
  });
}

interface Variant { label: string; args: unknown[] }

/**
 * Every attacker sends the victim's ids everywhere, once per `intent` the action knows. An
 * insider also sends its own valid ids, then the same with one victim id at a time, for each
 * id field the action's source mentions: the case a missing tenant or patient check lets through.
 */
function variantsFor(entry: ServerActionEntry, attacker: Attacker, declared: readonly string[] = []): Variant[] {
  const intents = entry.params.some((p) => p.type === 'FormData') ? [undefined, ...entry.intents] : [undefined];
  const variants: Variant[] = intents.map((intent) => ({ label: `${entry.name}:${intent ?? 'all-victim-ids'}`, args: argsFor(entry, world.ids, intent, undefined, declared) }));
  const own = attacker.own?.();
  if (own) {
    // Named in the action's file, or in the schema its wrapper parses (a lib/ schema names fields the file never writes).
    const mentioned = Object.keys(FIELD_IDS).filter((field) => declared.includes(field) || new RegExp(`\\b${field}\\b`).test(entry.source));
    for (const field of mentioned) variants.push({ label: `${entry.name}:own-ids+victim-${field}`, args: argsFor(entry, own, undefined, field, declared) });
    // Last: the same form with only the attacker's ids, which may well succeed (and change its data).
    variants.push({ label: `${entry.name}:own-ids`, args: argsFor(entry, own, undefined, undefined, declared) });
  }
  return variants;
}

function inputOf(args: unknown[]): string {
  return safeJson(args.map((a) => (a instanceof FormData ? Object.fromEntries([...a].filter(([, x]) => typeof x === 'string')) : a)));
}

const isPublicAction = (entry: ServerActionEntry) => entry.area === 'portal-public' || entry.area === 'staff-public' || PUBLIC_ACTIONS.has(entry.id);

// ---------------------------------------------------------------------------------------------

const actionEntries = listServerActions();
const routeEntries = listRouteHandlers();

/**
 * The suite for one part of the actions and route handlers (every `parts`-th, from `part`; part 1
 * also runs the checks that are not per entry): the test files split it so Vitest's two workers
 * share it (whole, it was five of CI's fifteen minutes of tests on one worker).
 */
export function isolationSuite(part: number, parts: number) {
  const mine = <T,>(entries: readonly T[]) => entries.filter((_entry, index) => index % parts === part - 1);
  if (part === 1) {
    describe('the registry', () => {
      it('finds every server action and route handler (and no fewer than today)', async () => {
        expect(findServerActionFiles().length).toBeGreaterThanOrEqual(MINIMUM.actionFiles);
        expect(actionEntries.length).toBeGreaterThanOrEqual(MINIMUM.actions);
        expect(routeEntries.length).toBeGreaterThanOrEqual(MINIMUM.routeHandlers);
        expect(findInlineServerActions(), 'inline "use server" functions cannot be enumerated: move them to an actions.ts').toEqual([]);
        expect([...actionEntries, ...routeEntries].filter((e) => e.area === 'unknown').map((e) => e.id), 'teach app-registry.ts areaOf() about these').toEqual([]);
      });

      it("parses each 'use server' module's exports exactly as the module has them", async () => {
        for (const file of findServerActionFiles()) {
          const mod = await loadModule(file);
          const runtime = Object.keys(mod).sort();
          const parsed = actionEntries.filter((e) => e.file === file).map((e) => e.name).sort();
          expect(parsed, file).toEqual(runtime);
          for (const name of runtime) expect(typeof mod[name], `${file}#${name}`).toBe('function');
        }
        for (const entry of routeEntries) expect(typeof (await loadModule(entry.file))[entry.method], entry.id).toBe('function');
      });
    });

    describe("a clinic's product pictures", () => {
      it("are served on the clinic's own host only (the route's check can fail)", async () => {
        const { GET } = await import('@/app/api/commerce/product-images/[file]/route');
        const file = world.ids.productImageFile;
        const ask = (host: string) => invokeRoute({ host }, GET, { path: `/api/commerce/product-images/${file}`, params: { file } });
        const own = await ask(victimHost());
        expect(own).toMatchObject({ kind: 'response', status: 200 });
        expect(own.kind === 'response' && own.headers.get('content-type')).toBe('image/png');
        expect(own.kind === 'response' && Buffer.byteLength(own.body, 'latin1')).toBeGreaterThan(0);
        expect(await ask(hostFor(world.harbor.slug))).toMatchObject({ kind: 'response', status: 404 });
        // The other clinic's own picture is served on its host, so the 404 above is about the clinic.
        const theirs = world.own.harbor.productImageFile;
        expect(await invokeRoute({ host: hostFor(world.harbor.slug) }, GET, { path: `/api/commerce/product-images/${theirs}`, params: { file: theirs } })).toMatchObject({ kind: 'response', status: 200 });
      });
    });

    describe('the oracle can fail', () => {
      it("sees the victim admin's own change and the victim's own data in an answer", async () => {
        const { updatePatientAction } = await import('@/app/t/[tenant]/emr/(app)/patients/actions');
        const admin = await signIn('staff', { tenantId: world.victim.id, subjectId: world.ids.staffId });
        const before = await snapshot();
        const outcome = await invokeAction({ host: victimHost(), cookies: admin.cookies }, updatePatientAction, {}, formData({
          patientId: world.ids.patientId, firstName: world.secret.firstName, lastName: world.secret.lastName, dateOfBirth: '1961-02-03',
          sex: 'female', preferredLanguage: 'es', email: world.secret.email, phone: world.secret.phone,
        }));
        expect(outcome).toMatchObject({ kind: 'redirect' });
        expect(diff(before, await snapshot()).map((c) => c.key.split(':')[0])).toEqual(expect.arrayContaining(['patients', 'audit_log']));

        // The same call made through attack() as if the victim's admin were an attacker: flagged.
        const insider: Attacker = {
          key: 'control', insider: false, mustBeRefused: protectedArea, host: victimHost,
          cookies: async () => (await signIn('staff', { tenantId: world.victim.id, subjectId: world.ids.staffId })).cookies, ownIds: () => [],
        };
        const flagged = await attack(insider, 'control', 'emr', false, '', (req) => invokeAction(req, updatePatientAction, {}, formData({
          patientId: world.ids.patientId, firstName: world.secret.firstName, lastName: world.secret.lastName, dateOfBirth: '1961-02-03',
          sex: 'female', preferredLanguage: 'en', email: world.secret.email, phone: world.secret.phone,
        })));
        expect(flagged.problems.join('\n')).toMatch(/not refused: redirect/);
        expect(flagged.problems.join('\n')).toMatch(/changed patients:/);

        const { GET } = await import('@/app/api/portal/messages/[id]/poll/route');
        const own = await signIn('portal', { tenantId: world.victim.id, subjectId: world.ids.accountId, selectedPatientId: world.ids.patientId });
        const polled = await invokeRoute({ host: victimHost(), cookies: own.cookies }, GET, { path: `/api/portal/messages/${world.ids.conversationId}/poll`, params: { id: world.ids.conversationId } });
        expect(polled).toMatchObject({ kind: 'response', status: 200 });
        expect(leaks(polled, '')).toContain(world.secret.patientMessage);
      });
    });

    describe('a proxy with the limited scope (issue 19)', () => {
      const proxySession = () => signIn('portal', { tenantId: world.victim.id, subjectId: world.attackers.proxy.accountId, selectedPatientId: world.ids.patientId });
      const setScope = (scope: 'limited' | 'full') => getDb().update(portalAccountPatients).set({ scope })
        .where(and(eq(portalAccountPatients.tenantId, world.victim.id), eq(portalAccountPatients.accountId, world.attackers.proxy.accountId)));

      it('still acts for the patient in its areas, and reaches nothing hidden from proxies', async () => {
        const { cookies } = await proxySession();
        const req = { host: victimHost(), cookies };
        const { GET: poll } = await import('@/app/api/portal/messages/[id]/poll/route');
        const { GET: unread } = await import('@/app/api/portal/messages/unread/route');
        const pollOf = (id: string) => invokeRoute(req, poll, { path: `/api/portal/messages/${id}/poll`, params: { id } });
        const thread = await pollOf(world.ids.conversationId);
        expect(thread).toMatchObject({ kind: 'response', status: 200 });
        expect(thread.kind === 'response' && thread.body).toContain(world.secret.patientMessage);
        expect(await pollOf(world.hiddenIds.conversationId)).toMatchObject({ kind: 'response', status: 404 });
        const count = await invokeRoute(req, unread, { path: '/api/portal/messages/unread' });
        expect(count).toMatchObject({ kind: 'response', status: 200 });

        const { replyAction } = await import('@/app/t/[tenant]/portal/(app)/messages/actions');
        const replied = await invokeAction({ ...req, path: '/portal/messages' }, replyAction, {}, formData({ conversationId: world.ids.conversationId, body: 'Asked for her' }));
        expect(replied).not.toMatchObject({ kind: 'returned', value: { ok: false } });
        const hiddenReply = await invokeAction({ ...req, path: '/portal/messages' }, replyAction, {}, formData({ conversationId: world.hiddenIds.conversationId, body: 'Probe' }));
        expect(hiddenReply).toMatchObject({ kind: 'returned', value: { ok: false } });

        const { uploadPatientDocumentAction } = await import('@/app/t/[tenant]/portal/(app)/documents/upload/actions');
        const upload = await invokeAction({ ...req, path: '/portal/documents/upload' }, uploadPatientDocumentAction, {}, formData({
          title: 'Probe', typeId: world.ids.typeId, file: new File([PDF_BYTES], 'probe.pdf', { type: 'application/pdf' }),
        }));
        expect(upload).toMatchObject({ kind: 'returned', value: { ok: false, message: portalAreas.en.areaNotOpen } });

        // Documents are not in the limited scope; with the full scope only those not hidden from proxies.
        const { GET: download } = await import('@/app/api/documents/[id]/download/route');
        const downloadOf = (id: string) => invokeRoute(req, download, { path: `/api/documents/${id}/download`, params: { id } });
        expect(await downloadOf(world.ids.documentId)).toMatchObject({ kind: 'response', status: 404 });
        // The file itself, so a granted download answers 200 (the seeded rows have none).
        await getObjectStore().put(`documents/${world.victim.id}/${world.ids.patientId}/${world.ids.documentId}`, PDF_BYTES, { contentType: 'application/pdf', contentLength: PDF_BYTES.length });
        await setScope('full');
        try {
          expect(await downloadOf(world.ids.documentId)).toMatchObject({ kind: 'response', status: 200 });
          expect(await downloadOf(world.hiddenIds.documentId)).toMatchObject({ kind: 'response', status: 404 });
        } finally {
          await setScope('limited');
        }
        // The victim herself reaches both.
        const own = await signIn('portal', { tenantId: world.victim.id, subjectId: world.ids.accountId, selectedPatientId: world.ids.patientId });
        const ownDownload = await invokeRoute({ host: victimHost(), cookies: own.cookies }, download, { path: `/api/documents/${world.hiddenIds.documentId}/download`, params: { id: world.hiddenIds.documentId } });
        expect(ownDownload).toMatchObject({ kind: 'response', status: 200 });
      });
    });
  }

  describe.each(mine(actionEntries).map((e) => [e.id.replace(/^app\/(t\/\[tenant\]\/)?/, ''), e] as const))('server action %s', (_name, entry) => {
    const hole = KNOWN_HOLES[entry.id];
    (hole ? it.fails : it)(hole ? `is refused for every attacker (KNOWN HOLE: ${hole})` : 'is refused (or harmless) for every attacker', async () => {
      const mod = await loadModule(entry.file);
      const action = mod[entry.name] as (...args: unknown[]) => Promise<unknown>;
      const results: CallResult[] = [];
      for (const attacker of ATTACKERS) {
        for (const { label, args } of variantsFor(entry, attacker, describeAction(action)?.fields)) {
          results.push(await attack(actingOnOwnAccount(entry, attacker), label, entry.area, isPublicAction(entry), inputOf(args),
            (req) => invokeAction({ ...req, path: entry.pagePath }, action, ...args), SELF_ONLY_ACTIONS[entry.id], describeAction(action)?.area));
        }
      }
      const problems = results.flatMap((r) => r.problems.map((p) => `${r.attacker} [${r.label}]: ${p}`));
      expect(problems).toEqual([]);
    });
  });

  function routeCalls(entry: RouteHandlerEntry): { path: string; params: Record<string, string>; body?: BodyInit; headers?: Record<string, string> }[] {
    const v = world.ids;
    const idFor: Record<string, string[]> = {
      '/api/documents/[id]/download': [v.documentId],
      '/api/documents/upload/[id]': [v.pendingDocumentId],
      '/api/emr/messages/[id]/poll': [v.conversationId],
      '/api/portal/messages/[id]/poll': [v.conversationId],
      '/api/messages/attachments/[id]': [v.attachmentId],
      '/api/portal/exports/[id]/download': [v.dataExportId],
    };
    // A new route with an [id] is tried with every id the victim has.
    const candidates = idFor[entry.urlPattern] ?? Object.values(v);
    const fill = (id: string) => {
      const params: Record<string, string> = {};
      let p = entry.urlPattern;
      for (const name of entry.dynamicParams) {
        const file = entry.urlPattern.startsWith('/api/commerce/product-images/') ? v.productImageFile : 'logo';
        const value = name === 'tenant' ? world.victim.slug : name === 'tenantId' ? v.tenantId : name === 'file' ? file : id;
        params[name] = value;
        p = p.replace(`[${name}]`, value);
      }
      return { path: p, params };
    };
    const ids = entry.dynamicParams.some((n) => !['tenant', 'tenantId', 'file'].includes(n)) ? candidates : [v.patientId];
    return ids.flatMap((id) => {
      const base = fill(id);
      return [
        { ...base } as { path: string; params: Record<string, string>; body?: BodyInit; headers?: Record<string, string> },
        { ...base, path: `${base.path}?view=1&download=1&after=1970-01-01T00:00:00.000Z&from=2000-01-01&to=2100-01-01` },
      ].map((c) => (entry.method === 'GET' || entry.method === 'HEAD' ? c : { ...c, body: new Blob([PDF_BYTES]), headers: { 'content-type': 'application/pdf' } }));
    });
  }

  /** The portal area a route serves (a proxy's scope), by its path; none for the rest. */
  function routeArea(entry: RouteHandlerEntry): string | undefined {
    const url = entry.urlPattern;
    if (url.startsWith('/api/portal/messages/') || url.startsWith('/api/messages/attachments/')) return 'messages';
    if (url.startsWith('/api/documents/')) return 'documents';
    if (url.startsWith('/api/portal/exports/')) return 'export';
    const portal = /^\/portal\/([a-z-]+)/.exec(url)?.[1];
    return portal === 'billing' ? 'billing' : portal === 'access-log' ? 'access_log' : undefined;
  }

  describe.each(mine(routeEntries).map((e) => [e.id, e] as const))('route handler %s', (_id, entry) => {
    const hole = KNOWN_HOLES[entry.id];
    const publicRoute = entry.id in PUBLIC_ROUTES;
    (hole ? it.fails : it)(hole ? `answers 401/403/404 to every attacker (KNOWN HOLE: ${hole})` : publicRoute ? `is harmless (public: ${PUBLIC_ROUTES[entry.id]})` : 'answers 401/403/404 to every attacker', async () => {
      const handler = (await loadModule(entry.file))[entry.method] as (req: Request, ctx: unknown) => Promise<Response>;
      const results: CallResult[] = [];
      for (const attacker of ATTACKERS) {
        for (const call of routeCalls(entry)) {
          results.push(await attack(attacker, call.path, publicRoute ? 'api' : entry.area === 'api' ? 'emr' : entry.area, publicRoute, call.path,
            // Only an insider with records of its own here may be answered about itself; outsiders,
            // and a session naming the victim as its patient, are refused.
            (req) => invokeRoute(req, handler, { method: entry.method, ...call }), attacker.insider && attacker.own ? SELF_ONLY_ROUTES[entry.id] : undefined,
            routeArea(entry)));
        }
      }
      const problems = results.flatMap((r) => r.problems.map((p) => `${r.attacker} [${r.label}]: ${p}`));
      if (!publicRoute) {
        for (const r of results) {
          if (!r.refused && !r.inScope) problems.push(`${r.attacker} [${r.label}]: expected 401/403/404 (or a sign-in redirect), got ${describeOutcome(r.outcome)}`);
        }
      }
      if (entry.file.includes('/product-images/')) {
        // The victim's picture is the victim's shop's: on any other clinic's host it does not exist.
        for (const r of results) {
          const onOwnHost = ATTACKERS.find((a) => a.key === r.attacker)?.host() !== victimHost();
          if (onOwnHost && !(r.outcome.kind === 'response' && r.outcome.status === 404)) problems.push(`${r.attacker} [${r.label}]: the victim's product picture on another clinic's host answered ${describeOutcome(r.outcome)}`);
        }
      }
      if (entry.file.includes('/unsubscribe/')) {
        // No attacker holds a token: every call is not-found, on every host.
        for (const r of results) if (r.outcome.kind !== 'response' || r.outcome.status !== 404) problems.push(`${r.attacker} [${r.label}]: an unsubscribe without a token answered ${describeOutcome(r.outcome)}`);
      }
      if (entry.file.includes('/cron/')) {
        for (const r of results) if (r.outcome.kind !== 'response' || r.outcome.status !== 401) problems.push(`${r.attacker}: cron without its secret answered ${describeOutcome(r.outcome)}`);
      }
      if (entry.file.includes('/webhooks/')) {
        for (const r of results) {
          if (r.outcome.kind !== 'response' || r.outcome.status !== 400) problems.push(`${r.attacker}: an unsigned webhook answered ${describeOutcome(r.outcome)}`);
        }
      }
      expect([...new Set(problems)]).toEqual([]);
      // Every id the victim has, nine attackers, two calls each: longer than the default 30 s.
    }, 180_000);
  });

  if (part === 1) {
    describe('spoofed routing headers', () => {
      const spoof = {
        'x-middleware-subrequest': 'middleware:middleware:middleware:middleware:middleware',
        'x-carebridge-pathname': '/emr/evil', 'x-carebridge-tenant': 'harbor', 'x-nonce': 'attacker-nonce',
      };

      it('resolves the clinic from Host alone, in middleware and in request code', async () => {
        const { NextRequest } = await import('next/server');
        const { middleware } = await import('@/middleware');
        const { getRequestTenant } = await import('@/lib/tenancy/request-tenant');
        const request = new NextRequest(`http://${victimHost()}/portal/documents`, {
          headers: { host: victimHost(), 'x-forwarded-host': hostFor(world.harbor.slug), ...spoof },
        });
        const response = await middleware(request);
        expect(response.headers.get('x-middleware-rewrite')).toBe(`http://${victimHost()}/t/${world.victim.slug}/portal/documents`);
        // Internal headers the client sent are replaced by middleware's own, never passed on.
        const forwarded = (name: string) => response.headers.get(`x-middleware-request-${name}`);
        expect(forwarded('x-carebridge-pathname')).toBe('/portal/documents');
        expect(forwarded('x-carebridge-tenant')).toBeNull();
        expect(forwarded('x-nonce')).not.toBe('attacker-nonce');
        expect(response.headers.get('content-security-policy')).toContain(`'nonce-${forwarded('x-nonce')}'`);

        const tenant = await withRequest({ host: victimHost(), headers: { 'x-forwarded-host': hostFor(world.harbor.slug), ...spoof } }, () => getRequestTenant());
        expect(tenant.id).toBe(world.victim.id);
        const onHarbor = await withRequest({ host: hostFor(world.harbor.slug), headers: { 'x-forwarded-host': victimHost(), ...spoof } }, () => getRequestTenant());
        expect(onHarbor.id).toBe(world.harbor.id);
      });

      it("acts for the Host's clinic whatever X-Forwarded-Host says", async () => {
        const { createAccessLevelAction } = await import('@/app/t/[tenant]/crm/(app)/access-levels/actions');
        const harborAdmin = await signIn('staff', { tenantId: world.harbor.id, subjectId: world.attackers.harborAdmin.staffId });
        const name = `XFH probe ${randomBytes(2).toString('hex')}`;
        const outcome = await invokeAction(
          { host: hostFor(world.harbor.slug), cookies: harborAdmin.cookies, headers: { 'x-forwarded-host': victimHost(), ...spoof } },
          createAccessLevelAction, {}, formData({ name }),
        );
        expect(outcome).toMatchObject({ kind: 'returned', value: { ok: true } });
        const made = await getDb().select({ tenantId: accessLevels.tenantId }).from(accessLevels).where(eq(accessLevels.name, name));
        expect(made).toEqual([{ tenantId: world.harbor.id }]);

        // The harbor admin's cookie on the victim's host, forwarded host saying harbor: signed out.
        const crossed = await invokeAction(
          { host: victimHost(), cookies: harborAdmin.cookies, headers: { 'x-forwarded-host': hostFor(world.harbor.slug), ...spoof } },
          createAccessLevelAction, {}, formData({ name: `${name} 2` }),
        );
        expect(crossed).toMatchObject({ kind: 'redirect' });
        expect(isRefusal(crossed)).toBe(true);
      });
    });
  }
}
