import 'server-only';
import { getDb, type Executor } from '@/db/client';
import { readChallengeCookie } from '@/lib/auth/challenge-cookie';
import { identifierLabel } from '@/lib/auth/identifiers';
import type { ClientInfo } from '@/lib/auth/portal-sign-in';
import { getClientInfo } from '@/lib/http/client-info';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { getTenantProfile, requireActiveTenant, TenantUnavailableError } from '@/lib/tenancy/request-tenant';

export interface PortalAccessRequest {
  db: Executor;
  profile: TenantProfile;
  client: ClientInfo;
  /** "Email", or the clinic's name for its national ID ("SSN", "TAJ"). */
  identifierLabel: string;
  /** The flow this browser is in: the HttpOnly challenge cookie, never a form field. */
  challengeId: string | null;
}

/** What every portal-access action starts from: the clinic from the host, the flow from the cookie. */
export async function portalAccessRequest(): Promise<PortalAccessRequest> {
  const tenant = await requireActiveTenant();
  const profile = await getTenantProfile(tenant.id);
  if (!profile) throw new TenantUnavailableError();
  return {
    db: getDb(),
    profile,
    client: await getClientInfo(),
    identifierLabel: identifierLabel(profile.portal.identificationMode, profile.portal.nationalIdLabel),
    challengeId: await readChallengeCookie(),
  };
}
