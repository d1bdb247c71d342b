import 'server-only';
import { createHash } from 'node:crypto';
import { and, asc, eq, getTableColumns, inArray, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import { after } from 'next/server';
import { getDb, type Database, type Executor } from '@/db/client';
import { campaignRecipients, outboxMessages, tenantBranding, tenants, type OutboxMessage } from '@/db/schema';
import { addSeconds, now } from '@/lib/clock';
import { ConfigurationError } from '@/lib/config/env';
import { EmailDeliveryError, type EmailSender } from '@/lib/email/types';
import { makeUnsubscribeToken, UNSUBSCRIBE_URL_PLACEHOLDER, unsubscribeHeaders, unsubscribeLinks } from '@/lib/engagement/unsubscribe';
import { getEmailSender, getSmsSender } from '@/lib/messaging/providers';
import { SmsDeliveryError, type SmsSender } from '@/lib/sms/types';
import { errorSummary } from '@/lib/kernel/errors';
import { overSmsBudget, recordSmsHeld, SMS_BUDGET_HOLD } from '@/lib/sms-spend/budget';
import { giveBackSmsAllowance, takeSmsAllowance, type SmsAllowance } from '@/lib/sms-spend/ceilings';
import { loadSmsSpendSettings, type SmsSpendSettings } from '@/lib/sms-spend/clinic-settings';
import { recordSmsSent } from '@/lib/sms-spend/usage';
import { describeHold, heldBackAmong, type HoldReason } from './hold-back';

/**
 * Delivers the transactional outbox. Each run claims due rows with one UPDATE over a
 * `FOR UPDATE SKIP LOCKED` subquery (two dispatchers never claim the same row), hands each to
 * its provider, and records the outcome.
 *
 * Crash safety, per channel:
 * - Email: at-least-once from here, exactly-once at the provider. A row whose dispatcher died
 *   after Resend accepted it is still 'sending'; once its lease expires the next run sends it
 *   again with the same idempotency key, and Resend answers with the first email's id instead
 *   of sending (keys live 24 h; the whole retry schedule fits in about 19 h).
 * - SMS: SNS has no idempotency key, so a resend after an unknown outcome could text twice.
 *   Before the provider call the row is marked (provider_message_id = SMS_HANDOFF_MARK, a
 *   committed write). A row that comes back with that mark was handed to the provider by a
 *   dispatcher that never recorded the result: it is not sent again but marked dead with
 *   "outcome unknown". At most once: a crash inside that window can lose a text (the email of
 *   the same event still goes out), never send it twice. A failure the provider reports
 *   (SmsDeliveryError) clears the mark and is retried as usual.
 *
 * Every write after the claim is fenced on `attempts` (bumped by each claim), so a dispatcher
 * whose lease was taken over cannot overwrite the newer owner's outcome.
 *
 * Send-time checks (issue 18, ./hold-back.ts): the claimed batch is checked against the clinics'
 * suppression lists and, for marketing that names its patient, against the patient's consent in
 * force now (one query each); a message whose address is suppressed for its purpose (an
 * unsubscribe stops marketing, a STOP, bounce or complaint stops everything) or whose patient has
 * withdrawn consent since it was queued ends 'suppressed' without reaching a provider and is never
 * retried. A marketing email gets the clinic's one-click unsubscribe: the List-Unsubscribe headers
 * and the link in its text and HTML.
 *
 * A row's final state (sent, dead, suppressed) is written in one transaction with the campaign
 * recipient that points at it (campaign_recipients.outbox_message_id), so a campaign's report
 * follows its messages.
 *
 * The SMS spend guard (lib/sms-spend, issue 19): an SMS whose clinic has spent the month's budget
 * and whose purpose the clinic's policy does not let past it is 'held' (last_error 'sms_budget',
 * counted in sms_monthly_usage.held; its campaign recipient stays queued, and the campaign report
 * counts it as held). An SMS beyond the phone's or the clinic's hourly ceiling goes back to
 * 'pending' for the next window ('deferred', never dropped). An SMS the provider accepted is
 * counted in sms_monthly_usage in the transaction that marks it sent. Neither a hold nor a
 * deferral counts as an attempt.
 */

export const OUTBOX_MAX_ATTEMPTS = 8;
/** Wait after the 1st, 2nd, ... failed attempt; the last step repeats. */
const BACKOFF_SECONDS = [30, 2 * 60, 10 * 60, 60 * 60, 6 * 60 * 60] as const;
const LEASE_SECONDS = 120;
// The adapters give up on a provider after 10 s. A row goes to a provider only while its lease
// has at least this long left, so a lease does not run out in the middle of a provider call.
const MIN_LEASE_LEFT_SECONDS = 30;
const CONCURRENCY = 5;
const MAX_ERROR_LENGTH = 300;
// Resend refuses idempotency keys longer than 256 characters.
const MAX_PROVIDER_KEY_LENGTH = 256;

/** provider_message_id of an SMS being handed to the provider right now (see above). */
export const SMS_HANDOFF_MARK = 'handoff-unconfirmed';

export interface DispatchOptions {
  /** Rows claimed in this run. Default 50. */
  limit?: number;
  /** Default: the process's configured providers (lib/messaging/providers). */
  sms?: SmsSender;
  email?: EmailSender;
  /**
   * Only messages that are not a campaign's (after a request: its receipt, code or reply goes out
   * at once, while a campaign's backlog waits for the worker and its pace).
   */
  excludeMarketing?: boolean;
}

export interface DispatchResult {
  sent: number;
  retried: number;
  dead: number;
  /** Held back at send time (suppression list, consent). Present only when the run suppressed any. */
  suppressed?: number;
  /** SMS held by the clinic's spent budget. Present only when the run held any. */
  held?: number;
  /** SMS put off to the next hour by a send-rate ceiling. Present only when the run deferred any. */
  deferred?: number;
}

type Outcome = keyof DispatchResult | 'released' | 'lost-lease';

/** Seconds to wait after the `attempts`-th failed attempt. */
export function backoffSeconds(attempts: number): number {
  const index = Math.min(Math.max(attempts, 1), BACKOFF_SECONDS.length) - 1;
  return BACKOFF_SECONDS[index]!;
}

export async function dispatchDueMessages(options: DispatchOptions = {}): Promise<DispatchResult> {
  const db = getDb();
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 500);
  const claimed = await claimDueMessages(db, limit, options.excludeMarketing ?? false);
  const result: DispatchResult = { sent: 0, retried: 0, dead: 0 };
  if (claimed.length === 0) return result;
  // Resolved on first use: a run with only emails due works without an SMS configuration.
  const senders: Senders = {
    sms: () => options.sms ?? getSmsSender(),
    email: () => options.email ?? getEmailSender(),
  };
  // Queries for the whole batch. Should one fail, the rows stay claimed until their lease ends and
  // the next run checks them again: nothing is sent unchecked.
  const held = await heldBackAmong(db, claimed);
  const run: RunState = { senders, clinics: new Map(), smsSettings: new Map() };
  await forEachConcurrently(claimed.map((row, index) => ({ row, hold: held.get(index) })), CONCURRENCY, async ({ row, hold }) => {
    try {
      const outcome = await deliver(db, row, run, hold);
      if (outcome === 'sent' || outcome === 'retried' || outcome === 'dead') result[outcome]++;
      if (outcome === 'suppressed' || outcome === 'held' || outcome === 'deferred') result[outcome] = (result[outcome] ?? 0) + 1;
    } catch (error) {
      // A database failure while recording: the row stays 'sending' until its lease ends and
      // the next run takes it (email: deduplicated by its key; an SMS already handed over: dead,
      // never resent).
      console.error(`outbox: could not record the outcome of message ${row.id} (${errorSummary(error)})`);
    }
  });
  return result;
}

