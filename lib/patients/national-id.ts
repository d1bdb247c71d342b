import 'server-only';
import { decryptField, encryptField, lookupHash } from '@/lib/crypto/field-encryption';

/** National IDs are compared on their letters and digits only: "900-12-3456" = "900123456". */
export function normalizeNationalId(raw: string): string {
  return raw.normalize('NFKC').replace(/[\s.\-/]/g, '').toUpperCase();
}

export function nationalIdLookupHash(raw: string): string {
  return lookupHash('national-id', normalizeNationalId(raw));
}

/** Columns to store for a national ID: ciphertext, lookup hash and the last four for masking. */
export function protectNationalId(raw: string) {
  const normalized = normalizeNationalId(raw);
  return {
    nationalIdEnc: encryptField(normalized),
    nationalIdHash: nationalIdLookupHash(normalized),
    nationalIdLast4: normalized.slice(-4),
  };
}

export function revealNationalId(stored: string): string {
  return decryptField(stored);
}

export function maskNationalId(last4: string | null): string | null {
  return last4 ? `\u2022\u2022\u2022-\u2022\u2022-${last4}` : null;
}
