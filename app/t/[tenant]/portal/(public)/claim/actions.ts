'use server';

import { redirect } from 'next/navigation';
import type { ClaimFormState } from '@/components/portal-access/form-state';
import { clearChallengeCookie, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { fieldErrorsOf, verificationCodeSchema } from '@/lib/auth/schemas';
import { completeClaim, resendClaimCode, startClaim, verifyClaimCode } from '@/lib/portal-access/claim';
import { getPublicPortalLocale } from '@/lib/i18n/portal';
import { accessTexts, afterResend, endsCodeStep, formText } from '@/lib/portal-access/form-results';
import { portalAccessRequest } from '@/lib/portal-access/request';
import { identifierSchema, newPasswordSchema } from '@/lib/portal-access/schemas';

/**
 * Automatic access (seed 004): identifier, then the SMS code, then the password. The first
 * answer is the same whether or not we know the identifier.
 */
export async function claimAction(prev: ClaimFormState, form: FormData): Promise<ClaimFormState> {
  const { db, profile, client, identifierLabel, challengeId } = await portalAccessRequest();
  const m = accessTexts(await getPublicPortalLocale(), identifierLabel);
  const intent = form.get('intent');

  if (intent === 'restart') {
    await clearChallengeCookie();
    return { step: 'identifier' };
  }

  if (intent === 'identifier') {
    const values = { identifier: formText(form, 'identifier') };
    const parsed = identifierSchema.safeParse(values);
    if (!parsed.success) return { step: 'identifier', values, fieldErrors: { identifier: m.enterIdentifier() } };
    const result = await startClaim(db, profile, parsed.data, client);
    if (!result.ok) {
      if (result.error === 'invalid-input') return { step: 'identifier', values, ...m.problems(result.problems) };
      return { step: 'identifier', values, message: m.result(result) };
    }
    await setChallengeCookie(result.challengeId);
    return { step: 'code', resendAt: result.resendAvailableAt.getTime() };
  }

  if (intent === 'resend') {
    return afterResend(prev, await resendClaimCode(db, profile, challengeId, client), 'identifier', m.t('claimNewCode'), m.locale);
  }

  if (intent === 'code') {
    const parsed = verificationCodeSchema.safeParse({ code: form.get('code') });
    if (!parsed.success) return { ...prev, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: m.codeMissing() } };
    const result = await verifyClaimCode(db, profile, challengeId, parsed.data.code, client);
    if (!result.ok) {
      if (result.error === 'account-exists') {
        await clearChallengeCookie();
        return { step: 'account-exists', message: m.result({ error: 'account-exists' }) };
      }
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
    const input = { password: formText(form, 'password'), confirmPassword: formText(form, 'confirmPassword') };
    const parsed = newPasswordSchema.safeParse(input);
    if (!parsed.success) return { step: 'password', fieldErrors: m.fields(fieldErrorsOf(parsed.error)) };
    const result = await completeClaim(db, profile, challengeId, parsed.data, client);
    if (!result.ok) {
      if (result.error === 'invalid-input') return { step: 'password', ...m.problems(result.problems) };
      await clearChallengeCookie();
      if (result.error === 'account-exists') return { step: 'account-exists', message: m.result({ error: 'account-exists' }) };
      return { step: 'identifier', message: m.result(result) };
    }
    await clearChallengeCookie();
    redirect('/portal/sign-in?reason=activated');
  }

  return { step: 'identifier' };
}
