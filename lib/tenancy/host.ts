import { isIP } from 'node:net';

/**
 * Pure host parsing: no I/O, so it is unit-tested on its own. The lookup of a parsed host is in
 * resolve-tenant.ts.
 */

export type ParsedHost =
  | { kind: 'root' }
  | { kind: 'subdomain'; label: string }
  | { kind: 'custom'; hostname: string }
  | { kind: 'invalid'; reason: 'empty' | 'malformed' | 'ip-address' | 'reserved' | 'nested-subdomain' };

/** Labels that can never be a clinic's subdomain: they name parts of the platform. */
export const RESERVED_SUBDOMAINS: ReadonlySet<string> = new Set([
  'www', 'app', 'api', 'admin', 'console', 'platform', 'root', 'dashboard', 'status', 'docs',
  'help', 'support', 'mail', 'email', 'smtp', 'static', 'assets', 'cdn', 'img', 'files',
  'auth', 'login', 'signin', 'sso', 'billing', 'dev', 'staging', 'test', 'internal', 'system',
  'crm', 'emr', 'portal', 'carebridge',
]);

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Lower-cases, converts an internationalised name to punycode, and drops the port, a trailing
 * dot and a leading `www.`. Returns null for something that is not a host name.
 */
export function normalizeHost(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const trimmed = raw.trim();
  if (!trimmed || /[\s/@?#\\]/.test(trimmed)) return null;
  let hostname: string;
  try {
    // WHATWG URL parsing does IDNA (ÜBER.test -> xn--ber-goa.test), lower-casing and IPv6
    // bracket handling, exactly as browsers do.
    hostname = new URL(`http://${trimmed}`).hostname;
  } catch {
    return null;
  }
  hostname = hostname.replace(/\.$/, '');
  if (hostname.startsWith('www.')) hostname = hostname.slice(4);
  return hostname || null;
}

export function isValidSubdomainLabel(label: string): boolean {
  return LABEL.test(label) && !RESERVED_SUBDOMAINS.has(label);
}

function isIpAddress(hostname: string): boolean {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) !== 0;
}

/**
 * Classifies a request's Host header against the platform's root domain
 * (`localhost` in development, `carebridge.app` say in production).
 */
export function parseHost(rawHost: string | null | undefined, rootDomain: string): ParsedHost {
  if (!rawHost || !rawHost.trim()) return { kind: 'invalid', reason: 'empty' };
  const host = normalizeHost(rawHost);
  const root = normalizeHost(rootDomain);
  if (!host || !root) return { kind: 'invalid', reason: 'malformed' };
  if (isIpAddress(host)) return { kind: 'invalid', reason: 'ip-address' };
  if (host === root) return { kind: 'root' };

  if (host.endsWith(`.${root}`)) {
    const label = host.slice(0, -(root.length + 1));
    if (label.includes('.')) return { kind: 'invalid', reason: 'nested-subdomain' };
    if (!LABEL.test(label)) return { kind: 'invalid', reason: 'malformed' };
    if (RESERVED_SUBDOMAINS.has(label)) return { kind: 'invalid', reason: 'reserved' };
    return { kind: 'subdomain', label };
  }

  const labels = host.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
    return { kind: 'invalid', reason: 'malformed' };
  }
  return { kind: 'custom', hostname: host };
}
