import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, locations, patients } from '@/db/schema';
import { grantAuthorization, saveCard } from '@/lib/billing/cards';
import { chargeSavedCard, recordDeskPayment, refundPayment } from '@/lib/billing/desk';
import { csvAmount, dayPaymentsReport } from '@/lib/billing/reports';
import { setClockForTests } from '@/lib/clock';
import { ForbiddenError } from '@/lib/kernel/errors';
import { hostFor, invokeRoute, signIn, type Outcome } from '../support/action-harness';
import { billingClinic, key, openInvoiceOf, refusal, testCard } from './billing-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * The day's payments report (issue 16 point 6): totals per location and per method for a day of
 * the clinic's calendar (New York here), payments that went through that day less refunds made
 * that day, and its CSV export with every text cell safe to open in a spreadsheet.
 */

const { GET: reportCsv } = await import('@/app/t/[tenant]/emr/(app)/billing/report.csv/route');

const db = () => getDb();
const VISA = '4242424242424242';
const at = (iso: string) => setClockForTests(() => new Date(iso));
afterEach(() => setClockForTests(undefined));

/**
 * A New York clinic with two desks and a day of money (2030-01-07, New York time):
 *   Downtown: cash $100 (10:00), check $25 (11:00, reference "+1-555 =SUM"); $30 of the cash refunded (16:00)
 *   Uptown:   card terminal $40 (12:00)
 *   online:   the card on file $50 (13:00)
 * and, around it, a cash payment at 23:30 the evening before (a UTC day later) and a refund of
 * the terminal payment the morning after: both belong to other days.
 */
async function dayOfMoney() {
  const w = await billingClinic();
  const [downtown, uptown] = await db().insert(locations).values([
    { tenantId: w.tenant.id, name: 'Downtown', addressLine1: '1 Main St', city: 'New York', timeZone: 'America/New_York' },
    { tenantId: w.tenant.id, name: 'Uptown', addressLine1: '200 W 110th St', city: 'New York', timeZone: 'America/New_York' },
  ]).returning();
  // A name a spreadsheet would run as a formula, and a comma and quotes to escape.
  await db().update(patients).set({ firstName: '=HYPERLINK("http://evil.test")', lastName: 'Lopez, "Jr"' }).where(eq(patients.id, w.leo.id));
  const invoice = await openInvoiceOf(w.tenant.id, w.leo.id, 100_000);
  const desk = (method: 'cash' | 'check' | 'card_terminal', amount: number, locationId: string, reference: string | null = null) =>
    recordDeskPayment(db(), w.desk, { attemptKey: key(), patientId: w.leo.id, invoiceIds: [invoice.id], amount, method, reference, locationId });

  at('2030-01-07T04:30:00Z'); // 23:30 on the 6th in New York
  await desk('cash', 7_700, downtown!.id);
  at('2030-01-07T15:00:00Z');
  const cash = await desk('cash', 10_000, downtown!.id);
  at('2030-01-07T16:00:00Z');
  await desk('check', 2_500, downtown!.id, '+1-555 =SUM');
  at('2030-01-07T17:00:00Z');
  const terminal = await desk('card_terminal', 4_000, uptown!.id, 'T-1');
  at('2030-01-07T18:00:00Z');
  const fee = await openInvoiceOf(w.tenant.id, w.leo.id, 5_000, 'no_show_fee');
  const saved = await saveCard(db(), w.mariaForLeo, { attemptKey: key(), token: await testCard(w.tenant.id, VISA), authorize: null });
  await grantAuthorization(db(), w.mariaForLeo, saved.savedCardId!, { scopes: ['no_show_fees'], maxAmount: null });
  expect(await chargeSavedCard(db(), w.desk, { invoiceId: fee.id, attemptKey: key(), amount: 5_000 })).toMatchObject({ status: 'succeeded' });
  at('2030-01-07T21:00:00Z');
  await refundPayment(db(), w.desk, cash.id, { attemptKey: key(), amount: 3_000, reason: 'Overpaid', creditInvoice: true });
  at('2030-01-08T14:00:00Z');
  await refundPayment(db(), w.desk, terminal.id, { attemptKey: key(), amount: 1_000, reason: 'Overpaid', creditInvoice: true });
  at('2030-01-08T15:00:00Z');
  return { w, downtown: downtown!, uptown: uptown! };
}

const totals = (list: { label: string; payments: number; refunds: number; net: number; count: number }[]) =>
  Object.fromEntries(list.map((t) => [t.label, [t.payments, t.refunds, t.net, t.count]]));

