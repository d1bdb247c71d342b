'use server';

import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { canUseArea } from '@/lib/access/context';
import { clearChallengeCookie, readChallengeCookie, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { signInErrorMessage } from '@/lib/auth/messages';
import { fieldErrorsOf, staffCredentialsSchema, totpSchema, verificationCodeSchema } from '@/lib/auth/schemas';
import { signOutStaff, staffAuth } from '@/lib/auth/staff-session';
import { sendStaffSmsCode, staffPermissionsForChallenge, startStaffSignIn, verifyStaffSmsCode, verifyStaffTotp, type SecondFactorResult } from '@/lib/auth/staff-sign-in';
import { getClientInfo } from '@/lib/http/client-info';
import { getSmsSender } from '@/lib/messaging/providers';
import { requireActiveTenant } from '@/lib/tenancy/request-tenant';
import type { StaffSignInState } from '@/components/auth/staff-sign-in-state';

function safeNext(area: 'crm' | 'emr', next: FormDataEntryValue | null): string {
  const value = typeof next === 'string' ? next : '';
  return /^\/(crm|emr)(\/[\w\-/]*)?$/.test(value) ? value : `/${area}`;
}

function secondFactorMessage(result: Exclude<SecondFactorResult, { ok: true }>): string {
  if (result.error === 'wrong-totp') return 'That code is not correct. Check the time on your phone and use the newest code.';
  if (result.error === 'malformed') return 'Enter the 6-digit code.';
  return signInErrorMessage(result.error, {
    attemptsLeft: 'attemptsLeft' in result ? result.attemptsLeft : undefined,
    retryAfterSeconds: 'retryAfterSeconds' in result ? result.retryAfterSeconds : undefined,
  });
}

/** Staff sign-in, one action for every step; `intent` names the step. */
export async function staffSignInAction(prev: StaffSignInState, form: FormData): Promise<StaffSignInState> {
  const tenant = await requireActiveTenant();
  const area = form.get('area') === 'crm' ? 'crm' : 'emr';
  const next = safeNext(area, form.get('next'));
  const db = getDb();
  const client = await getClientInfo();
  const intent = form.get('intent');
  const challengeId = await readChallengeCookie();

  if (intent === 'restart') {
    await clearChallengeCookie();
    return { step: 'credentials' };
  }

  if (intent === 'credentials') {
    const parsed = staffCredentialsSchema.safeParse({ email: form.get('email'), password: form.get('password') });
    if (!parsed.success) return { step: 'credentials', email: String(form.get('email') ?? ''), fieldErrors: fieldErrorsOf(parsed.error) };
    const result = await startStaffSignIn(db, tenant, parsed.data, client);
    if (!result.ok) {
      const message = result.error === 'locked'
        ? signInErrorMessage('locked', { retryAfterSeconds: result.retryAfterSeconds })
        : 'The email or password is not correct. Check both and try again.';
      return { step: 'credentials', email: parsed.data.email, message };
    }
    await setChallengeCookie(result.challengeId);
    if (result.step === 'enroll') return { step: 'enroll', secret: result.secret, qrSvg: result.qrSvg };
    return { step: 'totp', smsFallback: result.smsFallback };
  }

  let outcome: SecondFactorResult;
  if (intent === 'totp' || intent === 'enroll') {
    const parsed = totpSchema.safeParse({ token: String(form.get('token') ?? '').replace(/\s/g, '') });
    if (!parsed.success) return { ...prev, message: undefined, fieldErrors: { token: fieldErrorsOf(parsed.error).token! } };
    outcome = await verifyStaffTotp(db, tenant.id, challengeId, parsed.data.token, client);
  } else if (intent === 'send-sms') {
    const sent = await sendStaffSmsCode(db, tenant, challengeId, getSmsSender(), client);
    if (!sent.ok) {
      if (sent.error === 'no-attempt') return { step: 'credentials', message: signInErrorMessage('no-attempt') };
      return { ...prev, message: signInErrorMessage(sent.error, { retryAfterSeconds: 'retryAfterSeconds' in sent ? sent.retryAfterSeconds : undefined }) };
    }
    return { step: 'sms', maskedPhone: sent.maskedPhone, resendAt: sent.resendAvailableAt.getTime(), smsFallback: true };
  } else if (intent === 'sms') {
    const parsed = verificationCodeSchema.safeParse({ code: form.get('code') });
    if (!parsed.success) return { ...prev, fieldErrors: { code: 'Enter the 6 digits from the SMS.' } };
    outcome = await verifyStaffSmsCode(db, tenant.id, challengeId, parsed.data.code, client);
  } else {
    return { step: 'credentials' };
  }

  if (!outcome.ok) {
    if (outcome.error === 'no-attempt' || outcome.error === 'locked') {
      await clearChallengeCookie();
      return { step: 'credentials', message: secondFactorMessage(outcome) };
    }
    return { ...prev, fieldErrors: undefined, message: secondFactorMessage(outcome) };
  }
  const permissions = await staffPermissionsForChallenge(db, tenant.id, challengeId);
  try {
    await staffAuth.signIn('staff-challenge', { challengeId: challengeId!, redirect: false });
  } catch {
    return { step: 'credentials', message: signInErrorMessage('no-attempt') };
  }
  // Land in the requested area if the access level allows it, else in the one it does.
  const other = area === 'crm' ? 'emr' : 'crm';
  redirect(!canUseArea(permissions, area) && canUseArea(permissions, other) ? `/${other}` : next);
}

export async function staffSignOutAction(form: FormData): Promise<void> {
  await signOutStaff();
  const area = form.get('area') === 'crm' ? 'crm' : 'emr';
  redirect(`/${area}/sign-in?reason=signed-out`);
}
