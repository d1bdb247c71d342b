import 'server-only';
import { redirect } from 'next/navigation';
import { getDb, type Executor } from '@/db/client';
import type { RootPublicContext } from '@/lib/actions/wrappers';
import type { ClientInfo } from '@/lib/http/client-info';
import { requestRelyingParty, type RelyingParty } from '@/lib/identity/passkeys/relying-party';
import type { ConsoleFormState } from '@/lib/platform/console-state';
import { clearChallengeCookie, readChallengeCookie, setChallengeCookie } from './challenge-cookie';
import { signInWithChallenge } from './challenge-sign-in';
import { signInErrorMessage } from './messages';
import { operatorAuth } from './operator-session';
import { offerOperatorPasskey, verifyOperatorPasskey } from './operator-passkey-sign-in';
import { startOperatorSignIn, verifyOperatorTotp, type OperatorTotpResult } from './operator-sign-in';

/**
 * What each step of the console's sign-in does (English, root host): email and password, then
 * the authenticator code. The action (app/platform/console/actions.ts) lists the steps.
 */

export interface OperatorSignIn {
  db: Executor;
  client: ClientInfo;
  challengeId: string | null;
  /** The root host's WebAuthn relying party, for a passkey instead of the code. */
  rp: RelyingParty | null;
}

export async function operatorSignInRequest(ctx: RootPublicContext): Promise<OperatorSignIn> {
  return { db: getDb(), client: ctx.client, challengeId: await readChallengeCookie(), rp: await requestRelyingParty('Carebridge console') };
}

export async function checkOperatorPassword(r: OperatorSignIn, input: { email: string; password: string }): Promise<ConsoleFormState> {
  const result = await startOperatorSignIn(r.db, input, r.client);
  if (!result.ok) {
    return { step: 'credentials', message: result.error === 'locked' ? signInErrorMessage('locked', { retryAfterSeconds: result.retryAfterSeconds }) : 'The email or password is not correct.' };
  }
  await setChallengeCookie(result.challengeId);
  const passkey = await offerOperatorPasskey(r.db, result.challengeId, r.rp);
  return { step: 'totp', ...(passkey ? { passkey } : {}) };
}

/** "Use a passkey" instead of the code: signed in, or fresh options to try again. */
export async function checkOperatorPasskey(r: OperatorSignIn, response: string): Promise<ConsoleFormState> {
  const result = await verifyOperatorPasskey(r.db, r.challengeId, response, r.client, r.rp);
  if (!result.ok && result.error === 'passkey-failed') {
    // The options' challenge is used now: the next try needs new ones.
    const passkey = await offerOperatorPasskey(r.db, r.challengeId, r.rp);
    return { step: 'totp', passkey: passkey ?? undefined, message: 'That passkey could not be used to sign in here. Try again, or enter the code from your authenticator app.' };
  }
  return finishOperatorSignIn(r, result);
}

export async function checkOperatorCode(r: OperatorSignIn, token: string): Promise<ConsoleFormState> {
  const result = await verifyOperatorTotp(r.db, r.challengeId, token, r.client);
  if (!result.ok && result.error === 'wrong-totp') {
    // The step is drawn anew: fresh options keep the passkey on offer.
    const passkey = await offerOperatorPasskey(r.db, r.challengeId, r.rp);
    return { step: 'totp', passkey: passkey ?? undefined, message: 'That code is not correct. Use the newest code from your app.' };
  }
  return finishOperatorSignIn(r, result);
}

async function finishOperatorSignIn(r: OperatorSignIn, result: OperatorTotpResult): Promise<ConsoleFormState> {
  if (!result.ok) {
    await clearChallengeCookie();
    return { step: 'credentials', message: signInErrorMessage(result.error, { retryAfterSeconds: 'retryAfterSeconds' in result ? result.retryAfterSeconds : undefined }) };
  }
  if (!(await signInWithChallenge(operatorAuth.signIn, 'operator-challenge', r.challengeId))) {
    return { step: 'credentials', message: signInErrorMessage('no-attempt') };
  }
  redirect('/console');
}
