'use server';

import { revalidatePath } from 'next/cache';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { portalAccountAction } from '@/lib/actions/wrappers';
import { portalAuth } from '@/lib/auth/portal-session';
import { isProduction } from '@/lib/config/env';
import { toLocale } from '@/lib/i18n/core';
import { settings } from '@/lib/i18n/messages/settings';
import { PORTAL_LANGUAGE_COOKIE } from '@/lib/i18n/portal';
import { changePortalPassword, deletePortalAccount, savePortalPreferences } from '@/lib/portal-access/account-settings';
import { translateFieldProblem } from '@/lib/portal-access/messages';
import type { SettingsFormState } from '@/lib/portal-access/settings-form-state';

// Never refused as a shape: an odd value is an empty one, which the rules below then answer.
const text = (max: number) => z.string().max(max).catch('');
const preferencesSchema = z.object({ language: text(10), timeZone: text(100) });
const passwordSchema = z.object({ currentPassword: text(1024), password: text(1024), confirmPassword: text(1024) });
const deleteSchema = z.object({ password: text(1024), confirm: z.literal('yes').optional().catch(undefined) });

/** Public pages (sign-in after signing out) follow the account's language on this device. */
async function rememberLanguage(language: string): Promise<void> {
  (await cookies()).set(PORTAL_LANGUAGE_COOKIE, language, {
    httpOnly: true, sameSite: 'lax', secure: isProduction, path: '/', maxAge: 365 * 24 * 60 * 60,
  });
}

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

export const savePreferencesAction = portalAccountAction(
  { catalog: settings, schema: preferencesSchema, messages: { notFound: 'errGeneric', conflict: 'errGeneric', busy: 'errGeneric' } },
  async (ctx, input, { t }): Promise<SettingsFormState> => {
    const result = await savePortalPreferences(getDb(), ctx, { language: input.language, timeZone: input.timeZone || null });
    if (!result.ok) {
      if (result.error === 'invalid-language') return { fieldErrors: { language: t('errLanguage') } };
      if (result.error === 'invalid-time-zone') return { fieldErrors: { timeZone: t('errTimeZone') } };
      return { message: t('errGeneric') };
    }
    await rememberLanguage(result.language);
    // The whole portal (navigation included) re-renders in the new language.
    revalidatePath('/portal', 'layout');
    redirect('/portal/settings?saved=preferences');
  },
);

export const changePasswordAction = portalAccountAction(
  { catalog: settings, schema: passwordSchema, messages: { notFound: 'errGeneric', conflict: 'errGeneric', busy: 'errGeneric' } },
  async (ctx, input, { t }): Promise<SettingsFormState> => {
    if (!input.currentPassword) return { fieldErrors: { currentPassword: t('errCurrentPasswordMissing') } };
    const result = await changePortalPassword(getDb(), ctx, input);
    if (result.ok) return { ok: true, message: t('passwordChanged') };
    if (result.error === 'wrong-password') return { fieldErrors: { currentPassword: t('errCurrentPassword') } };
    if (result.error === 'too-many-attempts') return { message: t('errTooManyAttempts', { minutes: minutes(result.retryAfterSeconds) }) };
    if (result.error === 'invalid-password') {
      // The password policy's sentences, translated where the activation and reset forms translate them.
      const translate = (problem: string) => translateFieldProblem(problem, toLocale(ctx.account.language));
      return {
        passwordProblems: result.problems.password?.map(translate),
        fieldErrors: result.problems.confirmPassword ? { confirmPassword: translate(result.problems.confirmPassword) } : {},
      };
    }
    return { message: t('errGeneric') };
  },
);

export const deleteAccountAction = portalAccountAction(
  { catalog: settings, schema: deleteSchema, messages: { notFound: 'errGeneric', conflict: 'errGeneric', busy: 'errGeneric' } },
  async (ctx, input, { t }): Promise<SettingsFormState> => {
    if (!input.confirm) return { fieldErrors: { confirm: t('errDeleteConfirm') } };
    if (!input.password) return { fieldErrors: { password: t('errCurrentPasswordMissing') } };
    const result = await deletePortalAccount(getDb(), ctx, { password: input.password, confirmed: true });
    if (!result.ok) {
      if (result.error === 'wrong-password') return { fieldErrors: { password: t('errCurrentPassword') } };
      if (result.error === 'too-many-attempts') return { message: t('errTooManyAttempts', { minutes: minutes(result.retryAfterSeconds) }) };
      return { message: t('errGeneric') };
    }
    // The session row is already revoked; this clears the cookie too.
    await portalAuth.signOut({ redirect: false });
    // The sign-in page's notice is then in the language the person was using.
    await rememberLanguage(toLocale(ctx.account.language));
    redirect('/portal/sign-in?reason=account-deleted');
  },
);
