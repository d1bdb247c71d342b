import 'server-only';
import { headers } from 'next/headers';
import { isProduction } from '@/lib/config/env';

/**
 * The WebAuthn relying party of a request: the exact host the browser is on. A credential is
 * bound to the RP ID it was made for, so a clinic reached on its subdomain and on its custom
 * domain has a passkey per host (docs/passkeys.md). The ID is the Host header's name as sent
 * (lower-cased, without port or trailing dot; `www.` is kept, unlike tenant resolution, because
 * the browser signs for the name it shows); the expected origin adds the scheme and port.
 */
export interface RelyingParty {
  /** The RP ID: `sunrise.localhost`, `portal.sunriseclinic.com`. */
  id: string;
  /** What the browser writes in clientDataJSON: `https://portal.sunriseclinic.com`. */
  origin: string;
  /** Shown by the browser's passkey dialog: the clinic's name, or "Carebridge console". */
  name: string;
}

const HOST = /^([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(\d{1,5}))?$/;

/**
 * Pure: the relying party for a Host header. Production is always https (WebAuthn needs a secure
 * context, and `X-Forwarded-Proto` is client text); in development the proxy's word is taken.
 * Null for a host that is not a DNS name (an IP address cannot be an RP ID).
 */
export function relyingPartyFor(
  hostHeader: string | null | undefined,
  options: { production: boolean; forwardedProto?: string | null; name: string },
): RelyingParty | null {
  const match = HOST.exec((hostHeader ?? '').trim().toLowerCase().replace(/\.(?=:|$)/, ''));
  if (!match) return null;
  const [, hostname, port] = match;
  if (/^[\d.]+$/.test(hostname!) || !hostname!.includes('.') && hostname !== 'localhost') return null;
  const scheme = options.production || options.forwardedProto?.split(',')[0]?.trim() === 'https' ? 'https' : 'http';
  const defaultPort = scheme === 'https' ? '443' : '80';
  return { id: hostname!, origin: `${scheme}://${hostname}${port && port !== defaultPort ? `:${port}` : ''}`, name: options.name };
}

/** The relying party of the request being served (the host already resolved to its clinic or the root). */
export async function requestRelyingParty(name: string): Promise<RelyingParty | null> {
  const h = await headers();
  return relyingPartyFor(h.get('host'), { production: isProduction, forwardedProto: h.get('x-forwarded-proto'), name });
}
