'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { portalAccountAction } from '@/lib/actions/wrappers';
import { now } from '@/lib/clock';
import { authenticatorSettings } from '@/lib/i18n/messages/authenticator';
import {
  cancelAuthenticatorEnrolment,
  confirmAuthenticatorEnrolment,
  regenerateRecoveryCodes,
  removeAuthenticator,
  startAuthenticatorEnrolment,
  type CodesResult,
  type RemoveResult,
} from '@/lib/portal-access/authenticator';
import { authenticatorCodeSchema, removeAuthenticatorSchema, type AuthenticatorFormState } from '@/lib/portal-access/authenticator-forms';

/**
 * The authenticator app in /portal/settings (issue 19): set up (QR code), confirm with the first
 * code (recovery codes shown once, in this answer only), new recovery codes, remove. The account
 * is the session's; lib/portal-access/authenticator.ts checks the clinic allows the app.
 */

const spec = {
  catalog: authenticatorSettings,
  messages: { invalid: 'errCodeFormat', notFound: 'errGeneric', conflict: 'errGeneric', busy: 'errGeneric' },
} as const;

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));
const SETTINGS = '/portal/settings';

type T = (key: keyof typeof authenticatorSettings.en, vars?: Record<string, string | number>) => string;

function codesAnswer(result: CodesResult, t: T): AuthenticatorFormState {
  if (result.ok) {
    revalidatePath(SETTINGS);
    return { ok: true, recoveryCodes: result.recoveryCodes, issuedAt: now().getTime() };
  }
  switch (result.error) {
    case 'wrong-code':
      return { fieldErrors: { code: t('errWrongCode') } };
    case 'too-many-attempts':
      return { message: t('errTooManyAttempts', { minutes: minutes(result.retryAfterSeconds) }) };
    case 'not-allowed':
      return { message: t('errNotAllowed') };
    case 'no-enrolment':
      return { message: t('errNoEnrolment') };
    default:
      return { message: t('errNotEnrolled') };
  }
}

function removeAnswer(result: RemoveResult, t: T): AuthenticatorFormState {
  if (result.ok) {
    revalidatePath(SETTINGS);
    return { ok: true, message: t('removed') };
  }
  switch (result.error) {
    case 'no-proof':
      return { message: t('errNoProof') };
    case 'wrong-password':
      return { fieldErrors: { password: t('errWrongPassword') } };
    case 'wrong-code':
      return { fieldErrors: { code: t('errWrongCode') } };
    case 'too-many-attempts':
      return { message: t('errTooManyAttempts', { minutes: minutes(result.retryAfterSeconds) }) };
    default:
      return { message: t('errNotEnrolled') };
  }
}

/** "Set up an authenticator app": the page then shows the QR code of the new secret. */
export const startAuthenticatorAction = portalAccountAction(spec, async (ctx, _input, { t }): Promise<AuthenticatorFormState> => {
  const result = await startAuthenticatorEnrolment(getDb(), ctx);
  if (!result.ok) return { message: t(result.error === 'not-allowed' ? 'errNotAllowed' : 'errAlreadyEnrolled') };
  revalidatePath(SETTINGS);
  return { ok: true };
});

export const cancelAuthenticatorAction = portalAccountAction(spec, async (ctx): Promise<AuthenticatorFormState> => {
  await cancelAuthenticatorEnrolment(getDb(), ctx);
  revalidatePath(SETTINGS);
  return { ok: true };
});

export const confirmAuthenticatorAction = portalAccountAction(
  { ...spec, schema: authenticatorCodeSchema },
  async (ctx, input, { t }): Promise<AuthenticatorFormState> => codesAnswer(await confirmAuthenticatorEnrolment(getDb(), ctx, input), t),
);

export const regenerateRecoveryCodesAction = portalAccountAction(
  { ...spec, schema: authenticatorCodeSchema },
  async (ctx, input, { t }): Promise<AuthenticatorFormState> => codesAnswer(await regenerateRecoveryCodes(getDb(), ctx, input), t),
);

export const removeAuthenticatorAction = portalAccountAction(
  { ...spec, schema: removeAuthenticatorSchema },
  async (ctx, input, { t }): Promise<AuthenticatorFormState> => removeAnswer(await removeAuthenticator(getDb(), ctx, input), t),
);
