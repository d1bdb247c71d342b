import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { SubscriptionForm, type SubscriptionField } from '@/components/commerce/subscriptions/subscription-form';
import { SubscriptionStatusBadge } from '@/components/commerce/subscriptions/subscription-status-badge';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { formatMoney } from '@/lib/billing/money';
import { portalBillingEnabled } from '@/lib/billing/settings';
import { CANCEL_REASON_CODES, OTHER_REASON_MAX } from '@/lib/commerce/subscription-forms';
import { getPortalSubscription } from '@/lib/commerce/subscription-reads';
import { INTL_LOCALE } from '@/lib/i18n/core';
import { subscriptionsMessages, type SubscriptionsKey } from '@/lib/i18n/messages/subscriptions';
import { getPortalI18n } from '@/lib/i18n/portal';
import { zonedDate } from '@/lib/scheduling/zoned-time';
import {
  cancelSubscriptionAction, pauseSubscriptionAction, rescheduleSubscriptionAction, resumeSubscriptionAction, skipNextCycleAction,
} from '../actions';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(subscriptionsMessages);
  return { title: t('title') };
}

const DONE = { skipped: 'done_skipped', paused: 'done_paused', resumed: 'done_resumed', rescheduled: 'done_rescheduled', cancelled: 'done_cancelled' } as const;
const EVENT_KEYS = new Set(['started', 'renewed', 'renewal_failed', 'ended', 'cancelled', 'skipped', 'paused', 'resumed', 'rescheduled', 'phase_changed', 'retry_requested']);
const textLink = 'inline-flex min-h-11 items-center link';

/**
 * One subscription of the selected patient (issue 17 point 8): the product, the price now and
 * of the next payment, its date, the card it will use (with a way to change cards), what the
 * patient may do to it — each only as the clinic allows — and its history. Another patient's
 * or clinic's subscription answers 404.
 */
