'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { dispatchSoon } from '@/lib/outbox/dispatcher';
import { SMS_SPEND_SETTINGS_FIELDS, smsSpendSettingsSchema } from '@/lib/sms-spend/settings-form';
import { updateSmsSpendSettings } from '@/lib/sms-spend/settings';

export const saveSmsSpendSettingsAction = staffAction(
  {
    area: 'crm', permission: 'settings.manage', schema: smsSpendSettingsSchema, echo: SMS_SPEND_SETTINGS_FIELDS,
    messages: { forbidden: 'You don’t have permission to change the clinic’s SMS budget and limits.' },
  },
  async (ctx, input): Promise<ActionState> => {
    const { changed, released } = await updateSmsSpendSettings(getDb(), ctx, input);
    if (!changed) return { ok: true, message: 'Nothing to save: the SMS budget and limits are already as shown.' };
    // Released messages go now rather than at the next cron pass.
    if (released > 0) dispatchSoon();
    revalidatePath('/crm/sms');
    const sending = released === 0 ? '' : ` ${released.toLocaleString('en-US')} held ${released === 1 ? 'message is' : 'messages are'} being sent now.`;
    return { ok: true, message: `SMS budget and limits saved.${sending}` };
  },
);
