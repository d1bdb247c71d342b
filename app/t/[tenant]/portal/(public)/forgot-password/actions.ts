'use server';

import { publicAction } from '@/lib/actions/wrappers';
import { getRequestOrigin } from '@/lib/http/request-origin';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { askForIdentifier, codeCheck, codeFlowAction, flowStep } from '@/lib/portal-access/code-flow';
import type { ForgotFormState } from '@/lib/portal-access/form-state';
import {
  completePasswordReset,
  requestPasswordResetLink,
  resendPasswordResetCode,
  startPasswordReset,
  verifyPasswordResetCode,
} from '@/lib/portal-access/password-reset';
import { identifierSchema, newPasswordSchema } from '@/lib/portal-access/schemas';

/**
 * Forgot password: identifier, SMS code, new password; or, in email clinics, a reset link by
 * email. The answers are the same whether or not an account exists.
 */
export const forgotPasswordAction = publicAction({ catalog: portalAccess }, codeFlowAction<ForgotFormState>({
  first: 'identifier',
  steps: [
    flowStep({
      intent: 'identifier',
      schema: identifierSchema,
      echo: ['identifier'],
      invalid: askForIdentifier,
      run: (r, input) => startPasswordReset(r.db, r.profile, input, r.client),
    }),
    flowStep({
      intent: 'email-link',
      step: 'identifier',
      schema: identifierSchema,
      echo: ['identifier'],
      invalid: askForIdentifier,
      run: async (r, input) => requestPasswordResetLink(r.db, r.profile, { email: input.identifier }, r.client, await getRequestOrigin()),
      then: (r) => ({ step: 'link-sent', notice: r.m.result({ error: 'reset-link-sent' }) }),
    }),
  ],
  resend: { run: (r) => resendPasswordResetCode(r.db, r.profile, r.challengeId, r.client), notice: 'forgotNewCode' },
  code: codeCheck({
    run: (r, code) => verifyPasswordResetCode(r.db, r.profile, r.challengeId, code, r.client),
    then: () => ({ step: 'password' }),
  }),
  complete: flowStep({
    intent: 'password',
    schema: newPasswordSchema,
    run: (r, input) => completePasswordReset(r.db, r.profile, r.challengeId, input, r.client),
  }),
  done: '/portal/sign-in?reason=password-reset',
}));
