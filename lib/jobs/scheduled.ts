import 'server-only';
import type { Database } from '@/db/client';
import { autoCloseConversations } from '@/lib/conversations/auto-close';
import { fileSubmittedForms } from '@/lib/clinic-forms/filing';
import { expireOverdueAssignments } from '@/lib/clinic-forms/reminders';
import { cleanupAbandonedUploads } from '@/lib/documents/direct-upload';
import { EXPORT_BATCH, runDataExportJob } from '@/lib/data-export/build';
import { reconcilePayments } from '@/lib/billing/reconcile';
import { runRenewals } from '@/lib/commerce/renewals';
import { processPaymentEvents } from '@/lib/billing/webhooks';
import { processPaidOrders } from '@/lib/commerce/order-processing';
import { installMissingBuiltins } from '@/lib/engagement/automations/builtins';
import { deleteExpiredChallenges } from '@/lib/identity/passkeys/store';
import { FAN_OUT_BATCH, FAN_OUT_QUIET_BATCH, fanOutEvents, runDueSteps, STEPS_BATCH, STEPS_LANES } from '@/lib/engagement/automations/runner';
import { deliverWebhooks, WEBHOOK_BATCH } from '@/lib/engagement/automations/webhooks';
import { queueCampaigns } from '@/lib/engagement/campaigns/queue';
import { SEND_BATCH, sendDueCampaignMessages } from '@/lib/engagement/campaigns/send';
import { OVERDUE_BATCH, recordOverdueInvoices } from '@/lib/engagement/overdue-invoices';
import { dispatchDueMessages, type DispatchResult } from '@/lib/outbox/dispatcher';
import { releaseHeldSmsEverywhere } from '@/lib/sms-spend/release';
import { runWaitlistOffers } from '@/lib/waitlist/offer-job';

/**
 * The work that runs on a schedule, in one list for both runners: the Vercel cron route
 * (`/api/cron/dispatch`) and `npm run worker` for self-hosting. Every job is safe with several
 * runners at once: the outbox claims rows with `FOR UPDATE SKIP LOCKED` and fences on attempts,
 * the upload cleanup deletes with a conditional DELETE … RETURNING (one runner gets each row),
 * and the auto-close is a conditional UPDATE (a second runner finds the row closed).
 * New scheduled work (reminders, renewals, campaign sends) is added here, claimed the same way.
 */

export interface ScheduledJob {
  name: string;
  /** How often `npm run worker` runs it; the cron route runs all of them every 5 minutes. */
  everySeconds: number;
  run: (db: Database, at?: Date) => Promise<Record<string, number>>;
  /** The worker runs the job again at once while this says a run found more work than it took. */
  moreWaiting?: (counts: Record<string, number>) => boolean;
}

const OUTBOX_BATCH = 50;
const FORM_FILING_BATCH = 10;
const PAYMENT_EVENTS_BATCH = 50;
const ORDER_PROCESSING_BATCH = 20;
/**
 * Renewals a pass takes. The pass's own statements (claim, make, settle: ~50) are shared by its
 * renewals, so a larger pass costs fewer statements a renewal (bench: 10,000 renewals, 50 a pass
 * 60.9 s, 3.0 statements each); a pass stays well inside its lease (RENEWAL_LEASE_SECONDS).
 */
export const RENEWALS_BATCH = 200;

export const OUTBOX_JOB: ScheduledJob = {
  name: 'outbox',
  everySeconds: 10,
  run: async () => {
    const result: DispatchResult = await dispatchDueMessages({ limit: OUTBOX_BATCH });
    return { ...result };
  },
  moreWaiting: (c) => (c.sent ?? 0) + (c.retried ?? 0) + (c.dead ?? 0) + (c.suppressed ?? 0) + (c.held ?? 0) + (c.deferred ?? 0) >= OUTBOX_BATCH,
};

