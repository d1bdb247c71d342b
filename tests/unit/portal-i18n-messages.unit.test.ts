import { describe, expect, it } from 'vitest';
import { identifierFieldLabel, identifierInSentence, sessionEndMessage, SESSION_END_MESSAGES, signInErrorMessage } from '@/lib/auth/messages';
import { portalCredentialsSchema, verificationCodeSchema } from '@/lib/auth/schemas';
import { fieldErrorsOf } from '@/lib/actions/failures';
import { checkPassword } from '@/lib/identity/password-policy';
import { LOCALES } from '@/lib/i18n/core';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { portalSignIn } from '@/lib/i18n/messages/portal-sign-in';
import { accessTexts, afterResend, problemsState } from '@/lib/portal-access/form-results';
import { portalAccessMessage, translateFieldErrors, translateFieldProblem } from '@/lib/portal-access/messages';
import { checkNewPassword } from '@/lib/portal-access/passwords';
import { activationDetailsSchema, currentPasswordSchema, identifierSchema, newPasswordSchema } from '@/lib/portal-access/schemas';

/** The public portal's messages: English word for word as before, Spanish for every one of them. */

const SIGN_IN_ERRORS = [
  'invalid-credentials', 'locked', 'too-many-codes', 'resend-too-soon', 'sms-failed', 'malformed', 'wrong-code', 'expired',
  'too-many-attempts', 'no-code', 'no-attempt', 'portal-disabled', 'no-phone',
];
const ACCESS_ERRORS = [
  'rate-limited', 'no-match', 'attempt-locked', 'clinic-busy', 'code-locked', 'access-disabled', 'no-identifier', 'activation-expired', 'not-available',
  'account-exists', 'account-disabled', 'link-invalid', 'link-used', 'link-expired', 'stale', 'code-sent-generic', 'reset-link-sent',
];

