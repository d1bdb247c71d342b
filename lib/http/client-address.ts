import { isIP } from 'node:net';

/**
 * Which address a request came from, for per-address limits and the audit log. Forwarding
 * headers are text the client can write: `X-Forwarded-For` is believed only as far as the
 * deployment says proxies stand in front (TRUSTED_PROXY_HOPS), or from Vercel's own header on
 * Vercel, which its edge overwrites. Otherwise the answer is the TCP peer: the socket address
 * the server stamps on each request (socket-address-stamp.ts). Pure and universal: middleware
 * computes it once per request and passes it on in CLIENT_IP_HEADER.
 */

/** Set by middleware only (it strips the x-carebridge-* headers clients send). */
export const CLIENT_IP_HEADER = 'x-carebridge-client-ip';

export interface AddressPolicy {
  /** How many proxies of ours append to X-Forwarded-For before the app (0: none, the app faces clients). */
  trustedProxyHops: number;
  /** On Vercel, whose edge sets x-vercel-forwarded-for itself. */
  onVercel: boolean;
}

export function addressPolicyFromEnv(env: Record<string, string | undefined> = process.env): AddressPolicy {
  const hops = Number(env['TRUSTED_PROXY_HOPS'] || 0);
  return { trustedProxyHops: Number.isInteger(hops) && hops > 0 ? hops : 0, onVercel: env['VERCEL'] === '1' };
}

/**
 * Each proxy appends the address it was connected from, so with N proxies of ours the client is
 * the N-th entry from the right; anything left of it was written by the client. A chain shorter
 * than N was written entirely by our proxies, so its first entry is the furthest one they saw.
 */
export function clientAddress(headers: Pick<Headers, 'get'>, socketAddress: string | null, policy: AddressPolicy): string | null {
  if (policy.onVercel) return validIp(headers.get('x-vercel-forwarded-for')?.split(',')[0]);
  if (policy.trustedProxyHops > 0) {
    const chain = (headers.get('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (chain.length === 0) return validIp(socketAddress);
    return validIp(chain[Math.max(chain.length - policy.trustedProxyHops, 0)]);
  }
  return validIp(socketAddress);
}

/**
 * A value that is not an address is client-chosen text: keep it out of logs and limit keys.
 * IPv4 peers on a dual-stack socket arrive as ::ffff:a.b.c.d; one spelling keeps one limit.
 */
export function validIp(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  if (!trimmed || !isIP(trimmed)) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return mapped ? mapped[1]! : trimmed.toLowerCase();
}
