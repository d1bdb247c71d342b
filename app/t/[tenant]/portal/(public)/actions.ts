'use server';

import { refresh } from 'next/cache';
import { cookies } from 'next/headers';
import { isProduction } from '@/lib/config/env';
import { isLocale } from '@/lib/i18n/core';
import { PORTAL_LANGUAGE_COOKIE } from '@/lib/i18n/portal';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * "English · Español" on the public pages: remembers the choice on this device (the host is the
 * clinic's, so per clinic) and redraws the page in it. Only a known language is stored.
 */
export async function setPortalLanguageAction(form: FormData): Promise<void> {
  const language = form.get('language');
  if (!isLocale(language)) return;
  (await cookies()).set(PORTAL_LANGUAGE_COOKIE, language, {
    httpOnly: true,
    sameSite: 'lax',
    secure: isProduction,
    path: '/',
    maxAge: ONE_YEAR_SECONDS,
  });
  refresh();
}
