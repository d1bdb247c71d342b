'use server';

import { redirect } from 'next/navigation';
import type { ActivationFormState } from '@/components/portal-access/form-state';
import { clearChallengeCookie, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { fieldErrorsOf, verificationCodeSchema } from '@/lib/auth/schemas';
import { completeActivation, resendActivationCode, startActivation, submitActivationCredentials } from '@/lib/portal-access/activation';
import { getPublicPortalLocale } from '@/lib/i18n/portal';
import { accessTexts, afterResend, endsCodeStep, formText } from '@/lib/portal-access/form-results';
import { portalAccessRequest } from '@/lib/portal-access/request';
import { activationCredentialsSchema, activationDetailsSchema } from '@/lib/portal-access/schemas';

/**
 * Printed activation (seed 001): details, then identifier and password, then the SMS code.
 * The clinic comes from the host and the flow from the challenge cookie; the form only says
 * which step it is posting (`intent`) and what the person typed.
 */
export async function activationAction(prev: ActivationFormState, form: FormData): Promise<ActivationFormState> {
  const { db, profile, client, identifierLabel, challengeId } = await portalAccessRequest();
  const m = accessTexts(await getPublicPortalLocale(), identifierLabel);
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
    if (!parsed.success) return { step: 'details', values, fieldErrors: m.fields(fieldErrorsOf(parsed.error)) };
    const result = await startActivation(db, profile, values, client);
    if (!result.ok) {
      if (result.error === 'invalid-input') return { step: 'details', values, ...m.problems(result.problems) };
      return { step: 'details', values, message: m.result(result) };
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
    if (!parsed.success) return { ...keep, fieldErrors: m.fields(fieldErrorsOf(parsed.error)) };
    const result = await submitActivationCredentials(db, profile, challengeId, parsed.data, client);
    if (!result.ok) {
      if (result.error === 'invalid-input') return { ...keep, ...m.problems(result.problems) };
      if (result.error === 'no-attempt') return { step: 'details', message: m.result(result) };
      return { ...keep, message: m.result(result) };
    }
    return { ...keep, step: 'code', maskedPhone: result.maskedPhone, resendAt: result.resendAvailableAt.getTime() };
  }

  if (intent === 'resend') {
    return afterResend(prev, await resendActivationCode(db, profile, challengeId, client), 'details', m.t('newCodeSent'), m.locale);
  }

  if (intent === 'code') {
    const parsed = verificationCodeSchema.safeParse({ code: form.get('code') });
    if (!parsed.success) return { ...prev, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: m.codeMissing() } };
    const result = await completeActivation(db, profile, challengeId, parsed.data.code, client);
    if (!result.ok) {
      if (endsCodeStep(result.error) || result.error === 'activation-expired') {
        await clearChallengeCookie();
        return { step: 'details', message: m.result(result) };
      }
      if (result.error === 'malformed') return { ...prev, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: m.result(result) } };
      return { ...prev, step: 'code', notice: undefined, fieldErrors: undefined, message: m.result(result) };
    }
    await clearChallengeCookie();
    redirect(`/portal/sign-in?reason=${result.outcome === 'linked' ? 'linked' : 'activated'}`);
  }

  return { step: 'details' };
}
