import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { accessLevels, portalAccountPatients, portalAccounts, staffUsers, tenants, type InvoiceStatus, type OrderStatus } from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import type { Permission } from '@/lib/access/permissions';
import { listPortalInvoices } from '@/lib/billing/invoice-reads';
import { statusFromLedger } from '@/lib/billing/invoice-status';
import { takeBillingNumber } from '@/lib/billing/numbering';
import { listPortalPayments } from '@/lib/billing/portal-payments';
import { fromResponseItems, type ResponseItem } from '@/lib/clinic-forms/response-items';
import { listPortalForms, loadFormForFilling } from '@/lib/clinic-forms/responses';
import { signatureContentHash } from '@/lib/clinic-forms/signature';
import { readDefinition } from '@/lib/clinic-forms/templates';
import { orderListQuery } from '@/lib/commerce/order-forms';
import { canMoveOrder } from '@/lib/commerce/order-status';
import { getOrderForStaff, listClinicOrders } from '@/lib/commerce/orders-staff';
import { currentConsents } from '@/lib/engagement/consent';
import { generateScaleData, type ScaleOptions } from '@/bench/scale-data';
import { seedDemoData } from '@/scripts/demo-seed';
import { portalContext } from '../support/portal-context';

// The benchmark's generated data (bench/scale-data.ts and its second wave) at a tiny scale, on a
// freshly seeded database: the database's own constraints and keys refuse a bad row as it is
// written; these check what they cannot — the app's invariants (totals are the sums of lines, the
// ledger gives each invoice its status, an order's history follows the state machine, a
// signature's hash covers the answers stored), that nothing is work for a scheduled job, that the
// demo patient is untouched, and that the app's own reads take the rows.

const TINY: ScaleOptions = {
  clinics: 3, largestPatients: 400, otherPatients: 100, appointments: 3_000, documents: 50, providersPerClinic: 3,
  formResponses: 60, invoices: 500, orders: 200, subscriptions: 30, automationRuns: 300,
};

const db = () => getDb();
let sunrise: { id: string; slug: string; name: string };
let before: Record<string, number>;

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db().execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

async function one<T>(query: ReturnType<typeof sql>): Promise<T> {
  return (await rows<T>(query))[0]!;
}

/** What the demo patient (Maria, SUN-10001) has of everything the generation writes. */
async function mariaHistory() {
  const counts = await one<Record<string, number>>(sql`
    with m as (select p.tenant_id, p.id from patients p join tenants t on t.id = p.tenant_id where t.slug = 'sunrise' and p.record_number = 'SUN-10001')
    select
      (select count(*)::int from form_assignments x, m where x.tenant_id = m.tenant_id and x.patient_id = m.id) as forms,
      (select count(*)::int from invoices x, m where x.tenant_id = m.tenant_id and x.patient_id = m.id) as invoices,
      (select count(*)::int from payments x, m where x.tenant_id = m.tenant_id and x.patient_id = m.id) as payments,
      (select count(*)::int from ledger_entries x, m where x.tenant_id = m.tenant_id and x.patient_id = m.id) as ledger,
      (select count(*)::int from orders x, m where x.tenant_id = m.tenant_id and x.patient_id = m.id) as orders,
      (select count(*)::int from subscriptions x, m where x.tenant_id = m.tenant_id and x.patient_id = m.id) as subscriptions,
      (select count(*)::int from automation_runs x, m where x.tenant_id = m.tenant_id and x.patient_id = m.id) as runs,
      (select count(*)::int from domain_events x, m where x.tenant_id = m.tenant_id and x.patient_id = m.id) as events,
      (select count(*)::int from patient_consents x, m where x.tenant_id = m.tenant_id and x.patient_id = m.id) as consents,
      (select count(*)::int from documents x, m where x.tenant_id = m.tenant_id and x.patient_id = m.id) as documents`);
  return counts;
}

