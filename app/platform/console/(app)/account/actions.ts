'use server';

import { operatorAction } from '@/lib/actions/wrappers';
import { addPasskeyAnswer, passkeyOptionsAnswer, removePasskeyAnswer, renamePasskeyAnswer } from '@/lib/identity/passkeys/account-answers';
import type { PasskeyFormState } from '@/lib/identity/passkeys/form-state';
import { addPasskeySchema, removePasskeySchema, renamePasskeySchema } from '@/lib/identity/passkeys/schemas';

// The signed-in operator's own passkeys (/console/account, root host).
const PAGE = '/console/account';

export const passkeyOptionsAction = operatorAction({}, async (operator): Promise<PasskeyFormState> => passkeyOptionsAnswer(operator));
export const addPasskeyAction = operatorAction({ schema: addPasskeySchema }, async (operator, input): Promise<PasskeyFormState> => addPasskeyAnswer(operator, input, PAGE));
export const renamePasskeyAction = operatorAction({ schema: renamePasskeySchema }, async (operator, input): Promise<PasskeyFormState> => renamePasskeyAnswer(operator, input, PAGE));
export const removePasskeyAction = operatorAction({ schema: removePasskeySchema }, async (operator, input): Promise<PasskeyFormState> => removePasskeyAnswer(operator, input, PAGE));
