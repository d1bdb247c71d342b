'use server';

import { publicAction } from '@/lib/actions/wrappers';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { closedLink, codeFlowAction, flowStep } from '@/lib/portal-access/code-flow';
import type { ResetLinkFormState } from '@/lib/portal-access/form-state';
import { completePasswordReset, resendPasswordResetCode, startPasswordResetFromLink, verifyPasswordResetCode } from '@/lib/portal-access/password-reset';
import { linkSchema } from '@/lib/portal-access/schemas';

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
  resend: resendPasswordResetCode,
  resent: 'newCodeSent',
  code: { run: verifyPasswordResetCode },
  newPassword: { run: completePasswordReset, done: '/portal/sign-in?reason=password-reset' },
}));
