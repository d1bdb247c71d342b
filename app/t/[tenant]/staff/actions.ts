'use server';

import { redirect } from 'next/navigation';
import type { FieldErrors } from '@/lib/actions/result';
import { publicAction, publicFormAction, type PublicContext } from '@/lib/actions/wrappers';
import { staffCredentialsSchema, totpSchema, verificationCodeSchema } from '@/lib/auth/schemas';
import { signOutStaff } from '@/lib/auth/staff-session';
import { verifyStaffSmsCode, verifyStaffTotp } from '@/lib/auth/staff-sign-in';
import { afterSecondFactor, checkStaffPasskey, checkStaffPassword, restartStaffSignIn, sendStaffSms, staffSignInRequest, type StaffSignIn } from '@/lib/auth/staff-sign-in-flow';
import type { StaffSignInState } from '@/lib/auth/staff-form-states';
import { passkeyAssertionSchema } from '@/lib/identity/passkeys/schemas';
import { step, stepAction } from '@/lib/identity/step-action';

/** Both authenticator steps (an enrolled app, or the one being enrolled) check the code alike. */
const authenticatorCode = {
  schema: totpSchema,
  invalid: (r: StaffSignIn, fieldErrors: FieldErrors): StaffSignInState => ({ ...r.prev, message: undefined, fieldErrors: { token: fieldErrors.token! } }),
  run: async (r: StaffSignIn, { token }: { token: string }) => afterSecondFactor(r, await verifyStaffTotp(r.db, r.tenant.id, r.challengeId, token, r.client)),
};

/** Staff sign-in, one action for every step; `intent` names the step. The clinic is the host's. */
export const staffSignInAction = publicAction({}, stepAction<PublicContext, StaffSignIn, StaffSignInState>({
  request: staffSignInRequest,
  reads: ['area', 'next'],
  otherwise: () => ({ step: 'credentials' }),
  steps: [
    { intent: 'restart', run: restartStaffSignIn },
    step({
      intent: 'credentials',
      schema: staffCredentialsSchema,
      invalid: (_r, fieldErrors, posted) => ({ step: 'credentials', email: posted.email, fieldErrors }),
      run: checkStaffPassword,
    }),
    step({ intent: 'totp', ...authenticatorCode }),
    step({ intent: 'enroll', ...authenticatorCode }),
    step({
      intent: 'passkey',
      schema: passkeyAssertionSchema,
      invalid: (r) => ({ ...r.prev, message: 'That passkey could not be used to sign in here. Try again, or enter the code from your authenticator app.' }),
      run: (r, { response }) => checkStaffPasskey(r, response),
    }),
    { intent: 'send-sms', run: sendStaffSms },
    step({
      intent: 'sms',
      schema: verificationCodeSchema,
      invalid: (r) => ({ ...r.prev, fieldErrors: { code: 'Enter the 6 digits from the SMS.' } }),
      run: async (r, { code }) => afterSecondFactor(r, await verifyStaffSmsCode(r.db, r.tenant.id, r.challengeId, code, r.client)),
    }),
  ],
}));

export const staffSignOutAction = publicFormAction({ pick: ['area'], echo: [] }, async (_ctx, { area }) => {
  await signOutStaff();
  redirect(`/${area === 'crm' ? 'crm' : 'emr'}/sign-in?reason=signed-out`);
});
