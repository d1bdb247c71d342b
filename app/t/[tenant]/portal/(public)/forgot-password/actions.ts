'use server';

import { redirect } from 'next/navigation';
import type { ForgotFormState } from '@/components/portal-access/form-state';
import { clearChallengeCookie, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { fieldErrorsOf, verificationCodeSchema } from '@/lib/auth/schemas';
import { getRequestOrigin } from '@/lib/http/request-origin';
import { getPublicPortalLocale } from '@/lib/i18n/portal';
import { accessTexts, afterResend, endsCodeStep, formText } from '@/lib/portal-access/form-results';
import {
  completePasswordReset,
  requestPasswordResetLink,
  resendPasswordResetCode,
  startPasswordReset,
  verifyPasswordResetCode,
} from '@/lib/portal-access/password-reset';
import { portalAccessRequest } from '@/lib/portal-access/request';
import { identifierSchema, newPasswordSchema } from '@/lib/portal-access/schemas';

/**
 * Forgot password: identifier, SMS code, new password; or, in email clinics, a reset link by
 * email. The answers are the same whether or not an account exists.
 */
export async function forgotPasswordAction(prev: ForgotFormState, form: FormData): Promise<ForgotFormState> {
  const { db, profile, client, identifierLabel, challengeId } = await portalAccessRequest();
  const m = accessTexts(await getPublicPortalLocale(), identifierLabel);
  const intent = form.get('intent');

  if (intent === 'restart') {
    await clearChallengeCookie();
    return { step: 'identifier' };
  }

  if (intent === 'identifier' || intent === 'email-link') {
    const values = { identifier: formText(form, 'identifier') };
    const parsed = identifierSchema.safeParse(values);
    if (!parsed.success) return { step: 'identifier', values, fieldErrors: { identifier: m.enterIdentifier() } };
    if (intent === 'email-link') {
      const result = await requestPasswordResetLink(db, profile, { email: parsed.data.identifier }, client, await getRequestOrigin());
      if (!result.ok) {
        if (result.error === 'invalid-input') return { step: 'identifier', values, ...m.problems(result.problems) };
        return { step: 'identifier', values, message: m.result(result) };
      }
      return { step: 'link-sent', notice: m.result({ error: 'reset-link-sent' }) };
    }
    const result = await startPasswordReset(db, profile, parsed.data, client);
    if (!result.ok) {
      if (result.error === 'invalid-input') return { step: 'identifier', values, ...m.problems(result.problems) };
      return { step: 'identifier', values, message: m.result(result) };
    }
    await setChallengeCookie(result.challengeId);
    return { step: 'code', resendAt: result.resendAvailableAt.getTime() };
  }

  if (intent === 'resend') {
    return afterResend(prev, await resendPasswordResetCode(db, profile, challengeId, client), 'identifier', m.t('forgotNewCode'), m.locale);
  }

  if (intent === 'code') {
    const parsed = verificationCodeSchema.safeParse({ code: form.get('code') });
    if (!parsed.success) return { ...prev, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: m.codeMissing() } };
    const result = await verifyPasswordResetCode(db, profile, challengeId, parsed.data.code, client);
    if (!result.ok) {
      if (endsCodeStep(result.error)) {
        await clearChallengeCookie();
        return { step: 'identifier', message: m.result(result) };
      }
      if (result.error === 'malformed') return { ...prev, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: m.result(result) } };
      return { ...prev, step: 'code', notice: undefined, fieldErrors: undefined, message: m.result(result) };
    }
    return { step: 'password' };
  }

  if (intent === 'password') {
    const parsed = newPasswordSchema.safeParse({ password: formText(form, 'password'), confirmPassword: formText(form, 'confirmPassword') });
    if (!parsed.success) return { step: 'password', fieldErrors: m.fields(fieldErrorsOf(parsed.error)) };
    const result = await completePasswordReset(db, profile, challengeId, parsed.data, client);
    if (!result.ok) {
      if (result.error === 'invalid-input') return { step: 'password', ...m.problems(result.problems) };
      await clearChallengeCookie();
      return { step: 'identifier', message: m.result(result) };
    }
    await clearChallengeCookie();
    redirect('/portal/sign-in?reason=password-reset');
  }

  return { step: 'identifier' };
}
