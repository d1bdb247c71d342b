import 'server-only';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { ActionState } from '@/lib/actions/result';

/**
 * What the portal's signed-out forms (sign-in, activate, claim, invite, forgot and reset
 * password) get back from their actions. The flow itself lives in the challenge row on the
 * server; this is only what the page needs to draw the current step. Browser-safe: types only.
 */
export interface PortalAccessFormState<Step extends string = string> extends ActionState {
  step: Step;
  /** An error about the whole step, announced as an alert. */
  message?: string;
  /** Information, such as "We sent a new code." */
  notice?: string;
  /** One message per field, shown under it and tied to it with aria-describedby. */
  fieldErrors?: Record<string, string>;
  /** Every password policy problem at once. */
  passwordProblems?: string[];
  /** What the person typed in fields that are not secret, so a failed step keeps them. */
  values?: Record<string, string>;
  /** "•••• 0101" when the person may see which phone the code went to. */
  maskedPhone?: string;
  /** Epoch ms from which "Resend code" is allowed. */
  resendAt?: number;
}

export type SignInStep = 'credentials' | 'code' | 'app' | 'passkey';
export interface PortalSignInState extends PortalAccessFormState<SignInStep> {
  /** The code step offers "Use my authenticator app instead" (the server checks again when it is used). */
  appOffered?: boolean;
  /** The passkey step: the browser's options for this attempt (none left: only the SMS code). */
  passkey?: PublicKeyCredentialRequestOptionsJSON;
}

export type ActivationStep = 'details' | 'credentials' | 'code';
export interface ActivationFormState extends PortalAccessFormState<ActivationStep> {
  /** National-ID clinics sign in with the ID on file: shown masked, not asked for. */
  maskedIdentifier?: string;
}

export type ClaimStep = 'identifier' | 'code' | 'password' | 'account-exists';
export type ClaimFormState = PortalAccessFormState<ClaimStep>;

export type InviteStep = 'password' | 'code' | 'closed';
export type InviteFormState = PortalAccessFormState<InviteStep>;

export type ForgotStep = 'identifier' | 'code' | 'password' | 'link-sent';
export type ForgotFormState = PortalAccessFormState<ForgotStep>;

export type ResetLinkStep = 'start' | 'code' | 'password' | 'closed';
export type ResetLinkFormState = PortalAccessFormState<ResetLinkStep>;
