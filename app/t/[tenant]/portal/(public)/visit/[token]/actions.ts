'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { publicFormAction } from '@/lib/actions/wrappers';
import { visitLinks } from '@/lib/i18n/messages/visit-links';
import { cancelVisitByLink, confirmVisitByLink } from '@/lib/scheduling/visit-link-actions';

// The token is the secret from the reminder's link (a hidden field), checked by its signature.
// An odd value is an empty token, which matches no clinic: the page then says the link does not work.
const visitLinkSchema = z.object({ token: z.string().max(256).catch('') });

/**
 * The page's buttons: they work without JavaScript and without signing in (the token is the
 * credential and names the clinic: another clinic's token changes nothing here). Opening the
 * page only reads; these POSTs change. Then back to the page, which reads the visit again and
 * says what happened (or why not), so a second submit or a hand-typed `done` claims nothing.
 */
export const confirmVisitLinkAction = publicFormAction({ catalog: visitLinks, schema: visitLinkSchema }, async (ctx, { token }) => {
  await confirmVisitByLink(getDb(), ctx.tenant, token, ctx.client);
  redirect(`/portal/visit/${encodeURIComponent(token)}?done=confirm`);
});

export const cancelVisitLinkAction = publicFormAction({ catalog: visitLinks, schema: visitLinkSchema }, async (ctx, { token }) => {
  await cancelVisitByLink(getDb(), ctx.tenant, token, ctx.client);
  redirect(`/portal/visit/${encodeURIComponent(token)}?done=cancel`);
});
