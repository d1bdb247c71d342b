import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describeAction } from '@/lib/actions/wrappers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { billingSettings, formTemplates, portalAccounts, staffUsers, tenantDomains, tenantSettings, tenants } from '@/db/schema';
import { installStarterTemplates } from '@/lib/clinic-forms/templates';
import { platformRootDomain } from '@/lib/config/env';
import { forgetResolvedHosts } from '@/lib/tenancy/resolve-tenant';
import { describeOutcome, hostFor, signIn, invokeAction, type Outcome, type RequestSpec } from '../support/action-harness';
import { hostileForm, hostilePdf, hostileString, hostileValue, leaksIn, stringsIn, toFormData, withoutNul, zodDefaultIn, type FormValue } from '../support/hostile';
import { APP_ROOT, listServerActions } from '../support/app-registry';
import { seedCommerceCatalog, seedCommerceRecords, type CommerceCatalogIds, type CommerceRecordIds } from '../support/commerce-world';
import { seedTaskRecords, type TaskRecordIds } from '../support/engagement-tasks-world';
import { createPortalVisitClinic } from '../support/portal-visit-fixtures';
import { createStaffContext } from '../support/staff-context';

// The test files that run this suite (bad-input-actions-*.int.test.ts) mock next/headers,
// next/cache and next-auth for it (vi.mock belongs in the test file).

/**
 * Issue 7, bad input: every server action of the app (found by reading app/ for actions.ts, so a
 * new one cannot be forgotten), called by a legitimately signed-in user of the right kind with
 * hostile FormData. Each call must (1) not throw anything but Next's redirect/not-found/forbidden
 * (a throw is a 500), (2) return no stack trace or internal detail, and (3) write nothing when it
 * refuses the input. Inputs are either all hostile, or plausible (real ids of the clinic, valid
 * values) with one or two fields made hostile, so the hostile value reaches the code past the ids.
 */

// 10 random inputs per action keeps the file near a minute on PGlite; BAD_INPUT_RUNS=100 for a deeper run.
const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 10);

interface ActionSpec {
  key: string;
  file: string;
  name: string;
  /** How it is called: (state, form), (form), (), (input: unknown) or (id: string). */
  shape: 'state-form' | 'form' | 'none' | 'object' | 'string';
  area: 'crm' | 'emr' | 'portal' | 'public' | 'platform';
  fields: string[];
  /** The values the action compares `intent` with: each is a branch to reach. */
  intents: string[];
  /** Fields the file reads from the FormData by name, besides its schema's. */
  readFields: string[];
}

/** The form fields a file reads: quoted names passed to form helpers, field lists and schema keys. */
function fieldsOf(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(/'([a-z][A-Za-z0-9]{1,30})'/g)) names.add(m[1]!);
  for (const m of source.matchAll(/\b([a-z][A-Za-z0-9]{1,30}): z\./g)) names.add(m[1]!);
  // Fields read in lib from the whole form (patients, document metadata).
  if (/formValues\(form\)|parse\(form\)/.test(source)) for (const f of PATIENT_FIELDS) names.add(f);
  for (const [schema, fields] of Object.entries(LIB_SCHEMA_FIELDS)) if (source.includes(schema)) for (const f of fields) names.add(f);
  if (/metadataFromForm/.test(source)) for (const f of ['typeId', 'title', 'examinationDate', 'visibleToPatient', 'sendNotification', 'file']) names.add(f);
  for (const noise of ['use', 'server', 'crm', 'emr', 'portal', 'staff', 'on', 'true', 'false', 'ok', 'error', 'string']) names.delete(noise);
  return [...names].sort();
}

/** Schemas from lib that some actions hand the whole form to: their field names. */
const LIB_SCHEMA_FIELDS: Record<string, string[]> = {
  contactInputSchema: ['kind', 'relationship', 'recordNumber', 'fullName', 'email', 'phone'],
  portalInviteSchema: ['patientId', 'email', 'relationship', 'message'],
  activationDetailsSchema: ['portalCode', 'firstInitial', 'lastInitial', 'dateOfBirth'],
};

