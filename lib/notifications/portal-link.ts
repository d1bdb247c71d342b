import 'server-only';
import { platformRootDomain } from '@/lib/config/env';

/**
 * A link into a clinic's patient portal on its platform subdomain. Messages are sent after
 * the request that caused them, so the link cannot come from the request's host; the
 * subdomain always routes, while a custom domain may still be unverified.
 */
export function portalLink(slug: string, path: `/${string}`): string {
  const root = platformRootDomain();
  if (root === 'localhost' || root.endsWith('.localhost')) {
    // Development: Next puts the port it listens on in PORT.
    return `http://${slug}.${root}:${process.env.PORT || '3000'}${path}`;
  }
  return `https://${slug}.${root}${path}`;
}