/**
 * Runs a dispatch after the current response has been sent (Next's `after`), so a message
 * enqueued by this request goes out within seconds instead of at the next cron run. Not a
 * campaign's: with tens of thousands of them due, every patient's payment would otherwise send
 * fifty of them after its answer (the bench's pay action p99 went from 135 to 316 ms). Does
 * nothing outside a Next request; the cron route delivers those messages.
 */
export function dispatchSoon(): void {
  try {
    after(async () => {
      try {
        await dispatchDueMessages({ excludeMarketing: true });
      } catch (error) {
        console.error(`outbox: dispatch after the response failed (${errorSummary(error)})`);
      }
    });
  } catch {
    // `after` throws outside a request scope (scripts, tests): leave it to the cron route.
  }
}

async function claimDueMessages(db: Database, limit: number, excludeMarketing: boolean): Promise<OutboxMessage[]> {
  const at = now();
  // The due rows are picked and locked once, in a WITH query (PostgreSQL runs a locking one once):
  // as `… in (subquery)` the planner could re-run the locking pick for every row of the table
  // when its statistics were stale — 120 s a claim after a campaign's burst of 16,000 messages.
  const due = db.$with('due').as(db
    .select({ tenantId: outboxMessages.tenantId, id: outboxMessages.id })
    .from(outboxMessages)
    .where(and(
      inArray(outboxMessages.status, ['pending', 'sending']),
      lte(outboxMessages.nextAttemptAt, at),
      or(isNull(outboxMessages.lockedUntil), lt(outboxMessages.lockedUntil, at)),
      excludeMarketing ? ne(outboxMessages.purpose, 'marketing') : undefined,
    ))
    .orderBy(asc(outboxMessages.nextAttemptAt))
    .limit(limit)
    .for('update', { skipLocked: true }));
  return db
    .with(due)
    .update(outboxMessages)
    .set({
      status: 'sending',
      lockedUntil: addSeconds(at, LEASE_SECONDS),
      attempts: sql`${outboxMessages.attempts} + 1`,
    })
    .from(due)
    // (tenant_id, id): the key, as a distributed outbox would need it.
    .where(and(eq(outboxMessages.tenantId, due.tenantId), eq(outboxMessages.id, due.id)))
    .returning(getTableColumns(outboxMessages));
}

