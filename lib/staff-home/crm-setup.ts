import 'server-only';
import { and, eq, gte, lt, ne, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  appointments, availabilityRules, conversations, locations, patients, services, staffUsers, subscriptions, tenantBranding, tenantDomains,
  tenantSettings, tenants,
} from '@/db/schema';
import { assertPermission, hasPermission, type StaffContext } from '@/lib/access/context';
import { getBillingSettings } from '@/lib/billing/settings';
import { now as clockNow } from '@/lib/clock';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { isProduction } from '@/lib/config/env';
import { addDays, weekdayOf, zonedDate, zonedInstant } from '@/lib/scheduling/zoned-time';
import { setupProgress, setupSteps, type SetupFacts, type SetupStep } from './setup-rules';

/**
 * The CRM's overview (issue 20 point 5): a clinic still setting up sees what is left, step by step
 * (setup-rules.ts); a clinic that is set up sees itself at a glance. The facts are read here, in
 * one place, a handful of counts on indexed columns, side by side.
 */

/** The clinic's setup facts, for those who change its settings. */
export async function loadSetupFacts(db: Executor, ctx: StaffContext): Promise<SetupFacts> {
  assertPermission(ctx, 'settings.manage');
  const tenantId = ctx.tenant.id;
  const count = (table: typeof locations | typeof services | typeof staffUsers, where: SQL) => sql<number>`(select count(*)::int from ${table} where ${where})`;
  const providerActive = sql`${staffUsers.tenantId} = ${tenantId} and ${staffUsers.isProvider} and ${staffUsers.status} = 'active'`;
  const [[clinic], [counts], domains, billing] = await Promise.all([
    db.select({
      logoUrl: tenantBranding.logoUrl, primaryColor: tenantBranding.primaryColor,
      // The settings row is made with the clinic (in the console's transaction, or a moment
      // later by a script); a save by the clinic moves its updated_at well past that. (The
      // portal settings save only a change; the handout note and SMS limits save here too.)
      portalSettingsSaved: sql<boolean>`${tenantSettings.updatedAt} > ${tenants.createdAt} + interval '1 minute'`,
    })
      .from(tenants)
      .innerJoin(tenantBranding, eq(tenantBranding.tenantId, tenants.id))
      .innerJoin(tenantSettings, eq(tenantSettings.tenantId, tenants.id))
      .where(eq(tenants.id, tenantId)),
    db.select({
      locations: count(locations, sql`${locations.tenantId} = ${tenantId} and ${locations.active}`),
      services: count(services, sql`${services.tenantId} = ${tenantId} and ${services.active}`),
      providers: count(staffUsers, providerActive),
      providersWithHours: count(staffUsers, sql`${providerActive} and exists (
        select 1 from ${availabilityRules}
        join ${locations} on ${locations.tenantId} = ${availabilityRules.tenantId} and ${locations.id} = ${availabilityRules.locationId} and ${locations.active}
        where ${availabilityRules.tenantId} = ${staffUsers.tenantId} and ${availabilityRules.providerId} = ${staffUsers.id})`),
      staff: count(staffUsers, sql`${staffUsers.tenantId} = ${tenantId} and ${staffUsers.status} <> 'deactivated'`),
    }).from(tenants).where(eq(tenants.id, tenantId)),
    db.select({ kind: tenantDomains.kind, hostname: tenantDomains.hostname, verifiedAt: tenantDomains.verifiedAt })
      .from(tenantDomains).where(eq(tenantDomains.tenantId, tenantId)),
    getBillingSettings(db, tenantId),
  ]);
  return {
    branding: {
      logoUrl: clinic?.logoUrl ?? null, primaryColor: clinic?.primaryColor ?? '', defaultPrimaryColor: String(tenantBranding.primaryColor.default),
    },
    locations: counts?.locations ?? 0,
    services: counts?.services ?? 0,
    providers: counts?.providers ?? 0,
    providersWithHours: counts?.providersWithHours ?? 0,
    domains: domains.map((d) => ({ kind: d.kind, hostname: d.hostname, verified: d.verifiedAt !== null })),
    portalSettingsSaved: clinic?.portalSettingsSaved ?? false,
    payments: {
      enabled: billing.paymentsEnabled, gateway: billing.gateway, stripeChargesEnabled: billing.stripeChargesEnabled,
      // The test gateway is the embedded default; production refuses it.
      testGatewayAllowed: !isProduction,
    },
    staff: counts?.staff ?? 0,
  };
}

export interface ClinicGlance {
  /** Each count only for those who may open its page. */
  patients: number | null;
  visitsThisWeek: number | null;
  activeSubscriptions: number | null;
  openConversations: number | null;
  /** The clinic's week (Monday to Sunday, its zone), for the schedule link. */
  weekOf: string;
}

/** The clinic at a glance: numbers only, nobody's record. */
export async function loadClinicGlance(db: Executor, ctx: StaffContext): Promise<ClinicGlance> {
  const tenantId = ctx.tenant.id;
  const timeZone = await clinicTimeZone(db, tenantId);
  // Monday to Sunday of the clinic's calendar, as the schedule's week view counts it.
  const today = zonedDate(clockNow(), timeZone);
  const monday = addDays(today, -((weekdayOf(today) + 6) % 7));
  const from = zonedInstant(monday, '00:00', timeZone);
  const to = zonedInstant(addDays(monday, 7), '00:00', timeZone);
  const n = sql<number>`count(*)::int`;
  const may = (permission: Parameters<typeof hasPermission>[1], read: () => Promise<{ n: number }[]>) =>
    hasPermission(ctx, permission) ? read().then(([row]) => row?.n ?? 0) : Promise.resolve(null);
  const [patientCount, visits, subs, open] = await Promise.all([
    may('patients.view', () => db.select({ n }).from(patients).where(eq(patients.tenantId, tenantId))),
    may('schedule.view', () => db.select({ n }).from(appointments).where(and(
      eq(appointments.tenantId, tenantId), gte(appointments.startsAt, from), lt(appointments.startsAt, to), ne(appointments.status, 'cancelled'),
    ))),
    may('orders.view', () => db.select({ n }).from(subscriptions).where(and(eq(subscriptions.tenantId, tenantId), eq(subscriptions.status, 'active')))),
    may('messages.view', () => db.select({ n }).from(conversations).where(and(eq(conversations.tenantId, tenantId), eq(conversations.status, 'open')))),
  ]);
  return { patients: patientCount, visitsThisWeek: visits, activeSubscriptions: subs, openConversations: open, weekOf: monday };
}

export interface CrmOverview {
  /** Null for those who do not change the clinic's settings. */
  setup: { steps: SetupStep[]; progress: ReturnType<typeof setupProgress> } | null;
  /** Once setup is complete (or for those who do not set it up). */
  glance: ClinicGlance | null;
}

export async function loadCrmOverview(db: Executor, ctx: StaffContext): Promise<CrmOverview> {
  if (!hasPermission(ctx, 'settings.manage')) return { setup: null, glance: await loadClinicGlance(db, ctx) };
  const steps = setupSteps(await loadSetupFacts(db, ctx));
  const progress = setupProgress(steps);
  return { setup: { steps, progress }, glance: progress.complete ? await loadClinicGlance(db, ctx) : null };
}
