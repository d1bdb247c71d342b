import { describe, expect, it } from 'vitest';
import { ageOn, DEFAULT_AGE_RULES, effectiveScope, FULL_PROXY_AREAS, LIMITED_AREAS, PORTAL_AREAS, type ProxyLink } from '@/lib/portal-access/proxy-scope';

const parent: ProxyLink = {
  relationship: 'parent', scope: 'full', areas: [], startsOn: null, endsOn: null, teenConsentAt: null, adultGrantAt: null,
};

describe('ageOn', () => {
  it('counts whole years, the birthday itself included', () => {
    expect(ageOn('2014-12-04', '2026-12-03')).toBe(11);
    expect(ageOn('2014-12-04', '2026-12-04')).toBe(12);
    expect(ageOn('2014-12-04', '2027-01-01')).toBe(12);
  });
  it('turns a 29 February birthday on 1 March in other years', () => {
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
    expect(ageOn('2008-02-29', '2028-02-29')).toBe(20);
  });
});

describe('effectiveScope', () => {
  const child = '2016-09-03';
  it('gives the patient their own record whole', () => {
    expect(effectiveScope({ ...parent, relationship: 'self' }, '1990-01-01', '2026-12-04', DEFAULT_AGE_RULES))
      .toEqual({ areas: [...PORTAL_AREAS], reason: 'self' });
  });
  it('keeps the access log from a full-scope proxy', () => {
    const { areas } = effectiveScope(parent, child, '2026-12-04', DEFAULT_AGE_RULES);
    expect(areas).toEqual([...FULL_PROXY_AREAS]);
    expect(areas).not.toContain('access_log');
  });
  it('limits a limited scope and reads a custom one', () => {
    expect(effectiveScope({ ...parent, scope: 'limited' }, child, '2026-12-04', DEFAULT_AGE_RULES).areas).toEqual([...LIMITED_AREAS]);
    expect(effectiveScope({ ...parent, scope: 'custom', areas: ['documents', 'nonsense', 'access_log'] }, child, '2026-12-04', DEFAULT_AGE_RULES).areas)
      .toEqual(['documents', 'access_log']);
  });
  it('holds to the dates, inclusive', () => {
    const dated = { ...parent, startsOn: '2026-12-01', endsOn: '2026-12-31' };
    expect(effectiveScope(dated, child, '2026-11-30', DEFAULT_AGE_RULES).reason).toBe('not_started');
    expect(effectiveScope(dated, child, '2026-12-01', DEFAULT_AGE_RULES).reason).toBe('scope');
    expect(effectiveScope(dated, child, '2026-12-31', DEFAULT_AGE_RULES).reason).toBe('scope');
    expect(effectiveScope(dated, child, '2027-01-01', DEFAULT_AGE_RULES)).toEqual({ areas: [], reason: 'ended' });
  });
  it('narrows a parent to the limited areas from the 12th birthday unless the teen consents', () => {
    expect(effectiveScope(parent, child, '2028-09-02', DEFAULT_AGE_RULES).reason).toBe('scope');
    expect(effectiveScope(parent, child, '2028-09-03', DEFAULT_AGE_RULES)).toEqual({ areas: [...LIMITED_AREAS], reason: 'teen_limited' });
    expect(effectiveScope({ ...parent, teenConsentAt: new Date() }, child, '2028-09-03', DEFAULT_AGE_RULES).areas).toEqual([...FULL_PROXY_AREAS]);
    // A custom scope without clinical areas is not narrowed further.
    expect(effectiveScope({ ...parent, scope: 'custom', areas: ['billing'] }, child, '2030-01-01', DEFAULT_AGE_RULES))
      .toEqual({ areas: ['billing'], reason: 'scope' });
  });
  it('ends proxy access at 18 unless the adult grants it again, teen consent or not', () => {
    expect(effectiveScope({ ...parent, teenConsentAt: new Date() }, child, '2034-09-03', DEFAULT_AGE_RULES))
      .toEqual({ areas: [], reason: 'adult_ended' });
    expect(effectiveScope({ ...parent, adultGrantAt: new Date() }, child, '2034-09-03', DEFAULT_AGE_RULES).areas).toEqual([...FULL_PROXY_AREAS]);
  });
  it('follows the clinic: its ages, or no age rules at all', () => {
    expect(effectiveScope(parent, child, '2029-09-03', { enabled: true, teenAge: 13, adultAge: 16 }).reason).toBe('teen_limited');
    expect(effectiveScope(parent, child, '2032-09-03', { enabled: true, teenAge: 13, adultAge: 16 }).reason).toBe('adult_ended');
    expect(effectiveScope(parent, child, '2040-01-01', { ...DEFAULT_AGE_RULES, enabled: false }).reason).toBe('scope');
  });
});