interface Senders {
  sms: () => SmsSender;
  email: () => EmailSender;
}

/** What one run shares between its rows: the senders, each clinic's slug for unsubscribe links, and its SMS spend guard. */
interface RunState {
  senders: Senders;
  clinics: Map<string, Promise<ClinicSender | null>>;
  smsSettings: Map<string, Promise<SmsSpendSettings>>;
}

async function deliver(db: Database, row: OutboxMessage, run: RunState, hold: HoldReason | undefined): Promise<Outcome> {
  if (row.channel === 'sms' && row.providerMessageId === SMS_HANDOFF_MARK) {
    return markDead(
      db,
      row,
      'SMS outcome unknown: a dispatcher stopped after handing it to the provider; not resent (no provider idempotency for SMS)',
      { keepHandoffMark: true },
    );
  }
  if (hold) return markSuppressed(db, row, hold);
  if (row.attempts > OUTBOX_MAX_ATTEMPTS) {
    // Only reachable when earlier runs died mid-delivery: every reported failure is counted below.
    return markDead(db, row, `gave up after ${OUTBOX_MAX_ATTEMPTS} attempts`);
  }
  let spend: SmsSpendSettings | undefined;
  if (row.channel === 'sms') {
    spend = await smsSpendSettings(db, run, row.tenantId);
    if (await overSmsBudget(db, row, spend)) return markHeld(db, row, spend);
  }
  let marketing: MarketingEmailExtras | undefined;
  let clinic: ClinicSender | null = null;
  if (row.channel === 'email') {
    clinic = await clinicSender(db, run, row.tenantId);
    if (row.purpose === 'marketing') {
      if (!clinic) return markDead(db, row, 'the clinic of this marketing email no longer exists (no unsubscribe link can be made)');
      marketing = marketingExtras(clinic.slug, row);
    }
  }

  // The phone's and the clinic's hourly ceilings: one SMS taken from both, given back below
  // whenever the message does not reach the provider after all.
  let allowance: SmsAllowance | undefined;
  if (spend) {
    const taken = await takeSmsAllowance(db, { tenantId: row.tenantId, phone: row.recipient, kind: 'queued', settings: spend });
    if (!taken.ok) return defer(db, row, taken.retryAfterSeconds);
    allowance = taken.allowance;
  }
  const unsent = async (record: () => Promise<Outcome>) => {
    const outcome = await record();
    if (allowance) await giveBackSmsAllowance(db, allowance);
    return outcome;
  };

  // Checked last before the request (the clinic's lookup above may have waited).
  if (row.lockedUntil!.getTime() - now().getTime() < MIN_LEASE_LEFT_SECONDS * 1000) {
    // This run took too long to reach the row: give it back untouched for the next run.
    return unsent(() => release(db, row));
  }

  let send: () => Promise<{ providerMessageId: string }>;
  try {
    send = providerCall(row, run.senders, marketing, clinic?.name);
  } catch (error) {
    return unsent(() => recordFailure(db, row, classifyFailure(row.channel, error)));
  }
  // Outside the try below: a database error here has sent nothing, so it must not count as
  // an SMS with an unknown outcome.
  if (row.channel === 'sms' && !(await markSmsHandoff(db, row))) return unsent(async () => 'lost-lease');

  let providerMessageId: string;
  try {
    ({ providerMessageId } = await send());
  } catch (error) {
    const failure = classifyFailure(row.channel, error);
    // A text that may have gone out keeps its place under the ceilings.
    return failure.outcomeUnknown ? recordFailure(db, row, failure) : unsent(() => recordFailure(db, row, failure));
  }
  return markSent(db, row, providerMessageId);
}

