'use server';

import { redirect } from 'next/navigation';
import type { ResetLinkFormState } from '@/components/portal-access/form-state';
import { clearChallengeCookie, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { fieldErrorsOf, verificationCodeSchema } from '@/lib/auth/schemas';
import { getPublicPortalLocale } from '@/lib/i18n/portal';
import { accessTexts, afterResend, endsCodeStep, formText } from '@/lib/portal-access/form-results';
import {
  completePasswordReset,
  resendPasswordResetCode,
  startPasswordResetFromLink,
  verifyPasswordResetCode,
} from '@/lib/portal-access/password-reset';
import { portalAccessRequest } from '@/lib/portal-access/request';
import { linkTokenSchema, newPasswordSchema } from '@/lib/portal-access/schemas';

const CLOSED = new Set(['link-invalid', 'link-used', 'link-expired', 'portal-disabled']);

/**
 * The emailed reset link: the phone is the sign-in factor, so the link leads to an SMS code
 * before the new password. The token is spent together with the password change.
 */
export async function resetLinkAction(prev: ResetLinkFormState, form: FormData): Promise<ResetLinkFormState> {
  const { db, profile, client, identifierLabel, challengeId } = await portalAccessRequest();
  const m = accessTexts(await getPublicPortalLocale(), identifierLabel);
  const intent = form.get('intent');

  if (intent === 'restart') {
    await clearChallengeCookie();
    return { step: 'start' };
  }

  if (intent === 'start') {
    const token = linkTokenSchema.safeParse(formText(form, 'token'));
    if (!token.success) return { step: 'closed', message: m.result({ error: 'link-invalid' }) };
    const result = await startPasswordResetFromLink(db, profile, token.data, client);
    if (!result.ok) {
      if (CLOSED.has(result.error)) return { step: 'closed', message: m.result(result) };
      return { step: 'start', message: m.result(result) };
    }
    await setChallengeCookie(result.challengeId);
    return { step: 'code', maskedPhone: result.maskedPhone, resendAt: result.resendAvailableAt.getTime() };
  }

  if (intent === 'resend') {
    return afterResend(prev, await resendPasswordResetCode(db, profile, challengeId, client), 'start', m.t('newCodeSent'), m.locale);
  }

  if (intent === 'code') {
    const parsed = verificationCodeSchema.safeParse({ code: form.get('code') });
    if (!parsed.success) return { ...prev, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: m.codeMissing() } };
    const result = await verifyPasswordResetCode(db, profile, challengeId, parsed.data.code, client);
    if (!result.ok) {
      if (endsCodeStep(result.error)) {
        await clearChallengeCookie();
        return { step: 'start', message: m.result(result) };
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
      return result.error === 'link-used'
        ? { step: 'closed', message: m.result(result) }
        : { step: 'start', message: m.result(result) };
    }
    await clearChallengeCookie();
    redirect('/portal/sign-in?reason=password-reset');
  }

  return { step: 'start' };
}
