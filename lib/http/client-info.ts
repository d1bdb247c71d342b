import 'server-only';
import { isIP } from 'node:net';
import { headers } from 'next/headers';

/** Who is calling, as far as the request tells: for the audit log, sessions and per-IP limits. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

// Enough for any real browser; the header is client-controlled and is stored on every event.
const USER_AGENT_MAX_LENGTH = 300;

export async function getClientInfo(): Promise<ClientInfo> {
  return clientInfoFromHeaders(await headers());
}

/**
 * Vercel overwrites `x-forwarded-for` with the connecting address (a client cannot prepend its
 * own), so its first entry is the client. Behind another proxy that appends instead, the first
 * entry is whatever the client sent: configure that proxy to set `x-real-ip` and drop XFF.
 */
export function clientInfoFromHeaders(h: Pick<Headers, 'get'>): ClientInfo {
  const forwarded = h.get('x-forwarded-for')?.split(',')[0]?.trim();
  const ip = validIp(forwarded) ?? validIp(h.get('x-real-ip')?.trim());
  const userAgent = h.get('user-agent')?.slice(0, USER_AGENT_MAX_LENGTH) || null;
  return { ip, userAgent };
}

// A value that is not an address is client-chosen text: keep it out of logs and limit keys.
function validIp(value: string | undefined): string | null {
  return value && isIP(value) ? value : null;
}
