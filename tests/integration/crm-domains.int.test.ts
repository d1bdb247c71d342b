import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, tenantDomains } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { failureOf, STAFF_MESSAGES } from '@/lib/actions/failures';
import { systemDnsResolver, type DnsResolver } from '@/lib/domains/dns';
import {
  addCustomDomain,
  changeSubdomain,
  getDomainsOverview,
  removeCustomDomain,
  verifyCustomDomain,
  type DomainDeps,
} from '@/lib/domains/domains';
import { DomainRuleError } from '@/lib/domains/errors';
import { vercelConfigFromEnv, vercelDomains, type FetchLike } from '@/lib/domains/vercel';
import { SETTINGS_MESSAGES } from '@/lib/settings/errors';
import { forgetResolvedHosts, resolveTenantByHost } from '@/lib/tenancy/resolve-tenant';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

const db = () => getDb();
/** The form result the domains actions give for a thrown error (lib/actions/failures.ts). */
const domainFailure = (error: unknown) => failureOf(error, { ...STAFF_MESSAGES, ...SETTINGS_MESSAGES }, 'test');
const noVercel: DomainDeps = { vercel: null };
let counter = 0;
const uniqueHost = (prefix = 'portal') => `${prefix}.clinic-${process.pid}-${++counter}.example`;

/** A resolver with fixed answers; a missing name rejects as real DNS does (ENOTFOUND). */
function stubResolver(answers: { txt?: Record<string, string[][]>; cname?: Record<string, string[]> }): DnsResolver {
  const missing = (name: string) => Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return {
    resolveTxt: async (name) => answers.txt?.[name] ?? Promise.reject(missing(name)),
    resolveCname: async (name) => answers.cname?.[name] ?? Promise.reject(missing(name)),
  };
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).not.toBeNull();
  return { error, state: domainFailure(error) };
}

afterEach(() => {
  vi.unstubAllEnvs();
  forgetResolvedHosts();
});

