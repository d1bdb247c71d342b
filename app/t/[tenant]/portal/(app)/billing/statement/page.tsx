import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '@/components/portal/empty-state';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { isCalendarDate } from '@/lib/billing/invoice-forms';
import { formatMoney } from '@/lib/billing/money';
import { portalStatement, StatementRangeError, type PortalStatement } from '@/lib/billing/statements';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { INTL_LOCALE } from '@/lib/i18n/core';
import { billing } from '@/lib/i18n/messages/billing';
import { getPortalI18n } from '@/lib/i18n/portal';
import { addDays } from '@/lib/scheduling/zoned-time';
import { orNotFound, textLink } from '../billing-page';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(billing);
  return { title: t('statementTitle') };
}

const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);

/**
 * A statement for a date range (issue 16 point 1): the balance at the start of the first day,
 * every charge, payment, refund and adjustment with the balance after it, and the balance at the
 * end of the last day, in the clinic's calendar. A GET form: the range is in the address.
 */
export default async function PortalStatementPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const portal = await requirePortalPatient('billing');
  const { t, fmt, locale } = await getPortalI18n(billing);
  const query = await searchParams;
  const db = getDb();
  const today = await clinicToday(db, portal.tenant.id);
  const from = one(query.from) ?? addDays(today, -89);
  const to = one(query.to) ?? today;
  let statement: PortalStatement | undefined;
  let rangeError = false;
  try {
    statement = await orNotFound(portalStatement(db, portal, { from, to }));
  } catch (error) {
    if (!(error instanceof StatementRangeError)) throw error;
    rangeError = true;
  }
  const money = (minor: number) => formatMoney(minor, statement?.currency ?? 'USD', INTL_LOCALE[locale]);
  const day = (iso: string) => (isCalendarDate(iso) ? fmt.calendarDate(iso) : iso);

  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <p><Link href="/portal/billing" className={textLink}>{t('backToBilling')}</Link></p>
      <header>
        <h1 className="text-2xl font-semibold">{t('statementTitle')}</h1>
        <p className="mt-1 text-fg-muted">{t('statementIntro')}</p>
      </header>
      <form method="get" className="grid gap-4 rounded-xl border border-line bg-surface p-4 sm:grid-cols-[1fr_1fr_auto] sm:items-end" aria-label={t('statementTitle')}>
        <TextField name="from" type="date" label={t('fromLabel')} defaultValue={from} required max="9999-12-31" error={rangeError ? t('statementRangeError') : undefined} />
        <TextField name="to" type="date" label={t('toLabel')} defaultValue={to} required max="9999-12-31" />
        <PrimaryButton type="submit">{t('showStatement')}</PrimaryButton>
      </form>
      {rangeError ? <FormMessage message={t('statementRangeError')} /> : null}

      {statement ? (
        <section aria-labelledby="statement-heading" className="space-y-3" data-testid="statement">
          <h2 id="statement-heading" className="sr-only">{t('statementTitle')}</h2>
          <p className="flex flex-wrap justify-between gap-2 rounded-xl border border-line bg-surface p-3 font-medium">
            <span>{t('openingBalance', { date: day(statement.from) })}</span>
            <span className="tabular-nums" data-testid="statement-opening">{money(statement.openingBalance)}</span>
          </p>
          {statement.entries.length === 0 ? <EmptyState title={t('statementNone')} /> : (
            <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
              {statement.entries.map((e) => (
                <li key={e.id} className="flex flex-wrap items-start justify-between gap-2 p-3">
                  <div className="min-w-0">
                    <p className="font-medium">{t(`kind_${e.kind}`)}{e.invoiceLabel ? ` · ${e.invoiceLabel}` : ''}</p>
                    <p className="text-sm text-fg-muted">{day(e.date)}</p>
                  </div>
                  <div className="text-right">
                    <p className="font-semibold tabular-nums">{money(e.amount)}</p>
                    <p className="text-sm text-fg-muted">{t('colBalance')}: <span className="tabular-nums">{money(e.balance)}</span></p>
                  </div>
                </li>
              ))}
            </ul>
          )}
          {statement.truncated ? <FormMessage tone="info" message={t('statementTruncated')} /> : null}
          <p className="flex flex-wrap justify-between gap-2 rounded-xl border border-line bg-surface p-3 text-lg font-semibold">
            <span>{t('closingBalance', { date: day(statement.to) })}</span>
            <span className="tabular-nums" data-testid="statement-closing">{money(statement.closingBalance)}</span>
          </p>
        </section>
      ) : null}
    </div>
  );
}
