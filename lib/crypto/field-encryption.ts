import 'server-only';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { ConfigurationError, requiredSecret } from '@/lib/config/env';

/**
 * Encryption of single sensitive fields (national IDs, TOTP secrets) with AES-256-GCM, and a keyed
 * hash for exact-match lookup of a value without storing it in the clear.
 * Ciphertext format: `v1.<iv>.<tag>.<data>` in base64url, so the key can be rotated later.
 */

function encryptionKey(): Buffer {
  const key = Buffer.from(requiredSecret('DATA_ENCRYPTION_KEY'), 'base64');
  if (key.length !== 32) {
    throw new ConfigurationError('DATA_ENCRYPTION_KEY must be 32 bytes, base64-encoded.');
  }
  return key;
}

export function encryptField(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', encryptionKey(), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ['v1', iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join('.');
}

export function decryptField(stored: string): string {
  const [version, iv, tag, data] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('Unknown ciphertext format');
  const decipher = createDecipheriv('aes-256-gcm', encryptionKey(), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

/** Keyed hash for lookups; `scope` keeps hashes of different kinds of value apart. */
export function lookupHash(scope: string, value: string): string {
  return createHmac('sha256', requiredSecret('LOOKUP_HASH_KEY')).update(`${scope}\u0000${value}`).digest('base64url');
}