describe('sign-in and access messages', () => {
  it('keeps the English wording', async () => {
    expect(signInErrorMessage('invalid-credentials')).toBe('The email or password is not correct. Check both and try again.');
    expect(signInErrorMessage('invalid-credentials', { identifierLabel: 'SSN' })).toBe('The SSN or password is not correct. Check both and try again.');
    expect(signInErrorMessage('locked', { retryAfterSeconds: 900 })).toBe('Too many failed sign-ins. For your security, signing in is paused for 15 minutes.');
    expect(signInErrorMessage('too-many-codes', { retryAfterSeconds: 30 })).toBe('Too many codes were sent. You can ask for a new one in 1 minute.');
    expect(signInErrorMessage('resend-too-soon', { retryAfterSeconds: 1 })).toBe('You can ask for a new code in 1 second.');
    expect(signInErrorMessage('wrong-code', { attemptsLeft: 1 })).toBe('That code is not correct. 1 try left.');
    expect(signInErrorMessage('wrong-code', { attemptsLeft: 4 })).toBe('That code is not correct. 4 tries left.');
    expect(signInErrorMessage('nonsense')).toBe('Something went wrong. Please try again.');
    expect(portalAccessMessage('rate-limited', { retryAfterSeconds: 3600 })).toBe('Too many attempts from your network. Please try again in 60 minutes.');
    expect(portalAccessMessage('no-match', { attemptsLeft: 1 })).toContain('1 try left before you have to wait an hour.');
    expect(portalAccessMessage('attempt-locked', { retryAfterSeconds: 3600 })).toBe('Too many wrong tries. Check your printed instructions and try again in 60 minutes, or contact the clinic.');
    expect(portalAccessMessage('clinic-busy', { retryAfterSeconds: 60 })).toBe('Too many activation attempts at this clinic right now. Please try again in 1 minute.');
    expect(portalAccessMessage('no-identifier', { identifierLabel: 'Email' })).toContain('We don’t have your email on file');
  });

  it('says every message in Spanish, numbers and names filled in', async () => {
    for (const error of [...SIGN_IN_ERRORS, ...ACCESS_ERRORS]) {
      for (const options of [{ identifierLabel: 'SSN', retryAfterSeconds: 120, attemptsLeft: 3 }, { retryAfterSeconds: 1, attemptsLeft: 1 }]) {
        const english = portalAccessMessage(error, options);
        const spanish = portalAccessMessage(error, options, 'es');
        expect(spanish, error).not.toBe(english);
        expect(spanish, error).not.toMatch(/\{\w+\}/);
      }
    }
    expect(signInErrorMessage('invalid-credentials', {}, 'es')).toBe('El correo electrónico o la contraseña no son correctos. Revise ambos e inténtelo de nuevo.');
    expect(signInErrorMessage('wrong-code', { attemptsLeft: 1 }, 'es')).toBe('Ese código no es correcto. Le queda 1 intento.');
    expect(signInErrorMessage('wrong-code', { attemptsLeft: 2 }, 'es')).toBe('Ese código no es correcto. Le quedan 2 intentos.');
    expect(portalAccessMessage('no-identifier', { identifierLabel: 'SSN' }, 'es')).toContain('No tenemos su SSN registrado');
  });

  it('answers the same whether or not an account exists, in both languages', async () => {
    // The generic answers carry no identifier, name or number that could differ per person.
    for (const locale of LOCALES) {
      expect(portalAccessMessage('code-sent-generic', {}, locale)).toBe(portalAccess[locale].codeSentGeneric);
      expect(portalAccessMessage('reset-link-sent', {}, locale)).toBe(portalAccess[locale].resetLinkSent);
    }
  });

  it('names the identifier in the reader’s language, and the clinic’s national ID as it is', async () => {
    expect(identifierFieldLabel('email', 'SSN')).toBe('Email');
    expect(identifierFieldLabel('email', 'SSN', 'es')).toBe('Correo electrónico');
    expect(identifierFieldLabel('national_id', 'TAJ', 'es')).toBe('TAJ');
    expect(identifierInSentence('Email', 'es')).toBe('correo electrónico');
    expect(identifierInSentence(undefined)).toBe('email');
    expect(identifierInSentence('TAJ', 'es')).toBe('TAJ');
  });

  it('maps only known ?reason= values to a notice', async () => {
    expect(sessionEndMessage('idle')).toBe('You were signed out after a period of inactivity, to protect your information. Please sign in again.');
    expect(sessionEndMessage('signed-out', 'es')).toBe('Cerró su sesión.');
    expect(sessionEndMessage('toString')).toBeUndefined();
    expect(sessionEndMessage(undefined)).toBeUndefined();
    expect(SESSION_END_MESSAGES.expired).toBe('Your session has ended. Please sign in again.');
    expect(SESSION_END_MESSAGES.toString).toBeUndefined();
  });
});

/** Every field problem the lib can write today, produced by the lib itself. */
async function libFieldProblems(): Promise<string[]> {
  const out = new Set<string>();
  const add = (errors: Record<string, string>) => Object.values(errors).forEach((text) => out.add(text));
  const fail = (result: { success: boolean; error?: unknown }) => (result.success ? {} : fieldErrorsOf(result.error as never));
  add(fail(activationDetailsSchema.safeParse({ portalCode: '', firstInitial: '', lastInitial: '', dateOfBirth: '' })));
  add(fail(activationDetailsSchema.safeParse({ portalCode: '12', firstInitial: 'ab', lastInitial: '1', dateOfBirth: '31/31/1' })));
  add(fail(identifierSchema.safeParse({ identifier: '' })));
  add(fail(identifierSchema.safeParse({ identifier: 'x'.repeat(300) })));
  add(fail(currentPasswordSchema.safeParse({ currentPassword: '' })));
  add(fail(newPasswordSchema.safeParse({ password: 'x'.repeat(2000), confirmPassword: '' })));
  add(fail(portalCredentialsSchema.safeParse({ identifier: '', password: '' })));
  add(fail(verificationCodeSchema.safeParse({ code: '' })));
  for (const password of ['a', 'A'.repeat(200), 'Password1', 'Aa1aaaaa', 'Maria-Lopez-77']) {
    const check = await checkPassword(password, { name: 'Maria Lopez' });
    if (!check.ok) check.problems.forEach((problem) => out.add(problem));
  }
  for (const confirmPassword of ['', 'different']) {
    const check = await checkNewPassword({ password: 'Xk9mRt2p', confirmPassword }, {});
    if (!check.ok && check.problems.confirmPassword) out.add(check.problems.confirmPassword);
  }
  ['Enter a valid email address.', 'Enter the email you will sign in with.', 'That password is not correct. Use the password of your existing portal account.'].forEach((text) => out.add(text));
  return [...out];
}

