'use server';

import { redirect } from 'next/navigation';
import { publicAction } from '@/lib/actions/wrappers';
import { signInWithChallenge } from '@/lib/auth/challenge-sign-in';
import { portalAuth } from '@/lib/auth/portal-session';
import { resendPortalCode, startPortalSignIn, verifyPortalSignInCode } from '@/lib/auth/portal-sign-in';
import { portalCredentialsSchema } from '@/lib/auth/schemas';
import { portalSignIn } from '@/lib/i18n/messages/portal-sign-in';
import { askForIdentifier, codeCheck, codeFlowAction, flowStep } from '@/lib/portal-access/code-flow';
import type { PortalSignInState } from '@/lib/portal-access/form-state';

/**
 * Portal sign-in: identifier and password, then the SMS code. The clinic comes from the host and
 * the attempt from the challenge cookie; nothing about the clinic or the account from the form.
 */
export const portalSignInAction = publicAction({ catalog: portalSignIn }, codeFlowAction<PortalSignInState>({
  first: 'credentials',
  steps: [
    flowStep({
      intent: 'credentials',
      schema: portalCredentialsSchema,
      echo: ['identifier'],
      invalid: askForIdentifier,
      run: (r, input) => startPortalSignIn(r.db, r.profile, input, r.client),
    }),
  ],
  resend: resendPortalCode,
  resent: 'newCodeSent',
  code: codeCheck({
    run: (db, profile, challengeId, code, client) => verifyPortalSignInCode(db, profile.id, challengeId, code, client),
    then: async (r) => {
      if (!(await signInWithChallenge(portalAuth.signIn, 'portal-challenge', r.challengeId))) {
        return { step: 'credentials', message: r.m.result({ error: 'no-attempt' }) };
      }
      redirect('/portal');
    },
  }),
}));
