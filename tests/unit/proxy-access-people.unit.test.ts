import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeProxyState, grantedAreas, proxyLinkSchema, widensScope } from '@/lib/portal-access/proxy-link-form';
import { ageOn, DEFAULT_AGE_RULES, FULL_PROXY_AREAS, LIMITED_AREAS, PORTAL_AREAS } from '@/lib/portal-access/proxy-scope';
import { scopeNoteKey } from '@/lib/portal-access/scope-note';

/** The pure parts of proxy access's people side (issue 19 point 5): words, widening, the demo's birthday. */

afterEach(() => vi.useRealTimers());

describe('what a change to a link opens', () => {
  it('widens only when an area opens that was closed', () => {
    expect(grantedAreas('full', ['records'])).toEqual([...FULL_PROXY_AREAS]);
    expect(grantedAreas('limited', ['records'])).toEqual([...LIMITED_AREAS]);
    expect(grantedAreas('custom', ['export', 'nowhere', 'bookings'])).toEqual(['bookings', 'export']);
    expect(widensScope(grantedAreas('limited', []), grantedAreas('full', []))).toBe(true);
    expect(widensScope(grantedAreas('full', []), grantedAreas('limited', []))).toBe(false);
    expect(widensScope(grantedAreas('custom', ['bookings', 'messages', 'billing', 'documents']), grantedAreas('limited', []))).toBe(false);
    expect(widensScope(grantedAreas('custom', ['bookings', 'documents']), grantedAreas('limited', []))).toBe(true);
    expect(widensScope(grantedAreas('full', []), grantedAreas('custom', ['access_log']))).toBe(true);
  });
});

describe('the link editor’s form', () => {
  it('answers every hostile post in staff’s words, never zod’s', () => {
    const file = new File([], 'x.pdf');
    const everyFieldAFile = Object.fromEntries(Object.keys(proxyLinkSchema.shape).map((k) => [k, file]));
    const wrongTypes = { patientId: 'x', scope: 3, areas: [{}], startsOn: 7, evidenceDocumentId: 5, evidenceTypeId: ['a'] };
    const notIds = { evidenceDocumentId: 'not-an-id', evidenceTypeId: 'nor-this' };
    for (const input of [{}, everyFieldAFile, wrongTypes, notIds]) {
      const issues = proxyLinkSchema.safeParse(input).error?.issues ?? [];
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.filter((i) => /^Invalid|^Expected/.test(i.message))).toEqual([]);
    }
  });
});

describe('why, in few words', () => {
  it('names the reason a link opens less than everything, and nothing for full or own access', () => {
    expect(scopeNoteKey({ areas: [...PORTAL_AREAS], scopeReason: 'self' })).toBeNull();
    expect(scopeNoteKey({ areas: [...FULL_PROXY_AREAS], scopeReason: 'scope' })).toBeNull();
    expect(scopeNoteKey({ areas: [...LIMITED_AREAS], scopeReason: 'scope' })).toBe('selectorLimited');
    expect(scopeNoteKey({ areas: [...LIMITED_AREAS], scopeReason: 'teen_limited' })).toBe('selectorTeenLimited');
    expect(scopeNoteKey({ areas: [], scopeReason: 'adult_ended' })).toBe('selectorAdultEnded');
    expect(scopeNoteKey({ areas: [], scopeReason: 'not_started' })).toBe('selectorNotStarted');
    expect(scopeNoteKey({ areas: [], scopeReason: 'ended' })).toBe('selectorEnded');
  });

  it('tells staff the state and why', () => {
    const leo = { firstName: 'Leo', age: 12 };
    const dates = { startsOn: '2026-05-01', endsOn: '2026-04-30' };
    expect(describeProxyState({ areas: [...LIMITED_AREAS], reason: 'teen_limited' }, dates, leo, DEFAULT_AGE_RULES)).toEqual({
      label: 'Limited', detail: 'Leo is 12 and has not agreed in the portal to more than appointments, messages and bills.',
    });
    expect(describeProxyState({ areas: [], reason: 'adult_ended' }, dates, { firstName: 'Leo', age: 19 }, DEFAULT_AGE_RULES).detail)
      .toBe('Leo is 19 (adult from 18) and has not granted access again in the portal.');
    expect(describeProxyState({ areas: [], reason: 'not_started' }, dates, leo, DEFAULT_AGE_RULES)).toEqual({ label: 'Not started', detail: 'The access starts on 2026-05-01.' });
    expect(describeProxyState({ areas: [], reason: 'ended' }, dates, leo, DEFAULT_AGE_RULES)).toEqual({ label: 'Ended', detail: 'The access ended on 2026-04-30.' });
    expect(describeProxyState({ areas: [...FULL_PROXY_AREAS], reason: 'scope' }, dates, leo, DEFAULT_AGE_RULES).label).toBe('Full');
    expect(describeProxyState({ areas: [...LIMITED_AREAS], reason: 'scope' }, dates, leo, DEFAULT_AGE_RULES).label).toBe('Limited');
    expect(describeProxyState({ areas: ['documents'], reason: 'scope' }, dates, leo, DEFAULT_AGE_RULES)).toEqual({
      label: 'Custom', detail: 'Reaches: documents from the clinic, and uploads.',
    });
  });
});

describe('the demo family', () => {
  it('gives Maria a daughter who turns 12 thirty days after the day the demo is seeded', async () => {
    // Seeded on the last day of a leap February: the birthday falls on 30 March.
    vi.useFakeTimers({ now: new Date('2028-02-29T18:00:00Z'), toFake: ['Date'] });
    vi.resetModules();
    const { DEMO_CLINICS } = await import('../../scripts/demo-seed/demo-data');
    const sunrise = DEMO_CLINICS.find((c) => c.slug === 'sunrise')!;
    const ana = sunrise.patients.find((p) => p.recordNumber === 'SUN-10004')!;
    expect(ana).toMatchObject({ firstName: 'Ana', lastName: 'Lopez', dateOfBirth: '2016-03-30' });
    expect(ageOn(ana.dateOfBirth, '2028-03-29')).toBe(11);
    expect(ageOn(ana.dateOfBirth, '2028-03-30')).toBe(12);
    const maria = sunrise.portalAccounts.find((a) => a.email === 'maria.lopez@sunrise.test')!;
    expect(maria.links).toEqual(expect.arrayContaining([
      { patient: 'SUN-10002', relationship: 'parent' },
      { patient: 'SUN-10004', relationship: 'parent' },
    ]));
  });
});
