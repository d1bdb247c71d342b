'use server';

import { revalidatePath } from 'next/cache';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import type { SettingsFormState } from '@/components/portal/settings/form-state';
import { getDb } from '@/db/client';
import { portalAuth, requirePortalAccount } from '@/lib/auth/portal-session';
import { isProduction } from '@/lib/config/env';
import { getClientInfo } from '@/lib/http/client-info';
import { settings } from '@/lib/i18n/messages/settings';
import { getPortalI18n, PORTAL_LANGUAGE_COOKIE } from '@/lib/i18n/portal';
import { translateFieldProblem } from '@/lib/portal-access/messages';
import type { PortalAccountContext } from '@/lib/access/context';
import { changePortalPassword, deletePortalAccount, savePortalPreferences } from '@/lib/portal-access/account-settings';

async function actor(): Promise<PortalAccountContext> {
  return { ...(await requirePortalAccount()), ...(await getClientInfo()) };
}

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

export async function savePreferencesAction(_prev: SettingsFormState, form: FormData): Promise<SettingsFormState> {
  const { t } = await getPortalI18n(settings);
  const input = preferencesSchema.parse({ language: form.get('language') ?? '', timeZone: form.get('timeZone') ?? '' });
  const result = await savePortalPreferences(getDb(), await actor(), { language: input.language, timeZone: input.timeZone || null });
  if (!result.ok) {
    if (result.error === 'invalid-language') return { fieldErrors: { language: t('errLanguage') } };
    if (result.error === 'invalid-time-zone') return { fieldErrors: { timeZone: t('errTimeZone') } };
    return { message: t('errGeneric') };
  }
  await rememberLanguage(result.language);
  // The whole portal (navigation included) re-renders in the new language.
  revalidatePath('/portal', 'layout');
  redirect('/portal/settings?saved=preferences');
}

export async function changePasswordAction(_prev: SettingsFormState, form: FormData): Promise<SettingsFormState> {
  const { t, locale } = await getPortalI18n(settings);
  const input = passwordSchema.parse({
    currentPassword: form.get('currentPassword') ?? '', password: form.get('password') ?? '', confirmPassword: form.get('confirmPassword') ?? '',
  });
  if (!input.currentPassword) return { fieldErrors: { currentPassword: t('errCurrentPasswordMissing') } };
  const result = await changePortalPassword(getDb(), await actor(), input);
  if (result.ok) return { ok: true, message: t('passwordChanged') };
  if (result.error === 'wrong-password') return { fieldErrors: { currentPassword: t('errCurrentPassword') } };
  if (result.error === 'too-many-attempts') return { message: t('errTooManyAttempts', { minutes: minutes(result.retryAfterSeconds) }) };
  if (result.error === 'invalid-password') {
    // The password policy's sentences, translated where the activation and reset forms translate them.
    const translate = (problem: string) => translateFieldProblem(problem, locale);
    return {
      passwordProblems: result.problems.password?.map(translate),
      fieldErrors: result.problems.confirmPassword ? { confirmPassword: translate(result.problems.confirmPassword) } : {},
    };
  }
  return { message: t('errGeneric') };
}

export async function deleteAccountAction(_prev: SettingsFormState, form: FormData): Promise<SettingsFormState> {
  const { t, locale } = await getPortalI18n(settings);
  const input = deleteSchema.parse({ password: form.get('password') ?? '', confirm: form.get('confirm') ?? undefined });
  if (!input.confirm) return { fieldErrors: { confirm: t('errDeleteConfirm') } };
  if (!input.password) return { fieldErrors: { password: t('errCurrentPasswordMissing') } };
  const result = await deletePortalAccount(getDb(), await actor(), { password: input.password, confirmed: true });
  if (!result.ok) {
    if (result.error === 'wrong-password') return { fieldErrors: { password: t('errCurrentPassword') } };
    if (result.error === 'too-many-attempts') return { message: t('errTooManyAttempts', { minutes: minutes(result.retryAfterSeconds) }) };
    return { message: t('errGeneric') };
  }
  // The session row is already revoked; this clears the cookie too.
  await portalAuth.signOut({ redirect: false });
  // The sign-in page's notice is then in the language the person was using.
  await rememberLanguage(locale);
  redirect('/portal/sign-in?reason=account-deleted');
}
