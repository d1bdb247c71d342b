export interface PortalSignInState {
  step: 'credentials' | 'code';
  identifier?: string;
  maskedPhone?: string;
  /** Epoch ms from which "Resend code" is allowed. */
  resendAt?: number;
  message?: string;
  notice?: string;
  fieldErrors?: Record<string, string>;
}