/** A staff member of Sunrise with the built-in admin level, as the EMR's pages have them. */
async function sunriseAdmin(): Promise<StaffContext> {
  const [row] = await db()
    .select({ id: staffUsers.id, fullName: staffUsers.fullName, email: staffUsers.email, levelId: accessLevels.id, levelName: accessLevels.name, permissions: accessLevels.permissions })
    .from(staffUsers)
    .innerJoin(accessLevels, and(eq(accessLevels.tenantId, staffUsers.tenantId), eq(accessLevels.id, staffUsers.accessLevelId)))
    .where(and(eq(staffUsers.tenantId, sunrise.id), eq(accessLevels.builtinKey, 'admin'), eq(staffUsers.status, 'active')))
    .limit(1);
  return {
    tenant: { id: sunrise.id, slug: sunrise.slug, name: sunrise.name, status: 'active' },
    actor: {
      kind: 'staff', id: row!.id, fullName: row!.fullName, email: row!.email, accessLevelId: row!.levelId, accessLevelName: row!.levelName,
      permissions: new Set(row!.permissions as Permission[]),
    },
    sessionId: '00000000-0000-0000-0000-000000000000',
  };
}

/** A portal account linked ('self') to a generated patient, acting for them. */
async function portalFor(patientId: string) {
  const [account] = await db().insert(portalAccounts).values({
    tenantId: sunrise.id, fullName: 'Bench Patient', email: `bench-${patientId.slice(0, 8)}@example.test`, phone: '+15555550199',
    phoneVerifiedAt: new Date(), passwordHash: 'not-used',
  }).returning({ id: portalAccounts.id });
  await db().insert(portalAccountPatients).values({ tenantId: sunrise.id, accountId: account!.id, patientId, relationship: 'self' });
  return portalContext(sunrise, account!.id, patientId);
}

beforeAll(async () => {
  await seedDemoData(db());
  const [row] = await db().select({ id: tenants.id, slug: tenants.slug, name: tenants.name }).from(tenants).where(eq(tenants.slug, 'sunrise'));
  sunrise = row!;
  before = await mariaHistory();
  // One connection for the whole generation (its steps share temp tables), as the bench's handle.
  await db().transaction((tx) => generateScaleData(tx, TINY));
}, 240_000);

