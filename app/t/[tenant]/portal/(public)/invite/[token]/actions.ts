'use server';

import { publicAction } from '@/lib/actions/wrappers';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { closedLink, codeCheck, codeFlowAction, finish, flowStep } from '@/lib/portal-access/code-flow';
import type { InviteFormState } from '@/lib/portal-access/form-state';
import { completeInviteAcceptance, resendInviteCode, startInviteAcceptance } from '@/lib/portal-access/invite-accept';
import { linkSchema, newPasswordSchema, currentPasswordSchema } from '@/lib/portal-access/schemas';

/**
 * Accepting an emailed invitation (seed 003): a new password, or the existing account's
 * password, then the SMS code. The token comes from the link (a hidden field); it is a secret,
 * not an id, and is looked up by its hash. Later steps follow the challenge cookie, which
 * remembers the token's hash on the server.
 */
export const inviteAction = publicAction({ catalog: portalAccess }, codeFlowAction<InviteFormState>({
  first: 'password',
  closed: ['link-invalid', 'link-used', 'link-expired', 'access-disabled', 'no-phone', 'no-identifier', 'portal-disabled', 'account-disabled'],
  steps: [
    flowStep({
      intent: 'new',
      step: 'password',
      schema: newPasswordSchema.extend(linkSchema.shape),
      invalid: closedLink,
      run: (r, { token, ...input }) => startInviteAcceptance(r.db, r.profile, token, { mode: 'new', ...input }, r.client),
    }),
    flowStep({
      intent: 'existing',
      step: 'password',
      schema: currentPasswordSchema.extend(linkSchema.shape),
      invalid: closedLink,
      run: (r, { token, ...input }) => startInviteAcceptance(r.db, r.profile, token, { mode: 'existing', ...input }, r.client),
    }),
  ],
  resend: resendInviteCode,
  resent: 'newCodeSent',
  code: codeCheck({
    run: completeInviteAcceptance,
    then: (_r, done) => finish(`/portal/sign-in?reason=${done.outcome === 'linked' ? 'linked' : 'activated'}`),
  }),
}));
