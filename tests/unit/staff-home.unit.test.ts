import { describe, expect, it } from 'vitest';
import { nextUpVisit, todayWindow } from '@/lib/staff-home/next-up';
import { brandingDone, domainState, paymentsState, setupProgress, setupSteps, type SetupFacts } from '@/lib/staff-home/setup-rules';

/** A clinic the day the operators' console made it: nothing but its subdomain and first admin. */
const NEW_CLINIC: SetupFacts = {
  branding: { logoUrl: null, primaryColor: '#0f766e', defaultPrimaryColor: '#0f766e' },
  locations: 0,
  services: 0,
  providers: 0,
  providersWithHours: 0,
  domains: [{ kind: 'subdomain', hostname: 'sunrise', verified: true }],
  portalSettingsSaved: false,
  payments: { enabled: false, gateway: 'test', stripeChargesEnabled: false, testGatewayAllowed: true },
  staff: 1,
};

const SET_UP: SetupFacts = {
  ...NEW_CLINIC,
  branding: { ...NEW_CLINIC.branding, logoUrl: '/logo.png' },
  locations: 2, services: 3, providers: 2, providersWithHours: 1, portalSettingsSaved: true, staff: 4,
};

const stepsOf = (facts: SetupFacts) => Object.fromEntries(setupSteps(facts).map((s) => [s.key, s]));

describe('CRM setup rules', () => {
  it('a brand-new clinic has its address and nothing else; payments are optional and not counted', () => {
    const steps = setupSteps(NEW_CLINIC);
    expect(steps.map((s) => [s.key, s.done])).toEqual([
      ['branding', false], ['locations', false], ['services', false], ['providers', false],
      ['domain', true], ['portal', false], ['payments', false], ['staff', false],
    ]);
    expect(steps.find((s) => s.key === 'payments')!.optional).toBe(true);
    expect(setupProgress(steps)).toEqual({ done: 1, total: 7, complete: false });
  });

  it('every step links to the CRM page that does it, behind that page’s permission', () => {
    expect(setupSteps(NEW_CLINIC).map((s) => [s.key, s.href, s.permission])).toEqual([
      ['branding', '/crm/branding', 'settings.manage'],
      ['locations', '/crm/locations', 'settings.manage'],
      ['services', '/crm/services', 'settings.manage'],
      ['providers', '/crm/providers', 'settings.manage'],
      ['domain', '/crm/domains', 'settings.manage'],
      ['portal', '/crm/portal-settings', 'settings.manage'],
      ['payments', '/crm/billing', 'billing.settings'],
      ['staff', '/crm/users', 'users.manage'],
    ]);
  });

  it('a clinic with each fact in place is complete', () => {
    expect(setupProgress(setupSteps(SET_UP))).toEqual({ done: 7, total: 7, complete: true });
  });

  it('branding is done with a logo or a colour of its own (case does not matter)', () => {
    expect(brandingDone(NEW_CLINIC.branding)).toBe(false);
    expect(brandingDone({ ...NEW_CLINIC.branding, primaryColor: '#0F766E' })).toBe(false);
    expect(brandingDone({ ...NEW_CLINIC.branding, primaryColor: '#1d4ed8' })).toBe(true);
    expect(brandingDone({ ...NEW_CLINIC.branding, logoUrl: '/files/logo.png' })).toBe(true);
  });

  it('providers count only with weekly hours; a provider without hours leaves the step open', () => {
    expect(stepsOf({ ...SET_UP, providersWithHours: 0 }).providers).toMatchObject({ done: false, detail: '0 of 2 providers have weekly hours.' });
    expect(stepsOf({ ...SET_UP, providers: 0, providersWithHours: 0 }).providers).toMatchObject({ done: false, detail: 'No providers yet.' });
    expect(stepsOf(SET_UP).providers).toMatchObject({ done: true, detail: '1 of 2 providers have weekly hours.' });
  });

  it('the domain: the verified subdomain is enough, a custom domain waiting for DNS is not', () => {
    expect(domainState([{ kind: 'subdomain', hostname: 'sunrise', verified: true }]).done).toBe(true);
    expect(domainState([{ kind: 'subdomain', hostname: 'sunrise', verified: false }]).done).toBe(false);
    expect(domainState([
      { kind: 'subdomain', hostname: 'sunrise', verified: true },
      { kind: 'custom', hostname: 'portal.sunrise.example', verified: false },
    ])).toEqual({ done: false, detail: 'Waiting for DNS: portal.sunrise.example.' });
    expect(domainState([
      { kind: 'subdomain', hostname: 'sunrise', verified: true },
      { kind: 'custom', hostname: 'portal.sunrise.example', verified: true },
    ])).toEqual({ done: true, detail: 'Patients reach the portal at portal.sunrise.example.' });
    expect(domainState([]).done).toBe(false);
  });

  it('payments: optional while off; once on, counted and done only with a gateway that can charge', () => {
    const off = { enabled: false, gateway: 'test' as const, stripeChargesEnabled: false, testGatewayAllowed: true };
    expect(paymentsState(off)).toMatchObject({ done: false, optional: true });
    expect(paymentsState({ ...off, enabled: true, gateway: 'stripe' })).toMatchObject({ done: false, optional: false });
    expect(paymentsState({ ...off, enabled: true, gateway: 'stripe', stripeChargesEnabled: true })).toMatchObject({ done: true, optional: false });
    expect(paymentsState({ ...off, enabled: true })).toMatchObject({ done: true, optional: false });
    expect(paymentsState({ ...off, enabled: true, testGatewayAllowed: false })).toMatchObject({ done: false, optional: false });
    // Turning payments on without Stripe ready makes the clinic incomplete again.
    expect(setupProgress(setupSteps({ ...SET_UP, payments: { ...off, enabled: true, gateway: 'stripe' } }))).toEqual({ done: 7, total: 8, complete: false });
  });

  it('the team: the first admin alone is not a team', () => {
    expect(stepsOf({ ...SET_UP, staff: 1 }).staff).toMatchObject({ done: false, detail: 'Only you so far.' });
    expect(stepsOf({ ...SET_UP, staff: 2 }).staff).toMatchObject({ done: true });
  });
});