describe('bench scale data, second wave', () => {
  it('makes the counts asked for, in the largest clinic, on bench patients only', async () => {
    const c = await one<Record<string, number>>(sql`
      with big as (select id from tenants where slug = 'sunrise'),
      bench as (select p.tenant_id, p.id from patients p join big on big.id = p.tenant_id where p.record_number like 'B%')
      select
        (select count(*)::int from form_responses r join bench b on b.tenant_id = r.tenant_id and b.id = r.patient_id) as responses,
        (select count(*)::int from invoices i join bench b on b.tenant_id = i.tenant_id and b.id = i.patient_id) as invoices,
        (select count(*)::int from orders o join bench b on b.tenant_id = o.tenant_id and b.id = o.patient_id) as orders,
        (select count(*)::int from subscriptions s join bench b on b.tenant_id = s.tenant_id and b.id = s.patient_id where s.status = 'active') as subscriptions,
        (select count(*)::int from automation_runs r join bench b on b.tenant_id = r.tenant_id and b.id = r.patient_id) as runs,
        (select count(*)::int from automation_runs r join big on big.id = r.tenant_id) as runs_in_clinic,
        (select count(*)::int from automation_runs where status = 'waiting') as waiting,
        (select count(*)::int from patients p where p.record_number like 'B%'
          and (select count(distinct c.channel) from patient_consents c where c.tenant_id = p.tenant_id and c.patient_id = p.id and c.purpose = 'marketing') <> 2) as without_consents,
        (select count(*)::int from patients p where p.record_number like 'B%') as bench_patients`);
    expect(c).toMatchObject({
      responses: TINY.formResponses, invoices: TINY.invoices, orders: TINY.orders, subscriptions: TINY.subscriptions,
      runs: TINY.automationRuns, runs_in_clinic: TINY.automationRuns, without_consents: 0, bench_patients: TINY.largestPatients + TINY.otherPatients,
    });
    expect(c.waiting).toBeGreaterThan(0);
    expect(c.waiting).toBeLessThan(TINY.automationRuns);
  });

  it('leaves the demo patient with her ordinary history', async () => {
    expect(await mariaHistory()).toEqual(before);
  });

  it('gives every invoice the sum of its lines and the status its ledger says, and every payment its allocations', async () => {
    const invoices = await rows<{ status: InvoiceStatus; total: number; subtotal: number; lines: number; linesSubtotal: number; charges: number; charged: number; paid: number; due: number; closing: number; number: number | null }>(sql`
      select i.status, i.total, i.subtotal, i.number,
        (select coalesce(sum(l.total), 0)::int from invoice_lines l where l.tenant_id = i.tenant_id and l.invoice_id = i.id) as lines,
        (select coalesce(sum(l.subtotal), 0)::int from invoice_lines l where l.tenant_id = i.tenant_id and l.invoice_id = i.id) as "linesSubtotal",
        (select count(*)::int from ledger_entries e where e.tenant_id = i.tenant_id and e.invoice_id = i.id and e.kind = 'charge') as charges,
        (select coalesce(sum(e.amount) filter (where e.kind in ('charge', 'adjustment')), 0)::int from ledger_entries e where e.tenant_id = i.tenant_id and e.invoice_id = i.id) as charged,
        (select coalesce(-sum(e.amount) filter (where e.kind in ('payment', 'refund')), 0)::int from ledger_entries e where e.tenant_id = i.tenant_id and e.invoice_id = i.id) as paid,
        (select coalesce(sum(e.amount), 0)::int from ledger_entries e where e.tenant_id = i.tenant_id and e.invoice_id = i.id) as due,
        (select count(*)::int from ledger_entries e where e.tenant_id = i.tenant_id and e.invoice_id = i.id and e.kind in ('void', 'write_off')) as closing
      from invoices i join patients p on p.tenant_id = i.tenant_id and p.id = i.patient_id
      where p.record_number like 'B%'`);
    expect(invoices).toHaveLength(TINY.invoices);
    expect(new Set(invoices.map((i) => i.status))).toEqual(new Set(['draft', 'open', 'partially_paid', 'paid', 'void', 'uncollectible']));
    for (const i of invoices) {
      expect(i.lines).toBe(i.total);
      expect(i.linesSubtotal).toBe(i.subtotal);
      if (i.status === 'draft') {
        expect([i.number, i.charges, i.due]).toEqual([null, 0, 0]);
        continue;
      }
      expect([i.charges, i.charged]).toEqual([1, i.total]);
      if (i.status === 'void' || i.status === 'uncollectible') expect([i.closing, i.paid, i.due]).toEqual([1, 0, 0]);
      // lib/billing's own rule: the status a ledger gives an open invoice.
      else expect(statusFromLedger('open', { charged: i.charged, paid: i.paid, due: i.due })).toBe(i.status);
    }
    const wrongPayments = await one<{ n: number }>(sql`
      select count(*)::int as n from payments p
      where p.idempotency_key like 'bench-scale:%' and (
        p.amount <> (select sum(a.amount) from payment_allocations a where a.tenant_id = p.tenant_id and a.payment_id = p.id)
        or (p.status = 'succeeded' and p.amount <> -(select sum(e.amount) from ledger_entries e where e.tenant_id = p.tenant_id and e.payment_id = p.id))
        or (p.status <> 'succeeded' and exists (select 1 from ledger_entries e where e.tenant_id = p.tenant_id and e.payment_id = p.id))
        or (p.status = 'succeeded') <> (p.receipt_number is not null))`);
    expect(wrongPayments.n).toBe(0);
  });

  it('numbers after the generated invoices, receipts and orders, so the next ones do not collide', async () => {
    const n = await one<{ invoice: number; nextInvoice: number; receipt: number; nextReceipt: number; order: number; nextOrder: number }>(sql`
      select (select max(number) from invoices where tenant_id = ${sunrise.id}) as invoice,
        (select next_invoice_number from billing_settings where tenant_id = ${sunrise.id}) as "nextInvoice",
        (select max(receipt_number) from payments where tenant_id = ${sunrise.id}) as receipt,
        (select next_receipt_number from billing_settings where tenant_id = ${sunrise.id}) as "nextReceipt",
        (select max(number) from orders where tenant_id = ${sunrise.id}) as "order",
        (select next_order_number from commerce_settings where tenant_id = ${sunrise.id}) as "nextOrder"`);
    expect(n.nextInvoice).toBe(n.invoice + 1);
    expect(n.nextReceipt).toBe(n.receipt + 1);
    expect(n.nextOrder).toBe(n.order + 1);
    // The app's own numbering gives the next invoice the number after the generated ones.
    expect(await takeBillingNumber(db(), sunrise.id, 'invoice')).toBe(n.invoice + 1);
  });

  it('gives every order the sum of its lines, its invoice, and a history the state machine allows', async () => {
    const orders = await rows<{ id: string; status: OrderStatus; total: number; lines: number; invoiceTotal: number; invoiceStatus: InvoiceStatus; path: (OrderStatus | null)[][] }>(sql`
      select o.id, o.status, o.total,
        (select sum(l.total)::int from order_lines l where l.tenant_id = o.tenant_id and l.order_id = o.id) as lines,
        i.total as "invoiceTotal", i.status as "invoiceStatus",
        (select json_agg(json_build_array(h.from_status, h.to_status) order by h.occurred_at, h.id) from order_status_history h where h.tenant_id = o.tenant_id and h.order_id = o.id) as path
      from orders o join invoices i on i.tenant_id = o.tenant_id and i.id = o.invoice_id
      join patients p on p.tenant_id = o.tenant_id and p.id = o.patient_id
      where p.record_number like 'B%'`);
    expect(orders).toHaveLength(TINY.orders);
    for (const o of orders) {
      expect([o.lines, o.invoiceTotal]).toEqual([o.total, o.total]);
      const paid = !['pending', 'awaiting_payment', 'cancelled'].includes(o.status);
      expect(o.invoiceStatus).toBe(paid ? 'paid' : o.status === 'cancelled' ? 'void' : 'open');
      expect(o.path[0]).toEqual([null, 'pending']);
      for (let k = 1; k < o.path.length; k++) {
        const [from, to] = o.path[k]!;
        expect(from).toBe(o.path[k - 1]![1]);
        expect(canMoveOrder(from!, to!), `${from} → ${to}`).toBe(true);
      }
      expect(o.path.at(-1)![1]).toBe(o.status);
    }
  });

  it('fills every "Needs attention" bucket of the EMR orders list, which reads the orders without throwing', async () => {
    const admin = await sunriseAdmin();
    const attention = await listClinicOrders(db(), admin, orderListQuery({ view: 'attention' }));
    expect(attention.counts.all).toBeGreaterThanOrEqual(TINY.orders);
    expect(attention.counts.failed_payment).toBeGreaterThan(0);
    expect(attention.counts.requirements_overdue).toBeGreaterThan(0);
    expect(attention.counts.shipment_exception).toBeGreaterThan(0);
    expect(attention.counts.review_waiting).toBeGreaterThan(0);
    // Realistic, not most: under a fifth of the orders need attention.
    expect(attention.counts.attention).toBeLessThan(attention.counts.all / 5);
    expect(attention.rows.length).toBeGreaterThan(0);
    const order = await getOrderForStaff(db(), admin, attention.rows[0]!.id);
    expect(order).toBeTruthy();
  });

  it('stores answers the forms read back, signed with the hash of what was answered, and filed', async () => {
    const responses = await rows<{ id: string; items: ResponseItem[]; definition: unknown; kind: 'intake' | 'consent' | 'questionnaire'; versionId: string; filed: boolean; signatures: { consentText: string; hash: string }[] }>(sql`
      select r.id, r.items, v.definition, t.kind, r.version_id as "versionId",
        exists (select 1 from documents d where d.tenant_id = r.tenant_id and d.id = r.document_id and d.status = 'available') as filed,
        (select json_agg(json_build_object('consentText', s.consent_text, 'hash', s.content_sha256)) from form_signatures s where s.tenant_id = r.tenant_id and s.response_id = r.id) as signatures
      from form_responses r
      join form_template_versions v on v.tenant_id = r.tenant_id and v.id = r.version_id
      join form_templates t on t.tenant_id = v.tenant_id and t.id = v.template_id
      join patients p on p.tenant_id = r.tenant_id and p.id = r.patient_id
      where p.record_number like 'B%'`);
    expect(responses).toHaveLength(TINY.formResponses);
    for (const r of responses) {
      expect(r.filed).toBe(true);
      expect(Object.keys(fromResponseItems(readDefinition(r.definition, r.kind), r.items)).length).toBeGreaterThan(0);
      expect(r.signatures.length).toBeGreaterThan(0);
      for (const s of r.signatures) expect(s.hash).toBe(signatureContentHash({ consentText: s.consentText, items: r.items, versionId: r.versionId }));
    }
  });

  it('leaves no work for the scheduled jobs', async () => {
    const work = await one<Record<string, number>>(sql`
      select
        (select count(*)::int from form_responses where status = 'submitted' and document_id is null) as unfiled,
        (select count(*)::int from orders where status = 'processing') as processing,
        (select count(*)::int from subscriptions where status = 'active' and next_cycle_at < now() + interval '29 days'
           and product_id in (select id from products where name = 'Bench annual membership')) as renewing,
        (select count(*)::int from automation_runs where status = 'waiting' and next_run_at < now() + interval '29 days') as steps_due,
        (select count(*)::int from domain_events e where e.fanned_out_at is null and exists (select 1 from automation_runs r where r.tenant_id = e.tenant_id and r.event_id = e.id)) as unmatched,
        (select count(*)::int from invoices i join patients p on p.tenant_id = i.tenant_id and p.id = i.patient_id
           where p.record_number like 'B%' and i.status in ('open', 'partially_paid') and i.due_date < current_date) as overdue,
        (select count(*)::int from form_assignments a join patients p on p.tenant_id = a.tenant_id and p.id = a.patient_id
           where p.record_number like 'B%' and a.status in ('assigned', 'in_progress') and a.due_on < current_date) as expiring`);
    expect(work).toEqual({ unfiled: 0, processing: 0, renewing: 0, steps_due: 0, unmatched: 0, overdue: 0, expiring: 0 });
  });

  it('is read by the portal billing page, forms list and consents of a generated patient', async () => {
    const [busiest] = await rows<{ patientId: string }>(sql`
      select i.patient_id as "patientId" from invoices i
      join patients p on p.tenant_id = i.tenant_id and p.id = i.patient_id
      where i.tenant_id = ${sunrise.id} and p.record_number like 'B%' and i.status <> 'draft'
        and exists (select 1 from form_responses r where r.tenant_id = i.tenant_id and r.patient_id = i.patient_id)
      group by i.patient_id order by count(*) desc, i.patient_id limit 1`);
    expect(busiest).toBeTruthy();
    const ctx = await portalFor(busiest!.patientId);
    const billing = await listPortalInvoices(db(), ctx);
    expect(billing.invoices.length).toBeGreaterThan(0);
    const ledger = await one<{ balance: number }>(sql`select coalesce(sum(amount), 0)::int as balance from ledger_entries where tenant_id = ${sunrise.id} and patient_id = ${busiest!.patientId}`);
    expect(billing.balance).toBe(ledger.balance);
    await listPortalPayments(db(), ctx);
    const forms = await listPortalForms(db(), ctx);
    expect(forms.completed.length).toBeGreaterThan(0);
    const filled = await loadFormForFilling(db(), ctx, forms.completed[0]!.assignmentId);
    expect(filled.responseStatus).toBe('submitted');
    expect(Object.keys(filled.answers).length).toBeGreaterThan(0);
    const consents = await currentConsents(db(), await sunriseAdmin(), busiest!.patientId);
    expect(consents.answers.filter((a) => a.purpose === 'marketing' && a.source !== null)).toHaveLength(2);
  });
});
