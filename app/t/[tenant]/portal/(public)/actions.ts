'use server';

import { refresh } from 'next/cache';
import { publicFormAction } from '@/lib/actions/wrappers';
import { languageChoiceSchema, rememberPortalLanguage } from '@/lib/portal-access/language-choice';

/**
 * "English · Español" on the public pages: remembers the choice on this device and redraws the
 * page in it. Anything but a known language is ignored.
 */
export const setPortalLanguageAction = publicFormAction({ schema: languageChoiceSchema }, async (_ctx, { language }) => {
  await rememberPortalLanguage(language);
  refresh();
});
