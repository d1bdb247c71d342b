import 'server-only';
import type { FieldErrors } from '@/lib/actions/result';
import { clearChallengeCookie } from '@/lib/auth/challenge-cookie';
import { findOpenChallenge } from '@/lib/auth/challenges';
import { authenticatorOffered, verifyPortalSignInAppCode } from '@/lib/auth/portal-sign-in-authenticator';
import { translator } from '@/lib/i18n/core';
import { authenticatorSignIn } from '@/lib/i18n/messages/authenticator';
import type { AccessRequest } from './code-flow';
import type { PortalSignInState } from './form-state';

/**
 * The sign-in page's authenticator steps (app/…/portal/(public)/sign-in/actions.ts writes the
 * intents): offer the app at the code step, switch to it and back, and check its code. Whether
 * the app is offered is decided here from the attempt, never from what the page posted back.
 */

type SignIn = AccessRequest<PortalSignInState>;

const words = (r: SignIn) => translator(authenticatorSignIn, r.m.locale);

/** What the page keeps of the step it shows when it answers again: not the last answer. */
function kept(prev: PortalSignInState): PortalSignInState {
  return { ...prev, message: undefined, notice: undefined, fieldErrors: undefined, passwordProblems: undefined };
}

/** The code step of a new attempt, offering the app when this account may use it. */
export async function offerAppAtCodeStep(r: SignIn, challengeId: string | undefined, state: PortalSignInState): Promise<PortalSignInState> {
  return (await authenticatorOffered(r.db, r.profile, challengeId ?? null)) ? { ...state, appOffered: true } : state;
}

/** "Use my authenticator app instead". */
export async function switchToApp(r: SignIn): Promise<PortalSignInState> {
  if (await authenticatorOffered(r.db, r.profile, r.challengeId)) return { ...kept(r.prev), step: 'app', appOffered: true };
  return leaveOrStay(r, { ...kept(r.prev), step: 'code', appOffered: false, message: words(r)('errAppUnavailable') });
}

/** "Use the SMS code instead": the code step as it was (its countdown kept). */
export function switchToSms(r: SignIn): Promise<PortalSignInState> {
  return leaveOrStay(r, { ...kept(r.prev), step: 'code' });
}

/** The field's own message when the schema refuses it (empty, or far too long). */
export function appCodeMissing(r: SignIn, _fieldErrors: FieldErrors): PortalSignInState {
  return { ...kept(r.prev), step: 'app', fieldErrors: { code: words(r)('errAppMalformed') } };
}

/**
 * The app's code or a recovery code. Right: `signIn` finishes exactly as the SMS code does.
 * An attempt that ended (gone, locked, out of guesses) goes back to the first step.
 */
export async function checkAppCode(r: SignIn, code: string, signIn: (r: SignIn) => Promise<PortalSignInState>): Promise<PortalSignInState> {
  const result = await verifyPortalSignInAppCode(r.db, r.profile, r.challengeId, code, r.client);
  const t = words(r);
  if (result.ok) return signIn(r);
  switch (result.error) {
    case 'malformed':
      return { ...kept(r.prev), step: 'app', fieldErrors: { code: t('errAppMalformed') } };
    case 'wrong-code':
      return { ...kept(r.prev), step: 'app', message: t(result.attemptsLeft === 1 ? 'errAppWrongOne' : 'errAppWrongOther', { n: result.attemptsLeft }) };
    case 'app-unavailable':
      return { ...kept(r.prev), step: 'code', appOffered: false, message: t('errAppUnavailable') };
    case 'too-many-attempts':
      await clearChallengeCookie();
      return { step: 'credentials', message: t('errAppTooManyAttempts') };
    default:
      await clearChallengeCookie();
      return { step: 'credentials', message: r.m.result(result) };
  }
}

/** Switching steps needs the attempt to be open still; otherwise back to the first step. */
async function leaveOrStay(r: SignIn, next: PortalSignInState): Promise<PortalSignInState> {
  if (r.challengeId && (await stillOpen(r))) return next;
  await clearChallengeCookie();
  return { step: 'credentials', message: r.m.result({ error: 'no-attempt' }) };
}

async function stillOpen(r: SignIn): Promise<boolean> {
  const challenge = await findOpenChallenge(r.db, r.challengeId, { tenantId: r.profile.id, purposes: ['portal_sign_in'] });
  return Boolean(challenge && !challenge.verifiedAt);
}
