'use server';

import { revalidatePath } from 'next/cache';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { rootPublicAction } from '@/lib/actions/wrappers';
import { isProduction } from '@/lib/config/env';
import { replyToCapturedSms } from '@/lib/engagement/dev-sms-reply';
import { outboxActive } from '@/lib/messaging/providers';

const replySchema = z.object({
  // An odd id is no captured text: answered below like an unknown one.
  captureId: z.string().max(100).catch(''),
  reply: z.string({ error: 'Type the reply, for example STOP.' }).trim().min(1, { error: 'Type the reply, for example STOP.' }).max(160, { error: 'A text reply is at most 160 characters.' }),
});

const KEYWORD_WORDS = {
  stop: 'STOP: the number is suppressed for every text from',
  start: 'START: texts to the number are allowed again by',
  help: 'HELP: nothing changes at',
} as const;

/**
 * /dev/outbox's "Reply as this number": plays an SMS reply from a captured text's recipient to
 * the clinic that sent it (lib/engagement/dev-sms-reply.ts). Exists only where the page does:
 * not in production, and only while the dev outbox captures messages.
 */
export const replyAsNumberAction = rootPublicAction({ schema: replySchema }, async (_ctx, input): Promise<ActionState> => {
  if (isProduction || !outboxActive()) notFound();
  const outcome = await replyToCapturedSms(getDb(), input.captureId, input.reply);
  if (!outcome) return { ok: false, message: 'That text is not in the outbox, or no clinic sent it (sign-in codes cannot be replied to).' };
  revalidatePath('/dev/outbox');
  if (!outcome.keyword) return { ok: true, message: `Not a keyword: nothing changes at ${outcome.clinicName}.` };
  const changed = outcome.keyword === 'stop' ? ` (${outcome.patientsChanged} patient${outcome.patientsChanged === 1 ? '' : 's'} recorded as no to SMS)` : '';
  return { ok: true, message: `${KEYWORD_WORDS[outcome.keyword]} ${outcome.clinicName}${changed}.` };
});
