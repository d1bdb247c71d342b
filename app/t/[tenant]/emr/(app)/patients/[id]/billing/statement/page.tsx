import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PrintButton } from '@/components/emr/print-button';
import { StatementPrintAudit } from '@/components/emr/statement-print-audit';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { formatMoney } from '@/lib/billing/money';
import { patientStatement, StatementRangeError } from '@/lib/billing/statements';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { addDays } from '@/lib/scheduling/zoned-time';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';
import { recordStatementPrintedAction } from './actions';

export const metadata: Metadata = { title: 'Statement' };

const th = 'px-3 py-2 font-medium';
const td = 'cell';
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** A patient's statement for a date range (billing.view), laid out to print. */
export default async function PatientStatementPage({ params, searchParams }: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireStaff('emr', 'billing.view');
  const { id } = await params;
  const raw = await searchParams;
  const db = getDb();
  const today = await clinicToday(db, ctx.tenant.id);
  const range = { from: first(raw.from) ?? addDays(today, -90), to: first(raw.to) ?? today };
  let statement: Awaited<ReturnType<typeof patientStatement>> | null = null;
  let errors: Record<string, string> = {};
  try {
    statement = await patientStatement(db, ctx, id, range);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    if (!(error instanceof StatementRangeError)) throw error;
    errors = error.fieldErrors ?? {};
  }
  const profile = await getTenantProfile(ctx.tenant.id);
  const money = (minor: number) => formatMoney(minor, statement?.currency ?? 'USD');

  return (
    <div className="space-y-4">
      <form method="get" className="flex flex-wrap items-end gap-3 print:hidden" aria-label="Statement dates">
        <div>
          <label htmlFor="from" className="block text-sm font-medium">First day</label>
          <input id="from" type="date" name="from" defaultValue={range.from} required aria-invalid={errors.from ? true : undefined}
            aria-describedby={errors.from ? 'from-error' : undefined} className="mt-1 rounded-lg border border-line bg-surface px-3 py-2.5" />
          {errors.from ? <p id="from-error" className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{errors.from}</p> : null}
        </div>
        <div>
          <label htmlFor="to" className="block text-sm font-medium">Last day</label>
          <input id="to" type="date" name="to" defaultValue={range.to} required aria-invalid={errors.to ? true : undefined}
            aria-describedby={errors.to ? 'to-error' : undefined} className="mt-1 rounded-lg border border-line bg-surface px-3 py-2.5" />
          {errors.to ? <p id="to-error" className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{errors.to}</p> : null}
        </div>
        <button type="submit" className="inline-flex min-h-11 items-center rounded-lg border border-line px-4 font-medium hover:bg-surface-muted">Show statement</button>
        {statement ? <PrintButton /> : null}
        {/* Printing is audited: the patient's access log shows who printed their statement. */}
        {statement ? <StatementPrintAudit action={recordStatementPrintedAction} patientId={id} from={statement.from} to={statement.to} /> : null}
        <Link href={`/emr/patients/${id}/billing`} className="ml-auto link">Back to billing</Link>
      </form>

      {statement ? (
        <article aria-labelledby="statement-heading" className="rounded-xl border border-line bg-surface p-5 print:border-0 print:p-0">
          <header>
            <p className="text-sm text-fg-muted">{profile?.branding.displayName ?? ctx.tenant.name}</p>
            <h2 id="statement-heading" className="text-xl font-semibold">Statement for {statement.patient.firstName} {statement.patient.lastName}</h2>
            <p className="text-sm text-fg-muted">Record {statement.patient.recordNumber} · {statement.from} to {statement.to} ({statement.timeZone})</p>
          </header>
          <div className="mt-4 overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Opening balance, every entry of the period with the balance after it, and the closing balance</caption>
              <thead className="border-b border-line text-fg-muted">
                <tr><th scope="col" className={th}>Date</th><th scope="col" className={th}>Entry</th><th scope="col" className={th}>Invoice</th><th scope="col" className={th}>Memo</th><th scope="col" className={`${th} text-right`}>Amount</th><th scope="col" className={`${th} text-right`}>Balance</th></tr>
              </thead>
              <tbody className="divide-y divide-line">
                <tr>
                  <th scope="row" colSpan={5} className={`${td} font-medium`}>Opening balance on {statement.from}</th>
                  <td className={`${td} text-right font-medium tabular-nums`}>{money(statement.openingBalance)}</td>
                </tr>
                {statement.entries.map((e) => (
                  <tr key={e.id}>
                    <td className={td}>{e.date}</td>
                    <td className={td}>{e.kindLabel}</td>
                    <td className={td}>{e.invoiceLabel ?? '—'}</td>
                    <td className={td}>{'memo' in e && e.memo ? e.memo : ''}</td>
                    <td className={`${td} text-right tabular-nums`}>{money(e.amount)}</td>
                    <td className={`${td} text-right tabular-nums`}>{money(e.balance)}</td>
                  </tr>
                ))}
                {statement.entries.length === 0 ? <tr><td colSpan={6} className="px-3 py-4 text-center text-fg-muted">Nothing happened in this period.</td></tr> : null}
                <tr>
                  <th scope="row" colSpan={5} className={`${td} font-semibold`}>Closing balance on {statement.to}</th>
                  <td className={`${td} text-right font-semibold tabular-nums`}>{money(statement.closingBalance)}</td>
                </tr>
              </tbody>
            </table>
          </div>
          {statement.truncated ? <p className="mt-3 text-sm">The period has more entries than one statement lists. Choose a shorter period to see them all; the balances above are right.</p> : null}
          <p className="mt-3 text-sm text-fg-muted">Positive amounts raise what the patient owes (invoices, refunds); negative amounts lower it (payments, credits, voids, write-offs).</p>
        </article>
      ) : null}
    </div>
  );
}
