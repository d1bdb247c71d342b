'use server';

import { redirect } from 'next/navigation';
import type { ActivationFormState } from '@/components/portal-access/form-state';
import { clearChallengeCookie, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { fieldErrorsOf, verificationCodeSchema } from '@/lib/auth/schemas';
import { completeActivation, resendActivationCode, startActivation, submitActivationCredentials } from '@/lib/portal-access/activation';
import { endsCodeStep, formText, problemsState, resultMessage, afterResend } from '@/lib/portal-access/form-results';
import { portalAccessRequest } from '@/lib/portal-access/request';
import { activationCredentialsSchema, activationDetailsSchema } from '@/lib/portal-access/schemas';

/**
 * Printed activation (seed 001): details, then identifier and password, then the SMS code.
 * The clinic comes from the host and the flow from the challenge cookie; the form only says
 * which step it is posting (`intent`) and what the person typed.
 */
export async function activationAction(prev: ActivationFormState, form: FormData): Promise<ActivationFormState> {
  const { db, profile, client, identifierLabel, challengeId } = await portalAccessRequest();
  const intent = form.get('intent');

  if (intent === 'restart') {
    await clearChallengeCookie();
    return { step: 'details' };
  }

  if (intent === 'details') {
    const values = {
      portalCode: formText(form, 'portalCode'),
      firstInitial: formText(form, 'firstInitial'),
      lastInitial: formText(form, 'lastInitial'),
      dateOfBirth: formText(form, 'dateOfBirth'),
    };
    const parsed = activationDetailsSchema.safeParse(values);
    if (!parsed.success) return { step: 'details', values, fieldErrors: fieldErrorsOf(parsed.error) };
    const result = await startActivation(db, profile, values, client);
    if (!result.ok) {
      if (result.error === 'invalid-input') return { step: 'details', values, ...problemsState(result.problems) };
      return { step: 'details', values, message: resultMessage(result, identifierLabel) };
    }
    await setChallengeCookie(result.challengeId);
    return result.identifier.mode === 'email'
      ? { step: 'credentials', values: { identifier: result.identifier.prefill ?? '' }, maskedPhone: result.maskedPhone }
      : { step: 'credentials', maskedIdentifier: result.identifier.masked ?? undefined, maskedPhone: result.maskedPhone };
  }

  if (intent === 'credentials') {
    const input = {
      identifier: profile.portal.identificationMode === 'email' ? formText(form, 'identifier') : undefined,
      password: formText(form, 'password'),
      confirmPassword: formText(form, 'confirmPassword'),
    };
    const keep = { ...prev, step: 'credentials' as const, message: undefined, notice: undefined, fieldErrors: undefined, passwordProblems: undefined, values: { identifier: input.identifier ?? '' } };
    const parsed = activationCredentialsSchema.safeParse(input);
    if (!parsed.success) return { ...keep, fieldErrors: fieldErrorsOf(parsed.error) };
    const result = await submitActivationCredentials(db, profile, challengeId, parsed.data, client);
    if (!result.ok) {
      if (result.error === 'invalid-input') return { ...keep, ...problemsState(result.problems) };
      if (result.error === 'no-attempt') return { step: 'details', message: resultMessage(result) };
      return { ...keep, message: resultMessage(result, identifierLabel) };
    }
    return { ...keep, step: 'code', maskedPhone: result.maskedPhone, resendAt: result.resendAvailableAt.getTime() };
  }

  if (intent === 'resend') {
    return afterResend(prev, await resendActivationCode(db, profile, challengeId, client), 'details', 'We sent a new code.');
  }

  if (intent === 'code') {
    const parsed = verificationCodeSchema.safeParse({ code: form.get('code') });
    if (!parsed.success) return { ...prev, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: 'Enter the 6 digits from the SMS.' } };
    const result = await completeActivation(db, profile, challengeId, parsed.data.code, client);
    if (!result.ok) {
      if (endsCodeStep(result.error) || result.error === 'activation-expired') {
        await clearChallengeCookie();
        return { step: 'details', message: resultMessage(result) };
      }
      if (result.error === 'malformed') return { ...prev, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: resultMessage(result) } };
      return { ...prev, step: 'code', notice: undefined, fieldErrors: undefined, message: resultMessage(result) };
    }
    await clearChallengeCookie();
    redirect(`/portal/sign-in?reason=${result.outcome === 'linked' ? 'linked' : 'activated'}`);
  }

  return { step: 'details' };
}
