import 'server-only';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { and, asc, eq, ne } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { tenantDomains, tenants } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now as clockNow } from '@/lib/clock';
import { platformRootDomain } from '@/lib/config/env';
import { PG, postgresErrorCode } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { parseSettings } from '@/lib/settings/schemas';
import { forgetResolvedHosts } from '@/lib/tenancy/resolve-tenant';
import { normalizeHost, parseHost, RESERVED_SUBDOMAINS, isValidSubdomainLabel } from '@/lib/tenancy/host';
import { DomainAuditActions } from './audit-actions';
import { checkDomainDns, DnsLookupError, dnsRecordsFor, type DnsCheck, type DnsResolver } from './dns';
import { DomainRuleError } from './errors';
import { customDomainSchema, subdomainSchema } from './forms';
import { VercelDomainError, type VercelDomains } from './vercel';

/**
 * The hosts a clinic answers on: its subdomain of the platform and its custom domains. Needs
 * `settings.manage`. A change here routes at once in this process (the host memo is dropped);
 * the action also calls revalidateTenant for Next's caches.
 */

export interface DomainDeps {
  /** Vercel's project domains API, or null when the deployment is not configured for it. */
  vercel: VercelDomains | null;
}

const generateVerificationToken = () => `cb-verify-${randomBytes(16).toString('hex')}`;

/** DNS and the hosting provider fail in their own terms; the clinic reads what that means for it. */
function asRefusal(error: unknown): unknown {
  if (error instanceof DnsLookupError) return new DomainRuleError('dns-unavailable');
  if (error instanceof VercelDomainError) return new DomainRuleError(error.status === 409 || error.status === 403 ? 'hosting-refused' : 'hosting-unavailable');
  return error;
}

export async function getDomainsOverview(db: Executor, ctx: StaffContext) {
  assertPermission(ctx, 'settings.manage');
  const rows = await db
    .select({ id: tenantDomains.id, kind: tenantDomains.kind, hostname: tenantDomains.hostname, verificationToken: tenantDomains.verificationToken, verifiedAt: tenantDomains.verifiedAt })
    .from(tenantDomains)
    .where(eq(tenantDomains.tenantId, ctx.tenant.id))
    .orderBy(asc(tenantDomains.createdAt), asc(tenantDomains.hostname));
  const root = platformRootDomain();
  const sub = rows.find((r) => r.kind === 'subdomain');
  return {
    rootDomain: root,
    subdomain: sub ? { label: sub.hostname, host: `${sub.hostname}.${root}` } : null,
    customDomains: rows
      .filter((r) => r.kind === 'custom')
      .map((r) => ({ id: r.id, hostname: r.hostname, verifiedAt: r.verifiedAt, records: dnsRecordsFor(r.hostname, r.verificationToken) })),
  };
}
export type DomainsOverview = Awaited<ReturnType<typeof getDomainsOverview>>;

/** Why a label cannot be a subdomain, or null when it can. */
function subdomainProblem(label: string): DomainRuleError | null {
  if (RESERVED_SUBDOMAINS.has(label)) return new DomainRuleError('subdomain-reserved', { label });
  if (!isValidSubdomainLabel(label)) return new DomainRuleError('subdomain-malformed');
  return null;
}

/** A label is taken when another clinic routes on it, or another clinic's slug is that name. */
async function subdomainTaken(db: Executor, ctx: StaffContext, label: string): Promise<boolean> {
  const [domain] = await db
    .select({ id: tenantDomains.id })
    .from(tenantDomains)
    .where(and(eq(tenantDomains.kind, 'subdomain'), eq(tenantDomains.hostname, label), ne(tenantDomains.tenantId, ctx.tenant.id)))
    .limit(1);
  if (domain) return true;
  const [slug] = await db.select({ id: tenants.id }).from(tenants).where(and(eq(tenants.slug, label), ne(tenants.id, ctx.tenant.id))).limit(1);
  return Boolean(slug);
}

/**
 * Moves the clinic to `{label}.{root}`. The old address stops routing at once and becomes free
 * for others; sessions are host-only cookies, so staff sign in again on the new address.
 */
