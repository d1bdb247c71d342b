import 'server-only';
import { and, asc, eq, inArray, isNull, sql, type SQLWrapper } from 'drizzle-orm';
import { cache } from 'react';
import { isTransaction, type Executor } from '@/db/client';
import { patientPortalSettings, patients, portalAccountPatients, portalAccounts, tenantSettings, type PortalRelationship, type ProxyScope } from '@/db/schema';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { effectiveScope, type PortalArea } from '@/lib/portal-access/proxy-scope';
import { zonedDate } from '@/lib/scheduling/zoned-time';
import { NotFoundError, type LinkedPatient, type PortalContext } from './context';

/**
 * This request's answers, so the session check and the link re-checks of the page's data
 * functions cost one query between them. React's cache is per request (and a no-op outside one);
 * reads inside a transaction always go to the database.
 */
const requestMemo = cache(() => new Map<string, LinkedPatient[]>());

export function rememberLinkedPatients(tenantId: string, accountId: string, linked: LinkedPatient[]): void {
  requestMemo().set(`${tenantId}:${accountId}`, linked);
}

/** The patients a portal account may act for, excluding any whose portal access staff disabled. */
export async function listLinkedPatients(db: Executor, tenantId: string, accountId: string): Promise<LinkedPatient[]> {
  const key = `${tenantId}:${accountId}`;
  const inTransaction = isTransaction(db);
  const remembered = inTransaction ? undefined : requestMemo().get(key);
  if (remembered) return remembered;
  const linked = await queryLinkedPatients(db, tenantId, accountId);
  if (!inTransaction) requestMemo().set(key, linked);
  return linked;
}

/**
 * One link as loaded, before the day's rule is applied: the link's columns, the patient's date of
 * birth and the clinic's age rules and time zone (the clinic's calendar date decides dates and
 * ages). Both forms below load exactly this shape; resolveLinkedPatients applies the rule.
 */
export interface LinkRow {
  id: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  relationship: PortalRelationship;
  scope: ProxyScope;
  areas: string[];
  startsOn: string | null;
  endsOn: string | null;
  teenConsented: boolean;
  adultGranted: boolean;
  ageRulesEnabled: boolean;
  teenAge: number;
  adultAge: number;
  /** The clinic's zone: its first location's (active first), UTC without one (as clinicTimeZone). */
  timeZone: string;
}

/** What each link opens on the clinic's calendar date at `at` (the fake clock drives it). */
export function resolveLinkedPatients(rows: readonly LinkRow[], at: Date = now()): LinkedPatient[] {
  return rows.map((row) => {
    const today = zonedDate(at, row.timeZone);
    const { areas, reason } = effectiveScope(
      {
        relationship: row.relationship, scope: row.scope, areas: row.areas, startsOn: row.startsOn, endsOn: row.endsOn,
        teenConsentAt: row.teenConsented ? at : null, adultGrantAt: row.adultGranted ? at : null,
      },
      row.dateOfBirth,
      today,
      { enabled: row.ageRulesEnabled, teenAge: row.teenAge, adultAge: row.adultAge },
    );
    return {
      id: row.id, firstName: row.firstName, lastName: row.lastName, dateOfBirth: row.dateOfBirth, relationship: row.relationship,
      areas, scopeReason: reason,
    };
  });
}

/** The clinic's zone inside the link queries (lib/clinic-forms/reminders.ts clinicTimeZone's rule). */
function clinicZone(tenantId: SQLWrapper) {
  return sql<string>`coalesce((
    select l.time_zone from locations l where l.tenant_id = ${tenantId}
    order by l.active desc, l.created_at, l.id limit 1
  ), 'UTC')`;
}

/**
 * The same rows as a JSON value inside another query (the session check loads it with the
 * session row; resolveLinkedPatients then applies the rule). Must stay equal to the rows
 * queryLinkedPatients loads: tests/integration compares them.
 */
export function linkedPatientsJson(tenantId: SQLWrapper, accountId: SQLWrapper) {
  return sql<LinkRow[]>`coalesce((
    select json_agg(json_build_object(
      'id', p.id, 'firstName', p.first_name, 'lastName', p.last_name,
      'dateOfBirth', p.date_of_birth, 'relationship', pap.relationship,
      'scope', pap.scope, 'areas', pap.areas, 'startsOn', pap.starts_on, 'endsOn', pap.ends_on,
      'teenConsented', pap.teen_consent_at is not null, 'adultGranted', pap.adult_grant_at is not null,
      'ageRulesEnabled', ts.proxy_age_rules, 'teenAge', ts.proxy_teen_age, 'adultAge', ts.proxy_adult_age,
      'timeZone', ${clinicZone(sql`pap.tenant_id`)}
    ) order by pap.created_at, p.first_name)
    from portal_account_patients pap
    join patients p on p.tenant_id = pap.tenant_id and p.id = pap.patient_id
    join tenant_settings ts on ts.tenant_id = pap.tenant_id
    left join patient_portal_settings s on s.tenant_id = p.tenant_id and s.patient_id = p.id
    where pap.tenant_id = ${tenantId} and pap.account_id = ${accountId} and s.disabled_at is null
  ), '[]'::json)`;
}

