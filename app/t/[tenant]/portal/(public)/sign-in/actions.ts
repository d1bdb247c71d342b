'use server';

import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { clearChallengeCookie, readChallengeCookie, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { identifierLabel } from '@/lib/auth/identifiers';
import { identifierInSentence, signInErrorMessage } from '@/lib/auth/messages';
import { portalAuth } from '@/lib/auth/portal-session';
import { resendPortalCode, startPortalSignIn, verifyPortalSignInCode } from '@/lib/auth/portal-sign-in';
import { fieldErrorsOf, portalCredentialsSchema, verificationCodeSchema } from '@/lib/auth/schemas';
import { getClientInfo } from '@/lib/http/client-info';
import { translator } from '@/lib/i18n/core';
import { portalSignIn } from '@/lib/i18n/messages/portal-sign-in';
import { getPublicPortalLocale } from '@/lib/i18n/portal';
import { getSmsSender } from '@/lib/messaging/providers';
import { translateFieldErrors } from '@/lib/portal-access/messages';
import { getTenantProfile, requireActiveTenant } from '@/lib/tenancy/request-tenant';
import type { PortalSignInState } from '@/components/auth/portal-sign-in-state';

/**
 * The portal sign-in form's one action: `intent` says which step. The tenant comes from the
 * host; nothing about the clinic or the account is taken from the form.
 */
export async function portalSignInAction(prev: PortalSignInState, form: FormData): Promise<PortalSignInState> {
  const tenant = await requireActiveTenant();
  const profile = (await getTenantProfile(tenant.id))!;
  const label = identifierLabel(profile.portal.identificationMode, profile.portal.nationalIdLabel);
  const db = getDb();
  const client = await getClientInfo();
  const intent = form.get('intent');
  const locale = await getPublicPortalLocale();
  const t = translator(portalSignIn, locale);
  // Every message in the reader's language; never whether an account exists.
  const errorText = (code: string, options: { retryAfterSeconds?: number; attemptsLeft?: number } = {}) =>
    signInErrorMessage(code, { identifierLabel: label, ...options }, locale);

  if (intent === 'restart') {
    await clearChallengeCookie();
    return { step: 'credentials' };
  }

  if (intent === 'credentials') {
    const parsed = portalCredentialsSchema.safeParse({ identifier: form.get('identifier'), password: form.get('password') });
    if (!parsed.success) {
      const fieldErrors = translateFieldErrors(fieldErrorsOf(parsed.error), locale);
      if (fieldErrors.identifier) fieldErrors.identifier = t('enterIdentifier', { identifier: identifierInSentence(label, locale) });
      return { step: 'credentials', fieldErrors, identifier: String(form.get('identifier') ?? '') };
    }
    const result = await startPortalSignIn(db, profile, parsed.data, client, getSmsSender());
    if (!result.ok) {
      return {
        step: 'credentials',
        identifier: parsed.data.identifier,
        message: errorText(result.error, { retryAfterSeconds: 'retryAfterSeconds' in result ? result.retryAfterSeconds : undefined }),
      };
    }
    await setChallengeCookie(result.challengeId);
    return { step: 'code', maskedPhone: result.maskedPhone, resendAt: result.resendAvailableAt.getTime() };
  }

  const challengeId = await readChallengeCookie();

  if (intent === 'resend') {
    const result = await resendPortalCode(db, profile, challengeId, client, getSmsSender());
    if (!result.ok) {
      if (result.error === 'no-attempt') return { step: 'credentials', message: errorText('no-attempt') };
      return { ...prev, step: 'code', message: errorText(result.error, { retryAfterSeconds: 'retryAfterSeconds' in result ? result.retryAfterSeconds : undefined }) };
    }
    return { ...prev, step: 'code', resendAt: result.resendAvailableAt.getTime(), message: undefined, notice: t('newCodeSent') };
  }

  if (intent === 'code') {
    const parsed = verificationCodeSchema.safeParse({ code: form.get('code') });
    if (!parsed.success) return { ...prev, step: 'code', notice: undefined, fieldErrors: { code: t('errMalformed') } };
    const result = await verifyPortalSignInCode(db, tenant.id, challengeId, parsed.data.code, client);
    if (!result.ok) {
      if (result.error === 'no-attempt') return { step: 'credentials', message: errorText('no-attempt') };
      if (result.error === 'locked') {
        await clearChallengeCookie();
        return { step: 'credentials', message: errorText('locked', { retryAfterSeconds: result.retryAfterSeconds }) };
      }
      if (result.error === 'malformed') return { ...prev, step: 'code', notice: undefined, fieldErrors: { code: errorText('malformed') } };
      return {
        ...prev,
        step: 'code',
        notice: undefined,
        fieldErrors: undefined,
        message: errorText(result.error, { attemptsLeft: 'attemptsLeft' in result ? result.attemptsLeft : undefined }),
      };
    }
    try {
      await portalAuth.signIn('portal-challenge', { challengeId: challengeId!, redirect: false });
    } catch {
      // The verified challenge was already used (a second tab) or has expired.
      return { step: 'credentials', message: errorText('no-attempt') };
    }
    redirect('/portal');
  }

  return { step: 'credentials' };
}
