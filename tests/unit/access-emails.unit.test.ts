import { describe, expect, it } from 'vitest';
import type { ClinicEmailBrand } from '@/lib/email/render-clinic-email';
import { validForWords } from '@/lib/portal-access/access-email-texts';
import { passwordResetEmail, portalEmailLanguage, portalInviteEmail } from '@/lib/portal-access/invite-email';
import { staffInviteEmail } from '@/lib/staff/invite-email';
import type { TenantProfile } from '@/lib/tenancy/profile';

/**
 * The emails sent straight to a person (not through the outbox): the portal invitation, the
 * password-reset link and the staff invitation, each in the clinic's layout (issue 18 point 9):
 * an HTML part with the clinic's logo, colour and name and a button for the link, and a
 * plain-text part with the same words and the link on a line of its own, saying when it expires.
 */

const BRAND: ClinicEmailBrand = {
  name: 'Harbor Dermatology',
  logoUrl: 'https://harbor.carebridge.example/api/branding/00000000-0000-4000-8000-000000000001/logo-a.png',
  primaryColor: '#1d4ed8',
};
const INVITE_LINK = 'https://portal.harbor.test/portal/invite/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';
const RESET_LINK = 'https://portal.harbor.test/portal/reset-password/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';
const STAFF_LINK = 'https://harbor.carebridge.example/staff/invite/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';

