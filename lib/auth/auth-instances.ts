import 'server-only';
import NextAuth, { type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import type { SessionKind } from '@/db/schema';
import { isProduction, requiredSecret } from '@/lib/config/env';
import { AUTH_POLICY, sessionCookieName } from './policy';

declare module 'next-auth' {
  interface Session {
    sid?: string;
  }
  interface User {
    sid?: string;
  }
}
declare module '@auth/core/jwt' {
  interface JWT {
    sid?: string;
  }
}

/**
 * Auth.js issues the cookie; the cookie's encrypted token carries only the id of a row in
 * auth_sessions, which every request re-checks (lib/auth/*-session.ts). Each kind of person
 * has its own cookie, so a clinician can open the patient portal in the same browser without
 * losing the EMR session. Cookies are host-only (no Domain; `__Host-` in production).
 *
 * The only way in is the credentials provider, whose `authorize` consumes a challenge that
 * our own sign-in steps verified (password, then SMS code or TOTP).
 */
export function createAuthInstance(
  kind: SessionKind,
  completeSignIn: (challengeId: string) => Promise<{ id: string; sid: string } | null>,
) {
  const cookieName = sessionCookieName(kind);
  // A function config is evaluated per request, so a build without secrets still works.
  return NextAuth((): NextAuthConfig => ({
    secret: requiredSecret('AUTH_SECRET'),
    trustHost: true,
    basePath: `/api/auth/${kind}`,
    useSecureCookies: isProduction,
    session: { strategy: 'jwt', maxAge: AUTH_POLICY.absoluteSessionSeconds },
    cookies: {
      sessionToken: {
        name: cookieName,
        options: { httpOnly: true, sameSite: 'lax', path: '/', secure: isProduction },
      },
    },
    providers: [
      Credentials({
        id: `${kind}-challenge`,
        credentials: { challengeId: {} },
        authorize: async (credentials) => {
          const challengeId = typeof credentials?.challengeId === 'string' ? credentials.challengeId : '';
          return challengeId ? completeSignIn(challengeId) : null;
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.sid) token.sid = user.sid;
        return token;
      },
      session({ session, token }) {
        return { ...session, sid: token.sid };
      },
    },
  }));
}
