import { describe, expect, it } from 'vitest';
import { translator } from '@/lib/i18n/core';
import { passkeys } from '@/lib/i18n/messages/passkeys';
import { relyingPartyFor } from '@/lib/identity/passkeys/relying-party';
import { addPasskeySchema, defaultPasskeyNameKey, passkeyAssertionSchema, renamePasskeySchema } from '@/lib/identity/passkeys/schemas';

const ID = '2b7e1516-28ae-4d2a-a6ab-f7158809cf4f';

describe('the relying party of a request', () => {
  const dev = { production: false, name: 'Sunrise' };
  it('is the exact host the browser is on, without the port; the origin keeps scheme and port', () => {
    expect(relyingPartyFor('sunrise.localhost:3000', dev)).toEqual({ id: 'sunrise.localhost', origin: 'http://sunrise.localhost:3000', name: 'Sunrise' });
    expect(relyingPartyFor('localhost:3000', dev)).toMatchObject({ id: 'localhost', origin: 'http://localhost:3000' });
    expect(relyingPartyFor('Portal.SunriseClinic.com', { ...dev, production: true })).toEqual({ id: 'portal.sunriseclinic.com', origin: 'https://portal.sunriseclinic.com', name: 'Sunrise' });
    // `www.` stays: the browser signs for the name it shows (tenant resolution drops it, passkeys do not).
    expect(relyingPartyFor('www.sunriseclinic.com', { ...dev, production: true })?.id).toBe('www.sunriseclinic.com');
    expect(relyingPartyFor('sunrise.example.com.', { ...dev, production: true })?.id).toBe('sunrise.example.com');
  });

  it('is https in production whatever X-Forwarded-Proto says; in development the proxy is believed', () => {
    expect(relyingPartyFor('sunrise.example.com', { production: true, forwardedProto: 'http', name: 'S' })?.origin).toBe('https://sunrise.example.com');
    expect(relyingPartyFor('sunrise.example.com:443', { production: true, name: 'S' })?.origin).toBe('https://sunrise.example.com');
    expect(relyingPartyFor('sunrise.example.com:8443', { production: true, name: 'S' })?.origin).toBe('https://sunrise.example.com:8443');
    expect(relyingPartyFor('sunrise.localhost:3000', { production: false, forwardedProto: 'https', name: 'S' })?.origin).toBe('https://sunrise.localhost:3000');
    expect(relyingPartyFor('sunrise.localhost:80', { production: false, name: 'S' })?.origin).toBe('http://sunrise.localhost');
  });

  it('is none for what cannot be an RP ID: no host, an IP address, a single label, anything odd', () => {
    for (const host of [null, '', '127.0.0.1', '127.0.0.1:3000', '[::1]:3000', 'intranet', 'a b.com', 'evil.com/x', 'evil.com@x', '-bad.com', 'x.com:99999999']) {
      expect(relyingPartyFor(host, dev), String(host)).toBeNull();
    }
  });
});

describe('passkey forms', () => {
  const t = translator(passkeys, 'en');
  const errorsOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
    Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join('.'), t(i.message as keyof typeof passkeys.en)]));

  it('a name is 1 to 60 characters of text, trimmed', () => {
    expect(renamePasskeySchema.parse({ passkeyId: ID, name: '  My phone ' })).toEqual({ passkeyId: ID, name: 'My phone' });
    expect(renamePasskeySchema.parse({ passkeyId: ID, name: 'x'.repeat(60) }).name).toHaveLength(60);
    expect(errorsOf(renamePasskeySchema.safeParse({ passkeyId: ID, name: '   ' }))).toEqual({ name: 'Enter a name for the passkey.' });
    expect(errorsOf(renamePasskeySchema.safeParse({ passkeyId: ID, name: 'x'.repeat(61) }))).toEqual({ name: 'Use at most 60 characters.' });
    expect(errorsOf(renamePasskeySchema.safeParse({ passkeyId: ID, name: 'Phone\u0000' }))).toEqual({ name: 'Remove the invisible control characters from the name.' });
    expect(errorsOf(renamePasskeySchema.safeParse({ passkeyId: 'not-an-id', name: 'Phone' }))).toEqual({ passkeyId: 'This passkey no longer exists. Reload the page.' });
    expect(errorsOf(renamePasskeySchema.safeParse({}))).toEqual({ passkeyId: 'This passkey no longer exists. Reload the page.', name: 'Enter a name for the passkey.' });
  });

  it('adding: the name may be left empty (then it is named after its kind); the credential must be there', () => {
    expect(addPasskeySchema.parse({ response: '{"id":"x"}', name: '' })).toEqual({ response: '{"id":"x"}', name: undefined });
    expect(addPasskeySchema.parse({ response: '{"id":"x"}', name: '   ' }).name).toBeUndefined();
    expect(addPasskeySchema.parse({ response: '{"id":"x"}' }).name).toBeUndefined();
    expect(addPasskeySchema.parse({ response: '{"id":"x"}', name: ' Laptop ' }).name).toBe('Laptop');
    expect(errorsOf(addPasskeySchema.safeParse({ response: '{"id":"x"}', name: 'x'.repeat(61) }))).toEqual({ name: 'Use at most 60 characters.' });
    expect(errorsOf(addPasskeySchema.safeParse({ response: '' }))).toEqual({ response: 'The passkey could not be added. Try again.' });
    expect(passkeyAssertionSchema.safeParse({ response: 'x'.repeat(16_001) }).success).toBe(false);
  });

  it('the default name follows the kind of credential', () => {
    expect(defaultPasskeyNameKey('multiDevice', ['internal', 'hybrid'])).toBe('defaultSynced');
    expect(defaultPasskeyNameKey('singleDevice', ['usb', 'nfc'])).toBe('defaultSecurityKey');
    expect(defaultPasskeyNameKey('singleDevice', ['internal'])).toBe('defaultDevice');
    expect(defaultPasskeyNameKey(null, [])).toBe('defaultDevice');
  });
});