describe('custom domains', () => {
  it('adds a domain, shows the DNS records, and routes it only once the TXT token is found', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const host = uniqueHost();
    const added = await addCustomDomain(db(), admin, { hostname: ` https://WWW.${host.toUpperCase()}/ ` }, noVercel);
    expect(added.hostname).toBe(host);
    const token = added.records.find((r) => r.type === 'TXT')!.value;
    expect(token).toMatch(/^cb-verify-[0-9a-f]{32}$/);
    expect(added.records).toEqual([
      { type: 'CNAME', name: host, value: 'cname.localhost' },
      { type: 'TXT', name: `_carebridge-verify.${host}`, value: token },
    ]);
    const overview = await getDomainsOverview(db(), admin);
    expect(overview.customDomains).toEqual([{ id: added.id, hostname: host, verifiedAt: null, records: added.records }]);
    expect(await resolveTenantByHost(host)).toEqual({ kind: 'not-found' });

    // No TXT record yet: not verified, still not routed.
    const pending = await verifyCustomDomain(db(), admin, added.id, stubResolver({ txt: { [`_carebridge-verify.${host}`]: [['someone-else']] } }));
    expect(pending).toMatchObject({ verified: false, txtFound: false, cnameOk: false });
    expect(await resolveTenantByHost(host)).toEqual({ kind: 'not-found' });

    // The token (split into chunks, as long TXT values are) verifies it; the missing CNAME is only a warning.
    const done = await verifyCustomDomain(db(), admin, added.id, stubResolver({ txt: { [`_carebridge-verify.${host}`]: [['v=1'], [token.slice(0, 10), token.slice(10)]] } }));
    expect(done).toMatchObject({ hostname: host, verified: true, txtFound: true, cnameOk: false, cnameValues: [] });
    expect(await resolveTenantByHost(host)).toMatchObject({ kind: 'tenant', tenant: { id: clinic.id } });
    const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'domain.custom_verified')));
    expect(entry?.details).toMatchObject({ hostname: host, changed: { verified: { before: false, after: true } } });

    // Removing it stops routing at once.
    await removeCustomDomain(db(), admin, added.id, noVercel);
    expect(await resolveTenantByHost(host)).toEqual({ kind: 'not-found' });
    expect((await getDomainsOverview(db(), admin)).customDomains).toEqual([]);
  });

  it('reports a CNAME pointing at the platform (trailing dot and case ignored)', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    vi.stubEnv('PLATFORM_CNAME_TARGET', 'edge.carebridge-hosting.test');
    const host = uniqueHost();
    const added = await addCustomDomain(db(), admin, { hostname: host }, noVercel);
    expect(added.records[0]).toEqual({ type: 'CNAME', name: host, value: 'edge.carebridge-hosting.test' });
    const token = added.records[1]!.value;
    const result = await verifyCustomDomain(db(), admin, added.id, stubResolver({
      txt: { [`_carebridge-verify.${host}`]: [[token]] },
      cname: { [host]: ['Edge.Carebridge-Hosting.test.'] },
    }));
    expect(result).toMatchObject({ verified: true, cnameOk: true });
  });

  it('refuses a domain another clinic has, without naming the clinic, however it is typed', async () => {
    const owner = await createTestTenant({ name: 'Secret Owner Clinic' });
    const other = await createTestTenant();
    const host = uniqueHost();
    await addCustomDomain(db(), await createStaffContext(owner, 'admin'), { hostname: host }, noVercel);
    const admin = await createStaffContext(other, 'admin');
    for (const typed of [host, `WWW.${host.toUpperCase()}`, `${host}.`]) {
      const { error, state } = await refusal(addCustomDomain(db(), admin, { hostname: typed }, noVercel));
      expect(error).toBeInstanceOf(DomainRuleError);
      expect(state.fieldErrors?.hostname).toBe('This domain is already used by another clinic.');
      expect(JSON.stringify(state)).not.toContain('Secret Owner');
    }
    const same = await refusal(addCustomDomain(db(), await createStaffContext(owner, 'admin'), { hostname: host }, noVercel));
    expect(same.state.fieldErrors?.hostname).toBe('This domain is already on your list.');
  });

  it('gives a race for one domain to one clinic; the loser gets the same refusal', async () => {
    const a = await createStaffContext(await createTestTenant(), 'admin');
    const b = await createStaffContext(await createTestTenant(), 'admin');
    const host = uniqueHost();
    // A's transaction has inserted the row and waits (in its Vercel call) while B checks and
    // inserts: on Postgres B passes the first check and the unique index's 23505 decides.
    let entered!: () => void;
    let release!: () => void;
    const inside = new Promise<void>((r) => { entered = r; });
    const held = new Promise<void>((r) => { release = r; });
    const slowVercel: DomainDeps = { vercel: { add: async () => { entered(); await held; }, remove: async () => {} } };
    const first = addCustomDomain(db(), a, { hostname: host }, slowVercel);
    await inside;
    const second = addCustomDomain(db(), b, { hostname: host }, noVercel).then(() => null, (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300));
    release();
    await first;
    expect(domainFailure(await second).fieldErrors?.hostname).toBe('This domain is already used by another clinic.');
    expect(await db().select({ tenantId: tenantDomains.tenantId }).from(tenantDomains).where(eq(tenantDomains.hostname, host))).toEqual([{ tenantId: a.tenant.id }]);
  });

  it('refuses the platform root, names under it, IP addresses and malformed names', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    for (const hostname of ['localhost', 'LOCALHOST:3000', 'other.localhost', 'a.b.localhost']) {
      const { state } = await refusal(addCustomDomain(db(), admin, { hostname }, noVercel));
      expect(state.fieldErrors?.hostname).toMatch(/managed by the platform/);
    }
    for (const hostname of ['', 'not a domain', '203.0.113.7', '[::1]', 'nodot', 'bad_label.example', 'x.example/path']) {
      const { state } = await refusal(addCustomDomain(db(), admin, { hostname }, noVercel));
      expect(state.fieldErrors?.hostname).toMatch(/Enter a domain name/);
    }
    const { state } = await refusal(addCustomDomain(db(), admin, { hostname: 'ok.example', tenantId: 'x' }, noVercel));
    expect(state.ok).toBe(false);
    expect(await db().select().from(tenantDomains).where(and(eq(tenantDomains.tenantId, clinic.id), eq(tenantDomains.kind, 'custom')))).toEqual([]);
  });

  it('answers not-found for another clinic’s domain id, and refuses staff without settings.manage', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const adminA = await createStaffContext(a, 'admin');
    const adminB = await createStaffContext(b, 'admin');
    const added = await addCustomDomain(db(), adminA, { hostname: uniqueHost() }, noVercel);
    const anyToken = stubResolver({});
    await expect(verifyCustomDomain(db(), adminB, added.id, anyToken)).rejects.toBeInstanceOf(NotFoundError);
    await expect(removeCustomDomain(db(), adminB, added.id, noVercel)).rejects.toBeInstanceOf(NotFoundError);
    await expect(removeCustomDomain(db(), adminB, 'not-a-uuid', noVercel)).rejects.toBeInstanceOf(NotFoundError);
    // The subdomain row is not a custom domain: it cannot be removed through this path.
    const [sub] = await db().select().from(tenantDomains).where(and(eq(tenantDomains.tenantId, a.id), eq(tenantDomains.kind, 'subdomain')));
    await expect(removeCustomDomain(db(), adminA, sub!.id, noVercel)).rejects.toBeInstanceOf(NotFoundError);
    expect((await getDomainsOverview(db(), adminA)).customDomains).toHaveLength(1);

    const marketing = await createStaffContext(a, 'marketing');
    await expect(getDomainsOverview(db(), marketing)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(addCustomDomain(db(), marketing, { hostname: uniqueHost() }, noVercel)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(changeSubdomain(db(), marketing, { label: 'anything-new' })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('says so when DNS cannot be asked, and leaves the domain unverified', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const added = await addCustomDomain(db(), admin, { hostname: uniqueHost() }, noVercel);
    const broken: DnsResolver = {
      resolveTxt: () => Promise.reject(Object.assign(new Error('queryTxt ESERVFAIL'), { code: 'ESERVFAIL' })),
      resolveCname: () => Promise.resolve([]),
    };
    const { state } = await refusal(verifyCustomDomain(db(), admin, added.id, broken));
    expect(state.message).toMatch(/DNS could not be asked right now/);
    expect((await getDomainsOverview(db(), admin)).customDomains[0]?.verifiedAt).toBeNull();
  });

  it('with DNS_STUB_VERIFY=1 the system resolver answers .e2e-custom.test names with the stored token', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const host = `portal-${process.pid}-${++counter}.e2e-custom.test`;
    const added = await addCustomDomain(db(), admin, { hostname: host }, noVercel);
    vi.stubEnv('DNS_STUB_VERIFY', '1');
    expect(await verifyCustomDomain(db(), admin, added.id, systemDnsResolver(db()))).toMatchObject({ verified: true, cnameOk: true });
    expect(await resolveTenantByHost(host)).toMatchObject({ kind: 'tenant', tenant: { id: clinic.id } });
  });
});