describe('field problems', () => {
  it('translates every problem the lib writes, and leaves English alone', async () => {
    const problems = await libFieldProblems();
    expect(problems.length).toBeGreaterThan(20);
    for (const problem of problems) {
      expect(translateFieldProblem(problem), problem).toBe(problem);
      const spanish = translateFieldProblem(problem, 'es');
      expect(spanish, problem).not.toBe(problem);
      expect(Object.values(portalAccess.es).some((template) => template === spanish || template.includes('{n}')), problem).toBe(true);
    }
  });

  it('carries the numbers of a problem into the translation', async () => {
    expect(translateFieldProblem('Use at least 8 characters.', 'es')).toBe('Use al menos 8 caracteres.');
    expect(translateFieldProblem('Use at most 128 characters.', 'es')).toBe('Use como máximo 128 caracteres.');
  });

  it('keeps an unknown sentence rather than losing it', async () => {
    expect(translateFieldProblem('A brand-new rule.', 'es')).toBe('A brand-new rule.');
  });

  it('translates a form state’s field errors and password list', async () => {
    expect(translateFieldErrors({ code: 'Enter the 6 digits from the SMS.' }, 'es')).toEqual({ code: 'Escriba los 6 dígitos del SMS.' });
    expect(problemsState({ identifier: 'Enter a valid email address.', password: ['Add a digit.'] }, 'es')).toEqual({
      fieldErrors: { identifier: 'Escriba un correo electrónico válido.' },
      passwordProblems: ['Agregue un dígito.'],
    });
  });
});

describe('action texts', () => {
  it('answer in the request’s language', async () => {
    const es = accessTexts('es', 'Email');
    expect(es.enterIdentifier()).toBe('Escriba su correo electrónico.');
    expect(accessTexts('en', 'SSN').enterIdentifier()).toBe('Enter your SSN.');
    expect(accessTexts('en').enterIdentifier()).toBe('Enter your email.');
    expect(es.codeMissing()).toBe('Escriba los 6 dígitos del SMS.');
    expect(es.result({ error: 'no-match', attemptsLeft: 2 })).toContain('Le quedan 2 intentos');
  });

  it('after "Resend code": the notice, or the reason in the reader’s language', async () => {
    const prev: { step: string; resendAt?: number; message?: string; notice?: string } = { step: 'code', resendAt: 1 };
    const ok = afterResend(prev, { ok: true, resendAvailableAt: new Date(5000) }, 'start', portalAccess.es.newCodeSent, 'es');
    expect(ok).toMatchObject({ step: 'code', resendAt: 5000, notice: 'Le enviamos un código nuevo.' });
    const tooSoon = afterResend(prev, { ok: false, error: 'resend-too-soon', retryAfterSeconds: 42 }, 'start', '', 'es');
    expect(tooSoon.message).toBe('Podrá pedir un código nuevo en 42 segundos.');
    const ended = afterResend(prev, { ok: false, error: 'no-attempt' }, 'start', '');
    expect(ended).toEqual({ step: 'start', message: portalSignIn.en.errNoAttempt });
  });
});