const PATIENT_FIELDS = ['firstName', 'lastName', 'dateOfBirth', 'sex', 'email', 'phone', 'addressLine1', 'addressLine2', 'city', 'region', 'postalCode', 'country', 'preferredLanguage', 'nationalId', 'confirmDuplicates'];

/** The app's own list of server actions (tests/support/app-registry.ts): a new one is covered at once. */
function discoverActions(): ActionSpec[] {
  return listServerActions().map((entry) => {
    const area = entry.area === 'operator' ? 'platform'
      : entry.area === 'portal-public' || entry.area === 'staff-public' ? 'public'
      : entry.area === 'crm' || entry.area === 'emr' || entry.area === 'portal' ? entry.area
      : null;
    if (!area) throw new Error(`bad-input: no caller for an action in area ${entry.area}: ${entry.id}; teach this suite who may call it`);
    const types = entry.params.map((p) => p.type);
    const shape = types.length === 0 ? 'none'
      : types.length >= 2 ? 'state-form'
      : types[0] === 'FormData' ? 'form'
      : types[0] === 'string' ? 'string'
      : 'object';
    return {
      key: `${entry.file.replace(/^app\//, '').replace(/\/actions\.tsx?$/, '')}#${entry.name}`,
      file: path.join(APP_ROOT, entry.file), name: entry.name, shape, area,
      fields: [...new Set([...fieldsOf(entry.source), ...entry.formFields])].sort(), intents: entry.intents, readFields: entry.formFields,
    };
  });
}

const ACTIONS = discoverActions();

/**
 * Known bugs (reported to the lead): a NUL in a text field that reaches Postgres, which refuses it
 * (22021 invalid byte sequence), so the action throws: a 500. Each stays `it.fails` so the suite
 * documents it and turns red once it is fixed; then drop the entry. None today: the schemas refuse
 * control characters (lib/validation/text.ts).
 */
const KNOWN_NUL_BUGS: Record<string, string> = {};

/** Actions known to answer some crafted input with zod's default English (reported, low). */
const KNOWN_ZOD_WORDING = new Set<string>([]);

/**
 * Tables whose rows a refused call may legitimately change: the audit trails of refusals (the
 * clinics' and the console's), rate limits and sessions (last seen), and sign-in challenges; and
 * the simulated card processor's own records (lib/billing/gateway/test-gateway.ts): a card typed
 * at checkout is tokenised at the provider whatever the order then says (Stripe's Payment Element
 * does it in the browser), as the isolation suite allows too.
 */
const VOLATILE = new Set(['audit_log', 'platform_audit_log', 'rate_limits', 'auth_sessions', 'operator_sessions', '__drizzle_migrations', 'test_gateway_objects']);

let fingerprintSql: string;
async function fingerprint(): Promise<Record<string, string>> {
  const result = (await getDb().execute(sql.raw(fingerprintSql))) as unknown;
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { t: string; h: string }[];
  return Object.fromEntries(rows.map((r) => [r.t, r.h]));
}

type World = Awaited<ReturnType<typeof createPortalVisitClinic>> & {
  staffCookies: Record<string, string>;
  portalCookies: Record<string, string>;
  appointmentId: string;
  documentId: string;
  staffId: string;
  /** The shop's rows (issue 17), for the commerce actions only: products, coupon, orders, subscription. */
  commerce?: CommerceCatalogIds & CommerceRecordIds & { intakeId: string };
  /** The parent's open and done tasks (issue 18), for the task actions only. */
  tasks?: TaskRecordIds;
};

