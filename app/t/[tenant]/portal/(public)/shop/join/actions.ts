'use server';

import { notFound, redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { publicAction, type PublicContext } from '@/lib/actions/wrappers';
import { signInWithChallenge } from '@/lib/auth/challenge-sign-in';
import { clearChallengeCookie, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { portalAuth } from '@/lib/auth/portal-session';
import { completeVisitorSignup, resendVisitorSignupCode, startVisitorSignup, visitorSignupOpen } from '@/lib/commerce/visitor-signup';
import { VISITOR_SIGNUP_ECHO, visitorSignupSchema, type VisitorSignupFormState } from '@/lib/commerce/visitor-signup-forms';
import { shopJoin } from '@/lib/i18n/messages/shop-join';
import { codeCheck, codeFlowAction, finish, flowStep } from '@/lib/portal-access/code-flow';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';

/**
 * A new visitor's account, made in the shop's checkout (issue 17): details, then the SMS code,
 * then signed in and on to `next` (the checkout). The clinic comes from the host and the attempt
 * from the challenge cookie; the form says which step it posts (`intent`) and what was typed.
 * Every step answers not-found unless the clinic's shop takes new visitors, as the page does.
 */

const flow = codeFlowAction<VisitorSignupFormState>({
  first: 'details',
  steps: [
    flowStep({
      intent: 'details',
      schema: visitorSignupSchema,
      echo: VISITOR_SIGNUP_ECHO,
      // Field messages are shop-join keys (the schema's and lib's); the page words them, with
      // the clinic's names, as it words the browser's own check.
      run: (r, input) => startVisitorSignup(r.db, r.profile, { ...input, language: r.m.locale }, r.client),
    }),
  ],
  resend: resendVisitorSignupCode,
  resent: 'newCodeSent',
  code: codeCheck({
    run: completeVisitorSignup,
    then: async (r, done) => {
      if (done.outcome === 'may-have-account') {
        await clearChallengeCookie();
        return { step: 'may-have-account', message: shopJoin[r.m.locale].mayHaveAccount };
      }
      // The new account's verified sign-in attempt, consumed by Auth.js as after a sign-in code.
      await setChallengeCookie(done.signInChallengeId);
      if (!(await signInWithChallenge(portalAuth.signIn, 'portal-challenge', done.signInChallengeId))) return finish('/portal/sign-in?reason=activated');
      redirect(done.next);
    },
  }),
});

async function openShopOnly(ctx: PublicContext, input: unknown, extras: { form?: FormData; prev?: unknown }): Promise<VisitorSignupFormState> {
  const profile = await getTenantProfile(ctx.tenant.id);
  if (!profile || !(await visitorSignupOpen(getDb(), profile))) notFound();
  return flow(ctx, input, extras);
}

export const visitorSignupAction = publicAction({ catalog: shopJoin }, Object.assign(openShopOnly, { fields: flow.fields }));