/** A clinic's spend guard settings: once per run and clinic. */
function smsSpendSettings(db: Database, run: RunState, tenantId: string): Promise<SmsSpendSettings> {
  let settings = run.smsSettings.get(tenantId);
  if (!settings) {
    settings = loadSmsSpendSettings(db, tenantId);
    run.smsSettings.set(tenantId, settings);
  }
  return settings;
}

/** The provider request for a row. Resolving the sender can throw ConfigurationError. */
function providerCall(row: OutboxMessage, senders: Senders, marketing?: MarketingEmailExtras, fromName?: string): () => Promise<{ providerMessageId: string }> {
  const idempotencyKey = providerIdempotencyKey(row.idempotencyKey);
  if (row.channel === 'sms') {
    const sender = senders.sms();
    return () => sender.send({ to: row.recipient, body: row.body, idempotencyKey });
  }
  const sender = senders.email();
  return () => sender.send({
    to: row.recipient,
    subject: row.subject ?? '',
    text: marketing?.text ?? row.body,
    html: marketing?.html ?? row.html ?? undefined,
    fromName,
    attachments: row.attachments ?? undefined,
    headers: marketing?.headers,
    idempotencyKey,
  });
}

interface MarketingEmailExtras {
  text: string;
  html: string | undefined;
  headers: Record<string, string>;
}

interface ClinicSender {
  slug: string;
  /** The name patients know the clinic by (its branding), the email's display name. */
  name: string;
}

/** The clinic of an email: once per run and clinic. */
function clinicSender(db: Database, run: RunState, tenantId: string): Promise<ClinicSender | null> {
  let clinic = run.clinics.get(tenantId);
  if (!clinic) {
    clinic = db.select({ slug: tenants.slug, tenantName: tenants.name, displayName: tenantBranding.displayName })
      .from(tenants)
      .leftJoin(tenantBranding, eq(tenantBranding.tenantId, tenants.id))
      .where(eq(tenants.id, tenantId))
      .then(([row]) => (row ? { slug: row.slug, name: row.displayName ?? row.tenantName } : null));
    run.clinics.set(tenantId, clinic);
  }
  return clinic;
}

/**
 * A marketing email's one-click unsubscribe: RFC 8058's headers, and the page's link where the
 * text and HTML ask for it (UNSUBSCRIBE_URL_PLACEHOLDER) or, when they do not, at their end. The
 * token is the same for every attempt, so a retry sends the very same email.
 */
function marketingExtras(slug: string, row: OutboxMessage): MarketingEmailExtras {
  const links = unsubscribeLinks(slug, makeUnsubscribeToken(row.tenantId, row.recipient));
  const text = row.body.includes(UNSUBSCRIBE_URL_PLACEHOLDER)
    ? row.body.replaceAll(UNSUBSCRIBE_URL_PLACEHOLDER, links.page)
    : `${row.body}\n\nTo stop receiving these emails, unsubscribe: ${links.page}`;
  let html = row.html ?? undefined;
  if (html !== undefined) {
    // The link is made of URL-safe characters only; escaped all the same, as any attribute value.
    const href = escapeHtml(links.page);
    html = html.includes(UNSUBSCRIBE_URL_PLACEHOLDER)
      ? html.replaceAll(UNSUBSCRIBE_URL_PLACEHOLDER, href)
      : appendToBody(html, `<p style="font-size:12px;color:#555">To stop receiving these emails, <a href="${href}">unsubscribe</a>.</p>`);
  }
  return { text, html, headers: unsubscribeHeaders(links) };
}

