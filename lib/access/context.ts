import type { TenantRef } from '@/lib/tenancy/lookup';
import type { Permission } from './permissions';

/**
 * Who is acting, and for which clinic. Every lib/ function that touches clinic data takes one of
 * these as its first argument; the tenant comes from the host and the actor from the session,
 * never from input.
 */
export interface StaffActor {
  kind: 'staff';
  id: string;
  fullName: string;
  email: string;
  accessLevelId: string;
  accessLevelName: string;
  permissions: ReadonlySet<Permission>;
}

export interface StaffContext {
  tenant: TenantRef;
  actor: StaffActor;
  sessionId: string;
  ip?: string | null;
  userAgent?: string | null;
}

export class ForbiddenError extends Error {
  constructor(readonly permission: Permission) {
    super(`Missing permission ${permission}`);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends Error {
  constructor(what = 'record') {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

export function hasPermission(ctx: StaffContext, permission: Permission): boolean {
  return ctx.actor.permissions.has(permission);
}

/** Throws ForbiddenError: the business rule re-checks even when the page already did. */
export function assertPermission(ctx: StaffContext, permission: Permission): void {
  if (!hasPermission(ctx, permission)) throw new ForbiddenError(permission);
}

/** Area access: a level grants /crm, /emr or both. */
export function canUseArea(permissions: ReadonlySet<Permission>, area: 'crm' | 'emr'): boolean {
  return permissions.has(area === 'crm' ? 'crm.access' : 'emr.access');
}
