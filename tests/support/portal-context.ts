import type { PortalRelationship, TenantStatus } from '@/db/schema';
import type { PortalAccountContext, PortalContext } from '@/lib/access/context';
import { FULL_PROXY_AREAS, PORTAL_AREAS } from '@/lib/portal-access/proxy-scope';

type TenantLike = { id: string; slug?: string; name?: string; status?: TenantStatus };

interface Options {
  relationship?: PortalRelationship;
  sessionId?: string;
  ip?: string | null;
  userAgent?: string | null;
  timeZone?: string | null;
}

/**
 * A signed-in portal account as lib/ functions receive it from requirePortalAccount(), built by
 * hand: the ids are whatever the test names (another clinic's, an unlinked patient's), since the
 * lib re-checks the account's links itself.
 */
export function portalAccountContext(tenant: TenantLike, accountId: string, options: Options = {}): PortalAccountContext {
  return {
    tenant: { id: tenant.id, slug: tenant.slug ?? 'test', name: tenant.name ?? 'Test clinic', status: tenant.status ?? 'active' },
    sessionId: options.sessionId ?? '00000000-0000-0000-0000-000000000000',
    idleTimeoutSeconds: 900,
    account: { id: accountId, fullName: 'Test Patient', email: null, phone: '+15555550100', language: 'en', timeZone: options.timeZone ?? null },
    patients: [],
    patient: null,
    ip: options.ip ?? null,
    userAgent: options.userAgent ?? null,
  };
}

/** The same account acting for `patientId` (the session's selected patient). */
export function portalContext(tenant: TenantLike, accountId: string, patientId: string, options: Options = {}): PortalContext {
  const relationship = options.relationship ?? 'self';
  // What the session would have computed for a link of this kind with the full scope; lib/ re-checks the real link (assertPortalArea).
  const self = relationship === 'self';
  const patient = {
    id: patientId, firstName: 'Test', lastName: 'Patient', dateOfBirth: '1990-01-01', relationship,
    areas: self ? [...PORTAL_AREAS] : [...FULL_PROXY_AREAS], scopeReason: self ? 'self' as const : 'scope' as const,
  };
  return { ...portalAccountContext(tenant, accountId, options), patients: [patient], patient };
}
