import 'server-only';
import { redirect } from 'next/navigation';
import { getDb, type Executor } from '@/db/client';
import type { RootPublicContext } from '@/lib/actions/wrappers';
import type { ClientInfo } from '@/lib/http/client-info';
import type { ConsoleFormState } from '@/lib/platform/console-state';
import { clearChallengeCookie, readChallengeCookie, setChallengeCookie } from './challenge-cookie';
import { signInWithChallenge } from './challenge-sign-in';
import { signInErrorMessage } from './messages';
import { operatorAuth } from './operator-session';
import { startOperatorSignIn, verifyOperatorTotp } from './operator-sign-in';

/**
 * What each step of the console's sign-in does (English, root host): email and password, then
 * the authenticator code. The action (app/platform/console/actions.ts) lists the steps.
 */

export interface OperatorSignIn {
  db: Executor;
  client: ClientInfo;
  challengeId: string | null;
}

export async function operatorSignInRequest(ctx: RootPublicContext): Promise<OperatorSignIn> {
  return { db: getDb(), client: ctx.client, challengeId: await readChallengeCookie() };
}

export async function checkOperatorPassword(r: OperatorSignIn, input: { email: string; password: string }): Promise<ConsoleFormState> {
  const result = await startOperatorSignIn(r.db, input, r.client);
  if (!result.ok) {
    return { step: 'credentials', message: result.error === 'locked' ? signInErrorMessage('locked', { retryAfterSeconds: result.retryAfterSeconds }) : 'The email or password is not correct.' };
  }
  await setChallengeCookie(result.challengeId);
  return { step: 'totp' };
}

export async function checkOperatorCode(r: OperatorSignIn, token: string): Promise<ConsoleFormState> {
  const result = await verifyOperatorTotp(r.db, r.challengeId, token, r.client);
  if (!result.ok) {
    if (result.error === 'wrong-totp') return { step: 'totp', message: 'That code is not correct. Use the newest code from your app.' };
    await clearChallengeCookie();
    return { step: 'credentials', message: signInErrorMessage(result.error, { retryAfterSeconds: 'retryAfterSeconds' in result ? result.retryAfterSeconds : undefined }) };
  }
  if (!(await signInWithChallenge(operatorAuth.signIn, 'operator-challenge', r.challengeId))) {
    return { step: 'credentials', message: signInErrorMessage('no-attempt') };
  }
  redirect('/console');
}