describe('Vercel project domains', () => {
  function fakeFetch(status = 200, body: unknown = {}) {
    const calls: { url: string; init?: RequestInit }[] = [];
    const impl: FetchLike = async (url, init) => {
      calls.push({ url, init });
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    };
    return { calls, impl };
  }

  it('is off without VERCEL_TOKEN and VERCEL_PROJECT_ID', () => {
    vi.stubEnv('VERCEL_TOKEN', '');
    vi.stubEnv('VERCEL_PROJECT_ID', 'prj_1');
    expect(vercelConfigFromEnv()).toBeNull();
  });

  it('adds and removes the domain on the project, with the team id when set', async () => {
    vi.stubEnv('VERCEL_TOKEN', 'tok_secret');
    vi.stubEnv('VERCEL_PROJECT_ID', 'prj_1');
    vi.stubEnv('VERCEL_TEAM_ID', 'team_9');
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const fake = fakeFetch();
    const deps: DomainDeps = { vercel: vercelDomains(vercelConfigFromEnv()!, fake.impl) };
    const host = uniqueHost();
    const added = await addCustomDomain(db(), admin, { hostname: host }, deps);
    await removeCustomDomain(db(), admin, added.id, deps);

    expect(fake.calls.map((c) => [c.init?.method, c.url])).toEqual([
      ['POST', 'https://api.vercel.com/v10/projects/prj_1/domains?teamId=team_9'],
      ['DELETE', `https://api.vercel.com/v9/projects/prj_1/domains/${host}?teamId=team_9`],
    ]);
    expect(JSON.parse(String(fake.calls[0]!.init?.body))).toEqual({ name: host });
    expect(new Headers(fake.calls[0]!.init?.headers).get('authorization')).toBe('Bearer tok_secret');
    expect(fake.calls[1]!.init?.body).toBeUndefined();
  });

  it('omits teamId when unset, and keeps nothing when Vercel refuses the domain', async () => {
    vi.stubEnv('VERCEL_TOKEN', 'tok');
    vi.stubEnv('VERCEL_PROJECT_ID', 'prj_2');
    vi.stubEnv('VERCEL_TEAM_ID', '');
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const fake = fakeFetch(409, { error: { code: 'domain_already_in_use', message: 'in use' } });
    const { state } = await refusal(addCustomDomain(db(), admin, { hostname: uniqueHost() }, { vercel: vercelDomains(vercelConfigFromEnv()!, fake.impl) }));
    expect(fake.calls[0]!.url).toBe('https://api.vercel.com/v10/projects/prj_2/domains');
    expect(state.message).toMatch(/another project/);
    expect((await getDomainsOverview(db(), admin)).customDomains).toEqual([]);
    expect(await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'domain.custom_added')))).toEqual([]);
  });
});

