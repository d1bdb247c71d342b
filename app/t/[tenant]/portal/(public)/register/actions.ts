'use server';

import { notFound, redirect } from 'next/navigation';
import { publicAction, type PublicContext } from '@/lib/actions/wrappers';
import { signInWithChallenge } from '@/lib/auth/challenge-sign-in';
import { clearChallengeCookie, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { portalAuth } from '@/lib/auth/portal-session';
import { portalRegistration } from '@/lib/i18n/messages/portal-registration';
import { dispatchSoon } from '@/lib/outbox/dispatcher';
import { codeCheck, codeFlowAction, finish, flowStep } from '@/lib/portal-access/code-flow';
import { completeRegistration, registrationOpen, resendRegistrationCode, startRegistration, verifyRegistrationCode } from '@/lib/portal-access/registration';
import { REGISTRATION_ECHO, registrationDetailsSchema, type RegistrationFormState } from '@/lib/portal-access/registration-forms';
import { newPasswordSchema } from '@/lib/portal-access/schemas';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';

/**
 * Self-registration (issue 19 point 4): details, then the SMS code, then the password; then signed
 * in (an open clinic) or told the clinic will confirm (approval). The clinic comes from the host
 * and the attempt from the challenge cookie; the form says which step it posts (`intent`) and what
 * was typed. Every step answers not-found unless the clinic takes registrations, as the page does.
 */

const flow = codeFlowAction<RegistrationFormState>({
  first: 'details',
  steps: [
    flowStep({
      intent: 'details',
      schema: registrationDetailsSchema,
      echo: REGISTRATION_ECHO,
      // Field messages are shop-join keys (the schema's and lib's); the page words them. A notice
      // to an identifier's owner may be queued: it goes out after the response, whatever the answer.
      run: (r, input) => {
        dispatchSoon();
        return startRegistration(r.db, r.profile, { ...input, language: r.m.locale }, r.client);
      },
    }),
    flowStep({
      intent: 'password',
      schema: newPasswordSchema,
      run: (r, input) => completeRegistration(r.db, r.profile, r.challengeId, input, r.client),
      then: async (_r, done) => {
        if (done.outcome === 'pending') {
          await clearChallengeCookie();
          return { step: 'pending' };
        }
        // The new account's verified sign-in attempt, consumed by Auth.js as after a sign-in code.
        await setChallengeCookie(done.signInChallengeId);
        if (!(await signInWithChallenge(portalAuth.signIn, 'portal-challenge', done.signInChallengeId))) return finish('/portal/sign-in?reason=activated');
        redirect('/portal');
      },
    }),
  ],
  resend: resendRegistrationCode,
  resent: 'newCodeSent',
  // The right code leads to the password.
  code: codeCheck({ run: verifyRegistrationCode }),
});

async function openOnly(ctx: PublicContext, input: unknown, extras: { form?: FormData; prev?: unknown }): Promise<RegistrationFormState> {
  const profile = await getTenantProfile(ctx.tenant.id);
  if (!profile || !registrationOpen(profile)) notFound();
  return flow(ctx, input, extras);
}

export const registrationAction = publicAction({ catalog: portalRegistration }, Object.assign(openOnly, { fields: flow.fields }));
