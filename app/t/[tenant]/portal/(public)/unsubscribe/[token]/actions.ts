'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { publicFormAction } from '@/lib/actions/wrappers';
import { unsubscribeByToken } from '@/lib/engagement/unsubscribe';
import { consent } from '@/lib/i18n/messages/consent';

// The token is a secret from the email's link (a hidden field), checked by its signature.
// An odd value is an empty token, which matches no clinic: the page then says the link does not work.
const unsubscribeSchema = z.object({ token: z.string().max(1024).catch('') });

/**
 * The page's button: works without JavaScript and without signing in (the link's token is the
 * credential, and names the clinic: a token of another clinic changes nothing here). Opening the
 * page only reads; this POST unsubscribes. Then back to the page, which says what happened.
 */
export const unsubscribeAction = publicFormAction({ catalog: consent, schema: unsubscribeSchema }, async (ctx, { token }) => {
  const done = await unsubscribeByToken(getDb(), ctx.tenant, token, ctx.client);
  redirect(`/portal/unsubscribe/${encodeURIComponent(token)}${done ? '?done=1' : ''}`);
});
