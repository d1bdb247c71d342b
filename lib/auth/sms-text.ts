import 'server-only';
/** SMS texts carry the code and the clinic's name, never health information. */
export function verificationCodeText(clinicName: string, code: string): string {
  return `${clinicName}: your verification code is ${code}. It expires in 10 minutes. Never share it.`;
}
