import type { PortalRelationship, ProxyScope } from '@/db/schema';

/**
 * What a portal account reaches of a patient's record (issue 19). The patient's own account
 * (`self`) reaches everything; anyone acting for them (a parent, guardian, caregiver) reaches the
 * areas of the link's scope, within its dates, narrowed by the clinic's age rules:
 *
 * - from the teen age (12) to the adult age (18), a proxy's scope drops to the limited areas
 *   unless the teen consented in the portal;
 * - from the adult age, proxy access ends unless the adult patient granted it again.
 *
 * Pure and browser-safe: the session check, every portal page and action (through their area),
 * the EMR's link editor and the tests all read the rule from here.
 */

/** The parts of a patient's portal a link can open. */
export const PORTAL_AREAS = [
  'bookings', // appointments: book, move, cancel, history of visits
  'messages', // secure messages with the clinic
  'billing', // invoices, payments, saved cards, statements
  'documents', // documents from the clinic, uploads
  'forms', // forms and activities to fill in
  'orders', // shop orders and subscriptions
  'records', // My data (personal details), notes
  'access_log', // who viewed the record
  'export', // export of the record
] as const;
export type PortalArea = (typeof PORTAL_AREAS)[number];

/** The limited scope: enough to run a patient's appointments and bills, nothing clinical. */
export const LIMITED_AREAS: readonly PortalArea[] = ['bookings', 'messages', 'billing'];

/** A proxy's full scope: everything but the access log, which the patient must grant by name. */
export const FULL_PROXY_AREAS: readonly PortalArea[] = PORTAL_AREAS.filter((a) => a !== 'access_log');

export function isPortalArea(value: string): value is PortalArea {
  return (PORTAL_AREAS as readonly string[]).includes(value);
}

export interface ProxyLink {
  relationship: PortalRelationship;
  scope: ProxyScope;
  /** The areas of a `custom` scope (unknown names are ignored). */
  areas: readonly string[];
  /** Calendar dates (YYYY-MM-DD), inclusive; null: open. */
  startsOn: string | null;
  endsOn: string | null;
  teenConsentAt: Date | string | null;
  adultGrantAt: Date | string | null;
}

export interface ProxyAgeRules {
  enabled: boolean;
  teenAge: number;
  adultAge: number;
}

export const DEFAULT_AGE_RULES: ProxyAgeRules = { enabled: true, teenAge: 12, adultAge: 18 };

/**
 * Why a link reaches what it reaches: `self`, `scope` (as granted), `teen_limited` (narrowed by
 * the teen age), `adult_ended` (ended by the adult age), `not_started`, `ended` (its dates).
 */
export type ScopeReason = 'self' | 'scope' | 'teen_limited' | 'adult_ended' | 'not_started' | 'ended';

export interface EffectiveScope {
  areas: PortalArea[];
  reason: ScopeReason;
}

/** Whole years from a date of birth to a calendar date (both YYYY-MM-DD); 29 February turns on 1 March. */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const beforeBirthday = tm < bm || (tm === bm && td < bd);
  return ty - by - (beforeBirthday ? 1 : 0);
}

/** The areas a link opens today (the clinic's calendar date), and why. */
export function effectiveScope(link: ProxyLink, dateOfBirth: string, today: string, rules: ProxyAgeRules): EffectiveScope {
  if (link.relationship === 'self') return { areas: [...PORTAL_AREAS], reason: 'self' };
  if (link.startsOn && today < link.startsOn) return { areas: [], reason: 'not_started' };
  if (link.endsOn && today > link.endsOn) return { areas: [], reason: 'ended' };
  const granted: PortalArea[] =
    link.scope === 'full' ? [...FULL_PROXY_AREAS]
      : link.scope === 'limited' ? [...LIMITED_AREAS]
        : PORTAL_AREAS.filter((a) => link.areas.includes(a));
  if (!rules.enabled) return { areas: granted, reason: 'scope' };
  const age = ageOn(dateOfBirth, today);
  if (age >= rules.adultAge) {
    return link.adultGrantAt ? { areas: granted, reason: 'scope' } : { areas: [], reason: 'adult_ended' };
  }
  if (age >= rules.teenAge && !link.teenConsentAt) {
    const narrowed = granted.filter((a) => LIMITED_AREAS.includes(a));
    return { areas: narrowed, reason: narrowed.length < granted.length ? 'teen_limited' : 'scope' };
  }
  return { areas: granted, reason: 'scope' };
}
