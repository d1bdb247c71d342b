'use server';

import { redirect } from 'next/navigation';
import type { ClaimFormState } from '@/components/portal-access/form-state';
import { clearChallengeCookie, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { fieldErrorsOf, verificationCodeSchema } from '@/lib/auth/schemas';
import { completeClaim, resendClaimCode, startClaim, verifyClaimCode } from '@/lib/portal-access/claim';
import { endsCodeStep, formText, problemsState, resultMessage, afterResend } from '@/lib/portal-access/form-results';
import { portalAccessMessage } from '@/lib/portal-access/messages';
import { portalAccessRequest } from '@/lib/portal-access/request';
import { identifierSchema, newPasswordSchema } from '@/lib/portal-access/schemas';

/**
 * Automatic access (seed 004): identifier, then the SMS code, then the password. The first
 * answer is the same whether or not we know the identifier.
 */
export async function claimAction(prev: ClaimFormState, form: FormData): Promise<ClaimFormState> {
  const { db, profile, client, identifierLabel, challengeId } = await portalAccessRequest();
  const intent = form.get('intent');

  if (intent === 'restart') {
    await clearChallengeCookie();
    return { step: 'identifier' };
  }

  if (intent === 'identifier') {
    const values = { identifier: formText(form, 'identifier') };
    const parsed = identifierSchema.safeParse(values);
    if (!parsed.success) return { step: 'identifier', values, fieldErrors: { identifier: `Enter your ${identifierLabel === 'Email' ? 'email' : identifierLabel}.` } };
    const result = await startClaim(db, profile, parsed.data, client);
    if (!result.ok) {
      if (result.error === 'invalid-input') return { step: 'identifier', values, ...problemsState(result.problems) };
      return { step: 'identifier', values, message: resultMessage(result, identifierLabel) };
    }
    await setChallengeCookie(result.challengeId);
    return { step: 'code', resendAt: result.resendAvailableAt.getTime() };
  }

  if (intent === 'resend') {
    return afterResend(prev, await resendClaimCode(db, profile, challengeId, client), 'identifier', 'If we have your details, we sent a new code.');
  }

  if (intent === 'code') {
    const parsed = verificationCodeSchema.safeParse({ code: form.get('code') });
    if (!parsed.success) return { ...prev, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: 'Enter the 6 digits from the SMS.' } };
    const result = await verifyClaimCode(db, profile, challengeId, parsed.data.code, client);
    if (!result.ok) {
      if (result.error === 'account-exists') {
        await clearChallengeCookie();
        return { step: 'account-exists', message: portalAccessMessage('account-exists') };
      }
      if (endsCodeStep(result.error)) {
        await clearChallengeCookie();
        return { step: 'identifier', message: resultMessage(result) };
      }
      if (result.error === 'malformed') return { ...prev, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: resultMessage(result) } };
      return { ...prev, step: 'code', notice: undefined, fieldErrors: undefined, message: resultMessage(result) };
    }
    return { step: 'password' };
  }

  if (intent === 'password') {
    const input = { password: formText(form, 'password'), confirmPassword: formText(form, 'confirmPassword') };
    const parsed = newPasswordSchema.safeParse(input);
    if (!parsed.success) return { step: 'password', fieldErrors: fieldErrorsOf(parsed.error) };
    const result = await completeClaim(db, profile, challengeId, parsed.data, client);
    if (!result.ok) {
      if (result.error === 'invalid-input') return { step: 'password', ...problemsState(result.problems) };
      await clearChallengeCookie();
      if (result.error === 'account-exists') return { step: 'account-exists', message: portalAccessMessage('account-exists') };
      return { step: 'identifier', message: resultMessage(result) };
    }
    await clearChallengeCookie();
    redirect('/portal/sign-in?reason=activated');
  }

  return { step: 'identifier' };
}
