import type { Metadata } from 'next';
import { SmsSpendForm } from '@/components/crm/sms-spend-form';
import { Page } from '@/components/ui/page';
import { CardSection, FormSection } from '@/components/ui/sections';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { formatUsd, formatUsdPrice, monthLabel, percentUsed, SMS_WARNING_PERCENT, warningThreshold } from '@/lib/sms-spend/rules';
import { smsUsageOverview } from '@/lib/sms-spend/settings';
import { saveSmsSpendSettingsAction } from './actions';

export const metadata: Metadata = { title: 'SMS usage' };

const th = 'px-3 py-2 font-medium';
const td = 'px-3 py-2 tabular-nums';
const n = (value: number) => value.toLocaleString('en-US');

const STATE_WORDS = {
  none: 'No monthly budget: every text goes out (within the hourly limits).',
  under: 'Within the budget.',
  warned: `Past ${SMS_WARNING_PERCENT} % of the budget: the clinic’s admins have been told by email.`,
  exhausted: 'The budget is used up for this month.',
} as const;

/** CRM → SMS usage (settings.manage): this month against the budget, six months, the spend guard's settings. */
export default async function SmsUsagePage() {
  const ctx = await requireStaff('crm', 'settings.manage');
  const usage = await smsUsageOverview(getDb(), ctx);
  const [current] = usage.months;
  const { settings } = usage;
  const budget = settings.monthlyBudget;
  const percent = budget === null ? 0 : percentUsed(current!.sent, budget);
  return (
    <Page title="SMS usage" description="Text messages the clinic has sent this month and before, what they are estimated to cost, and the budget and limits that keep the bill in hand.">
      <CardSection id="sms-month-heading" title={`This month (${monthLabel(current!.month)})`} description="Counted when the SMS provider accepts a message, sign-in codes included; months run in UTC.">
        <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-4" data-testid="sms-month">
          <div><dt className="text-sm text-fg-muted">Sent</dt><dd className="text-2xl font-semibold tabular-nums">{n(current!.sent)}</dd></div>
          <div><dt className="text-sm text-fg-muted">Segments</dt><dd className="text-2xl font-semibold tabular-nums">{n(current!.segments)}</dd></div>
          <div><dt className="text-sm text-fg-muted">Held by the budget</dt><dd className="text-2xl font-semibold tabular-nums">{n(current!.held)}</dd></div>
          <div><dt className="text-sm text-fg-muted">Estimated cost</dt><dd className="text-2xl font-semibold tabular-nums">{formatUsd(current!.costMicroUsd)}</dd></div>
        </dl>
        {budget === null ? null : (
          <div className="mt-5">
            <p className="text-sm font-medium" id="sms-budget-bar-label">
              {n(current!.sent)} of {n(budget)} messages ({percent} %)
            </p>
            {/* Decorative: the sentence above and below says what the bar shows. */}
            <div aria-hidden="true" className="relative mt-2 h-4 overflow-hidden rounded-full border border-line bg-surface-muted">
              <div className={`h-full ${usage.state === 'exhausted' ? 'bg-red-700' : usage.state === 'warned' ? 'bg-amber-600' : 'bg-brand-accent'}`} style={{ width: `${Math.min(percent, 100)}%` }} />
              <div className="absolute inset-y-0 w-0.5 bg-fg" style={{ left: `${SMS_WARNING_PERCENT}%` }} />
            </div>
            <p className="mt-1 text-sm text-fg-muted">The line marks {SMS_WARNING_PERCENT} % ({n(warningThreshold(budget))} messages), where admins are warned.</p>
          </div>
        )}
        <p className="mt-4 text-sm" data-testid="sms-budget-state">{STATE_WORDS[usage.state]}</p>
        <p className="mt-1 text-sm text-fg-muted">
          Cost is an estimate at {formatUsdPrice(usage.pricePerSegmentMicroUsd)} a segment; the SMS provider’s bill is the real figure.
        </p>
      </CardSection>

      <CardSection id="sms-months-heading" title="The last six months">
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Text messages per month, this month first</caption>
            <thead className="border-b border-line text-fg-muted">
              <tr>
                <th scope="col" className={th}>Month</th>
                <th scope="col" className={`${th} text-right`}>Sent</th>
                <th scope="col" className={`${th} text-right`}>Segments</th>
                <th scope="col" className={`${th} text-right`}>Held</th>
                <th scope="col" className={`${th} text-right`}>Estimated cost</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {usage.months.map((m) => (
                <tr key={m.month}>
                  <th scope="row" className={`${th} text-left`}>{monthLabel(m.month)}</th>
                  <td className={`${td} text-right`}>{n(m.sent)}</td>
                  <td className={`${td} text-right`}>{n(m.segments)}</td>
                  <td className={`${td} text-right`}>{n(m.held)}</td>
                  <td className={`${td} text-right`}>{formatUsd(m.costMicroUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="mt-3 text-sm text-fg-muted">Held: messages the budget kept back in that month that have not gone out.</p>
      </CardSection>

      <FormSection id="sms-settings-heading" title="Budget and limits" description="Changes are recorded in the audit log.">
        <SmsSpendForm action={saveSmsSpendSettingsAction} initial={settings} />
      </FormSection>
    </Page>
  );
}
