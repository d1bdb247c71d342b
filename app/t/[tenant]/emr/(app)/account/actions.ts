'use server';

import { staffAction } from '@/lib/actions/wrappers';
import { addPasskeyAnswer, passkeyOptionsAnswer, removePasskeyAnswer, renamePasskeyAnswer } from '@/lib/identity/passkeys/account-answers';
import type { PasskeyFormState } from '@/lib/identity/passkeys/form-state';
import { addPasskeySchema, removePasskeySchema, renamePasskeySchema } from '@/lib/identity/passkeys/schemas';

// The signed-in staff member's own passkeys (/emr/account): no permission beyond the area, since
// everyone manages their own sign-in; lib/identity/passkeys names the owner from the session.
const PAGE = '/emr/account';

export const passkeyOptionsAction = staffAction({ area: 'emr' }, async (ctx): Promise<PasskeyFormState> => passkeyOptionsAnswer(ctx));
export const addPasskeyAction = staffAction({ area: 'emr', schema: addPasskeySchema }, async (ctx, input): Promise<PasskeyFormState> => addPasskeyAnswer(ctx, input, PAGE));
export const renamePasskeyAction = staffAction({ area: 'emr', schema: renamePasskeySchema }, async (ctx, input): Promise<PasskeyFormState> => renamePasskeyAnswer(ctx, input, PAGE));
export const removePasskeyAction = staffAction({ area: 'emr', schema: removePasskeySchema }, async (ctx, input): Promise<PasskeyFormState> => removePasskeyAnswer(ctx, input, PAGE));
