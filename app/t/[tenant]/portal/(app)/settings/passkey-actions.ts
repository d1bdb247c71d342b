'use server';

import { portalAccountAction } from '@/lib/actions/wrappers';
import { passkeys } from '@/lib/i18n/messages/passkeys';
import { addPasskeyAnswer, passkeyOptionsAnswer, removePasskeyAnswer, renamePasskeyAnswer } from '@/lib/identity/passkeys/account-answers';
import type { PasskeyFormState } from '@/lib/identity/passkeys/form-state';
import { addPasskeySchema, removePasskeySchema, renamePasskeySchema } from '@/lib/identity/passkeys/schemas';

// Settings → Passkeys: the account's own (whoever it acts for). Adding one needs the clinic's
// "SMS code or a passkey" (lib/identity/passkeys/manage.ts checks); renaming and removing do not.
const PAGE = '/portal/settings';
const messages = { notFound: 'errNotFound', conflict: 'errGeneric', busy: 'errGeneric' } as const;

export const passkeyOptionsAction = portalAccountAction({ catalog: passkeys, messages }, async (ctx): Promise<PasskeyFormState> => passkeyOptionsAnswer(ctx));
export const addPasskeyAction = portalAccountAction({ catalog: passkeys, schema: addPasskeySchema, messages }, async (ctx, input): Promise<PasskeyFormState> => addPasskeyAnswer(ctx, input, PAGE));
export const renamePasskeyAction = portalAccountAction({ catalog: passkeys, schema: renamePasskeySchema, messages }, async (ctx, input): Promise<PasskeyFormState> => renamePasskeyAnswer(ctx, input, PAGE));
export const removePasskeyAction = portalAccountAction({ catalog: passkeys, schema: removePasskeySchema, messages }, async (ctx, input): Promise<PasskeyFormState> => removePasskeyAnswer(ctx, input, PAGE));
