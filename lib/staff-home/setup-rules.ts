import 'server-only';
import type { Permission } from '@/lib/access/permissions';

/**
 * What a new clinic still has to do before its portal is worth sending patients to (issue 20
 * point 5), as pure rules over facts read in one place (crm-setup.ts), so each rule is unit-tested
 * on its own. A step is done by what the clinic has, never by a box someone ticked.
 */

export interface SetupFacts {
  branding: { logoUrl: string | null; primaryColor: string; defaultPrimaryColor: string };
  /** Active locations, active services, active providers, those with weekly hours at an active location. */
  locations: number;
  services: number;
  providers: number;
  providersWithHours: number;
  domains: readonly { kind: 'subdomain' | 'custom'; hostname: string; verified: boolean }[];
  /** The portal settings were saved after the clinic was made (their defaults are not a review). */
  portalSettingsSaved: boolean;
  payments: { enabled: boolean; gateway: 'test' | 'stripe'; stripeChargesEnabled: boolean; testGatewayAllowed: boolean };
  /** Staff accounts that are not deactivated, the first admin included. */
  staff: number;
}

export type SetupStepKey = 'branding' | 'locations' | 'services' | 'providers' | 'domain' | 'portal' | 'payments' | 'staff';

export interface SetupStep {
  key: SetupStepKey;
  title: string;
  done: boolean;
  /** Not counted in the progress: the clinic may run without it. */
  optional: boolean;
  /** Why it matters, in one line. */
  why: string;
  /** Where it stands now, when that says more than done / not done. */
  detail: string | null;
  href: string;
  linkLabel: string;
  /** What opening `href` takes; without it the row is shown with no link. */
  permission: Permission;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function brandingDone(f: SetupFacts['branding']): boolean {
  return f.logoUrl !== null || f.primaryColor.toLowerCase() !== f.defaultPrimaryColor.toLowerCase();
}

/**
 * The clinic's own address works from the first day (the subdomain is verified when the clinic is
 * made); a custom domain added but not verified yet is a step left, since patients may already be
 * told to use it.
 */
export function domainState(domains: SetupFacts['domains']): { done: boolean; detail: string | null } {
  const custom = domains.filter((d) => d.kind === 'custom');
  const pending = custom.filter((d) => !d.verified);
  if (pending.length) return { done: false, detail: `Waiting for DNS: ${pending.map((d) => d.hostname).join(', ')}.` };
  const verified = custom.find((d) => d.verified);
  if (verified) return { done: true, detail: `Patients reach the portal at ${verified.hostname}.` };
  const sub = domains.find((d) => d.kind === 'subdomain' && d.verified);
  return sub
    ? { done: true, detail: `Patients reach the portal at the clinic's own address (${sub.hostname}); add your own domain any time.` }
    : { done: false, detail: null };
}

/** Card payments are optional; once the clinic turns them on, they need a gateway that can charge. */
export function paymentsState(p: SetupFacts['payments']): { done: boolean; optional: boolean; detail: string | null } {
  if (!p.enabled) return { done: false, optional: true, detail: 'Payments are off: the clinic takes no card payments in the portal.' };
  if (p.gateway === 'stripe') {
    return p.stripeChargesEnabled
      ? { done: true, optional: false, detail: 'Stripe is connected and can take payments.' }
      : { done: false, optional: false, detail: 'Payments are on, but the Stripe account cannot take charges yet.' };
  }
  return p.testGatewayAllowed
    ? { done: true, optional: false, detail: 'Payments go to the test gateway (no real money moves).' }
    : { done: false, optional: false, detail: 'Payments are on with the test gateway, which takes no real payments: connect Stripe.' };
}

export function setupSteps(f: SetupFacts): SetupStep[] {
  const domain = domainState(f.domains);
  const payments = paymentsState(f.payments);
  return [
    {
      key: 'branding', title: 'Brand the portal', done: brandingDone(f.branding), optional: false,
      why: 'Patients trust a portal that looks like their clinic: your logo and colour on every page and email.',
      detail: null, href: '/crm/branding', linkLabel: 'Open branding', permission: 'settings.manage',
    },
    {
      key: 'locations', title: 'Add a location', done: f.locations > 0, optional: false,
      why: 'Visits happen at a location, in its time zone; the sign-in page lists where to find you.',
      detail: f.locations > 0 ? `${plural(f.locations, 'location', 'locations')}.` : null,
      href: '/crm/locations', linkLabel: 'Open locations', permission: 'settings.manage',
    },
    {
      key: 'services', title: 'Add the services you offer', done: f.services > 0, optional: false,
      why: 'Patients book a service; each one sets how long a visit takes.',
      detail: f.services > 0 ? `${plural(f.services, 'service', 'services')}.` : null,
      href: '/crm/services', linkLabel: 'Open services', permission: 'settings.manage',
    },
    {
      key: 'providers', title: 'Give providers their hours', done: f.providersWithHours > 0, optional: false,
      why: 'Free times come from providers’ weekly hours: without them, nothing can be booked.',
      detail: f.providers === 0 ? 'No providers yet.' : `${f.providersWithHours} of ${plural(f.providers, 'provider has', 'providers have')} weekly hours.`,
      href: '/crm/providers', linkLabel: 'Open providers', permission: 'settings.manage',
    },
    {
      key: 'domain', title: 'Choose the portal’s address', done: domain.done, optional: false,
      why: 'The address you print on handouts and in emails is where patients sign in.',
      detail: domain.detail, href: '/crm/domains', linkLabel: 'Open domains', permission: 'settings.manage',
    },
    {
      key: 'portal', title: 'Review the portal settings', done: f.portalSettingsSaved, optional: false,
      why: 'How patients sign in, book, cancel and message you is the clinic’s choice; the defaults are the strictest.',
      detail: f.portalSettingsSaved ? null : 'Still the defaults: read them through and save.',
      href: '/crm/portal-settings', linkLabel: 'Open portal settings', permission: 'settings.manage',
    },
    {
      key: 'payments', title: 'Connect payments', done: payments.done, optional: payments.optional,
      why: 'Patients pay invoices and shop orders online once a payment account is connected.',
      detail: payments.detail, href: '/crm/billing', linkLabel: 'Open billing', permission: 'billing.settings',
    },
    {
      key: 'staff', title: 'Invite your team', done: f.staff > 1, optional: false,
      why: 'Front desk, providers and support each sign in with their own account and access level.',
      detail: f.staff > 1 ? `${plural(f.staff, 'staff account', 'staff accounts')}.` : 'Only you so far.',
      href: '/crm/users', linkLabel: 'Open users', permission: 'users.manage',
    },
  ];
}

/** "4 of 7 done": the steps that count (not the optional ones). */
export function setupProgress(steps: readonly SetupStep[]): { done: number; total: number; complete: boolean } {
  const counted = steps.filter((s) => !s.optional);
  const done = counted.filter((s) => s.done).length;
  return { done, total: counted.length, complete: done === counted.length };
}