describe('the EMR overview’s day', () => {
  const at = new Date('2030-01-07T15:00:00Z');
  const visit = (id: string, start: string, end: string, status: 'booked' | 'cancelled' | 'completed' | 'no_show' = 'booked') => ({
    id, startsAt: new Date(start), endsAt: new Date(end), status,
  });

  it('next up is the earliest booked visit not yet over; one under way counts', () => {
    const visits = [
      visit('done', '2030-01-07T13:00:00Z', '2030-01-07T13:30:00Z'),
      visit('completed', '2030-01-07T14:30:00Z', '2030-01-07T15:30:00Z', 'completed'),
      visit('underway', '2030-01-07T14:45:00Z', '2030-01-07T15:15:00Z'),
      visit('later', '2030-01-07T16:00:00Z', '2030-01-07T16:30:00Z'),
    ];
    expect(nextUpVisit(visits, at)).toBe('underway');
    expect(nextUpVisit(visits, new Date('2030-01-07T15:15:00Z'))).toBe('later');
    expect(nextUpVisit([visit('x', '2030-01-07T16:00:00Z', '2030-01-07T16:30:00Z', 'cancelled')], at)).toBeNull();
    expect(nextUpVisit([], at)).toBeNull();
  });

  it("today's window spans every zone's today, from the earliest midnight to the latest", () => {
    // 15:00 UTC: 10:00 in New York, 07:00 in Los Angeles, 00:00 (the 8th) in Tokyo.
    expect(todayWindow(['America/New_York'], at)).toEqual({ from: new Date('2030-01-07T05:00:00Z'), to: new Date('2030-01-08T05:00:00Z') });
    expect(todayWindow(['America/New_York', 'America/Los_Angeles'], at)).toEqual({ from: new Date('2030-01-07T05:00:00Z'), to: new Date('2030-01-08T08:00:00Z') });
    expect(todayWindow(['America/New_York', 'Asia/Tokyo'], at)).toEqual({ from: new Date('2030-01-07T05:00:00Z'), to: new Date('2030-01-08T15:00:00Z') });
    expect(todayWindow([], at)).toEqual({ from: new Date('2030-01-07T00:00:00Z'), to: new Date('2030-01-08T00:00:00Z') });
  });
});
