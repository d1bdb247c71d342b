import 'server-only';
import { cookies } from 'next/headers';
import { isProduction } from '@/lib/config/env';
import { AUTH_POLICY } from './policy';

/**
 * The browser's handle on its own sign-in attempt. HttpOnly and host-only: a code typed on
 * one browser cannot finish an attempt started on another.
 */
const NAME = isProduction ? '__Host-cb.challenge' : 'cb.challenge';
/** A `__Host-` cookie must be set and cleared with exactly these, or browsers ignore the header. */
const ATTRIBUTES = { httpOnly: true, sameSite: 'lax', secure: isProduction, path: '/' } as const;

export async function setChallengeCookie(challengeId: string): Promise<void> {
  (await cookies()).set(NAME, challengeId, { ...ATTRIBUTES, maxAge: AUTH_POLICY.challengeTtlSeconds });
}

export async function readChallengeCookie(): Promise<string | null> {
  return (await cookies()).get(NAME)?.value ?? null;
}

export async function clearChallengeCookie(): Promise<void> {
  (await cookies()).delete({ name: NAME, ...ATTRIBUTES });
}
