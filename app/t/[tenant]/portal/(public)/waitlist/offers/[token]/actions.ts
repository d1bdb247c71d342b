'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { publicFormAction } from '@/lib/actions/wrappers';
import { waitlistOfferLink } from '@/lib/i18n/messages/waitlist-offer-link';
import { dispatchSoon } from '@/lib/outbox/dispatcher';
import { offerLinkPath } from '@/lib/waitlist/offer-links';
import { acceptOfferByLink, declineOfferByLink } from '@/lib/waitlist/offers';

// The token is the secret from the offer's link (a hidden field), checked by its signature.
// An odd value is an empty token, which matches no clinic: the page then says the link does not work.
const offerLinkSchema = z.object({ token: z.string().max(256).catch('') });

/**
 * The page's buttons: they work without JavaScript and without signing in (the token is the
 * credential and names the clinic: another clinic's token changes nothing here). Opening the
 * page only reads; these POSTs change. Then back to the page, which reads the offer again and
 * says what happened (or why not), so a second submit or a hand-typed `done` claims nothing.
 */
export const acceptOfferLinkAction = publicFormAction({ catalog: waitlistOfferLink, schema: offerLinkSchema }, async (ctx, { token }) => {
  const answer = await acceptOfferByLink(getDb(), ctx.tenant, token, ctx.client);
  // The confirmation, and the "gone" notices to the others holding the time, go out after the response.
  dispatchSoon();
  redirect(`${offerLinkPath(encodeURIComponent(token))}?done=${answer.ok ? 'accept' : 'refused'}`);
});

export const declineOfferLinkAction = publicFormAction({ catalog: waitlistOfferLink, schema: offerLinkSchema }, async (ctx, { token }) => {
  const answer = await declineOfferByLink(getDb(), ctx.tenant, token, ctx.client);
  redirect(`${offerLinkPath(encodeURIComponent(token))}?done=${answer.ok ? 'decline' : 'refused'}`);
});
