'use server';

import { redirect } from 'next/navigation';
import { publicAction } from '@/lib/actions/wrappers';
import { setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { signInWithChallenge } from '@/lib/auth/challenge-sign-in';
import { portalAuth } from '@/lib/auth/portal-session';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { completeActivation, resendActivationCode, startActivation, submitActivationCredentials } from '@/lib/portal-access/activation';
import { codeCheck, codeFlowAction, finish, flowStep } from '@/lib/portal-access/code-flow';
import type { ActivationFormState } from '@/lib/portal-access/form-state';
import { activationCredentialsSchema, activationDetailsSchema, type ActivationDetailsInput } from '@/lib/portal-access/schemas';

/**
 * Printed activation (seed 001): details, then identifier and password, then the SMS code; a new
 * account then ends signed in (issue 20: no second code, nothing typed again).
 * The clinic comes from the host and the flow from the challenge cookie; the form only says
 * which step it is posting (`intent`) and what the person typed.
 */
export const activationAction = publicAction({ catalog: portalAccess }, codeFlowAction<ActivationFormState>({
  first: 'details',
  // Staff issued a new portal ID, or turned access off, while the person was typing; or the
  // identifier signs in to a self-registration the clinic must check first.
  ends: { 'activation-expired': 'details', 'identifier-held': 'details' },
  steps: [
    flowStep({
      intent: 'details',
      schema: activationDetailsSchema,
      echo: ['portalCode', 'firstInitial', 'lastInitial', 'dateOfBirth'],
      // lib checks the details again, from what was typed (the schema's fields).
      run: (r, _input, typed) => startActivation(r.db, r.profile, typed as ActivationDetailsInput, r.client),
      then: (_r, found) => found.identifier.mode === 'email'
        ? { step: 'credentials', values: { identifier: '' }, maskedPhone: found.maskedPhone }
        : { step: 'credentials', maskedIdentifier: found.identifier.masked ?? undefined, maskedPhone: found.maskedPhone },
    }),
    flowStep({
      intent: 'credentials',
      schema: activationCredentialsSchema,
      echo: ['identifier'],
      keep: true,
      run: (r, input) => submitActivationCredentials(r.db, r.profile, r.challengeId, r.profile.portal.identificationMode === 'email' ? input : { ...input, identifier: undefined }, r.client),
    }),
  ],
  resend: resendActivationCode,
  resent: 'newCodeSent',
  code: codeCheck({
    run: completeActivation,
    then: async (_r, done) => {
      // An account that already existed keeps its own sign-in (its password was not asked for).
      if (done.outcome === 'linked') return finish('/portal/sign-in?reason=linked');
      // The new account's verified sign-in attempt, consumed by Auth.js as after a sign-in code.
      await setChallengeCookie(done.signInChallengeId);
      if (!(await signInWithChallenge(portalAuth.signIn, 'portal-challenge', done.signInChallengeId))) return finish('/portal/sign-in?reason=activated');
      redirect('/portal');
    },
  }),
}));
