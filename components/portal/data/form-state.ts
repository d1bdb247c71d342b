/** The data page's state: the form, or the SMS code step of a phone/email change. */
export interface DataFormState {
  step: 'form' | 'code';
  /** What was typed, so a refused form keeps it. */
  values?: Record<string, string>;
  fieldErrors?: Record<string, string>;
  message?: string;
  notice?: string;
  /** Which phone the code went to: the current one, then the new one. */
  stage?: 'current' | 'new';
  maskedPhone?: string;
  /** Epoch ms when "Resend code" opens. */
  resendAt?: number;
}