export default async function PortalSubscriptionPage({ params, searchParams }: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const portal = await requirePortalPatient('orders');
  const { t, fmt, locale } = await getPortalI18n(subscriptionsMessages);
  const { id } = await params;
  const db = getDb();
  const [page, billingShown] = await Promise.all([
    getPortalSubscription(db, portal, id).catch((error: unknown) => {
      if (error instanceof NotFoundError) notFound();
      throw error;
    }),
    portalBillingEnabled(db, portal.tenant.id),
  ]);
  const { subscription: s, limits, nextCard, zone } = page;
  const done = (await searchParams).done;
  const notice = typeof done === 'string' && Object.hasOwn(DONE, done) ? t(DONE[done as keyof typeof DONE]) : undefined;
  const money = (minor: number) => formatMoney(minor, s.currency, INTL_LOCALE[locale]);
  const day = (instant: Date) => fmt.calendarDate(zonedDate(instant, zone));
  const running = s.status === 'active' || s.status === 'paused' || s.status === 'past_due';
  const nextDay = s.nextCycleAt ? day(s.nextCycleAt) : null;
  const errors = Object.fromEntries((['fixErrors', 'errNotFound', 'errPauseDate', 'errNextDate', 'errReason', 'errOther'] as const).map((k) => [k, t(k)]));
  const formText = { pendingLabel: t('working'), errorTitle: t('errorSummary'), errors };
  const cardText = nextCard.card ? t('cardValue', { brand: nextCard.card.brand.charAt(0).toUpperCase() + nextCard.card.brand.slice(1), last4: nextCard.card.last4 }) : t('cardNone');

  const dateField = (name: string, label: string, min: string | undefined, max: string | undefined, hint: string): SubscriptionField => ({ type: 'date', name, label, min, max, hint });

  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <p><Link href="/portal/subscriptions" className={textLink}>{t('backToList')}</Link></p>
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold" data-testid="subscription-heading">{s.productName}</h1>
        <SubscriptionStatusBadge status={s.status} label={t(`status_${s.status}`)} />
      </header>
      {notice ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm" data-testid="subscription-notice">{notice}</p> : null}

      {s.status === 'past_due' ? (
        <div role="alert" className="space-y-2 rounded-lg border-2 border-red-600 bg-red-50 p-3 text-red-900 dark:bg-red-950 dark:text-red-50">
          <p className="font-medium">{s.nextRetryAt ? t('pastDueNotice', { date: day(s.nextRetryAt) }) : t('pastDueLast')}</p>
          {billingShown ? <Link href="/portal/billing/cards" className="font-semibold underline underline-offset-2">{t('changeCard')}</Link> : null}
        </div>
      ) : running && nextCard.problem ? (
        <p className="rounded-lg border-2 border-amber-600 bg-amber-50 p-3 font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-50" data-testid="card-problem">
          {t(`problem_${nextCard.problem.replace('-', '_')}` as SubscriptionsKey)}
        </p>
      ) : null}
      {s.status === 'paused' && s.pausedUntil ? <p className="rounded-lg border border-line bg-surface-muted p-3">{t('pausedUntil', { date: fmt.calendarDate(s.pausedUntil) })}</p> : null}
      {s.status === 'cancelled' && s.cancelledAt ? <p className="rounded-lg border border-line bg-surface-muted p-3">{t('cancelledOn', { date: day(s.cancelledAt) })}</p> : null}
      {s.status === 'ended' && s.endedAt ? <p className="rounded-lg border border-line bg-surface-muted p-3">{t('endedOn', { date: day(s.endedAt) })}</p> : null}

      <dl className="space-y-2 rounded-xl border border-line bg-surface p-4" data-testid="subscription-details">
        <div className="flex flex-wrap justify-between gap-2">
          <dt className="text-fg-muted">{t('nextPaymentTerm')}</dt>
          <dd className="font-medium">{running && nextDay ? nextDay : t('noNextPayment')}</dd>
        </div>
        {s.currentAmount !== null ? (
          <div className="flex flex-wrap justify-between gap-2"><dt className="text-fg-muted">{t('priceNowTerm')}</dt><dd className="font-medium tabular-nums">{money(s.currentAmount)}</dd></div>
        ) : null}
        {running && s.nextAmount !== null ? (
          <div className="flex flex-wrap justify-between gap-2">
            <dt className="text-fg-muted">{t('priceNextTerm')}</dt>
            <dd className="text-right"><span className="text-lg font-semibold tabular-nums" data-testid="next-amount">{money(s.nextAmount)}</span><span className="block text-sm text-fg-muted">{t('priceNextHelp')}</span></dd>
          </div>
        ) : null}
        <div className="flex flex-wrap items-center justify-between gap-2">
          <dt className="text-fg-muted">{t('cardTerm')}</dt>
          <dd className="flex flex-wrap items-center gap-3">
            <span className="font-medium" data-testid="subscription-card">{cardText}</span>
            {billingShown && running ? <Link href="/portal/billing/cards" className={textLink}>{t('changeCard')}</Link> : null}
          </dd>
        </div>
        <div className="flex flex-wrap justify-between gap-2"><dt className="text-fg-muted">{t('paymentsTerm')}</dt><dd className="font-medium tabular-nums">{s.cyclesBilled}</dd></div>
        <div className="flex flex-wrap justify-between gap-2"><dt className="text-fg-muted">{t('startedTerm')}</dt><dd className="font-medium">{day(s.createdAt)}</dd></div>
      </dl>

      {running ? (
        <section aria-labelledby="actions-heading" className="space-y-4">
          <h2 id="actions-heading" className="text-xl font-semibold">{t('actionsHeading')}</h2>
          {s.status === 'active' && limits.allowSkip && nextDay ? (
            <section aria-labelledby="skip-heading" className="space-y-2 rounded-xl border border-line bg-surface p-4">
              <h3 id="skip-heading" className="text-lg font-semibold">{t('skipHeading')}</h3>
              <p className="text-sm text-fg-muted">{t('skipHelp', { date: nextDay })}</p>
              <SubscriptionForm audience="portal" kind="subscriptionId" action={skipNextCycleAction} subscriptionId={s.id} id="skip" submitLabel={t('skipButton', { date: nextDay })} testId="skip-form" {...formText} />
            </section>
          ) : null}
          {s.status === 'active' && limits.allowReschedule && page.rescheduleRange ? (
            <section aria-labelledby="reschedule-heading" className="space-y-2 rounded-xl border border-line bg-surface p-4">
              <h3 id="reschedule-heading" className="text-lg font-semibold">{t('rescheduleHeading')}</h3>
              <SubscriptionForm audience="portal" kind="reschedule" action={rescheduleSubscriptionAction} subscriptionId={s.id} id="reschedule" testId="reschedule-form"
                fields={[dateField('date', t('rescheduleLabel'), page.rescheduleRange.min, page.rescheduleRange.max,
                  `${t('rescheduleHelp', { min: fmt.calendarDate(page.rescheduleRange.min), max: fmt.calendarDate(page.rescheduleRange.max) })} ${t('dateFormatHint')}`)]}
                submitLabel={t('rescheduleButton')} {...formText} />
            </section>
          ) : null}
          {s.status === 'active' && limits.allowPause ? (
            <section aria-labelledby="pause-heading" className="space-y-2 rounded-xl border border-line bg-surface p-4">
              <h3 id="pause-heading" className="text-lg font-semibold">{t('pauseHeading')}</h3>
              <SubscriptionForm audience="portal" kind="pause" action={pauseSubscriptionAction} subscriptionId={s.id} id="pause" testId="pause-form"
                fields={[dateField('until', t('pauseUntilLabel'), addDay(page.today), page.pauseMax, `${t('pauseHelp', { days: limits.maxPauseDays })} ${t('dateFormatHint')}`)]}
                submitLabel={t('pauseButton')} {...formText} />
            </section>
          ) : null}
          {s.status === 'paused' ? (
            <section aria-labelledby="resume-heading" className="space-y-2 rounded-xl border border-line bg-surface p-4">
              <h3 id="resume-heading" className="text-lg font-semibold">{t('resumeHeading')}</h3>
              <p className="text-sm text-fg-muted">{t('resumeHelp')}</p>
              <SubscriptionForm audience="portal" kind="subscriptionId" action={resumeSubscriptionAction} subscriptionId={s.id} id="resume" submitLabel={t('resumeButton')} tone="primary" testId="resume-form" {...formText} />
            </section>
          ) : null}
          {limits.allowCancel ? (
            <section aria-labelledby="cancel-heading" className="space-y-2 rounded-xl border border-line bg-surface p-4">
              <h3 id="cancel-heading" className="text-lg font-semibold">{t('cancelHeading')}</h3>
              <p className="text-sm text-fg-muted">{t('cancelHelp')}</p>
              <SubscriptionForm audience="portal" kind="cancel" action={cancelSubscriptionAction} subscriptionId={s.id} id="cancel" testId="cancel-form" tone="danger"
                fields={[
                  { type: 'radios', name: 'reason', legend: t('reasonLegend'), options: CANCEL_REASON_CODES.map((code) => ({ value: code, label: t(`reason_${code}`) })) },
                  { type: 'text', name: 'other', label: t('otherLabel'), maxLength: OTHER_REASON_MAX },
                ]}
                submitLabel={t('cancelButton')} {...formText} />
            </section>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="history-heading" className="space-y-2">
        <h2 id="history-heading" className="text-xl font-semibold">{t('historyHeading')}</h2>
        {page.events.length === 0 ? <p className="text-fg-muted">{t('historyNone')}</p> : (
          <ol className="divide-y divide-line rounded-xl border border-line bg-surface" data-testid="subscription-history">
            {page.events.map((e) => (
              <li key={e.id} className="flex flex-wrap justify-between gap-2 px-4 py-3">
                <span className="font-medium">{EVENT_KEYS.has(e.action) ? t(`event_${e.action}` as SubscriptionsKey) : e.action} <span className="font-normal text-fg-muted">{t(`actor_${e.actorKind}`)}</span></span>
                <time dateTime={e.occurredAt.toISOString()} className="text-fg-muted">{day(e.occurredAt)}</time>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

function addDay(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
