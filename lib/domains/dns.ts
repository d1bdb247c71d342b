import 'server-only';
import { Resolver } from 'node:dns/promises';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { tenantDomains } from '@/db/schema';
import { isProduction } from '@/lib/config/env';

/** The two DNS questions a custom domain's verification asks; injectable so tests need no network. */
export interface DnsResolver {
  resolveTxt(name: string): Promise<string[][]>;
  resolveCname(name: string): Promise<string[]>;
}

export const VERIFY_TXT_PREFIX = '_carebridge-verify';
const E2E_SUFFIX = '.e2e-custom.test';

export function cnameTarget(): string {
  const root = (process.env.PLATFORM_ROOT_DOMAIN || 'localhost').toLowerCase();
  return (process.env.PLATFORM_CNAME_TARGET || `cname.${root}`).toLowerCase();
}

export interface DnsRecord {
  type: 'CNAME' | 'TXT';
  name: string;
  value: string;
}

/** What the clinic creates at its DNS provider: the CNAME routes traffic, the TXT proves ownership. */
export function dnsRecordsFor(hostname: string, verificationToken: string): DnsRecord[] {
  return [
    { type: 'CNAME', name: hostname, value: cnameTarget() },
    { type: 'TXT', name: `${VERIFY_TXT_PREFIX}.${hostname}`, value: verificationToken },
  ];
}

/**
 * The resolver the app uses: the system's DNS. For Playwright only, `DNS_STUB_VERIFY=1` outside
 * production makes it answer for hosts under `.e2e-custom.test` (a reserved TLD no real DNS
 * serves) with the token stored for that domain and the platform's CNAME target, so the e2e
 * journey can add and verify a custom domain without a DNS server. Any other name goes to DNS.
 */
export function systemDnsResolver(db: Executor): DnsResolver {
  const stubbed = process.env.DNS_STUB_VERIFY === '1' && !isProduction;
  // Short timeouts: a person is waiting on the "Verify" button.
  const dns = new Resolver({ timeout: 3_000, tries: 2 });
  return {
    async resolveTxt(name) {
      if (stubbed && name.endsWith(E2E_SUFFIX) && name.startsWith(`${VERIFY_TXT_PREFIX}.`)) {
        const hostname = name.slice(VERIFY_TXT_PREFIX.length + 1);
        const [row] = await db
          .select({ token: tenantDomains.verificationToken })
          .from(tenantDomains)
          .where(and(eq(tenantDomains.kind, 'custom'), eq(tenantDomains.hostname, hostname)));
        return row ? [[row.token]] : [];
      }
      return dns.resolveTxt(name);
    },
    async resolveCname(name) {
      if (stubbed && name.endsWith(E2E_SUFFIX)) return [cnameTarget()];
      return dns.resolveCname(name);
    },
  };
}

/** "No such record" is an answer, not a failure: resolvers reject with these codes for it. */
const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA', 'ENOTIMP', 'NOTFOUND', 'NODATA']);

export class DnsLookupError extends Error {
  constructor(readonly lookupName: string, readonly code: string | undefined) {
    super(`DNS lookup failed for ${lookupName}${code ? ` (${code})` : ''}`);
    this.name = 'DnsLookupError';
  }
}

async function answerOrEmpty<T>(name: string, lookup: () => Promise<T[]>): Promise<T[]> {
  try {
    return await lookup();
  } catch (error) {
    const code = (error as { code?: string } | null)?.code;
    if (code && NO_RECORD.has(code)) return [];
    throw new DnsLookupError(name, code);
  }
}

export interface DnsCheck {
  txtFound: boolean;
  cnameOk: boolean;
  /** What the CNAME points at now, for the warning when it is not the platform. */
  cnameValues: string[];
}

const bare = (value: string) => value.trim().toLowerCase().replace(/\.$/, '');

/** Asks DNS for the TXT token (which decides verification) and the CNAME (a warning when absent). */
export async function checkDomainDns(resolver: DnsResolver, hostname: string, token: string): Promise<DnsCheck> {
  const txtName = `${VERIFY_TXT_PREFIX}.${hostname}`;
  const [txt, cname] = await Promise.all([
    answerOrEmpty(txtName, () => resolver.resolveTxt(txtName)),
    answerOrEmpty(hostname, () => resolver.resolveCname(hostname)),
  ]);
  // A long TXT value can arrive split into 255-byte chunks: each record is the join of its parts.
  const txtFound = txt.some((chunks) => chunks.join('').trim() === token);
  const cnameValues = cname.map(bare);
  return { txtFound, cnameOk: cnameValues.includes(bare(cnameTarget())), cnameValues };
}
