import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { SubscriptionForm } from '@/components/commerce/subscriptions/subscription-form';
import { SubscriptionStatusBadge } from '@/components/commerce/subscriptions/subscription-status-badge';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { hasPermission, NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { formatMoney } from '@/lib/billing/money';
import { orderLabel } from '@/lib/commerce/settings';
import { ORDER_STATUS_LABELS } from '@/lib/commerce/order-status';
import { CANCEL_REASON_CODES, CANCEL_REASON_LABELS, OTHER_REASON_MAX, SUBSCRIPTION_STATUS_LABELS } from '@/lib/commerce/subscription-forms';
import { getSubscription } from '@/lib/commerce/subscription-reads';
import { cardBrandLabel } from '@/lib/billing/staff-forms';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import type { OrderStatus } from '@/db/schema/commerce';
import {
  staffCancelSubscriptionAction, staffChangePhaseAction, staffPauseSubscriptionAction, staffRescheduleSubscriptionAction,
  staffResumeSubscriptionAction, staffSkipNextCycleAction,
} from '../actions';

export const metadata: Metadata = { title: 'Subscription' };

const linkClass = 'link';
const section = 'space-y-2 rounded-xl border border-line bg-surface p-5';

const DONE: Record<string, string> = {
  skipped: 'The next payment is skipped.', paused: 'The subscription is paused.', resumed: 'The subscription has started again.',
  rescheduled: 'The next payment date has changed.', cancelled: 'The subscription is cancelled.', phase: 'The subscription’s phase has changed.',
};

const EVENT_LABELS: Record<string, string> = {
  started: 'Started', renewed: 'Renewed', renewal_failed: 'Renewal failed', ended: 'Ended', cancelled: 'Cancelled', skipped: 'Next payment skipped',
  paused: 'Paused', resumed: 'Resumed', rescheduled: 'Next payment moved', phase_changed: 'Phase changed', retry_requested: 'Retry requested (new card)',
};
const ACTOR_LABELS = { patient: 'the patient', staff: 'staff', system: 'the system' } as const;
const RENEWAL_LABELS = { charging: 'Charging', succeeded: 'Paid', failed: 'Failed, to retry', abandoned: 'Given up' } as const;

/** "Jan 3, 2027" in the clinic's zone, as the order pages write dates. */
function dayIn(zone: string): (instant: Date | null) => string {
  const format = dateTimeFormat('en-US', { dateStyle: 'medium', timeZone: zone });
  return (instant) => (instant ? format.format(instant) : '—');
}

/** A calendar date ("2027-01-03", a pause's end) written the same way. */
function calendarDay(date: string): string {
  return dateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

function eventNote(details: Record<string, unknown>, zone: string): string {
  const parts: string[] = [];
  const day = dayIn(zone);
  const when = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? day(new Date(v)) : null);
  if (typeof details.cycle === 'number') parts.push(`cycle ${details.cycle}`);
  if (typeof details.attempt === 'number') parts.push(`attempt ${details.attempt}`);
  if (typeof details.code === 'string') parts.push(details.code.replaceAll('_', ' '));
  if (typeof details.pausedUntil === 'string') parts.push(`until ${/^\d{4}-\d{2}-\d{2}$/.test(details.pausedUntil) ? calendarDay(details.pausedUntil) : details.pausedUntil}`);
  if (typeof details.fromPhase === 'number' && typeof details.toPhase === 'number') parts.push(`phase ${details.fromPhase + 1} → ${details.toPhase + 1}`);
  if (typeof details.reason === 'string') parts.push(CANCEL_REASON_LABELS[details.reason as keyof typeof CANCEL_REASON_LABELS] ?? details.reason);
  const retry = when(details.retryAt);
  if (retry) parts.push(`retry ${retry}`);
  const next = when(details.nextCycleAt);
  if (next) parts.push(`next ${next}`);
  return parts.join(' · ');
}

/**
 * One subscription (orders.view): its product and phase, next payment, card, renewals with their
 * orders, and history; with orders.manage, the patient's actions without the clinic's limits and
 * moving it to another phase. Another clinic's subscription is a 404.
 */
export default async function SubscriptionPage({ params, searchParams }: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireStaff('emr', 'orders.view');
  const { id } = await params;
  const page = await getSubscription(getDb(), ctx, id).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const { subscription: s, zone, nextCard } = page;
  const manage = hasPermission(ctx, 'orders.manage');
  const done = (await searchParams).done;
  const notice = typeof done === 'string' ? DONE[done] : undefined;
  const money = (minor: number) => formatMoney(minor, s.currency);
  const day = dayIn(zone);
  const running = s.status === 'active' || s.status === 'paused' || s.status === 'past_due';
  const form = { audience: 'staff' as const, subscriptionId: s.id, pendingLabel: 'Saving…', errorTitle: 'There is a problem' };
  const phaseName = (position: number) => {
    const p = s.phases.find((ph) => ph.position === position);
    if (!p) return `Phase ${position + 1}`;
    const every = p.intervalCount === 1 ? p.intervalUnit : `${p.intervalCount} ${p.intervalUnit}s`;
    return `Phase ${position + 1}: ${money(p.unitAmount)} every ${every}${p.cycles === null ? ', until cancelled' : `, ${p.cycles} ${p.cycles === 1 ? 'payment' : 'payments'}`}`;
  };

  return (
    <Page
      title={s.productName}
      above={<p className="mb-2"><Link href="/emr/orders/subscriptions" className={linkClass}>Subscriptions</Link></p>}
      description={`${s.patientName}’s subscription, started ${day(s.createdAt)}.`}
    >
      {notice ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">{notice}</p> : null}
      <section aria-labelledby="summary-heading" className={section}>
        <h2 id="summary-heading" className="text-lg font-semibold">Summary</h2>
        <dl className="grid gap-3 text-sm sm:grid-cols-2">
          <div><dt className="text-fg-muted">Patient</dt><dd><Link href={`/emr/patients/${s.patientId}`} className={linkClass}>{s.patientName}</Link> <span className="font-mono text-xs text-fg-muted">{s.recordNumber}</span></dd></div>
          <div><dt className="text-fg-muted">Status</dt><dd><SubscriptionStatusBadge status={s.status} label={SUBSCRIPTION_STATUS_LABELS[s.status]} /></dd></div>
          <div><dt className="text-fg-muted">Phase now</dt><dd>{phaseName(s.phasePosition)} ({s.cyclesInPhase} charged in it)</dd></div>
          <div><dt className="text-fg-muted">Payments made</dt><dd className="tabular-nums">{s.cyclesBilled}</dd></div>
          <div><dt className="text-fg-muted">Next payment</dt><dd>{running && s.nextCycleAt ? day(s.nextCycleAt) : '—'}{s.status === 'paused' && s.pausedUntil ? ` (paused until ${calendarDay(s.pausedUntil)})` : ''}</dd></div>
          <div><dt className="text-fg-muted">Next amount</dt><dd className="tabular-nums">{running && s.nextAmount !== null ? `${money(s.nextAmount)}${s.nextPhasePosition !== null && s.nextPhasePosition !== s.phasePosition ? ` (phase ${s.nextPhasePosition + 1})` : ''}${s.couponApplies ? ', coupon applied' : ''}` : '—'}</dd></div>
          <div>
            <dt className="text-fg-muted">Card for the next payment</dt>
            <dd>{nextCard.card ? `${cardBrandLabel(nextCard.card.brand)} •••• ${nextCard.card.last4}` : 'None'}{running && nextCard.problem ? <span className="block font-medium text-red-700 dark:text-red-300">Cannot be charged: {nextCard.problem.replace('-', ' ')}</span> : null}</dd>
          </div>
          {s.status === 'past_due' ? <div><dt className="text-fg-muted">Past due</dt><dd>since {day(s.pastDueSince)}, {s.failedAttempts} failed, next try {day(s.nextRetryAt)}</dd></div> : null}
          {s.status === 'cancelled' ? <div><dt className="text-fg-muted">Cancelled</dt><dd>{day(s.cancelledAt)} by {s.cancelledBy ?? '—'}: {s.cancelReason ? CANCEL_REASON_LABELS[s.cancelReason as keyof typeof CANCEL_REASON_LABELS] ?? s.cancelReason : '—'}</dd></div> : null}
          {s.status === 'ended' ? <div><dt className="text-fg-muted">Ended</dt><dd>{day(s.endedAt)}</dd></div> : null}
          {page.firstOrder ? <div><dt className="text-fg-muted">First order</dt><dd><Link href={`/emr/orders/${page.firstOrder.id}`} className={linkClass}>{orderLabel(page.firstOrder.number)}</Link></dd></div> : null}
        </dl>
      </section>

      {manage && running ? (
        <section aria-labelledby="actions-heading" className="space-y-4">
          <h2 id="actions-heading" className="text-lg font-semibold">Change the subscription</h2>
          <div className="grid gap-4 lg:grid-cols-2">
            {s.status === 'active' && s.nextCycleAt ? (
              <section aria-labelledby="skip-heading" className={section}>
                <h3 id="skip-heading" className="font-semibold">Skip the next payment</h3>
                <p className="text-sm text-fg-muted">The payment on {day(s.nextCycleAt)} is not charged or counted.</p>
                <SubscriptionForm {...form} kind="subscriptionId" action={staffSkipNextCycleAction} id="skip" submitLabel="Skip the next payment" />
              </section>
            ) : null}
            {s.status === 'active' ? (
              <section aria-labelledby="reschedule-heading" className={section}>
                <h3 id="reschedule-heading" className="font-semibold">Move the next payment</h3>
                <SubscriptionForm {...form} kind="reschedule" action={staffRescheduleSubscriptionAction} id="reschedule" submitLabel="Move the payment"
                  fields={[{ type: 'date', name: 'date', label: 'New date', min: page.rescheduleRange?.min, hint: 'Any later date; later payments keep the new day of the month.' }]} />
              </section>
            ) : null}
            {s.status === 'active' ? (
              <section aria-labelledby="pause-heading" className={section}>
                <h3 id="pause-heading" className="font-semibold">Pause</h3>
                <SubscriptionForm {...form} kind="pause" action={staffPauseSubscriptionAction} id="pause" submitLabel="Pause"
                  fields={[{ type: 'date', name: 'until', label: 'Pause until', min: page.rescheduleRange?.min, hint: 'It starts again by itself on this date.' }]} />
              </section>
            ) : null}
            {s.status === 'paused' ? (
              <section aria-labelledby="resume-heading" className={section}>
                <h3 id="resume-heading" className="font-semibold">Resume now</h3>
                <SubscriptionForm {...form} kind="subscriptionId" action={staffResumeSubscriptionAction} id="resume" submitLabel="Resume now" tone="primary" />
              </section>
            ) : null}
            {s.phases.length > 1 ? (
              <section aria-labelledby="phase-heading" className={section}>
                <h3 id="phase-heading" className="font-semibold">Change the phase</h3>
                <p className="text-sm text-fg-muted">The chosen phase charges the next payment; its count starts again.</p>
                <SubscriptionForm {...form} kind="phase" action={staffChangePhaseAction} id="phase" submitLabel="Change the phase"
                  fields={[{ type: 'select', name: 'position', label: 'Phase', defaultValue: String(s.phasePosition), options: s.phases.map((p) => ({ value: String(p.position), label: phaseName(p.position) })) }]} />
              </section>
            ) : null}
            <section aria-labelledby="cancel-heading" className={section}>
              <h3 id="cancel-heading" className="font-semibold">Cancel</h3>
              <p className="text-sm text-fg-muted">Nothing is charged after it. An unpaid renewal is given up (its order cancelled, its invoice voided).</p>
              <SubscriptionForm {...form} kind="cancel" action={staffCancelSubscriptionAction} id="cancel" submitLabel="Cancel the subscription" tone="danger"
                fields={[
                  { type: 'radios', name: 'reason', legend: 'Reason', options: CANCEL_REASON_CODES.map((code) => ({ value: code, label: CANCEL_REASON_LABELS[code] })) },
                  { type: 'text', name: 'other', label: 'Note (optional, kept on the subscription only)', maxLength: OTHER_REASON_MAX },
                ]} />
            </section>
          </div>
        </section>
      ) : null}

      <section aria-labelledby="renewals-heading" className={section}>
        <h2 id="renewals-heading" className="text-lg font-semibold">Renewals</h2>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Renewals, latest first</caption>
            <thead className="border-b border-line text-fg-muted">
              <tr><th scope="col" className="px-3 py-2 font-medium">Payment</th><th scope="col" className="px-3 py-2 font-medium">Renewal</th><th scope="col" className="px-3 py-2 font-medium">Tries</th><th scope="col" className="px-3 py-2 font-medium">Order</th><th scope="col" className="px-3 py-2 text-right font-medium">Total</th></tr>
            </thead>
            <tbody className="divide-y divide-line">
              {page.renewals.map((r) => (
                <tr key={r.id}>
                  <td className="px-3 py-2">{r.cycleNumber}</td>
                  <td className="px-3 py-2">{RENEWAL_LABELS[r.status]}</td>
                  <td className="px-3 py-2 tabular-nums">{r.attempts}</td>
                  <td className="px-3 py-2">{r.orderId && r.orderNumber ? <><Link href={`/emr/orders/${r.orderId}`} className={linkClass}>{orderLabel(r.orderNumber)}</Link> <span className="text-fg-muted">{r.orderStatus ? ORDER_STATUS_LABELS[r.orderStatus as OrderStatus] : ''}</span></> : '—'}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{r.total !== null ? money(r.total) : '—'}</td>
                </tr>
              ))}
              {page.renewals.length === 0 ? <tr><td colSpan={5} className="px-3 py-4 text-center text-fg-muted">No renewals yet: the first payment was the checkout.</td></tr> : null}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="history-heading" className={section}>
        <h2 id="history-heading" className="text-lg font-semibold">History</h2>
        <ol className="divide-y divide-line">
          {page.events.map((e) => (
            <li key={e.id} className="flex flex-wrap justify-between gap-2 py-2 text-sm">
              <span><span className="font-medium">{EVENT_LABELS[e.action] ?? e.action}</span> by {ACTOR_LABELS[e.actorKind]}{eventNote(e.details, zone) ? <span className="text-fg-muted"> — {eventNote(e.details, zone)}</span> : null}</span>
              <time dateTime={e.occurredAt.toISOString()} className="text-fg-muted">{day(e.occurredAt)}</time>
            </li>
          ))}
        </ol>
      </section>
    </Page>
  );
}
