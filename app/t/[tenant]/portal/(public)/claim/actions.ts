'use server';

import { publicAction } from '@/lib/actions/wrappers';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { completeClaim, resendClaimCode, startClaim, verifyClaimCode } from '@/lib/portal-access/claim';
import { codeFlowAction, identifierStep } from '@/lib/portal-access/code-flow';
import type { ClaimFormState } from '@/lib/portal-access/form-state';

/**
 * Automatic access (seed 004): identifier, then the SMS code, then the password. The first
 * answer is the same whether or not we know the identifier.
 */
export const claimAction = publicAction({ catalog: portalAccess }, codeFlowAction<ClaimFormState>({
  first: 'identifier',
  // Said only to the phone's owner, once the code is right.
  ends: { 'account-exists': 'account-exists' },
  steps: [
    identifierStep({ intent: 'identifier', run: (r, input) => startClaim(r.db, r.profile, input, r.client) }),
  ],
  resend: resendClaimCode,
  resent: 'claimNewCode',
  code: { run: verifyClaimCode },
  newPassword: { run: completeClaim, done: '/portal/sign-in?reason=activated' },
}));