/** The columns of a LinkRow, for the queries below (the JSON form above names the same). */
const linkColumns = {
  id: patients.id,
  firstName: patients.firstName,
  lastName: patients.lastName,
  dateOfBirth: patients.dateOfBirth,
  relationship: portalAccountPatients.relationship,
  scope: portalAccountPatients.scope,
  areas: portalAccountPatients.areas,
  startsOn: portalAccountPatients.startsOn,
  endsOn: portalAccountPatients.endsOn,
  teenConsented: sql<boolean>`${portalAccountPatients.teenConsentAt} is not null`,
  adultGranted: sql<boolean>`${portalAccountPatients.adultGrantAt} is not null`,
  ageRulesEnabled: tenantSettings.proxyAgeRules,
  teenAge: tenantSettings.proxyTeenAge,
  adultAge: tenantSettings.proxyAdultAge,
  timeZone: clinicZone(portalAccountPatients.tenantId),
};

/** The rows as loaded (before the rule), for the test that compares the two forms. */
export async function queryLinkRows(db: Executor, tenantId: string, accountId: string): Promise<LinkRow[]> {
  return db
    .select(linkColumns)
    .from(portalAccountPatients)
    .innerJoin(patients, and(eq(patients.tenantId, portalAccountPatients.tenantId), eq(patients.id, portalAccountPatients.patientId)))
    .innerJoin(tenantSettings, eq(tenantSettings.tenantId, portalAccountPatients.tenantId))
    .leftJoin(
      patientPortalSettings,
      and(eq(patientPortalSettings.tenantId, patients.tenantId), eq(patientPortalSettings.patientId, patients.id)),
    )
    .where(and(
      eq(portalAccountPatients.tenantId, tenantId),
      eq(portalAccountPatients.accountId, accountId),
      isNull(patientPortalSettings.disabledAt),
    ))
    .orderBy(asc(portalAccountPatients.createdAt), asc(patients.firstName));
}

/**
 * Every portal account linked to one patient, and what each link opens today: for notices about
 * the patient (lib/notifications/audience.ts, automations), which reach a proxy only for what
 * their link opens.
 */
export async function queryPatientLinks(db: Executor, tenantId: string, patientId: string, at: Date = now()): Promise<(LinkedPatient & { accountId: string })[]> {
  const rows = await db
    .select({ ...linkColumns, accountId: portalAccountPatients.accountId })
    .from(portalAccountPatients)
    .innerJoin(patients, and(eq(patients.tenantId, portalAccountPatients.tenantId), eq(patients.id, portalAccountPatients.patientId)))
    .innerJoin(tenantSettings, eq(tenantSettings.tenantId, portalAccountPatients.tenantId))
    .where(and(eq(portalAccountPatients.tenantId, tenantId), eq(portalAccountPatients.patientId, patientId)));
  const resolved = resolveLinkedPatients(rows, at);
  return resolved.map((link, i) => ({ ...link, accountId: rows[i]!.accountId }));
}

/** An active portal account linked to a patient, with its addresses and what the link opens today. */
export type AudienceLink = ReturnType<typeof resolveLinkedPatients>[number] & { accountId: string; email: string | null; phone: string };

/**
 * The active portal accounts linked to one patient, with their addresses and what each link opens
 * today, in one statement: who a notice about the patient may reach (lib/notifications/audience.ts).
 */
export async function queryPatientAudienceLinks(db: Executor, tenantId: string, patientId: string, at: Date = now()): Promise<AudienceLink[]> {
  return (await queryPatientsAudienceLinks(db, tenantId, [patientId], at)).get(patientId) ?? [];
}

/**
 * queryPatientAudienceLinks for many patients of a clinic in one statement (a renewal pass's
 * receipts): each patient's active linked accounts, with their addresses and what each link opens
 * today. A patient without any is absent from the map.
 */