/** Actions that meet the shop's rows: the catalogue, the shop and checkout, orders and subscriptions. */
const COMMERCE_ACTION = /\/(products|coupons|shop|orders|subscriptions)(\/|#)/;
/** Actions that meet the clinic's tasks (/emr/tasks). */
const TASK_ACTION = /\/tasks(\/|#)/;
let world: World;
let worldKey = '';

/**
 * A clinic of its own for each action: what one action legitimately changes never blinds the next.
 * A commerce action's clinic also has its shop open with products, a coupon, and the parent's
 * orders (one paid waiting for its form and upload, one awaiting payment, one shipped) and subscription.
 */
async function freshWorld(spec?: ActionSpec): Promise<World> {
  const v = await createPortalVisitClinic();
  const admin = await createStaffContext(v.clinic, 'admin');
  const appointmentId = await v.book(v.parent.patient.id, '2026-12-15T15:00:00Z');
  const documentId = await v.addDocument(v.parent.patient.id, 'Blood test', { createdAt: '2026-10-01T10:00:00Z' });
  const base = { ...v, staffCookies: {}, portalCookies: {}, appointmentId, documentId, staffId: admin.actor.id };
  if (spec && TASK_ACTION.test(spec.key)) return { ...base, tasks: await seedTaskRecords(getDb(), v.clinic.id, { patientId: v.parent.patient.id, staffId: admin.actor.id, title: 'Call back' }) };
  if (!spec || !COMMERCE_ACTION.test(spec.key)) return base;
  const db = getDb();
  await db.insert(billingSettings).values({ tenantId: v.clinic.id, paymentsEnabled: true, gateway: 'test' }).onConflictDoNothing();
  await installStarterTemplates(db, v.clinic.id);
  const catalog = await seedCommerceCatalog(db, v.clinic.id, { typeId: v.reportType.id });
  const records = await seedCommerceRecords(db, v.clinic.id, catalog, {
    patientId: v.parent.patient.id, accountId: v.parent.account.id, staffId: admin.actor.id, typeId: v.reportType.id, shipTo: 'Ana Ruiz', noteText: 'Left at the door',
  });
  const [intake] = await db.select({ id: formTemplates.id }).from(formTemplates).where(and(eq(formTemplates.tenantId, v.clinic.id), eq(formTemplates.kind, 'intake'))).limit(1);
  return { ...base, commerce: { ...catalog, ...records, intakeId: intake!.id } };
}

/**
 * Undoes what an accepted call may have done to the caller itself (moved the clinic's address,
 * switched the portal off, signed out, demoted or deactivated the admin, locked the account), so
 * every run reaches the code past authentication; the sessions are new each run.
 */
async function heal(w: World): Promise<void> {
  const db = getDb();
  await db.update(tenantDomains).set({ hostname: w.clinic.slug }).where(and(eq(tenantDomains.tenantId, w.clinic.id), eq(tenantDomains.kind, 'subdomain')));
  await db.update(tenants).set({ status: 'active' }).where(eq(tenants.id, w.clinic.id));
  await db.update(tenantSettings).set({ portalEnabled: true, patientUploadsAllowed: true }).where(eq(tenantSettings.tenantId, w.clinic.id));
  await db.update(staffUsers).set({ status: 'active', accessLevelId: w.clinic.levelId.admin, failedSignIns: 0, lockedUntil: null }).where(eq(staffUsers.id, w.staffId));
  await db.update(portalAccounts).set({ status: 'active', failedSignIns: 0, lockedUntil: null }).where(eq(portalAccounts.id, w.parent.account.id));
  forgetResolvedHosts();
  w.staffCookies = (await signIn('staff', { tenantId: w.clinic.id, subjectId: w.staffId })).cookies;
  w.portalCookies = (await signIn('portal', { tenantId: w.clinic.id, subjectId: w.parent.account.id, selectedPatientId: w.parent.patient.id })).cookies;
}

/**
 * Values that pass the shape checks, so the hostile one among them gets further in. The first of
 * each list is the most valid (the NUL cases use it); the others are edge cases such as a time
 * off that ends before it starts.
 */
function plausible(): Record<string, string[]> {
  const w = world;
  const c = (...v: string[]) => v;
  const patient = c(w.parent.patient.id, w.child.id, w.stranger.id);
  return {
    patientId: patient, id: patient, appointmentId: c(w.appointmentId), appointment: c(w.appointmentId), documentId: c(w.documentId),
    typeId: c(w.reportType.id), locationId: c(w.location.id), location: c(w.location.id), serviceId: c(w.service.id), service: c(w.service.id),
    staffId: c(w.provider.id, w.staffId), providerChoice: c(w.provider.id, 'any'), provider: c(w.provider.id, 'any'), levelId: c(w.clinic.levelId.physician),
    level: c(w.clinic.levelId.physician), tenantId: c(w.clinic.id), firstName: c('Ana'), lastName: c('Ruiz'), dateOfBirth: c('1990-01-02', '01/02/1990'),
    sex: c('female'), preferredLanguage: c('es'), language: c('es'), email: c('ana@example.com'), phone: c('+15555550123'), country: c('US'),
    timeZone: c('America/Chicago'), name: c('Room 2'), displayName: c('Clinic'), primaryColor: c('#0f766e'), theme: c('light'), title: c('Scan'),
    examinationDate: c('2026-01-05'), body: c('Hello'), subject: c('Question'), message: c('Hi'), reason: c('Busy'), relationship: c('parent'),
    day: c('2026-12-01'), week: c('2026-11-30'), startTime: c('09:00', '02:30'), endTime: c('10:00', '08:00'), weekday: c('1'), startsAt: c('2026-12-01T09:00', '2027-03-14T02:30'),
    endsAt: c('2026-12-01T10:00', '2026-12-01T08:00', '2027-03-14T02:45'), durationMinutes: c('30'), price: c('120'), intent: c('save', 'confirm', 'send'), identifier: c('ana@example.com'),
    addressLine1: c('1 Main St'), addressLine2: c('Apt 2'), city: c('Chicago'), region: c('IL'), postalCode: c('60601'), nationalId: c('123-45-6789'),
    description: c('Annual visit'), label: c('north'), hostname: c('clinic.example.org'), fullName: c('Ana Ruiz'), recordNumber: c('MRN-1'),
    kind: c('person'), portalCode: c('123456'), firstInitial: c('A'), lastInitial: c('R'), slot: c('2026-12-01T15:00:00Z'), preference: c('email'),
    confirmDuplicates: c('yes'), password: c('Correct-horse-9'), confirmPassword: c('Correct-horse-9'), currentPassword: c('Correct-horse-9'), code: c('123456'), token: c('x'.repeat(43)),
    // Commerce (issue 17): the shop's and checkout's fields, packages, the CSV import, coupons, phases, shop options.
    attemptKey: c(randomUUID()), quantity: c('1', '0', '10'), couponCode: c('WELCOME10', 'welcome10', 'NOPE'), expectedTotal: c('8910', '0'), authorize: c('yes'),
    payWith: c('new'), number: c('4242424242424242', '4000000000000002'), expiry: c('12/30', '01/20'), cvc: c('123'), decision: c('approve', 'fail'),
    shipName: c('Ana Ruiz'), shipLine1: c('1 Main St'), shipLine2: c('Apt 2'), shipCity: c('Chicago'), shipRegion: c('IL'), shipPostalCode: c('60601'), shipCountry: c('US'),
    carrier: c('usps', 'ups', 'other'), trackingNumber: c('9400111899223856928499', '1Z999AA10123456784', 'AB-12'), note: c('Left at the door'), team: c('Fulfilment', 'Nobody'),
    csv: c('order number,carrier,tracking number,status\n1,usps,9400111899223856928499,in_transit\n3,ups,1Z999AA10123456784,delivered\n', 'order,carrier\n1,usps\n'),
    amount: c('149.00', '0'),
    category: c('Kits'), visibility: c('portal', 'staff'), taxable: c('on'), requiresShipping: c('on'), position: c('1', '0'), imageAlt: c('The kit'), removeImage: c('on'),
    phasePrice: c('99'), phaseUnit: c('month', 'week'), phaseCount: c('1', '3'), phaseEnds: c('forever', 'cycles'), phaseCycles: c('', '3'), uploadLabel: c('Photo ID'),
    percent: c('10', '100'), appliesTo: c('all', 'chosen'), validFrom: c('', '2026-01-01'), validTo: c('', '2025-01-01'), maxRedemptions: c('10', ''), perPatientLimit: c('1', ''),
    subscriptionCycles: c('3', ''), firstOrderOnly: c('on'), currency: c('USD'),
    shopEnabled: c('on'), openToNewVisitors: c('on'), allowSkip: c('on'), allowPause: c('on'), allowReschedule: c('on'), allowCancel: c('on'), maxPauseDays: c('30', '400'),
    rescheduleWindowDays: c('14'), retryDays: c('1, 3, 7', '9, 1'), requirementsDueDays: c('7'), teams: c('Fulfilment\nSupport'),
    until: c('2027-01-10', '2020-01-01'), date: c('2027-01-20'), other: c('Moving away'),
    ...(w.commerce ? commerceIds(w.commerce) : {}),
    // Tasks (issue 18): the open task first (Done, Edit, Reassign act on it), then the done one.
    details: c('Before noon'), dueOn: c('2027-03-04', '2027-02-30', ''), assigneeStaffId: c(w.staffId, w.provider.id, ''), assigneeTeam: c('Support', 'Nobody', ''),
    ...(w.tasks ? { taskId: [w.tasks.taskId, w.tasks.doneTaskId] } : {}),
    // Consent (issue 18): the chart's answers, the portal's boxes, a reply played on /dev/outbox.
    emailCare: c('yes', 'no'), emailMarketing: c('yes', 'no'), smsCare: c('no', 'yes'), smsMarketing: c('yes', 'no'), marketingEmail: c('on', ''), marketingSms: c('on', ''),
    captureId: c(randomUUID()), reply: c('STOP', 'START', 'HELP'),
  };
}

/** The commerce rows' ids, each field with the rows it may name (the first is the one most likely accepted). */
function commerceIds(m: NonNullable<World['commerce']>): Record<string, string[]> {
  return {
    productId: [m.productId, m.subscriptionProductId], productIds: [m.productId], couponId: [m.couponId], orderId: [m.renewalOrderId, m.orderId, m.shippedOrderId],
    shipmentId: [m.shipmentId], subscriptionId: [m.subscriptionId], requirementId: [m.uploadRequirementId, m.formRequirementId], orderRequirementId: [m.uploadRequirementId],
    uploadId: [m.requiredUploadId], requiredFormIds: [m.intakeId], uploadTypeId: [world.reportType.id],
  };
}

/** Where a shared field name means something else in one place (the first value is the valid one). */
function plausibleOfPlace(key: string): Record<string, string[]> {
  if (key.includes('/products#')) return { kind: ['one_time', 'subscription'] };
  if (key.includes('/coupons#')) return { kind: ['percent', 'amount'], code: ['SPRING25', 'x'] };
  if (key.includes('/subscriptions#')) return { reason: ['other', 'too_expensive'], position: ['1', '7'] };
  if (key.includes('/orders#')) return { to: ['awaiting_review', 'cancelled', 'shipped'], status: ['in_transit', 'exception', 'delivered'] };
  return {};
}

function plausibleFor(spec: ActionSpec): Record<string, string[]> {
  const known = { ...plausible(), ...plausibleOfPlace(spec.key) };
  return spec.intents.length ? { ...known, intent: spec.intents } : known;
}

function inputArbitrary(spec: ActionSpec): fc.Arbitrary<Record<string, FormValue>> {
  const known = plausibleFor(spec);
  const allHostile = hostileForm(spec.fields);
  const base = fc.record(Object.fromEntries(spec.fields.map((f) => [f, f === 'file' || f === 'files' ? hostilePdf : (known[f] ? fc.constantFrom(...known[f]!) : hostileString)])) as Record<string, fc.Arbitrary<FormValue>>);
  const someHostile = fc
    .tuple(base, (spec.fields.length ? fc.constantFrom(...spec.fields).chain((f) => hostileForm([f])) : hostileForm([])), fc.subarray(spec.fields, { maxLength: Math.min(2, spec.fields.length) }), fc.array(hostileString, { minLength: 2, maxLength: 2 }))
    .map(([b, extra, chosen, values]) => {
      const out: Record<string, FormValue> = { ...b, ...extra };
      chosen.forEach((f, i) => (out[f] = values[i]!));
      return out;
    });
  return fc.oneof({ weight: 1, arbitrary: allHostile }, { weight: 2, arbitrary: someHostile });
}

/** Deterministic cases: plausible values with one field carrying a NUL (Postgres refuses it). */
function nulExamples(spec: ActionSpec): [Record<string, FormValue>][] {
  const known = plausibleFor(spec);
  const base: Record<string, string> = Object.fromEntries(spec.fields.map((f) => [f, known[f]?.[0] ?? '']));
  // Unique-valued fields left empty, so an earlier run's value cannot refuse the case as a duplicate.
  for (const f of ['nationalId', 'email', 'hostname', 'label']) if (f in base) base[f] = '';
  // Every intent (a separate branch of the action) gets every field's case.
  const intents = spec.intents.length && spec.fields.includes('intent') ? spec.intents : [base.intent];
  return intents.flatMap((intent) => spec.fields.map((f): [Record<string, FormValue>] => [{ ...base, ...(intent === undefined ? {} : { intent }), [f]: `${f === 'intent' ? intent : base[f]}\u0000` }]));
}

function requestFor(spec: ActionSpec): RequestSpec {
  switch (spec.area) {
    case 'crm': return { host: hostFor(world.clinic.slug), cookies: world.staffCookies, path: '/crm' };
    case 'emr': return { host: hostFor(world.clinic.slug), cookies: world.staffCookies, path: `/emr/patients/${world.child.id}` };
    case 'portal': return { host: hostFor(world.clinic.slug), cookies: world.portalCookies, path: '/portal' };
    case 'platform': return { host: `${platformRootDomain()}:3000`, path: '/platform/console' };
    default: return { host: hostFor(world.clinic.slug), path: '/portal/sign-in' };
  }
}

/** What an action said, minus the person's own input echoed back (a refused form shows it again). */
function saidBy(outcome: Outcome, input: Record<string, FormValue>): string[] {
  if (outcome.kind !== 'returned' || !outcome.value || typeof outcome.value !== 'object') return outcome.kind === 'returned' && typeof outcome.value === 'string' ? [outcome.value] : [];
  const { values: _echo, ...said } = outcome.value as Record<string, unknown>;
  const echoed = Object.values(input).flatMap((v) => (typeof v === 'string' ? [v] : Array.isArray(v) ? v : [v.file])).filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  return stringsIn(said).map((s) => echoed.reduce((text, e) => text.split(e).join(''), s));
}

/** The action accepted the input (so it may write): ok, or a redirect to a page that is not sign-in. */
function accepted(spec: ActionSpec, outcome: Outcome): boolean {
  if (outcome.kind === 'redirect') return !/\/sign-in(\?|$)/.test(outcome.location);
  // Signed-out flows with made-up identifiers, codes and tokens match nobody: nothing to write.
  if (spec.area === 'public' || spec.area === 'platform') return false;
  if (outcome.kind !== 'returned') return false;
  const v = outcome.value as { ok?: unknown; fieldErrors?: unknown; error?: unknown; message?: unknown } | undefined | null;
  if (v === undefined || v === null || typeof v !== 'object') return true;
  if (v.ok === true) return true;
  // ok: false, field errors, an error code, or a message without ok: a refusal.
  return v.ok === undefined && !v.fieldErrors && !v.error && !v.message;
}

async function callWith(spec: ActionSpec, action: (...args: unknown[]) => unknown, input: Record<string, FormValue>, raw?: unknown): Promise<Outcome> {
  const req = requestFor(spec);
  switch (spec.shape) {
    case 'none': return invokeAction(req, action);
    case 'form': return invokeAction(req, action, toFormData(input));
    case 'object': return invokeAction(req, action, raw ?? input);
    case 'string': return invokeAction(req, action, typeof raw === 'string' ? raw : String(Object.values(input)[0] ?? ''));
    default: return invokeAction(req, action, {}, toFormData(input));
  }
}

beforeAll(async () => {
  const result = (await getDb().execute(sql`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)) as unknown;
  const tables = ((Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { t: string }[]).map((r) => r.t).filter((t) => !VOLATILE.has(t));
  fingerprintSql = tables
    // xmin changes with every insert or update of a row, count with every delete: cheap and exact.
    .map((t) => `select '${t}' as t, count(*)::text || ':' || coalesce(sum(xmin::text::bigint), 0)::text as h from "${t}" x`)
    .join(' union all ');
});

/** Every stored original file name must be safe to show and to send in Content-Disposition. */
async function unsafeFileNames(): Promise<string[]> {
  const result = (await getDb().execute(sql`
    select original_filename as n from documents union all select original_filename from message_attachments`)) as unknown;
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { n: string }[];
  return rows.map((r) => r.n).filter((n) => !n || /[/\\\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]|^[.\s]/.test(n) || [...n].length > 150);
}

/**
 * Actions that answer in zod's built-in wording: `probed` from fixed inputs (asserted), `seen`
 * in the random runs (printed only: which ones appear depends on the random data).
 */
const zodWording = { probed: new Map<string, string>(), seen: new Map<string, string>() };

function check(spec: ActionSpec, action: (...args: unknown[]) => unknown, tally: Record<string, number>, wording = zodWording.seen) {
  return async (input: Record<string, FormValue>, raw?: unknown) => {
    await heal(world);
    const before = await fingerprint();
    const outcome = await callWith(spec, action, input, raw);
    const label = outcome.kind === 'redirect' ? `redirect ${outcome.location.split('?')[0]}` : outcome.kind === 'returned' ? (accepted(spec, outcome) ? 'accepted' : 'refused') : outcome.kind;
    tally[label] = (tally[label] ?? 0) + 1;
    if (process.env.BAD_INPUT_TALLY && tally[label] === 1) console.info(`${spec.key} ${label}: ${describeOutcome(outcome).slice(0, 200)}`);
    const where = `${spec.key} with ${JSON.stringify(input, (_k, v: unknown) => (typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}…(${v.length})` : v))}`;
    if (outcome.kind === 'threw') {
      const e = outcome.error as Error;
      throw new Error(`${where}\n  threw (a 500): ${describeOutcome(outcome)}\n${e?.stack?.split('\n').slice(0, 6).join('\n') ?? ''}`);
    }
    for (const text of saidBy(outcome, input)) {
      const leaks = leaksIn(text);
      if (leaks.length) throw new Error(`${where}\n  leaked ${leaks.join(', ')} in: ${text.slice(0, 300)}`);
      if (zodDefaultIn(text) && !wording.has(spec.key)) wording.set(spec.key, text);
    }
    if (!accepted(spec, outcome)) {
      const after = await fingerprint();
      const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
      if (changed.length) throw new Error(`${where}\n  refused (${describeOutcome(outcome)}) but wrote to ${changed.join(', ')}`);
    } else {
      const unsafe = await unsafeFileNames();
      if (unsafe.length) throw new Error(`${where}\n  stored unsafe file names ${JSON.stringify(unsafe)}`);
    }
  };
}

function seedOf(key: string): number {
  return [...key].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) | 0, 7);
}

async function load(spec: ActionSpec) {
  const mod = (await import(/* @vite-ignore */ spec.file)) as Record<string, (...args: unknown[]) => unknown>;
  // A wrapped action names its schema's fields (lib/actions/wrappers.ts), wherever the schema lives.
  const described = describeAction(mod[spec.name])?.fields ?? [];
  // A wrapped action's form is its schema's fields and what the file reads itself: other quoted
  // words of the file are not fields, and a strict schema refuses a form that has one, so no
  // random run would get past parsing to the values.
  spec.fields = described.length
    ? [...new Set([...described, ...spec.readFields, ...(spec.intents.length && spec.fields.includes('intent') ? ['intent'] : [])])].sort()
    : [...new Set([...spec.fields, ...described])].sort();
  return mod[spec.name]!;
}

/**
 * The suite for one part of the actions (every `parts`-th, from `part`): the test files split it
 * so Vitest's two workers share it (whole, it was 8 of CI's 15 minutes of tests on one worker).
 */
export function badInputActionsSuite(part: number, parts: number) {
  describe(`every server action with hostile input (part ${part} of ${parts})`, () => {
    const mine = ACTIONS.filter((_spec, index) => index % parts === part - 1);
    it('finds the actions (a registry that lost them would pass vacuously)', () => {
      expect(ACTIONS.length).toBeGreaterThan(60);
      expect(mine.length).toBeGreaterThan(0);
      console.info(`bad-input: ${mine.length} of ${ACTIONS.length} actions × ${RUNS} random inputs, plus one NUL case per field`);
    });

    for (const spec of mine) {
      // NUL is tested on its own below, so a known NUL bug does not hide anything else.
      it(`${spec.key}: no 500, no leak, no write when refused`, async () => {
        const action = await load(spec);
        world = await freshWorld(spec);
        worldKey = spec.key;
        const tally: Record<string, number> = {};
        const run = check(spec, action, tally);
        const inputs = inputArbitrary(spec).map(withoutNul);
        const property = spec.shape === 'object' || spec.shape === 'string'
          ? fc.asyncProperty(inputs, hostileValue, (input, raw) => run(input, spec.shape === 'object' ? (typeof raw === 'object' && raw ? raw : input) : raw))
          : fc.asyncProperty(inputs, (input) => run(input));
        await fc.assert(property as fc.IAsyncProperty<[Record<string, FormValue>]>, { numRuns: RUNS, seed: seedOf(spec.key), endOnFailure: true });
        if (process.env.BAD_INPUT_TALLY) console.info(`${spec.key}: ${JSON.stringify(tally)}`);
        // Fixed probes: nothing posted, and a file in every field (a crafted request can do both).
        if (spec.shape === 'state-form' || spec.shape === 'form') {
          const probe = check(spec, action, tally, zodWording.probed);
          await probe({});
          await probe(Object.fromEntries(spec.fields.map((f) => [f, { file: 'x.pdf', type: 'application/pdf', bytes: 0, pdf: true }])));
        }
      }, 120_000);

      if (spec.shape !== 'state-form' && spec.shape !== 'form') continue;
      // BAD_INPUT_STRICT=1 runs the known bugs as plain tests, to see their failures.
      (KNOWN_NUL_BUGS[spec.key] && !process.env.BAD_INPUT_STRICT ? it.fails : it)(`${spec.key}: a NUL in any field is refused, not a 500`, async () => {
        // Normally right after the random test of the same action, in its clinic (heal() resets it).
        const action = await load(spec);
        if (worldKey !== spec.key) {
          world = await freshWorld(spec);
          worldKey = spec.key;
        }
        const run = check(spec, action, {});
        for (const [input] of nulExamples(spec)) await run(input);
      }, 120_000);
    }

    it('no action answers an empty or all-files form in zod’s built-in developer wording (beyond the reported ones)', () => {
      console.info(`bad-input: zod default wording, probes ${JSON.stringify(Object.fromEntries(zodWording.probed), null, 1)}, random runs ${JSON.stringify(Object.fromEntries(zodWording.seen), null, 1)}`);
      expect([...zodWording.probed.keys()].filter((k) => !KNOWN_ZOD_WORDING.has(k))).toEqual([]);
    });
  });
}
