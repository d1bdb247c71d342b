export interface StaffSignInState {
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
}