// The outbox goes last: a cron pass delivers what the jobs before it queued (reminders, campaigns).
export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  // Uploads started but never confirmed leave no visible document; remove their files too.
  { name: 'abandoned-uploads', everySeconds: 300, run: async (db) => ({ abandonedUploadsRemoved: (await cleanupAbandonedUploads(db)).removed }) },
  // Submitted forms whose PDF was not filed right after the submit (a crash, a storage outage).
  { name: 'form-filing', everySeconds: 60, run: async (db) => ({ formsFiled: (await fileSubmittedForms(db, { limit: FORM_FILING_BATCH })).filed }), moreWaiting: (c) => (c.formsFiled ?? 0) >= FORM_FILING_BATCH },
  // "Reply only" clinics: conversations unanswered 48 h after the last staff message.
  { name: 'auto-close', everySeconds: 300, run: async (db, at) => ({ conversationsAutoClosed: (await autoCloseConversations(db, at)).closed }) },
  // Forms still open past their due date expire (one conditional UPDATE). Reminders before the
  // due date are the built-in "Form due reminder" automation, run by the automation jobs below.
  { name: 'form-expiry', everySeconds: 300, run: async (db, at) => expireOverdueAssignments(db, at) },
  // Stripe's webhook events the route stored but could not apply (claimed with SKIP LOCKED and a
  // lease), before the reconciliation asks Stripe about what is still unsettled.
  {
    name: 'payment-events',
    everySeconds: 30,
    run: async (db) => {
      const { processed, retried } = await processPaymentEvents(db, { limit: PAYMENT_EVENTS_BATCH });
      return { paymentEventsProcessed: processed, paymentEventsRetried: retried };
    },
    moreWaiting: (c) => (c.paymentEventsProcessed ?? 0) + (c.paymentEventsRetried ?? 0) >= PAYMENT_EVENTS_BATCH,
  },
  // Subscription renewals on their dates and retries of failed ones (lib/commerce/renewals.ts: claimed with SKIP LOCKED and a lease, charged once).
  { name: 'subscription-renewals', everySeconds: 60, run: async (db, at) => ({ ...(await runRenewals(db, { at, limit: RENEWALS_BATCH })) }), moreWaiting: (c) => (c.renewalsClaimed ?? 0) >= RENEWALS_BATCH },
  // Payments and refunds the provider has not settled for us (a crash, an outage, a lost webhook).
  { name: 'payment-reconcile', everySeconds: 60, run: async (db, at) => reconcilePayments(db, at) },
  // Orders paid after their request ended (a webhook, the bank's check, the reconciliation): subscriptions, requirements, next status.
  { name: 'order-processing', everySeconds: 60, run: async (db) => processPaidOrders(db, { limit: ORDER_PROCESSING_BATCH }), moreWaiting: (c) => (c.ordersProcessed ?? 0) >= ORDER_PROCESSING_BATCH },
  // Invoices still owed after their due date in their clinic's zone: invoice.overdue, once each (lib/engagement/overdue-invoices.ts).
  { name: 'overdue-invoices', everySeconds: 300, run: async (db, at) => recordOverdueInvoices(db, at), moreWaiting: (c) => (c.invoicesOverdue ?? 0) >= OVERDUE_BATCH },
  // Clinics made before the built-in automations existed get them (lib/engagement/automations/builtins.ts).
  { name: 'automation-builtins', everySeconds: 300, run: async (db, at) => installMissingBuiltins(db, at) },
  // Automations (lib/engagement/automations/runner.ts): new events start runs (once per automation
  // and event), then due runs do their steps; both claimed with SKIP LOCKED. Fan-out goes first so
  // a run without a wait is done in the same pass. Every second: a visit's confirmation or a new
  // patient's welcome is due within seconds of its event (issue 21: p99 < 5 s under a steady stream,
  // bench/automations.ts; every 10 s, the wait for the next pass alone was up to 10 s), and an idle
  // pass is two empty claims on partial indexes.
  { name: 'automation-fan-out', everySeconds: 1, run: async (db, at) => ({ ...(await fanOutEvents(db, at)) }), moreWaiting: (c) => (c.eventsMatched ?? 0) >= FAN_OUT_BATCH || (c.eventsUnheard ?? 0) >= FAN_OUT_QUIET_BATCH },
  { name: 'automation-steps', everySeconds: 1, run: async (db, at) => ({ ...(await runDueSteps(db, at, { lanes: STEPS_LANES })) }), moreWaiting: (c) => (c.runsAdvanced ?? 0) + (c.runsFailed ?? 0) >= STEPS_BATCH },
  // Campaigns (lib/engagement/campaigns): those whose time came are queued page by page (resumable),
  // then their recipients are handed to the outbox at each one's slot.
  { name: 'campaign-queue', everySeconds: 15, run: async (db, at) => ({ ...(await queueCampaigns(db, at)) }), moreWaiting: (c) => (c.campaignPagesWaiting ?? 0) > 0 },
  { name: 'campaign-send', everySeconds: 10, run: async (db, at) => ({ ...(await sendDueCampaignMessages(db, at)) }), moreWaiting: (c) => (c.campaignMessagesQueued ?? 0) + (c.campaignRecipientsHeld ?? 0) >= SEND_BATCH },
  // SMS the spend guard held, given back to the outbox once the budget allows (raised, a new month), if held under 2 hours (lib/sms-spend/release.ts).
  { name: 'sms-release', everySeconds: 60, run: async (db) => releaseHeldSmsEverywhere(db) },
  // Automations' calls to outside URLs, signed and retried.
  { name: 'automation-webhooks', everySeconds: 30, run: async (db, at) => ({ ...(await deliverWebhooks(db, at)) }), moreWaiting: (c) => (c.webhooksDelivered ?? 0) + (c.webhooksRetried ?? 0) + (c.webhooksDead ?? 0) >= WEBHOOK_BATCH },
  // Passkey challenges an hour past their expiry (lib/identity/passkeys/store.ts).
  { name: 'passkey-challenges', everySeconds: 300, run: async (db, at) => deleteExpiredChallenges(db, at) },
  // Patients' data exports (lib/data-export/build.ts): built with SKIP LOCKED and a fenced lease, then expired after 7 days; before the outbox, which sends the "ready" notice.
  { name: 'data-exports', everySeconds: 30, run: async (db, at) => ({ ...(await runDataExportJob(db, at)) }), moreWaiting: (c) => (c.exportsBuilt ?? 0) + (c.exportsRetried ?? 0) + (c.exportsFailed ?? 0) >= EXPORT_BATCH },
  // Waitlist offers (lib/waitlist/offer-job.ts): lapsed offers expire, times no longer free are gone
  // (told once), free times go to waiting patients in the order they joined; each clinic's pass
  // under a try-lock, so two runners never make an offer twice. Before the outbox, which sends them.
  { name: 'waitlist-offers', everySeconds: 60, run: async (db, at) => ({ ...(await runWaitlistOffers(db, at)) }) },
  OUTBOX_JOB,
];

/** One pass over every job, in order (the cron route). `at` moves the auto-close clock (e2e only). */
export async function runScheduledJobs(db: Database, at?: Date): Promise<Record<string, number>> {
  let counts: Record<string, number> = {};
  for (const job of SCHEDULED_JOBS) counts = { ...counts, ...(await job.run(db, at)) };
  return counts;
}
