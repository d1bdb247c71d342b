import 'server-only';
import { headers } from 'next/headers';
import { CLIENT_IP_HEADER, validIp } from './client-address';

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
 * The address is the one middleware worked out from the socket and the trusted proxies
 * (lib/http/client-address.ts) and passed on in CLIENT_IP_HEADER, which it strips from client
 * input. X-Forwarded-For itself is never read here: as sent, it is whatever the client wrote.
 */
export function clientInfoFromHeaders(h: Pick<Headers, 'get'>): ClientInfo {
  const ip = validIp(h.get(CLIENT_IP_HEADER));
  const userAgent = h.get('user-agent')?.slice(0, USER_AGENT_MAX_LENGTH) || null;
  return { ip, userAgent };
}
