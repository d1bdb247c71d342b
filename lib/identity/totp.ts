import 'server-only';
import { Secret, TOTP } from 'otpauth';
import { now as clockNow } from '@/lib/clock';

/**
 * Time-based one-time passwords (RFC 6238) for the staff second factor. The parameters are the
 * defaults every authenticator app assumes (SHA-1, 6 digits, 30 s): apps silently ignore other
 * values in the URI and would then show codes that never match.
 */
const PARAMS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;

// One step either side absorbs clock skew and a code typed as it rolled over; more widens the
// window an observed code stays useful.
const DRIFT_STEPS = 1;

/** A new 160-bit secret (RFC 4226's recommended length), base32 as apps expect it. */
export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app enrols from (shown as a QR code). */
export function totpUri({ secret, accountName, issuer }: { secret: string; accountName: string; issuer: string }): string {
  return new TOTP({ ...PARAMS, issuer, label: accountName, secret: parseSecret(secret) }).toString();
}

export type TotpVerification = { ok: true; step: number } | { ok: false };

/**
 * Checks a code. On success returns the time step it belongs to: the caller stores it as
 * `lastUsedStep` so the same code (or an older one) cannot be replayed by someone who saw it.
 */
export function verifyTotp(
  secret: string,
  token: string,
  { now = clockNow(), lastUsedStep = null }: { now?: Date; lastUsedStep?: number | null } = {},
): TotpVerification {
  // People type "123 456" as the app displays it.
  const code = token.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) return { ok: false };
  const timestamp = now.getTime();
  const delta = TOTP.validate({ ...PARAMS, secret: parseSecret(secret), token: code, timestamp, window: DRIFT_STEPS });
  if (delta === null) return { ok: false };
  const step = TOTP.counter({ period: PARAMS.period, timestamp }) + delta;
  if (lastUsedStep !== null && step <= lastUsedStep) return { ok: false };
  return { ok: true, step };
}

/** The code an authenticator shows at `now` (tests and the dev tools use it). */
export function currentTotp(secret: string, now: Date = clockNow()): string {
  return TOTP.generate({ ...PARAMS, secret: parseSecret(secret), timestamp: now.getTime() });
}

/** The enrolment QR code as an SVG string: made here, so the secret never goes to a QR web service. */
export async function totpQrSvg(uri: string): Promise<string> {
  // Loaded when a QR code is drawn (setting up an authenticator), not with the sign-in pages that
  // import this module to check codes.
  const { default: QRCode } = await import('qrcode');
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

// Secrets copied by hand arrive with spaces, lower case or padding; base32 ignores all three.
function parseSecret(secret: string): Secret {
  return Secret.fromBase32(secret.replace(/[\s=]+/g, '').toUpperCase());
}