export async function changeSubdomain(db: Executor, ctx: StaffContext, input: unknown): Promise<{ changed: boolean; host: string }> {
  assertPermission(ctx, 'settings.manage');
  const label = parseSettings(subdomainSchema, input).label.trim().toLowerCase();
  const problem = subdomainProblem(label);
  if (problem) throw problem;
  const host = `${label}.${platformRootDomain()}`;
  try {
    const changed = await db.transaction(async (tx) => {
      const [current] = await tx
        .select({ id: tenantDomains.id, hostname: tenantDomains.hostname })
        .from(tenantDomains)
        .where(and(eq(tenantDomains.tenantId, ctx.tenant.id), eq(tenantDomains.kind, 'subdomain')))
        .for('update');
      if (current?.hostname === label) return false;
      if (await subdomainTaken(tx, ctx, label)) throw new DomainRuleError('subdomain-taken');
      let domainId = current?.id;
      if (domainId) {
        await tx.update(tenantDomains).set({ hostname: label }).where(and(eq(tenantDomains.tenantId, ctx.tenant.id), eq(tenantDomains.id, domainId)));
      } else {
        const [row] = await tx
          .insert(tenantDomains)
          .values({ tenantId: ctx.tenant.id, kind: 'subdomain', hostname: label, verificationToken: generateVerificationToken(), verifiedAt: clockNow() })
          .returning({ id: tenantDomains.id });
        domainId = row!.id;
      }
      await recordAudit(tx, ctx, {
        action: DomainAuditActions.subdomainChanged,
        target: { type: 'tenant_domain', id: domainId }, details: { changed: { subdomain: { before: current?.hostname ?? null, after: label } } },
      });
      return true;
    });
    if (changed) forgetResolvedHosts();
    return { changed, host };
  } catch (error) {
    // The unique index (kind, hostname) decides a race with another clinic taking the same name.
    if (postgresErrorCode(error) === PG.uniqueViolation) throw new DomainRuleError('subdomain-taken');
    throw error;
  }
}

/** The host name a person typed, normalised, or a refusal saying why it cannot be a custom domain. */
export function parseCustomDomain(raw: string): string {
  const hostname = normalizeHost(raw.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, ''));
  if (!hostname || isIP(hostname.replace(/^\[|\]$/g, '')) !== 0) throw new DomainRuleError('domain-malformed');
  const root = platformRootDomain();
  if (hostname === root || hostname.endsWith(`.${root}`)) throw new DomainRuleError('domain-platform', { root });
  const parsed = parseHost(hostname, root);
  if (parsed.kind !== 'custom' || hostname.length > 253) throw new DomainRuleError('domain-malformed');
  return parsed.hostname;
}

async function customDomainOwner(db: Executor, hostname: string): Promise<string | null> {
  const [row] = await db
    .select({ tenantId: tenantDomains.tenantId })
    .from(tenantDomains)
    .where(and(eq(tenantDomains.kind, 'custom'), eq(tenantDomains.hostname, hostname)));
  return row?.tenantId ?? null;
}

function ownershipError(ctx: StaffContext, owner: string): DomainRuleError {
  // Never say which clinic: that would leak another customer's name.
  return new DomainRuleError(owner === ctx.tenant.id ? 'domain-already-added' : 'domain-other-clinic');
}

/**
 * Adds an unverified custom domain and, when configured, registers it with Vercel in the same
 * transaction: a refusal from Vercel leaves nothing behind. It routes only once verified.
 */