describe("the day's payments report", () => {
  it('totals each location and method for the clinic day, refunds subtracted on the day they were made', async () => {
    const { w } = await dayOfMoney();
    const report = await dayPaymentsReport(db(), w.desk, '2030-01-07');
    expect(report.timeZone).toBe('America/New_York');
    expect(totals(report.byLocation)).toEqual({
      Downtown: [12_500, 3_000, 9_500, 3],
      Uptown: [4_000, 0, 4_000, 1],
      'No location (online or card on file)': [5_000, 0, 5_000, 1],
    });
    expect(totals(report.byMethod)).toEqual({
      Cash: [10_000, 3_000, 7_000, 2],
      Check: [2_500, 0, 2_500, 1],
      'Card terminal': [4_000, 0, 4_000, 1],
      'Card on file': [5_000, 0, 5_000, 1],
    });
    expect(report.total).toMatchObject({ payments: 21_500, refunds: 3_000, net: 18_500, count: 5 });
    expect(report.rows.map((r) => [r.time, r.kind, r.methodLabel, r.net])).toEqual([
      ['10:00', 'payment', 'Cash', 10_000],
      ['11:00', 'payment', 'Check', 2_500],
      ['12:00', 'payment', 'Card terminal', 4_000],
      ['13:00', 'payment', 'Card on file', 5_000],
      ['16:00', 'refund', 'Cash', -3_000],
    ]);

    // The evening before is the 6th in New York (the 7th in UTC); the terminal refund is the 8th's.
    expect((await dayPaymentsReport(db(), w.desk, '2030-01-06')).total).toMatchObject({ payments: 7_700, refunds: 0, net: 7_700, count: 1 });
    const next = await dayPaymentsReport(db(), w.desk, '2030-01-08');
    expect(totals(next.byLocation)).toEqual({ Uptown: [0, 1_000, -1_000, 1] });
  });

  it('needs billing.view, and refuses a date that is not one', async () => {
    const { w } = await dayOfMoney();
    expect(await refusal(dayPaymentsReport(db(), w.support, '2030-01-07'))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(dayPaymentsReport(db(), w.desk, '2030-02-30'))).toMatchObject({ code: 'report-date', fieldErrors: { date: 'Enter the day as a date.' } });
  });

  it('exports the day as CSV: an attachment, not cached, every text cell escaped, amounts as numbers; the export is audited', async () => {
    const { w } = await dayOfMoney();
    const { cookies } = await signIn('staff', { tenantId: w.tenant.id, subjectId: w.desk.actor.id });
    const req = { host: hostFor(w.tenant.slug), cookies };
    const outcome = await invokeRoute(req, reportCsv, { path: '/emr/billing/report.csv?date=2030-01-07', params: { tenant: w.tenant.slug } });
    expect(outcome).toMatchObject({ kind: 'response', status: 200 });
    const response = outcome as Extract<Outcome, { kind: 'response' }>;
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="payments-${w.tenant.slug}-2030-01-07.csv"`);
    expect(response.headers.get('cache-control')).toBe('no-store');

    const lines = response.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('date,time,kind,receipt,patient,record_number,method,card,location,reference,amount,currency');
    expect(lines).toHaveLength(7); // header, five rows, the empty string after the last CRLF
    const name = '"\'=HYPERLINK(""http://evil.test"") Lopez, ""Jr"""';
    expect(lines[1]).toBe(`2030-01-07,10:00,payment,R-000002,${name},${w.leo.recordNumber},Cash,,Downtown,,100.00,USD`);
    expect(lines[2]).toBe(`2030-01-07,11:00,payment,R-000003,${name},${w.leo.recordNumber},Check,,Downtown,'+1-555 =SUM,25.00,USD`);
    expect(lines[4]).toBe(`2030-01-07,13:00,payment,R-000005,${name},${w.leo.recordNumber},Card on file,Visa 4242,No location (online or card on file),,50.00,USD`);
    expect(lines[5]).toBe(`2030-01-07,16:00,refund,R-000002,${name},${w.leo.recordNumber},Cash,,Downtown,,-30.00,USD`);

    const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, w.tenant.id), eq(auditLog.action, 'billing.report_exported')));
    expect(entry).toMatchObject({ actorId: w.desk.actor.id, details: { report: 'day_payments', date: '2030-01-07', rows: 5, net: 18_500, currency: 'USD' } });
    expect(JSON.stringify(entry!.details)).not.toContain('HYPERLINK');

    const bad = await invokeRoute(req, reportCsv, { path: '/emr/billing/report.csv?date=tomorrow', params: { tenant: w.tenant.slug } });
    expect(bad).toMatchObject({ kind: 'response', status: 400 });
    const { cookies: supportCookies } = await signIn('staff', { tenantId: w.tenant.id, subjectId: w.support.actor.id });
    expect(await invokeRoute({ host: req.host, cookies: supportCookies }, reportCsv, { path: '/emr/billing/report.csv?date=2030-01-07', params: { tenant: w.tenant.slug } }))
      .toMatchObject({ kind: 'forbidden' });
  });

  it('writes amounts in major units without a formula guard', () => {
    expect(csvAmount(-3_000, 'USD')).toBe('-30.00');
    expect(csvAmount(5, 'USD')).toBe('0.05');
    expect(csvAmount(123_456, 'EUR')).toBe('1234.56');
    expect(csvAmount(1_200, 'JPY')).toBe('1200');
  });
});