export async function queryPatientsAudienceLinks(db: Executor, tenantId: string, patientIds: readonly string[], at: Date = now()): Promise<Map<string, AudienceLink[]>> {
  if (patientIds.length === 0) return new Map<string, AudienceLink[]>();
  const rows = await db
    .select({ ...linkColumns, accountId: portalAccountPatients.accountId, email: portalAccounts.email, phone: portalAccounts.phone })
    .from(portalAccountPatients)
    .innerJoin(patients, and(eq(patients.tenantId, portalAccountPatients.tenantId), eq(patients.id, portalAccountPatients.patientId)))
    .innerJoin(portalAccounts, and(eq(portalAccounts.tenantId, portalAccountPatients.tenantId), eq(portalAccounts.id, portalAccountPatients.accountId)))
    .innerJoin(tenantSettings, eq(tenantSettings.tenantId, portalAccountPatients.tenantId))
    .where(and(
      eq(portalAccountPatients.tenantId, tenantId),
      inArray(portalAccountPatients.patientId, [...new Set(patientIds)]),
      // As above: a disabled (or not yet approved) account hears nothing about the patient.
      eq(portalAccounts.status, 'active'),
    ));
  const resolved = resolveLinkedPatients(rows, at);
  const byPatient = new Map<string, AudienceLink[]>();
  resolved.forEach((link, i) => {
    const row = rows[i]!;
    const links = byPatient.get(link.id) ?? [];
    links.push({ ...link, accountId: row.accountId, email: row.email, phone: row.phone });
    byPatient.set(link.id, links);
  });
  return byPatient;
}

/**
 * Whether a linked account hears about something of the patient's: the patient's own account
 * always; a proxy only while the link opens anything today, the thing's area when it has one,
 * and never about a document or conversation hidden from proxies.
 */
export function linkHears(link: Pick<LinkedPatient, 'relationship' | 'areas'>, about: { area?: PortalArea; hiddenFromProxies?: boolean } = {}): boolean {
  if (link.relationship === 'self') return true;
  if (link.areas.length === 0 || about.hiddenFromProxies) return false;
  return !about.area || link.areas.includes(about.area);
}

/** Always from the database: for the moment links may just have changed (signing in after an activation). */
export async function queryLinkedPatients(db: Executor, tenantId: string, accountId: string): Promise<LinkedPatient[]> {
  return resolveLinkedPatients(await queryLinkRows(db, tenantId, accountId));
}

/** Whether a linked patient's link opens `area` today (pages and navigation; lib/ re-checks with assertPortalArea). */
export function hasPortalArea(patient: Pick<LinkedPatient, 'areas'> | null | undefined, area: PortalArea): boolean {
  return !!patient && patient.areas.includes(area);
}

/** The account's link to the patient it acts for, as it stands now; not-found when it opens nothing. */
async function currentLink(db: Executor, ctx: PortalContext): Promise<LinkedPatient> {
  if (!isUuid(ctx.patient.id)) throw new NotFoundError('patient');
  const linked = await listLinkedPatients(db, ctx.tenant.id, ctx.account.id);
  const link = linked.find((p) => p.id === ctx.patient.id);
  if (!link || link.areas.length === 0) throw new NotFoundError('patient');
  return link;
}

/**
 * The account must still be linked to the patient it acts for (staff may have disabled portal
 * access since the session chose them, the link's dates or the age rules may have closed it);
 * anything else is not-found.
 */
export async function assertPortalLink(db: Executor, ctx: PortalContext): Promise<void> {
  await currentLink(db, ctx);
}

/**
 * Whether the account's link to the patient it acts for opens `area` today, for the lib/ reads
 * that answer "nothing" (an empty list, null) instead of not-found.
 */
export async function portalAreaOpen(db: Executor, ctx: PortalContext, area: PortalArea): Promise<boolean> {
  if (!isUuid(ctx.patient.id)) return false;
  const link = (await listLinkedPatients(db, ctx.tenant.id, ctx.account.id)).find((p) => p.id === ctx.patient.id);
  return !!link && link.areas.includes(area);
}

/**
 * assertPortalLink, and the link must open `area` of the patient's portal today (a proxy's scope,
 * dates and the clinic's age rules: lib/portal-access/proxy-scope.ts). Every lib/ function that
 * takes a PortalContext calls it with its area, whatever the page or wrapper already checked.
 * Throws NotFoundError either way (`portal.<area>` when out of scope): every page and route already
 * answers not-found for it, and a proxy learns nothing of what lies outside their scope.
 */
export async function assertPortalArea(db: Executor, ctx: PortalContext, area: PortalArea): Promise<LinkedPatient> {
  const link = await currentLink(db, ctx);
  if (!link.areas.includes(area)) throw new NotFoundError(`portal.${area}`);
  return link;
}
