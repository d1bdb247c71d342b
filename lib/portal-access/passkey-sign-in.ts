import 'server-only';
import { clearChallengeCookie } from '@/lib/auth/challenge-cookie';
import { findOpenChallenge } from '@/lib/auth/challenges';
import { offerPortalPasskey, sendPortalCodeInstead, verifyPortalPasskey } from '@/lib/auth/portal-passkey-sign-in';
import { translator } from '@/lib/i18n/core';
import { passkeys } from '@/lib/i18n/messages/passkeys';
import { requestRelyingParty, type RelyingParty } from '@/lib/identity/passkeys/relying-party';
import { offerAppAtCodeStep } from './authenticator-sign-in';
import type { AccessRequest } from './code-flow';
import type { PortalSignInState } from './form-state';

/**
 * The sign-in page's passkey step (app/…/portal/(public)/sign-in/actions.ts writes the intents):
 * offered after the password where the clinic accepts passkeys and the account has one for this
 * host; "Use my passkey" checks the browser's answer, "Send me a code by SMS instead" sends the
 * attempt's first code and shows the usual code step. Whether a passkey is offered is decided
 * from the attempt on the server, never from what the page posts back.
 */

type SignIn = AccessRequest<PortalSignInState>;

/** The relying party of this request: the clinic's host the patient is on. */
export function signInRelyingParty(r: SignIn): Promise<RelyingParty | null> {
  return requestRelyingParty(r.profile.branding.displayName);
}

function kept(prev: PortalSignInState): PortalSignInState {
  return { ...prev, message: undefined, notice: undefined, fieldErrors: undefined, passwordProblems: undefined };
}

/** "Use my passkey". Right: `signIn` finishes exactly as the SMS code does. */
export async function checkPasskey(r: SignIn, response: string, signIn: (r: SignIn) => Promise<PortalSignInState>): Promise<PortalSignInState> {
  const rp = await signInRelyingParty(r);
  const result = await verifyPortalPasskey(r.db, r.profile, r.challengeId, response, r.client, rp);
  if (result.ok) return signIn(r);
  if (result.error === 'passkey-failed') return passkeyRefused(r, rp);
  // The attempt is over (gone, locked, out of tries): back to the first step.
  await clearChallengeCookie();
  return { step: 'credentials', message: r.m.result(result) };
}

/** A refused passkey (or a post the schema refuses): try again with new options, or the SMS code. */
export async function passkeyRefused(r: SignIn, rp?: RelyingParty | null): Promise<PortalSignInState> {
  const open = await findOpenChallenge(r.db, r.challengeId, { tenantId: r.profile.id, purposes: ['portal_sign_in'] });
  if (!open || open.verifiedAt) {
    await clearChallengeCookie();
    return { step: 'credentials', message: r.m.result({ error: 'no-attempt' }) };
  }
  // The last options' challenge may be used now: the next try needs new ones.
  const passkey = await offerPortalPasskey(r.db, r.profile, r.challengeId, rp === undefined ? await signInRelyingParty(r) : rp);
  const message = translator(passkeys, r.m.locale)('signInFailed');
  if (passkey) return { ...kept(r.prev), step: 'passkey', passkey, message };
  // None can be offered (turned off, removed): the code already sent is the way, or the SMS button.
  return { ...kept(r.prev), step: open.codeSentAt ? 'code' : 'passkey', passkey: undefined, message };
}

/** "Send me a code by SMS instead": the code step, offering the authenticator app where it may. */
export async function sendCodeInstead(r: SignIn): Promise<PortalSignInState> {
  const sent = await sendPortalCodeInstead(r.db, r.profile, r.challengeId, r.client);
  if (sent.ok) return offerAppAtCodeStep(r, r.challengeId ?? undefined, { step: 'code', maskedPhone: sent.maskedPhone, resendAt: sent.resendAvailableAt.getTime() });
  if (sent.error === 'no-attempt') {
    await clearChallengeCookie();
    return { step: 'credentials', message: r.m.result(sent) };
  }
  return { ...kept(r.prev), step: 'passkey', message: r.m.result(sent) };
}
