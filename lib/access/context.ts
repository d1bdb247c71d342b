import 'server-only';
import type { PortalRelationship } from '@/db/schema';
import type { PortalArea, ScopeReason } from '@/lib/portal-access/proxy-scope';
import type { TenantRef } from '@/lib/tenancy/lookup';
import { ForbiddenError } from '@/lib/kernel/errors';
import type { Permission } from './permissions';

export { ForbiddenError, NotFoundError } from '@/lib/kernel/errors';

/**
 * Who is acting, and for which clinic: one context per audience (staff, portal, operator). Every
 * lib/ function that touches clinic data takes its caller's context right after the database
 * handle (`fn(db, ctx, input)`: the handle may be a transaction); the tenant comes from the host
 * and the actor from the session row, never from input.
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
  /** The session's idle limit in seconds (fixed at sign-in), when the context was read from the session. */
  idleTimeoutSeconds?: number;
  ip?: string | null;
  userAgent?: string | null;
}

/**
 * A patient a portal account is linked to, how the account is related to them, and what of their
 * portal the link opens today (lib/portal-access/proxy-scope.ts: the link's scope and dates, the
 * clinic's age rules). A link with no areas today does not let the account act for the patient;
 * `scopeReason` says why (e.g. `adult_ended`), for the selector to explain.
 */
export interface LinkedPatient {
  id: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  relationship: PortalRelationship;
  areas: PortalArea[];
  scopeReason: ScopeReason;
}

/** A signed-in portal account in one clinic, before a patient is chosen (settings, the selector). */
export interface PortalAccountContext {
  tenant: TenantRef;
  sessionId: string;
  idleTimeoutSeconds: number;
  account: { id: string; fullName: string; email: string | null; phone: string; language: string; timeZone: string | null };
  /** Every patient the account is linked to (self, child, parent, caregiver). */
  patients: LinkedPatient[];
  /** The patient this session acts for, if one is chosen. */
  patient: LinkedPatient | null;
  ip?: string | null;
  userAgent?: string | null;
}

/**
 * A portal account acting for one linked patient in one clinic: what every patient-facing lib/
 * function takes. The patient comes from the session row's selection, re-checked against the
 * account's links on every request; nothing in a form names it.
 */
export type PortalContext = PortalAccountContext & { patient: LinkedPatient };

/** A platform operator in the console on the root host (no clinic). */
export interface OperatorContext {
  actor: { kind: 'operator'; id: string; fullName: string; email: string };
  sessionId: string;
  ip: string | null;
  userAgent: string | null;
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
