import 'server-only';
import { decode } from 'next-auth/jwt';
import { cookies } from 'next/headers';
import type { SessionKind } from '@/db/schema';
import { requiredSecret } from '@/lib/config/env';
import { sessionCookieName } from './policy';

/**
 * The session id in this request's session cookie, or null.
 *
 * Auth.js issues the cookie (an encrypted JWT holding only the id of an `auth_sessions` row); the
 * pages read it here rather than through Auth.js's `auth()`, which runs its whole session endpoint
 * for every call (a synthetic request, key derivation, decrypting and re-encrypting the token and
 * a JSON round trip) whose re-issued cookie a page cannot even set. Whether the session is still
 * valid is decided by its row, on every request, by the callers.
 *
 * A cookie this process has already decrypted is remembered (exact cookie value -> session id and
 * expiry), so a signed-in person's next requests skip the decryption; the token's own expiry is
 * still checked on every use.
 */
export async function readSessionId(kind: SessionKind): Promise<string | null> {
  const name = sessionCookieName(kind);
  const token = joinChunks(name, (await cookies()).getAll());
  if (!token) return null;
  const now = Date.now();
  const known = decoded.get(token);
  if (known) return known.expiresAt > now ? known.sid : null;
  let payload: { sid?: unknown; exp?: unknown } | null;
  try {
    payload = await decode<{ sid?: unknown; exp?: unknown }>({ token, secret: requiredSecret('AUTH_SECRET'), salt: name });
  } catch {
    return null; // tampered, issued with another secret, or expired
  }
  const sid = typeof payload?.sid === 'string' ? payload.sid : null;
  const exp = typeof payload?.exp === 'number' ? payload.exp * 1000 : 0;
  if (!sid || exp <= now) return null;
  remember(token, { sid, expiresAt: exp });
  return sid;
}

/** Auth.js splits a cookie over 4 kB into `name.0`, `name.1`, …; ours never are, but read them if so. */
function joinChunks(name: string, all: { name: string; value: string }[]): string | null {
  const whole = all.find((c) => c.name === name);
  if (whole) return whole.value || null;
  const chunks = all
    .map((c) => ({ index: c.name.startsWith(`${name}.`) ? Number(c.name.slice(name.length + 1)) : NaN, value: c.value }))
    .filter((c) => Number.isInteger(c.index) && c.index >= 0)
    .sort((a, b) => a.index - b.index);
  return chunks.length > 0 ? chunks.map((c) => c.value).join('') : null;
}

const MAX_REMEMBERED = 5000;
const decoded = new Map<string, { sid: string; expiresAt: number }>();

function remember(token: string, value: { sid: string; expiresAt: number }) {
  if (decoded.size >= MAX_REMEMBERED) {
    // Oldest first (a Map keeps insertion order).
    const oldest = decoded.keys().next();
    if (!oldest.done) decoded.delete(oldest.value);
  }
  decoded.set(token, value);
}
