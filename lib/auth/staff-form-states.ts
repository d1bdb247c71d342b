import 'server-only';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { ActionState } from '@/lib/actions/result';

/** What the staff's signed-out forms get back from their actions. Browser-safe: types only. */

/** Sign-in: one card, several steps. */
export interface StaffSignInState extends ActionState {
  step: 'credentials' | 'totp' | 'enroll' | 'sms';
  email?: string;
  message?: string;
  fieldErrors?: Record<string, string>;
  smsFallback?: boolean;
  /** Enrolment: the new secret (for manual entry) and its QR code as SVG markup. */
  secret?: string;
  qrSvg?: string;
  maskedPhone?: string;
  resendAt?: number;
  /** A passkey made on this host may answer the second step: the browser's options. */
  passkey?: PublicKeyCredentialRequestOptionsJSON;
}

/** Accepting an invitation: the first password. */
export interface AcceptInviteState extends ActionState {
  message?: string;
  fieldErrors?: { password?: string; confirm?: string };
}
