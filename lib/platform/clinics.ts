import 'server-only';
import { randomBytes } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { headers } from 'next/headers';
import type { Executor } from '@/db/client';
import { accessLevels, staffUsers, tenantBranding, tenantDomains, tenantSettings, tenants } from '@/db/schema';
import { BUILTIN_LEVELS, BUILTIN_LEVEL_KEYS } from '@/lib/access/permissions';
import { ensureBuiltinAutomations } from '@/lib/engagement/automations/builtins';
import { recordAudit } from '@/lib/audit/record-audit';
import type { OperatorContext } from '@/lib/access/context';
import { revokeTenantSessions } from '@/lib/auth/session-store';
import { now as clockNow } from '@/lib/clock';
import { isProduction, platformRootDomain } from '@/lib/config/env';
import { installStarterTemplates } from '@/lib/clinic-forms/templates';
import { ensureDefaultDocumentTypes } from '@/lib/documents/default-types';
import type { EmailSender } from '@/lib/email/types';
import { NotFoundError, RuleError } from '@/lib/kernel/errors';
import { issueStaffInvite } from '@/lib/staff/staff-users';
import { isValidSubdomainLabel } from '@/lib/tenancy/host';
import { usageMonth } from '@/lib/sms-spend/rules';

/** The platform console's view of clinics: operators only, never clinic data beyond counts. */

export async function listClinics(db: Executor) {
  // Drizzle renders a bare column in a select list without its table; the correlated
  // subqueries need the qualified name.
  const tenantId = sql.raw('"tenants"."id"');
  // This month's SMS (lib/sms-spend): the count and segments the cost estimate is made from.
  const month = usageMonth(clockNow());
  const rows = await db
    .select({
      id: tenants.id, slug: tenants.slug, name: tenants.name, status: tenants.status, createdAt: tenants.createdAt,
      domains: sql<string[]>`coalesce((select array_agg(case when d.kind = 'subdomain' then d.hostname || ' (subdomain)' else d.hostname || case when d.verified_at is null then ' (unverified)' else '' end end order by d.kind desc, d.hostname) from tenant_domains d where d.tenant_id = ${tenantId}), '{}')`,
      staff: sql<number>`(select count(*)::int from staff_users s where s.tenant_id = ${tenantId} and s.status <> 'deactivated')`,
      patients: sql<number>`(select count(*)::int from patients p where p.tenant_id = ${tenantId})`,
      smsSent: sql<number>`coalesce((select u.sent from sms_monthly_usage u where u.tenant_id = ${tenantId} and u.month = ${month}::date), 0)`,
      smsSegments: sql<number>`coalesce((select u.segments from sms_monthly_usage u where u.tenant_id = ${tenantId} and u.month = ${month}::date), 0)`,
    })
    .from(tenants)
    .orderBy(asc(tenants.name));
  return rows;
}

/** A new clinic the console refused, with the field to fix and why. */
export class ClinicRuleError extends RuleError {
  constructor(readonly field: 'slug' | 'name' | 'adminEmail', reason: string) {
    super('clinic-refused', 'The clinic was not created.', { [field]: reason });
    // The sentence, not the code, for whoever reads the error itself.
    this.message = reason;
    this.name = 'ClinicRuleError';
  }
}

/** The clinic's own host, for the first admin's invitation link (the console's port in development). */
export async function clinicOrigin(slug: string): Promise<string> {
  const host = (await headers()).get('host') ?? '';
  const port = host.includes(':') ? `:${host.split(':')[1]}` : '';
  return `${isProduction ? 'https' : 'http'}://${slug}.${platformRootDomain()}${port}`;
}

/**
 * Creates a clinic with its subdomain, default branding and settings, the built-in access
 * levels and document types, and its first admin, who receives an invitation by email.
 */
export async function createClinic(
  db: Executor,
  operator: OperatorContext,
  input: { name: string; slug: string; adminEmail: string; adminName: string },
  email: EmailSender,
  originFor: (slug: string) => string,
): Promise<{ tenantId: string }> {
  const slug = input.slug.trim().toLowerCase();
  if (!isValidSubdomainLabel(slug)) throw new ClinicRuleError('slug', 'Use 1–63 lower-case letters, digits and hyphens; some names (www, app, api…) are reserved.');
  const [taken] = await db.select({ id: tenantDomains.id }).from(tenantDomains).where(and(eq(tenantDomains.kind, 'subdomain'), eq(tenantDomains.hostname, slug)));
  if (taken) throw new ClinicRuleError('slug', 'Another clinic already uses this address.');
  const created = await db.transaction(async (tx) => {
    const [tenant] = await tx.insert(tenants).values({ slug, name: input.name.trim() }).returning();
    const t = tenant!;
    await tx.insert(tenantDomains).values({ tenantId: t.id, kind: 'subdomain', hostname: slug, verificationToken: randomBytes(16).toString('hex'), verifiedAt: clockNow() });
    await tx.insert(tenantBranding).values({ tenantId: t.id, displayName: t.name });
    await tx.insert(tenantSettings).values({ tenantId: t.id });
    const levels = await tx
      .insert(accessLevels)
      .values(BUILTIN_LEVEL_KEYS.map((key) => ({ tenantId: t.id, builtinKey: key, name: BUILTIN_LEVELS[key].name, permissions: [...BUILTIN_LEVELS[key].permissions] })))
      .returning({ id: accessLevels.id, key: accessLevels.builtinKey });
    await ensureDefaultDocumentTypes(tx, t.id);
    await installStarterTemplates(tx, t.id);
    // Visit and form reminders, follow-up and failed-payment notices, on from the first day.
    await ensureBuiltinAutomations(tx, t.id);
    const [admin] = await tx
      .insert(staffUsers)
      .values({ tenantId: t.id, email: input.adminEmail.trim().toLowerCase(), fullName: input.adminName.trim(), accessLevelId: levels.find((l) => l.key === 'admin')!.id, status: 'invited' })
      .returning();
    await recordAudit(tx, {
      tenantId: t.id, actor: { kind: 'operator', id: operator.actor.id }, action: 'platform.clinic_created', ip: operator.ip, userAgent: operator.userAgent,
      target: { type: 'tenant', id: t.id }, details: { slug },
    });
    return { tenant: t, admin: admin! };
  });
  // The invitation is sent once the clinic exists (never from inside the transaction).
  await issueStaffInvite(
    db,
    { tenant: { id: created.tenant.id, name: created.tenant.name }, actor: { kind: 'operator', id: operator.actor.id, fullName: 'The Carebridge team' }, ip: operator.ip, userAgent: operator.userAgent },
    { id: created.admin.id, email: created.admin.email },
    email,
    originFor(slug),
  );
  return { tenantId: created.tenant.id };
}

/** Suspending ends every session of the clinic at once; its hosts then show "unavailable". */
export async function setClinicStatus(db: Executor, operator: OperatorContext, tenantId: string, status: 'active' | 'suspended') {
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, tenantId));
    if (!before) throw new NotFoundError('clinic');
    await tx.update(tenants).set({ status, updatedAt: clockNow() }).where(eq(tenants.id, tenantId));
    const ended = status === 'suspended' ? await revokeTenantSessions(tx, tenantId, 'clinic-suspended') : 0;
    await recordAudit(tx, {
      tenantId, actor: { kind: 'operator', id: operator.actor.id }, action: status === 'suspended' ? 'platform.clinic_suspended' : 'platform.clinic_reactivated',
      ip: operator.ip, userAgent: operator.userAgent, target: { type: 'tenant', id: tenantId }, details: { before: before.status, after: status, sessionsEnded: ended },
    });
  });
}
