import { describe, expect, it } from 'vitest';
import { isValidSubdomainLabel, normalizeHost, parseHost } from '@/lib/tenancy/host';

describe('normalizeHost', () => {
  it.each([
    ['Sunrise.LOCALHOST:3000', 'sunrise.localhost'],
    ['www.portal.harbor-derm.test', 'portal.harbor-derm.test'],
    ['portal.harbor-derm.test.', 'portal.harbor-derm.test'],
    ['  sunrise.localhost  ', 'sunrise.localhost'],
    ['MÜNCHEN-klinik.de', 'xn--mnchen-klinik-wob.de'],
    ['[::1]:3000', '[::1]'],
  ])('%s -> %s', (raw, expected) => {
    expect(normalizeHost(raw)).toBe(expected);
  });

  it.each([null, undefined, '', 'a b.test', 'evil.test/path', 'user@evil.test', 'x.test?y'])(
    'rejects %s',
    (raw) => {
      expect(normalizeHost(raw)).toBeNull();
    },
  );
});

describe('parseHost', () => {
  const root = 'localhost';

  it('recognises the root domain, with port, case and www', () => {
    expect(parseHost('localhost:3000', root)).toEqual({ kind: 'root' });
    expect(parseHost('WWW.LOCALHOST', root)).toEqual({ kind: 'root' });
  });

  it('extracts a clinic subdomain', () => {
    expect(parseHost('sunrise.localhost:3000', root)).toEqual({ kind: 'subdomain', label: 'sunrise' });
    expect(parseHost('www.Harbor.localhost', root)).toEqual({ kind: 'subdomain', label: 'harbor' });
  });

  it('works with a production root domain', () => {
    expect(parseHost('sunrise.carebridge.app', 'carebridge.app')).toEqual({ kind: 'subdomain', label: 'sunrise' });
    expect(parseHost('carebridge.app:443', 'carebridge.app')).toEqual({ kind: 'root' });
    expect(parseHost('sunrise.localhost', 'carebridge.app')).toEqual({ kind: 'custom', hostname: 'sunrise.localhost' });
  });

  it.each(['app', 'api', 'console', 'admin', 'portal'])('refuses the reserved subdomain %s', (label) => {
    expect(parseHost(`${label}.localhost`, root)).toEqual({ kind: 'invalid', reason: 'reserved' });
  });

  it('refuses nested subdomains of the root', () => {
    expect(parseHost('a.sunrise.localhost', root)).toEqual({ kind: 'invalid', reason: 'nested-subdomain' });
  });

  it('treats other host names as custom domains, IDN in punycode', () => {
    expect(parseHost('Portal.Harbor-Derm.test:8443', root)).toEqual({ kind: 'custom', hostname: 'portal.harbor-derm.test' });
    expect(parseHost('klinik.bücher.example', root)).toEqual({ kind: 'custom', hostname: 'klinik.xn--bcher-kva.example' });
  });

  it.each(['127.0.0.1', '127.0.0.1:3000', '[::1]:3000', '10.0.0.8'])('refuses the IP address %s', (host) => {
    expect(parseHost(host, root)).toEqual({ kind: 'invalid', reason: 'ip-address' });
  });

  it.each(['', 'intranet', '-bad-.test', 'under_score.test'])('refuses malformed host %j', (host) => {
    expect(parseHost(host, root).kind).toBe('invalid');
  });
});

describe('isValidSubdomainLabel', () => {
  it('accepts clinic slugs and refuses reserved or malformed ones', () => {
    expect(isValidSubdomainLabel('sunrise')).toBe(true);
    expect(isValidSubdomainLabel('st-mary-2')).toBe(true);
    expect(isValidSubdomainLabel('www')).toBe(false);
    expect(isValidSubdomainLabel('-x')).toBe(false);
    expect(isValidSubdomainLabel('a'.repeat(64))).toBe(false);
  });
});