export async function addCustomDomain(db: Executor, ctx: StaffContext, input: unknown, deps: DomainDeps) {
  assertPermission(ctx, 'settings.manage');
  const hostname = parseCustomDomain(parseSettings(customDomainSchema, input).hostname);
  const existing = await customDomainOwner(db, hostname);
  if (existing) throw ownershipError(ctx, existing);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(tenantDomains)
        .values({ tenantId: ctx.tenant.id, kind: 'custom', hostname, verificationToken: generateVerificationToken() })
        .returning({ id: tenantDomains.id, verificationToken: tenantDomains.verificationToken });
      await recordAudit(tx, ctx, {
        action: DomainAuditActions.customAdded,
        target: { type: 'tenant_domain', id: row!.id }, details: { after: { hostname, verified: false }, vercel: Boolean(deps.vercel) },
      });
      await deps.vercel?.add(hostname);
      return { id: row!.id, hostname, records: dnsRecordsFor(hostname, row!.verificationToken) };
    });
  } catch (error) {
    if (postgresErrorCode(error) === PG.uniqueViolation) {
      // Lost a race: the transaction is aborted, so the owner is read outside it.
      const owner = await customDomainOwner(db, hostname);
      throw ownershipError(ctx, owner ?? '');
    }
    throw asRefusal(error);
  }
}

async function targetCustomDomain(db: Executor, ctx: StaffContext, domainId: string) {
  if (!isUuid(domainId)) throw new NotFoundError('domain');
  const [row] = await db
    .select({ id: tenantDomains.id, hostname: tenantDomains.hostname, verificationToken: tenantDomains.verificationToken, verifiedAt: tenantDomains.verifiedAt })
    .from(tenantDomains)
    .where(and(eq(tenantDomains.tenantId, ctx.tenant.id), eq(tenantDomains.id, domainId), eq(tenantDomains.kind, 'custom')));
  if (!row) throw new NotFoundError('domain');
  return row;
}

export interface VerifyResult extends DnsCheck {
  hostname: string;
  verified: boolean;
}

/**
 * Verified only when the TXT record holds this domain's token: that proves control of the DNS.
 * A missing CNAME does not block verification (traffic may go through a proxy) but is reported.
 * Once verified a domain stays verified; checking again only refreshes the warnings.
 */
export async function verifyCustomDomain(db: Executor, ctx: StaffContext, domainId: string, resolver: DnsResolver): Promise<VerifyResult> {
  assertPermission(ctx, 'settings.manage');
  const domain = await targetCustomDomain(db, ctx, domainId);
  const check = await checkDomainDns(resolver, domain.hostname, domain.verificationToken).catch((error: unknown) => {
    throw asRefusal(error);
  });
  if (!check.txtFound || domain.verifiedAt) return { hostname: domain.hostname, verified: Boolean(domain.verifiedAt), ...check };
  await db.transaction(async (tx) => {
    await tx.update(tenantDomains).set({ verifiedAt: clockNow() }).where(and(eq(tenantDomains.tenantId, ctx.tenant.id), eq(tenantDomains.id, domain.id)));
    await recordAudit(tx, ctx, {
      action: DomainAuditActions.customVerified,
      target: { type: 'tenant_domain', id: domain.id }, details: { hostname: domain.hostname, changed: { verified: { before: false, after: true } }, cnameOk: check.cnameOk },
    });
  });
  forgetResolvedHosts();
  return { hostname: domain.hostname, verified: true, ...check };
}

/** Stops routing the domain at once, and removes it from Vercel when configured. */
export async function removeCustomDomain(db: Executor, ctx: StaffContext, domainId: string, deps: DomainDeps): Promise<{ hostname: string }> {
  assertPermission(ctx, 'settings.manage');
  const result = await db.transaction(async (tx) => {
    const domain = await targetCustomDomain(tx, ctx, domainId);
    await tx.delete(tenantDomains).where(and(eq(tenantDomains.tenantId, ctx.tenant.id), eq(tenantDomains.id, domain.id)));
    await recordAudit(tx, ctx, {
      action: DomainAuditActions.customRemoved,
      target: { type: 'tenant_domain', id: domain.id }, details: { before: { hostname: domain.hostname, verified: Boolean(domain.verifiedAt) }, vercel: Boolean(deps.vercel) },
    });
    // Inside the transaction: if Vercel refuses, the row stays and the page still lists it.
    await deps.vercel?.remove(domain.hostname).catch((error: unknown) => {
      throw asRefusal(error);
    });
    return { hostname: domain.hostname };
  });
  forgetResolvedHosts();
  return result;
}
