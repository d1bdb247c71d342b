'use server';

import { publicAction } from '@/lib/actions/wrappers';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { closedLink, codeCheck, codeFlowAction, flowStep } from '@/lib/portal-access/code-flow';
import type { ResetLinkFormState } from '@/lib/portal-access/form-state';
import { completePasswordReset, resendPasswordResetCode, startPasswordResetFromLink, verifyPasswordResetCode } from '@/lib/portal-access/password-reset';
import { linkSchema, newPasswordSchema } from '@/lib/portal-access/schemas';

/**
 * The emailed reset link: the phone is the sign-in factor, so the link leads to an SMS code
 * before the new password. The token is spent together with the password change.
 */
export const resetLinkAction = publicAction({ catalog: portalAccess }, codeFlowAction<ResetLinkFormState>({
  first: 'start',
  closed: ['link-invalid', 'link-used', 'link-expired', 'portal-disabled'],
  steps: [
    flowStep({
      intent: 'start',
      schema: linkSchema,
      invalid: closedLink,
      run: (r, { token }) => startPasswordResetFromLink(r.db, r.profile, token, r.client),
    }),
  ],
  resend: { run: (r) => resendPasswordResetCode(r.db, r.profile, r.challengeId, r.client), notice: 'newCodeSent' },
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
