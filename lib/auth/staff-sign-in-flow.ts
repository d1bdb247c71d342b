import 'server-only';
import { redirect } from 'next/navigation';
import { getDb, type Executor } from '@/db/client';
import { canUseArea } from '@/lib/access/context';
import type { PublicContext } from '@/lib/actions/wrappers';
import type { ClientInfo } from '@/lib/http/client-info';
import { requestRelyingParty, type RelyingParty } from '@/lib/identity/passkeys/relying-party';
import { getSmsSender } from '@/lib/messaging/providers';
import type { TenantRef } from '@/lib/tenancy/lookup';
import { clearChallengeCookie, readChallengeCookie, setChallengeCookie } from './challenge-cookie';
import { signInWithChallenge } from './challenge-sign-in';
import { signInErrorMessage, staffSecondFactorMessage } from './messages';
import { staffAuth } from './staff-session';
import { offerStaffPasskey, verifyStaffPasskey } from './staff-passkey-sign-in';
import { sendStaffSmsCode, staffPermissionsForChallenge, startStaffSignIn, type SecondFactorResult } from './staff-sign-in';
import type { StaffSignInState } from './staff-form-states';

/**
 * What each step of staff sign-in does (one card for /emr/sign-in and /crm/sign-in): email and
 * password, then an authenticator code (enrolled with a QR code at the first sign-in) or the SMS
 * fallback. The action (app/t/[tenant]/staff/actions.ts) lists the steps and their schemas.
 */

export type StaffArea = 'crm' | 'emr';

export interface StaffSignIn {
  db: Executor;
  tenant: TenantRef;
  client: ClientInfo;
  /** The attempt this browser is in: the HttpOnly challenge cookie, never a form field. */
  challengeId: string | null;
  /** The area the sign-in page belongs to, and where to go after it. */
  area: StaffArea;
  next: string;
  prev: StaffSignInState;
  /** The host's WebAuthn relying party, for a passkey as the second factor. */
  rp: RelyingParty | null;
}

const STAFF_PATH = /^\/(crm|emr)(\/[\w\-/]*)?$/;

/** Where to go after signing in: `next` is the browser's text, so only a path inside the staff areas. */
export function safeNext(area: StaffArea, next: unknown): string {
  return typeof next === 'string' && STAFF_PATH.test(next) ? next : `/${area}`;
}

/** Every post names the page's area and the path asked for; the clinic is the host's. */
export async function staffSignInRequest(ctx: PublicContext, prev: StaffSignInState, form: FormData | undefined): Promise<StaffSignIn> {
  const area = form?.get('area') === 'crm' ? 'crm' : 'emr';
  return {
    db: getDb(), tenant: ctx.tenant, client: ctx.client, challengeId: await readChallengeCookie(), area, next: safeNext(area, form?.get('next')), prev,
    rp: await requestRelyingParty(ctx.tenant.name),
  };
}

export async function restartStaffSignIn(): Promise<StaffSignInState> {
  await clearChallengeCookie();
  return { step: 'credentials' };
}

/** Step 1: the password; then the authenticator code, or enrolment at the first sign-in. */
export async function checkStaffPassword(r: StaffSignIn, input: { email: string; password: string }): Promise<StaffSignInState> {
  const result = await startStaffSignIn(r.db, r.tenant, input, r.client);
  if (!result.ok) {
    const message = result.error === 'locked'
      ? signInErrorMessage('locked', { retryAfterSeconds: result.retryAfterSeconds })
      : 'The email or password is not correct. Check both and try again.';
    return { step: 'credentials', email: input.email, message };
  }
  await setChallengeCookie(result.challengeId);
  if (result.step === 'enroll') return { step: 'enroll', secret: result.secret, qrSvg: result.qrSvg };
  const passkey = await offerStaffPasskey(r.db, r.tenant.id, result.challengeId, r.rp);
  return { step: 'totp', smsFallback: result.smsFallback, ...(passkey ? { passkey } : {}) };
}

/** "Use a passkey" at the second step: signed in like the code, or fresh options to try again. */
export async function checkStaffPasskey(r: StaffSignIn, response: string): Promise<StaffSignInState> {
  const outcome = await verifyStaffPasskey(r.db, r.tenant.id, r.challengeId, response, r.client, r.rp);
  if (!outcome.ok && outcome.error === 'passkey-failed') {
    // The options' challenge is used now: the next try needs new ones.
    const passkey = await offerStaffPasskey(r.db, r.tenant.id, r.challengeId, r.rp);
    return { ...r.prev, fieldErrors: undefined, passkey: passkey ?? undefined, message: 'That passkey could not be used to sign in here. Try again, or enter the code from your authenticator app.' };
  }
  return afterSecondFactor(r, outcome);
}

/** "Send a code by SMS instead", and "Resend code" after the countdown. */
export async function sendStaffSms(r: StaffSignIn): Promise<StaffSignInState> {
  const sent = await sendStaffSmsCode(r.db, r.tenant, r.challengeId, getSmsSender(), r.client);
  if (!sent.ok) {
    if (sent.error === 'no-attempt') return { step: 'credentials', message: signInErrorMessage('no-attempt') };
    return { ...r.prev, message: signInErrorMessage(sent.error, { retryAfterSeconds: 'retryAfterSeconds' in sent ? sent.retryAfterSeconds : undefined }) };
  }
  return { step: 'sms', maskedPhone: sent.maskedPhone, resendAt: sent.resendAvailableAt.getTime(), smsFallback: true };
}

/** After the authenticator or SMS code: signed in, into the area the access level allows. */
export async function afterSecondFactor(r: StaffSignIn, outcome: SecondFactorResult): Promise<StaffSignInState> {
  if (!outcome.ok) {
    if (outcome.error === 'no-attempt' || outcome.error === 'locked') {
      await clearChallengeCookie();
      return { step: 'credentials', message: staffSecondFactorMessage(outcome) };
    }
    return { ...r.prev, fieldErrors: undefined, message: staffSecondFactorMessage(outcome) };
  }
  const permissions = await staffPermissionsForChallenge(r.db, r.tenant.id, r.challengeId);
  if (!(await signInWithChallenge(staffAuth.signIn, 'staff-challenge', r.challengeId))) {
    return { step: 'credentials', message: signInErrorMessage('no-attempt') };
  }
  // Land in the requested area if the access level allows it, else in the one it does.
  const other = r.area === 'crm' ? 'emr' : 'crm';
  redirect(!canUseArea(permissions, r.area) && canUseArea(permissions, other) ? `/${other}` : r.next);
}
