import { platformRootDomain } from '@/lib/config/env';

/**
 * The console's enrolment page on the root host. A script has no request to take the origin
 * from: the root domain says it (`localhost` runs on PORT over http, anything else on https);
 * `--origin` overrides it for a deployment reached some other way.
 */
export function enrolmentLink(token: string, origin?: string, env: Record<string, string | undefined> = process.env): string {
  return `${(origin ?? defaultOrigin(env)).replace(/\/+$/, '')}/console/enrol/${token}`;
}

function defaultOrigin(env: Record<string, string | undefined>): string {
  const root = platformRootDomain();
  if (root === 'localhost' || root.endsWith('.localhost')) return `http://${root}:${env.PORT || '3000'}`;
  return `https://${root}`;
}
