'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { operatorAction, operatorFormAction, rootPublicAction, type RootPublicContext } from '@/lib/actions/wrappers';
import { checkOperatorCode, checkOperatorPasskey, checkOperatorPassword, operatorSignInRequest, type OperatorSignIn } from '@/lib/auth/operator-sign-in-flow';
import { signOutOperator } from '@/lib/auth/operator-session';
import { staffCredentialsSchema, totpSchema } from '@/lib/auth/schemas';
import { passkeyAssertionSchema } from '@/lib/identity/passkeys/schemas';
import { step, stepAction } from '@/lib/identity/step-action';
import { getEmailSender } from '@/lib/messaging/providers';
import { clinicSchema, clinicStatusSchema } from '@/lib/platform/clinic-schema';
import { clinicOrigin, createClinic, setClinicStatus } from '@/lib/platform/clinics';
import type { ConsoleFormState } from '@/lib/platform/console-state';
import { forgetResolvedHosts } from '@/lib/tenancy/resolve-tenant';
import { revalidateTenant } from '@/lib/tenancy/request-tenant';

/** The console's sign-in (root host, nobody signed in yet): password, then the authenticator code. */
export const operatorSignInAction = rootPublicAction({}, stepAction<RootPublicContext, OperatorSignIn, ConsoleFormState>({
  request: operatorSignInRequest,
  otherwise: () => ({ step: 'credentials' }),
  steps: [
    step({
      intent: 'credentials',
      schema: staffCredentialsSchema,
      invalid: () => ({ step: 'credentials', message: 'Enter your email and password.' }),
      run: checkOperatorPassword,
    }),
    step({
      intent: 'totp',
      schema: totpSchema,
      invalid: () => ({ step: 'totp', fieldErrors: { token: 'Enter the 6-digit code from your authenticator app.' } }),
      run: (r, { token }) => checkOperatorCode(r, token),
    }),
    step({
      intent: 'passkey',
      schema: passkeyAssertionSchema,
      invalid: () => ({ step: 'totp', message: 'That passkey could not be used to sign in here. Enter the code from your authenticator app.' }),
      run: (r, { response }) => checkOperatorPasskey(r, response),
    }),
  ],
}));

export const operatorSignOutAction = operatorFormAction({}, async () => {
  await signOutOperator();
  redirect('/console/sign-in');
});

export const createClinicAction = operatorAction({ schema: clinicSchema }, async (operator, input): Promise<ConsoleFormState> => {
  const origin = await clinicOrigin(input.slug);
  await createClinic(getDb(), operator, input, getEmailSender(), () => origin);
  forgetResolvedHosts();
  revalidatePath('/console');
  return { ok: true, message: `${input.name} is ready at ${origin}. ${input.adminEmail} was sent an invitation.` };
});

export const setClinicStatusAction = operatorFormAction({ schema: clinicStatusSchema }, async (operator, { tenantId, status }) => {
  await setClinicStatus(getDb(), operator, tenantId, status);
  revalidateTenant(tenantId);
  revalidatePath('/console');
});
