import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseSmsKeyword } from '@/lib/engagement/sms-keywords';
import { normaliseAddress, suppressionBlocks } from '@/lib/engagement/suppressions';
import { makeUnsubscribeToken, maskEmail, readUnsubscribeToken, unsubscribeHeaders, unsubscribeLinks } from '@/lib/engagement/unsubscribe';

/**
 * Issue 18, point 7, the pure parts: how addresses are compared, what each suppression stops, the
 * carrier keywords, and the unsubscribe link's token (signed, encrypted, versioned).
 */

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('address normalisation', () => {
  it('lower-cases and trims emails, and refuses what is not one', () => {
    expect(normaliseAddress('email', '  Maria.Lopez@Sunrise.TEST ')).toBe('maria.lopez@sunrise.test');
    expect(normaliseAddress('email', 'maria lopez@sunrise.test')).toBeNull();
    expect(normaliseAddress('email', 'no-at-sign')).toBeNull();
    expect(normaliseAddress('email', '')).toBeNull();
  });

  it('writes phones as E.164, reading a number without a country code as the US', () => {
    expect(normaliseAddress('sms', '+15555550101')).toBe('+15555550101');
    expect(normaliseAddress('sms', '(555) 555-0101')).toBe('+15555550101');
    expect(normaliseAddress('sms', ' +44 20 7946 0958 ')).toBe('+442079460958');
    expect(normaliseAddress('sms', 'call me')).toBeNull();
  });
});

describe('what a suppression stops', () => {
  it('an unsubscribe stops marketing only; STOP, a bounce and a complaint stop everything', () => {
    expect(suppressionBlocks('unsubscribed', 'marketing')).toBe(true);
    expect(suppressionBlocks('unsubscribed', 'care')).toBe(false);
    for (const reason of ['stopped', 'bounced', 'complained'] as const) {
      expect(suppressionBlocks(reason, 'marketing')).toBe(true);
      expect(suppressionBlocks(reason, 'care')).toBe(true);
    }
  });
});

describe('SMS keywords', () => {
  it.each([
    ['STOP', 'stop'], ['stop', 'stop'], [' Stop. ', 'stop'], ['STOPALL', 'stop'], ['stop all', 'stop'], ['Unsubscribe', 'stop'],
    ['cancel', 'stop'], ['END', 'stop'], ['quit!', 'stop'], ['START', 'start'], ['unstop', 'start'], ['Help', 'help'], ['HELP?', 'help'],
  ])('%j is %s', (text, keyword) => {
    expect(parseSmsKeyword(text)).toBe(keyword);
  });

  it.each(['', 'Stop by at 3?', 'Cancel my appointment please', 'I want to start over', 'stopp', 'OK', 'x'.repeat(200)])('%j is no keyword', (text) => {
    expect(parseSmsKeyword(text)).toBeNull();
  });
});

describe('the unsubscribe token', () => {
  const tenantId = randomUUID();

  it('names the clinic, the channel and the address, and reads back', () => {
    const token = makeUnsubscribeToken(tenantId, ' Maria.Lopez@Sunrise.test');
    expect(readUnsubscribeToken(token)).toEqual({ tenantId, channel: 'email', address: 'maria.lopez@sunrise.test' });
    expect(token.startsWith('u1.')).toBe(true);
    // URL-safe, so it fits in a path segment as it is.
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('does not spell out the address or the clinic id', () => {
    const token = makeUnsubscribeToken(tenantId, 'maria.lopez@sunrise.test');
    expect(token).not.toContain('maria');
    expect(token).not.toContain(Buffer.from('maria.lopez').toString('base64url').slice(0, 8));
    expect(token).not.toContain(tenantId);
  });

  it('is the same every time for one address (a retried email is the same email), and differs between addresses and clinics', () => {
    const a = makeUnsubscribeToken(tenantId, 'maria.lopez@sunrise.test');
    expect(makeUnsubscribeToken(tenantId, 'MARIA.LOPEZ@sunrise.test')).toBe(a);
    expect(makeUnsubscribeToken(tenantId, 'leo.lopez@sunrise.test')).not.toBe(a);
    expect(makeUnsubscribeToken(randomUUID(), 'maria.lopez@sunrise.test')).not.toBe(a);
  });

  it('refuses a token with any character changed, a part moved from another token, or another format', () => {
    const token = makeUnsubscribeToken(tenantId, 'maria.lopez@sunrise.test');
    const parts = token.split('.');
    parts.forEach((part, p) => {
      for (let i = 0; i < part.length; i++) {
        const changed = part.slice(0, i) + (part[i] === 'A' ? 'B' : 'A') + part.slice(i + 1);
        // The last base64url character may carry padding bits only: a change there alters no byte.
        if (p > 0 && Buffer.from(changed, 'base64url').equals(Buffer.from(part, 'base64url'))) continue;
        expect(readUnsubscribeToken(parts.map((x, j) => (j === p ? changed : x)).join('.')), `part ${p}, character ${i}`).toBeNull();
      }
    });
    // Another clinic's id put in front of this address's ciphertext: the signature fails.
    const other = makeUnsubscribeToken(randomUUID(), 'maria.lopez@sunrise.test').split('.');
    expect(readUnsubscribeToken([parts[0], other[1], parts[2], parts[3], parts[4]].join('.'))).toBeNull();
    expect(readUnsubscribeToken(['u2', ...parts.slice(1)].join('.'))).toBeNull();
    expect(readUnsubscribeToken(parts.slice(0, 4).join('.'))).toBeNull();
    expect(readUnsubscribeToken('not-a-real-token')).toBeNull();
    expect(readUnsubscribeToken('')).toBeNull();
  });

  it('is worthless once the secret changes (a forged signature fails)', () => {
    const token = makeUnsubscribeToken(tenantId, 'maria.lopez@sunrise.test');
    vi.stubEnv('AUTH_SECRET', 'another-secret-entirely-0000000000000000');
    expect(readUnsubscribeToken(token)).toBeNull();
  });

  it('refuses to make a token for something that is not an email or a clinic id', () => {
    expect(() => makeUnsubscribeToken(tenantId, 'not an email')).toThrow();
    expect(() => makeUnsubscribeToken('sunrise', 'maria@sunrise.test')).toThrow();
  });
});

describe('the links and headers of a marketing email', () => {
  it('point at the clinic host: the page for people, the one-click endpoint for mail clients', () => {
    vi.stubEnv('PLATFORM_ROOT_DOMAIN', 'carebridge.example');
    const links = unsubscribeLinks('sunrise', 'u1.token');
    expect(links).toEqual({ page: 'https://sunrise.carebridge.example/portal/unsubscribe/u1.token', oneClick: 'https://sunrise.carebridge.example/api/unsubscribe/u1.token' });
    expect(unsubscribeHeaders(links)).toEqual({
      'List-Unsubscribe': '<https://sunrise.carebridge.example/api/unsubscribe/u1.token>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('masks the address the page shows', () => {
    expect(maskEmail('maria.lopez@sunrise.test')).toBe('m••••@sunrise.test');
    expect(maskEmail('@x')).toBe('••••');
  });
});
