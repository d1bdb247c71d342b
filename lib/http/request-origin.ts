import 'server-only';
import { headers } from 'next/headers';
import { isProduction } from '@/lib/config/env';

/**
 * The origin links in emails should use: the host this request came in on. The host has
 * already resolved to the acting clinic, so it is one of that clinic's verified hosts.
 */
export async function getRequestOrigin(): Promise<string> {
  const h = await headers();
  const host = h.get('host') ?? 'localhost';
  const proto = h.get('x-forwarded-proto') ?? (isProduction ? 'https' : 'http');
  return `${proto === 'https' ? 'https' : 'http'}://${host}`;
}