function escaped(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

/** The layout's parts: the clinic's name, logo and colour, the button for `link`, and the link as text. */
function expectClinicLayout(html: string, link: string, button: string, language: string) {
  expect(html.startsWith(`<!DOCTYPE html><html lang="${language}"`)).toBe(true);
  expect(html).toContain('data-part="clinic-name">Harbor Dermatology<');
  expect(html).toContain(`<img src="${BRAND.logoUrl}"`);
  expect(html).toMatch(/<td bgcolor="#1d4ed8" style="background-color:#1d4ed8;[^"]*" data-part="header">/);
  expect(html).toMatch(new RegExp(`<td bgcolor="#1d4ed8"[^>]*><a href="${escapeRegExp(escaped(link))}" style="[^"]*">${escapeRegExp(escaped(button))}</a>`));
  // The address in words too, for clients that mangle buttons.
  expect(html).toMatch(new RegExp(`<a href="${escapeRegExp(escaped(link))}"[^>]*>${escapeRegExp(escaped(link))}</a>`));
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('the portal invitation', () => {
  it('is the clinic\'s layout with a button, and a text part with the link and its expiry', () => {
    const mail = portalInviteEmail(BRAND, 'en', { link: INVITE_LINK });
    expect(mail.subject).toBe('Your invitation to the Harbor Dermatology patient portal');
    expectClinicLayout(mail.html, INVITE_LINK, 'Set up your access', 'en');
    expect(mail.text).toBe([
      'Hello,',
      '',
      'You have been invited to the Harbor Dermatology patient portal.',
      '',
      'Open this link to set up your access. It works once and expires in 24 hours:',
      INVITE_LINK,
      '',
      'If the link has expired, use "Forgot password?" on the portal’s sign-in page if you already have an account, or ask the clinic for a new invitation.',
      '',
      'If you did not expect this email, you can ignore it.',
      '',
      'This is an automatic message from Harbor Dermatology.',
    ].join('\n'));
  });

  it('says how many forms wait (never which) and quotes the staff message line by line, escaped in the HTML', () => {
    const mail = portalInviteEmail(BRAND, 'en', { link: INVITE_LINK, formsWaiting: 2, message: 'Bring your card.\n<b>See you</b> & thanks' });
    expect(mail.text).toContain('Harbor Dermatology has also asked you to fill in some forms: you will find them in the portal after you sign in.');
    expect(mail.text).toContain('A message from Harbor Dermatology:\nBring your card.\n<b>See you</b> & thanks');
    expect(mail.html).toContain('A message from Harbor Dermatology:<br/>Bring your card.<br/>&lt;b>See you&lt;/b> &amp; thanks');
    expect(mail.html).not.toContain('<b>');
    expect(portalInviteEmail(BRAND, 'en', { link: INVITE_LINK, formsWaiting: 1 }).text).toContain('to fill in a form: you will find it');
  });

  it('is in Spanish for a Spanish-speaking invitee', () => {
    const mail = portalInviteEmail(BRAND, 'es', { link: INVITE_LINK, formsWaiting: 1, message: 'Hasta pronto.' });
    expect(mail.subject).toBe('Su invitación al portal de pacientes de Harbor Dermatology');
    expectClinicLayout(mail.html, INVITE_LINK, 'Configurar mi acceso', 'es');
    expect(mail.text).toContain('Hola:\n\nLe han invitado al portal de pacientes de Harbor Dermatology.');
    expect(mail.text).toContain(`Abra este enlace para configurar su acceso. Funciona una sola vez y caduca en 24 horas:\n${INVITE_LINK}`);
    expect(mail.text).toContain('Harbor Dermatology también le pide que rellene un formulario');
    expect(mail.text).toContain('Un mensaje de Harbor Dermatology:\nHasta pronto.');
    expect(mail.text.endsWith('Este es un mensaje automático de Harbor Dermatology.')).toBe(true);
    expect(mail.text).not.toMatch(/invited|expires|Hello/);
  });
});

describe('the password-reset link', () => {
  it('is the clinic\'s layout with a button, and a text part with the link and its one-hour expiry', () => {
    const mail = passwordResetEmail(BRAND, 'en', { link: RESET_LINK });
    expect(mail.subject).toBe('Reset your Harbor Dermatology patient portal password');
    expectClinicLayout(mail.html, RESET_LINK, 'Choose a new password', 'en');
    expect(mail.text).toBe([
      'Hello,',
      '',
      'Someone asked to reset the password of your Harbor Dermatology patient portal account.',
      '',
      'Open this link to choose a new password. It works once and expires in 1 hour, and we will also text a code to your phone:',
      RESET_LINK,
      '',
      'If you did not ask for this, you can ignore this email: your password stays the same.',
      '',
      'This is an automatic message from Harbor Dermatology.',
    ].join('\n'));
  });

  it('is in Spanish for an account set to Spanish', () => {
    const mail = passwordResetEmail(BRAND, 'es', { link: RESET_LINK });
    expect(mail.subject).toBe('Restablezca la contraseña de su portal de pacientes de Harbor Dermatology');
    expectClinicLayout(mail.html, RESET_LINK, 'Elegir una contraseña nueva', 'es');
    expect(mail.text).toContain(`caduca en 1 hora; también le enviaremos un código por SMS a su teléfono:\n${RESET_LINK}`);
  });
});

describe('the staff invitation', () => {
  it('is the clinic\'s layout in English, naming who invited them, with the link and its expiry', () => {
    const mail = staffInviteEmail(BRAND, { inviterName: 'Dana Whitfield', link: STAFF_LINK });
    expect(mail.subject).toBe('You’re invited to Harbor Dermatology on Carebridge');
    expectClinicLayout(mail.html, STAFF_LINK, 'Set your password', 'en');
    expect(mail.text).toBe([
      'Hello,',
      '',
      'Dana Whitfield invited you to join Harbor Dermatology on Carebridge.',
      '',
      'Set your password to get started. The link works once and expires in 24 hours:',
      STAFF_LINK,
      '',
      'If you did not expect this invitation, you can ignore this email.',
      '',
      'This is an automatic message from Harbor Dermatology.',
    ].join('\n'));
  });

  it('refuses a link that is not an absolute http(s) address', () => {
    expect(() => staffInviteEmail(BRAND, { inviterName: 'A', link: '/staff/invite/x' })).toThrow('not an absolute address');
  });
});

describe('the language and the expiry in words', () => {
  const profile = (defaultLanguage: string) => ({ portal: { defaultLanguage } }) as TenantProfile;

  it('takes the recipient\'s language, then the clinic\'s default, then English', () => {
    expect(portalEmailLanguage(profile('en'), 'es')).toBe('es');
    expect(portalEmailLanguage(profile('en'), 'es-MX')).toBe('es');
    expect(portalEmailLanguage(profile('es'), null)).toBe('es');
    expect(portalEmailLanguage(profile('es'), 'en')).toBe('en');
    expect(portalEmailLanguage(profile('fr'), 'de')).toBe('en');
  });

  it('writes hours, or minutes for a part of an hour', () => {
    expect(validForWords('en', 24 * 3600)).toBe('24 hours');
    expect(validForWords('en', 3600)).toBe('1 hour');
    expect(validForWords('es', 3600)).toBe('1 hora');
    expect(validForWords('es', 48 * 3600)).toBe('48 horas');
    expect(validForWords('en', 30 * 60)).toBe('30 minutes');
    expect(validForWords('es', 60)).toBe('1 minuto');
  });
});
