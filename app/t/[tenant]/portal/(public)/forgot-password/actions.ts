'use server';

import { publicAction } from '@/lib/actions/wrappers';
import { getRequestOrigin } from '@/lib/http/request-origin';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { codeFlowAction, identifierStep } from '@/lib/portal-access/code-flow';
import type { ForgotFormState } from '@/lib/portal-access/form-state';
import {
  completePasswordReset,
  requestPasswordResetLink,
  resendPasswordResetCode,
  startPasswordReset,
  verifyPasswordResetCode,
} from '@/lib/portal-access/password-reset';

/**
 * Forgot password: identifier, SMS code, new password; or, in email clinics, a reset link by
 * email. The answers are the same whether or not an account exists.
 */
export const forgotPasswordAction = publicAction({ catalog: portalAccess }, codeFlowAction<ForgotFormState>({
  first: 'identifier',
  steps: [
    identifierStep({ intent: 'identifier', run: (r, input) => startPasswordReset(r.db, r.profile, input, r.client) }),
    identifierStep({
      intent: 'email-link',
      step: 'identifier',
      run: async (r, input) => requestPasswordResetLink(r.db, r.profile, { email: input.identifier }, r.client, await getRequestOrigin()),
      then: (r) => ({ step: 'link-sent', notice: r.m.result({ error: 'reset-link-sent' }) }),
    }),
  ],
  resend: resendPasswordResetCode,
  resent: 'forgotNewCode',
  code: { run: verifyPasswordResetCode },
  newPassword: { run: completePasswordReset, done: '/portal/sign-in?reason=password-reset' },
}));
