import 'server-only';
import { after } from 'next/server';
import { getDb } from '@/db/client';
import { errorSummary } from '@/lib/kernel/errors';
import { dispatchDueMessages } from '@/lib/outbox/dispatcher';
import { runWaitlistOffersFor } from './offer-job';

/**
 * A visit was cancelled or moved, or a provider's hours or time off changed: the clinic's
 * waitlist pass (./offer-job.ts) runs once the response has been sent (Next's `after`), and the
 * offers it makes go out at once, instead of at the next scheduled run.
 *
 * Nothing needs to be written for this: the pass reads what is free from the schedule itself, so
 * if this run is lost (a crash, a call outside a request, the clinic's pass held by another
 * runner) the scheduled job (lib/jobs/scheduled.ts) finds the same times within its interval.
 * Called from inside the change's transaction, it only registers the work; the work starts after
 * the response, when the change has committed (and finds nothing new if it rolled back).
 */
export function offerFreedTimesSoon(tenantId: string): void {
  try {
    after(async () => {
      try {
        const counts = await runWaitlistOffersFor(getDb(), tenantId);
        if (counts.waitlistOffersMade + counts.waitlistOffersGone > 0) await dispatchDueMessages();
      } catch (error) {
        // Name and Postgres code only: a failed query's message quotes its parameters.
        console.error(`waitlist: the pass after the response failed (${errorSummary(error)})`);
      }
    });
  } catch {
    // `after` throws outside a request scope (scripts, tests): the scheduled job does it.
  }
}
