'use server';

import { redirect } from 'next/navigation';
import type { InviteFormState } from '@/components/portal-access/form-state';
import { clearChallengeCookie, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { fieldErrorsOf, verificationCodeSchema } from '@/lib/auth/schemas';
import { endsCodeStep, formText, problemsState, resultMessage, afterResend } from '@/lib/portal-access/form-results';
import { completeInviteAcceptance, resendInviteCode, startInviteAcceptance } from '@/lib/portal-access/invite-accept';
import { portalAccessRequest } from '@/lib/portal-access/request';
import { currentPasswordSchema, linkTokenSchema, newPasswordSchema } from '@/lib/portal-access/schemas';

const CLOSED = new Set(['link-invalid', 'link-used', 'link-expired', 'access-disabled', 'no-phone', 'no-identifier', 'portal-disabled', 'account-disabled']);

/**
 * Accepting an emailed invitation (seed 003). The token comes from the link (a hidden field);
 * it is a secret, not an id, and is looked up by its hash. Later steps follow the challenge
 * cookie, which remembers the token's hash on the server.
 */
export async function inviteAction(prev: InviteFormState, form: FormData): Promise<InviteFormState> {
  const { db, profile, client, identifierLabel, challengeId } = await portalAccessRequest();
  const intent = form.get('intent');

  if (intent === 'restart') {
    await clearChallengeCookie();
    return { step: 'password' };
  }

  if (intent === 'new' || intent === 'existing') {
    const token = linkTokenSchema.safeParse(formText(form, 'token'));
    if (!token.success) return { step: 'closed', message: resultMessage({ error: 'link-invalid' }) };
    let result;
    if (intent === 'new') {
      const parsed = newPasswordSchema.safeParse({ password: formText(form, 'password'), confirmPassword: formText(form, 'confirmPassword') });
      if (!parsed.success) return { step: 'password', fieldErrors: fieldErrorsOf(parsed.error) };
      result = await startInviteAcceptance(db, profile, token.data, { mode: 'new', ...parsed.data }, client);
    } else {
      const parsed = currentPasswordSchema.safeParse({ currentPassword: formText(form, 'currentPassword') });
      if (!parsed.success) return { step: 'password', fieldErrors: fieldErrorsOf(parsed.error) };
      result = await startInviteAcceptance(db, profile, token.data, { mode: 'existing', ...parsed.data }, client);
    }
    if (!result.ok) {
      if (result.error === 'invalid-input') return { step: 'password', ...problemsState(result.problems) };
      if (CLOSED.has(result.error)) return { step: 'closed', message: resultMessage(result, identifierLabel) };
      return { step: 'password', message: resultMessage(result, identifierLabel) };
    }
    await setChallengeCookie(result.challengeId);
    return { step: 'code', maskedPhone: result.maskedPhone, resendAt: result.resendAvailableAt.getTime() };
  }

  if (intent === 'resend') {
    return afterResend(prev, await resendInviteCode(db, profile, challengeId, client), 'password', 'We sent a new code.');
  }

  if (intent === 'code') {
    const parsed = verificationCodeSchema.safeParse({ code: form.get('code') });
    if (!parsed.success) return { ...prev, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: 'Enter the 6 digits from the SMS.' } };
    const result = await completeInviteAcceptance(db, profile, challengeId, parsed.data.code, client);
    if (!result.ok) {
      if (CLOSED.has(result.error)) {
        await clearChallengeCookie();
        return { step: 'closed', message: resultMessage(result) };
      }
      if (endsCodeStep(result.error)) {
        await clearChallengeCookie();
        return { step: 'password', message: resultMessage(result) };
      }
      if (result.error === 'malformed') return { ...prev, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: resultMessage(result) } };
      return { ...prev, step: 'code', notice: undefined, fieldErrors: undefined, message: resultMessage(result) };
    }
    await clearChallengeCookie();
    redirect(`/portal/sign-in?reason=${result.outcome === 'linked' ? 'linked' : 'activated'}`);
  }

  return { step: 'password' };
}
