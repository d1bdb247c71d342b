import 'server-only';

/**
 * Which address the handout prints. Pure, so the choice is unit-tested without a database or a
 * request: the lookup is in facts.ts.
 */

export interface ClinicHost {
  kind: 'subdomain' | 'custom';
  /** A subdomain row holds only its label (`sunrise`); a custom row the full host name. */
  hostname: string;
  verifiedAt: Date | null;
}

/**
 * The host patients type: the clinic's verified custom domain (the one verified first, when there
 * are several), else its subdomain of the platform. An unverified custom domain does not route,
 * so it is never printed. Null when the clinic answers on no host at all.
 */
export function portalHost(hosts: readonly ClinicHost[], rootDomain: string): string | null {
  const verified = hosts.filter((h) => h.verifiedAt !== null);
  const custom = verified
    .filter((h) => h.kind === 'custom')
    .sort((a, b) => a.verifiedAt!.getTime() - b.verifiedAt!.getTime() || a.hostname.localeCompare(b.hostname))[0];
  if (custom) return custom.hostname;
  const sub = verified.find((h) => h.kind === 'subdomain');
  return sub ? `${sub.hostname}.${rootDomain}` : null;
}

/**
 * The portal's address as printed. Production serves every clinic host over https on the default
 * port; elsewhere the scheme and port are the ones this request came in on (a dev server's
 * http and :3000), so the printed address works on the machine that printed it.
 */
export function portalUrl(host: string, requestOrigin: string, production: boolean): string {
  if (production) return `https://${host}/portal`;
  let origin: URL;
  try {
    origin = new URL(requestOrigin);
  } catch {
    return `http://${host}/portal`;
  }
  const scheme = origin.protocol === 'https:' ? 'https' : 'http';
  return `${scheme}://${host}${origin.port ? `:${origin.port}` : ''}/portal`;
}
