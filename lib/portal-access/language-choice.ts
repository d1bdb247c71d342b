import 'server-only';
import { cookies } from 'next/headers';
import { z } from 'zod';
import { isProduction } from '@/lib/config/env';
import { LOCALES, type Locale } from '@/lib/i18n/core';
import { PORTAL_LANGUAGE_COOKIE } from '@/lib/i18n/portal';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/** "English · Español" before signing in: only a language the portal has. */
export const languageChoiceSchema = z.object({ language: z.enum(LOCALES, 'Choose a language.') });

/**
 * Remembers the language on this device (the host is the clinic's, so per clinic); the public
 * pages read it back with getPublicPortalLocale.
 */
export async function rememberPortalLanguage(language: Locale): Promise<void> {
  (await cookies()).set(PORTAL_LANGUAGE_COOKIE, language, {
    httpOnly: true,
    sameSite: 'lax',
    secure: isProduction,
    path: '/',
    maxAge: ONE_YEAR_SECONDS,
  });
}