function appendToBody(html: string, fragment: string): string {
  const end = html.toLowerCase().lastIndexOf('</body>');
  return end === -1 ? `${html}${fragment}` : `${html.slice(0, end)}${fragment}${html.slice(end)}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface Failure {
  retryable: boolean;
  /** An SMS may have gone out: it keeps its hand-off mark, so it is never resent. */
  outcomeUnknown: boolean;
  /** For last_error and logs: never the recipient or the body. */
  reason: string;
}

function classifyFailure(channel: OutboxMessage['channel'], error: unknown): Failure {
  // The delivery errors' messages are PHI-free by contract (lib/sms/types.ts, lib/email/types.ts).
  if (error instanceof SmsDeliveryError && error.outcomeUnknown) {
    return { retryable: false, outcomeUnknown: true, reason: `${error.message}; outcome unknown, not resent (no provider idempotency for SMS)` };
  }
  if (error instanceof SmsDeliveryError || error instanceof EmailDeliveryError) {
    return { retryable: error.retryable, outcomeUnknown: false, reason: error.message };
  }
  // Thrown before anything reached a provider: fix the deployment, the row waits.
  if (error instanceof ConfigurationError) {
    return { retryable: true, outcomeUnknown: false, reason: `provider not configured: ${error.message}` };
  }
  const kind = error instanceof Error ? error.name : 'unknown error';
  if (channel === 'email') return { retryable: true, outcomeUnknown: false, reason: `unexpected failure (${kind})` };
  // Not a failure the provider reported: the text may have gone out. Same rule as a crash.
  return { retryable: false, outcomeUnknown: true, reason: `SMS outcome unknown (${kind}); not resent (no provider idempotency for SMS)` };
}

/** Conditions that hold only while this run still owns the row. */
function ownedBy(row: OutboxMessage) {
  return and(
    eq(outboxMessages.tenantId, row.tenantId), eq(outboxMessages.id, row.id),
    eq(outboxMessages.attempts, row.attempts), eq(outboxMessages.status, 'sending'),
  );
}

async function markSmsHandoff(db: Database, row: OutboxMessage): Promise<boolean> {
  const updated = await db
    .update(outboxMessages)
    .set({ providerMessageId: SMS_HANDOFF_MARK })
    .where(and(ownedBy(row), isNull(outboxMessages.providerMessageId)))
    .returning({ id: outboxMessages.id });
  return updated.length > 0;
}

async function markSent(db: Database, row: OutboxMessage, providerMessageId: string): Promise<Outcome> {
  const sentAt = now();
  // An SMS counts in the clinic's month in the transaction that marks it sent.
  const count = row.channel === 'sms' ? (tx: Executor) => recordSmsSent(tx, row.tenantId, row.body).then(() => undefined) : undefined;
  const finished = await finish(db, row, { status: 'sent', sentAt, providerMessageId, lockedUntil: null, lastError: null }, { status: 'sent', sentAt }, count);
  if (!finished) {
    console.warn(`outbox: message ${row.id} was sent but its lease had been taken over`);
    // The provider took it and only this run knows (the new owner finds the hand-off mark and
    // marks it dead unsent): it counts here, once.
    if (count) await db.transaction(count);
    return 'lost-lease';
  }
  return 'sent';
}

async function recordFailure(db: Database, row: OutboxMessage, failure: Failure): Promise<Outcome> {
  if (!failure.retryable || row.attempts >= OUTBOX_MAX_ATTEMPTS) {
    const reason = failure.retryable ? `${failure.reason}; gave up after ${row.attempts} attempts` : failure.reason;
    return markDead(db, row, reason, { keepHandoffMark: failure.outcomeUnknown });
  }
  const updated = await db
    .update(outboxMessages)
    .set({
      status: 'pending',
      nextAttemptAt: addSeconds(now(), backoffSeconds(row.attempts)),
      lockedUntil: null,
      lastError: truncate(failure.reason),
      // The provider reported the failure, so nothing is in flight any more.
      providerMessageId: null,
    })
    .where(ownedBy(row))
    .returning({ id: outboxMessages.id });
  return updated.length > 0 ? 'retried' : 'lost-lease';
}

async function markDead(
  db: Database,
  row: OutboxMessage,
  reason: string,
  options: { keepHandoffMark?: boolean } = {},
): Promise<Outcome> {
  const finished = await finish(db, row, {
    status: 'dead',
    lockedUntil: null,
    lastError: truncate(reason),
    // The mark stays only as the record of an SMS whose outcome is unknown.
    ...(options.keepHandoffMark ? {} : { providerMessageId: null }),
  }, { status: 'failed' });
  if (!finished) return 'lost-lease';
  console.warn(`outbox: message ${row.id} (${row.channel}) is dead: ${truncate(reason)}`);
  return 'dead';
}

/**
 * Held back at send time (the suppression list, or the patient's consent): never sent, never
 * retried. last_error names the reason only (never the address).
 */
async function markSuppressed(db: Database, row: OutboxMessage, hold: HoldReason): Promise<Outcome> {
  const finished = await finish(db, row, { status: 'suppressed', lockedUntil: null, lastError: describeHold(hold), providerMessageId: null }, { status: 'suppressed' });
  return finished ? 'suppressed' : 'lost-lease';
}

/**
 * Writes a row's final state while this run still owns it and, in the same transaction, the
 * campaign recipient the row was queued for, if any (still 'queued': a recipient's outcome is
 * written once), and `alsoInTransaction` (an SMS's count). False when the lease was taken over:
 * nothing written.
 */
async function finish(
  db: Database,
  row: OutboxMessage,
  outbox: Partial<typeof outboxMessages.$inferInsert>,
  recipient: { status: 'sent'; sentAt: Date } | { status: 'failed' | 'suppressed' },
  alsoInTransaction?: (tx: Executor) => Promise<void>,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const updated = await tx.update(outboxMessages).set(outbox).where(ownedBy(row)).returning({ id: outboxMessages.id });
    if (updated.length === 0) return false;
    await tx
      .update(campaignRecipients)
      .set(recipient)
      .where(and(eq(campaignRecipients.tenantId, row.tenantId), eq(campaignRecipients.outboxMessageId, row.id), eq(campaignRecipients.status, 'queued')));
    if (alsoInTransaction) await alsoInTransaction(tx);
    return true;
  });
}

/**
 * The month's SMS budget is spent and the clinic's policy keeps this message back: 'held', not an
 * attempt, counted in the month's `held` in the same transaction (lib/sms-spend/budget.ts). Its
 * campaign recipient stays queued: it may still go when the budget allows (lib/sms-spend/release.ts).
 */
async function markHeld(db: Database, row: OutboxMessage, settings: SmsSpendSettings): Promise<Outcome> {
  const heldAt = now();
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(outboxMessages)
      .set({ status: 'held', lockedUntil: null, nextAttemptAt: heldAt, attempts: sql`${outboxMessages.attempts} - 1`, lastError: SMS_BUDGET_HOLD, providerMessageId: null })
      .where(ownedBy(row))
      .returning({ id: outboxMessages.id });
    if (updated.length === 0) return 'lost-lease';
    await recordSmsHeld(tx, row.tenantId, settings, heldAt);
    return 'held';
  });
}

/** Beyond a send-rate ceiling: back to 'pending' until the window has room, not counted as an attempt. */
async function defer(db: Database, row: OutboxMessage, seconds: number): Promise<Outcome> {
  const updated = await db
    .update(outboxMessages)
    .set({
      status: 'pending', lockedUntil: null, attempts: sql`${outboxMessages.attempts} - 1`,
      nextAttemptAt: addSeconds(now(), seconds), lastError: 'sms_rate_ceiling: deferred to the next hour',
    })
    .where(and(ownedBy(row), isNull(outboxMessages.providerMessageId)))
    .returning({ id: outboxMessages.id });
  return updated.length > 0 ? 'deferred' : 'lost-lease';
}

/** Gives a claimed row back without counting the attempt. */
async function release(db: Database, row: OutboxMessage): Promise<Outcome> {
  await db
    .update(outboxMessages)
    .set({ status: 'pending', lockedUntil: null, attempts: sql`${outboxMessages.attempts} - 1` })
    .where(and(ownedBy(row), isNull(outboxMessages.providerMessageId)));
  return 'released';
}

function providerIdempotencyKey(key: string): string {
  if (key.length <= MAX_PROVIDER_KEY_LENGTH) return key;
  return `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

function truncate(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/**
 * Error name and Postgres code only: Drizzle's messages quote the failed query's parameters,
 * which here are recipients and message bodies.
 */

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
