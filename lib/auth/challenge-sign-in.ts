import 'server-only';

type ChallengeSignIn = (provider: string, options: { challengeId: string; redirect: false }) => Promise<unknown>;

/**
 * Hands a challenge our own steps verified to Auth.js, which consumes it and issues the session
 * cookie (lib/auth/auth-instances.ts). False when the challenge was used meanwhile (a second
 * tab) or has expired: the person starts again.
 */
export async function signInWithChallenge(signIn: ChallengeSignIn, provider: string, challengeId: string | null): Promise<boolean> {
  if (!challengeId) return false;
  try {
    await signIn(provider, { challengeId, redirect: false });
    return true;
  } catch {
    return false;
  }
}
