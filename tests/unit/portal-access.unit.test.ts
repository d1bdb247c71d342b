import { describe, expect, it } from 'vitest';
import { portalInviteEmail, normalizePortalOrigin } from '@/lib/portal-access/invite-email';
import { initialOf, initialsMatch, normalizePortalCode, parseUsDate } from '@/lib/portal-access/matching';
import { portalAccessMessage } from '@/lib/portal-access/messages';
import { checkNewPassword } from '@/lib/portal-access/passwords';
import { activationDetailsSchema, portalInviteSchema } from '@/lib/portal-access/schemas';

describe('printed activation matching', () => {
  it('compares initials without case or accents', async () => {
    expect(initialsMatch('e', 'Élodie')).toBe(true);
    expect(initialsMatch('É', 'elodie')).toBe(true);
    expect(initialsMatch('O', 'Øster')).toBe(true);
    expect(initialsMatch(' z ', 'Zoë')).toBe(true);
    expect(initialsMatch('A', 'Ábel')).toBe(true);
    expect(initialsMatch('E', 'Ábel')).toBe(false);
    expect(initialsMatch('', 'Ábel')).toBe(false);
    expect(initialOf('  de la Cruz')).toBe('d');
    // A decomposed "É" (E + combining acute) is the same letter.
    expect(initialsMatch('E\u0301', 'Émile')).toBe(true);
  });

  it('reads MM/DD/YYYY strictly as a calendar date', async () => {
    expect(parseUsDate('04/12/1986')).toBe('1986-04-12');
    expect(parseUsDate('4/2/1986')).toBe('1986-04-02');
    expect(parseUsDate('02/29/2024')).toBe('2024-02-29');
    for (const bad of ['02/29/2023', '13/01/1990', '00/10/1990', '1986-04-12', '04/12/86', '04/31/1990', '']) {
      expect(parseUsDate(bad)).toBeNull();
    }
  });

  it('accepts the portal ID as people type it', async () => {
    expect(normalizePortalCode(' 482 913 ')).toBe('482913');
    expect(normalizePortalCode('482-913')).toBe('482913');
    expect(normalizePortalCode('４８２９１３')).toBe('482913');
    expect(normalizePortalCode('48291')).toBeNull();
  });

  it('says what to fix in each field', async () => {
    const parsed = activationDetailsSchema.safeParse({ portalCode: '1234567', firstInitial: '1', lastInitial: 'ab', dateOfBirth: '1990-01-01' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path[0]).sort()).toEqual(['dateOfBirth', 'firstInitial', 'lastInitial', 'portalCode']);
    expect(activationDetailsSchema.parse({ portalCode: '482 913', firstInitial: ' r ', lastInitial: 'C', dateOfBirth: '01/27/1954' }))
      .toEqual({ portalCode: '482913', firstInitial: 'r', lastInitial: 'C', dateOfBirth: '1954-01-27' });
  });
});

describe('new passwords', () => {
  it('lists every policy problem and the confirmation together', async () => {
    expect(await checkNewPassword({ password: 'short', confirmPassword: '' }, {})).toEqual({
      ok: false, error: 'invalid-password',
      problems: { password: ['Use at least 8 characters.', 'Add an upper-case letter.', 'Add a digit.'], confirmPassword: 'Enter the new password again.' },
    });
    expect(await checkNewPassword({ password: 'Copper-kettle-64', confirmPassword: 'Copper-kettle-65' }, {})).toMatchObject({
      ok: false, problems: { confirmPassword: expect.stringContaining('don’t match') },
    });
    expect(await checkNewPassword({ password: 'Copper-kettle-64', confirmPassword: 'Copper-kettle-64' }, { name: 'Ann Lee' })).toEqual({ ok: true });
  });
});

describe('invitation email', () => {
  const brand = { name: 'Sunrise Family Clinic', logoUrl: null, primaryColor: '#0f766e' };

  it('names the clinic, carries the link and the staff message, and nothing about the patient', async () => {
    const mail = portalInviteEmail(brand, 'en', { link: 'https://sunrise.test/portal/invite/abc', message: 'See you soon.' });
    expect(mail.subject).toBe('Your invitation to the Sunrise Family Clinic patient portal');
    expect(mail.text).toContain('You have been invited to the Sunrise Family Clinic patient portal.');
    expect(mail.text).toContain('https://sunrise.test/portal/invite/abc');
    expect(mail.text).toContain('See you soon.');
    expect(portalInviteEmail({ ...brand, name: 'X' }, 'en', { link: 'https://x.test/l' }).text).not.toContain('A message from');
  });

  it('takes only an http(s) origin', async () => {
    expect(normalizePortalOrigin('https://portal.clinic.test/some/path?q=1')).toBe('https://portal.clinic.test');
    expect(() => normalizePortalOrigin('javascript:alert(1)')).toThrow();
  });

  it('validates the staff form', async () => {
    const ok = portalInviteSchema.parse({ patientId: '3f2b8c1e-8e4a-4b7e-9c1d-2a6f0e5b7c9d', email: ' A@B.test ', relationship: 'parent', message: '' });
    expect(ok).toEqual({ patientId: '3f2b8c1e-8e4a-4b7e-9c1d-2a6f0e5b7c9d', email: 'A@B.test', relationship: 'parent', message: undefined });
    expect(portalInviteSchema.safeParse({ patientId: 'x', email: 'nope', relationship: 'friend' }).success).toBe(false);
  });
});

describe('messages', () => {
  it('is specific about what the person can fix, and reuses the sign-in code messages', async () => {
    expect(portalAccessMessage('no-match', { attemptsLeft: 1 })).toContain('1 try left');
    expect(portalAccessMessage('no-identifier', { identifierLabel: 'TAJ' })).toContain('your TAJ');
    expect(portalAccessMessage('wrong-code', { attemptsLeft: 3 })).toBe('That code is not correct. 3 tries left.');
    expect(portalAccessMessage('resend-too-soon', { retryAfterSeconds: 42 })).toBe('You can ask for a new code in 42 seconds.');
    expect(portalAccessMessage('link-used')).toBe('This link has already been used.');
  });
});