describe('subdomain', () => {
  it('moves the clinic to a new label at once; the old one stops routing', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    expect(await resolveTenantByHost(`${clinic.slug}.localhost`)).toMatchObject({ kind: 'tenant' });
    const label = `renamed-${process.pid}-${++counter}`;
    expect(await changeSubdomain(db(), admin, { label: ` ${label.toUpperCase()} ` })).toEqual({ changed: true, host: `${label}.localhost` });
    expect(await resolveTenantByHost(`${label}.localhost`)).toMatchObject({ kind: 'tenant', tenant: { id: clinic.id } });
    expect(await resolveTenantByHost(`${clinic.slug}.localhost`)).toEqual({ kind: 'not-found' });
    expect((await getDomainsOverview(db(), admin)).subdomain).toEqual({ label, host: `${label}.localhost` });
    expect(await changeSubdomain(db(), admin, { label })).toEqual({ changed: false, host: `${label}.localhost` });
    const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'domain.subdomain_changed')));
    expect(entry?.details).toEqual({ changed: { subdomain: { before: clinic.slug, after: label } } });
  });

  it('refuses reserved, malformed and taken labels with a clear message', async () => {
    const clinic = await createTestTenant();
    const other = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const reserved = await refusal(changeSubdomain(db(), admin, { label: 'API' }));
    expect(reserved.state.fieldErrors?.label).toBe('“api” is reserved for the platform. Choose another address.');
    for (const label of ['-bad', 'bad_label', 'a.b', '', 'x'.repeat(64)]) {
      const { state } = await refusal(changeSubdomain(db(), admin, { label }));
      expect(state.fieldErrors?.label).toMatch(/lower-case letters, digits and hyphens/);
    }
    const taken = await refusal(changeSubdomain(db(), admin, { label: other.slug }));
    expect(taken.state.fieldErrors?.label).toBe('Another clinic already uses this address. Choose another one.');
    expect((await getDomainsOverview(db(), admin)).subdomain?.label).toBe(clinic.slug);
  });
});
