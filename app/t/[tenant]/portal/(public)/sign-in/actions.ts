'use server';

import { redirect } from 'next/navigation';
import { publicAction } from '@/lib/actions/wrappers';
import { signInWithChallenge } from '@/lib/auth/challenge-sign-in';
import { portalAuth } from '@/lib/auth/portal-session';
import { resendPortalCode, startPortalSignIn, verifyPortalSignInCode } from '@/lib/auth/portal-sign-in';
import { portalCredentialsSchema } from '@/lib/auth/schemas';
import { portalSignIn } from '@/lib/i18n/messages/portal-sign-in';
import { passkeyAssertionSchema } from '@/lib/identity/passkeys/schemas';
import { step } from '@/lib/identity/step-action';
import { appSignInCodeSchema } from '@/lib/portal-access/authenticator-forms';
import { appCodeMissing, checkAppCode, offerAppAtCodeStep, switchToApp, switchToSms } from '@/lib/portal-access/authenticator-sign-in';
import { checkPasskey, passkeyRefused, sendCodeInstead, signInRelyingParty } from '@/lib/portal-access/passkey-sign-in';
import { askForIdentifier, codeCheck, codeFlowAction, flowStep, type AccessRequest } from '@/lib/portal-access/code-flow';
import type { PortalSignInState } from '@/lib/portal-access/form-state';

/** The SMS code or the authenticator app was right: Auth.js consumes the verified attempt. */
async function finishSignIn(r: AccessRequest<PortalSignInState>): Promise<PortalSignInState> {
  if (!(await signInWithChallenge(portalAuth.signIn, 'portal-challenge', r.challengeId))) {
    return { step: 'credentials', message: r.m.result({ error: 'no-attempt' }) };
  }
  redirect('/portal');
}

/**
 * Portal sign-in: identifier and password, then the SMS code (or, where the clinic allows it and
 * the patient enrolled one, the authenticator app; where it accepts passkeys and the patient made
 * one on this host, the passkey first, with the SMS code only on request). The clinic comes from the host and the
 * attempt from the challenge cookie; nothing about the clinic or the account from the form.
 */
export const portalSignInAction = publicAction({ catalog: portalSignIn }, codeFlowAction<PortalSignInState>({
  first: 'credentials',
  steps: [
    flowStep({
      intent: 'credentials',
      schema: portalCredentialsSchema,
      echo: ['identifier'],
      invalid: askForIdentifier,
      run: async (r, input) => startPortalSignIn(r.db, r.profile, input, r.client, undefined, await signInRelyingParty(r)),
      then: (r, done) => ('passkey' in done
        ? { step: 'passkey', passkey: done.passkey }
        : offerAppAtCodeStep(r, done.challengeId, { step: 'code', maskedPhone: done.maskedPhone, resendAt: done.resendAvailableAt.getTime() })),
    }),
  ],
  resend: resendPortalCode,
  resent: 'newCodeSent',
  code: codeCheck({
    run: (db, profile, challengeId, code, client) => verifyPortalSignInCode(db, profile.id, challengeId, code, client),
    then: finishSignIn,
  }),
  more: [
    { intent: 'use-app', run: switchToApp },
    { intent: 'use-sms', run: switchToSms },
    step<AccessRequest<PortalSignInState>, PortalSignInState, { code: string }>({
      intent: 'app-code',
      schema: appSignInCodeSchema,
      invalid: appCodeMissing,
      run: (r, { code }) => checkAppCode(r, code, finishSignIn),
    }),
    step<AccessRequest<PortalSignInState>, PortalSignInState, { response: string }>({
      intent: 'passkey',
      schema: passkeyAssertionSchema,
      invalid: (r) => passkeyRefused(r),
      run: (r, { response }) => checkPasskey(r, response, finishSignIn),
    }),
    { intent: 'send-sms', run: sendCodeInstead },
  ],
}));
