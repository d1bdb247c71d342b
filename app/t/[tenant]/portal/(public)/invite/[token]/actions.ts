'use server';

import { redirect } from 'next/navigation';
import type { InviteFormState } from '@/components/portal-access/form-state';
import { clearChallengeCookie, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { fieldErrorsOf, verificationCodeSchema } from '@/lib/auth/schemas';
import { getPublicPortalLocale } from '@/lib/i18n/portal';
import { accessTexts, afterResend, endsCodeStep, formText } from '@/lib/portal-access/form-results';
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
  const m = accessTexts(await getPublicPortalLocale(), identifierLabel);
  const intent = form.get('intent');

  if (intent === 'restart') {
    await clearChallengeCookie();
    return { step: 'password' };
  }

  if (intent === 'new' || intent === 'existing') {
    const token = linkTokenSchema.safeParse(formText(form, 'token'));
    if (!token.success) return { step: 'closed', message: m.result({ error: 'link-invalid' }) };
    let result;
    if (intent === 'new') {
      const parsed = newPasswordSchema.safeParse({ password: formText(form, 'password'), confirmPassword: formText(form, 'confirmPassword') });
      if (!parsed.success) return { step: 'password', fieldErrors: m.fields(fieldErrorsOf(parsed.error)) };
      result = await startInviteAcceptance(db, profile, token.data, { mode: 'new', ...parsed.data }, client);
    } else {
      const parsed = currentPasswordSchema.safeParse({ currentPassword: formText(form, 'currentPassword') });
      if (!parsed.success) return { step: 'password', fieldErrors: m.fields(fieldErrorsOf(parsed.error)) };
      result = await startInviteAcceptance(db, profile, token.data, { mode: 'existing', ...parsed.data }, client);
    }
    if (!result.ok) {
      if (result.error === 'invalid-input') return { step: 'password', ...m.problems(result.problems) };
      if (CLOSED.has(result.error)) return { step: 'closed', message: m.result(result) };
      return { step: 'password', message: m.result(result) };
    }
    await setChallengeCookie(result.challengeId);
    return { step: 'code', maskedPhone: result.maskedPhone, resendAt: result.resendAvailableAt.getTime() };
  }

  if (intent === 'resend') {
    return afterResend(prev, await resendInviteCode(db, profile, challengeId, client), 'password', m.t('newCodeSent'), m.locale);
  }

  if (intent === 'code') {
    const parsed = verificationCodeSchema.safeParse({ code: form.get('code') });
    if (!parsed.success) return { ...prev, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: m.codeMissing() } };
    const result = await completeInviteAcceptance(db, profile, challengeId, parsed.data.code, client);
    if (!result.ok) {
      if (CLOSED.has(result.error)) {
        await clearChallengeCookie();
        return { step: 'closed', message: m.result(result) };
      }
      if (endsCodeStep(result.error)) {
        await clearChallengeCookie();
        return { step: 'password', message: m.result(result) };
      }
      if (result.error === 'malformed') return { ...prev, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: m.result(result) } };
      return { ...prev, step: 'code', notice: undefined, fieldErrors: undefined, message: m.result(result) };
    }
    await clearChallengeCookie();
    redirect(`/portal/sign-in?reason=${result.outcome === 'linked' ? 'linked' : 'activated'}`);
  }

  return { step: 'password' };
}
