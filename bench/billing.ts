import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';

/**
 * The billing targets (issue 16): the portal's Billing page, and paying as patients do — each of N
 * people pays one of their own open invoices with the test gateway's simulated card, through the
 * portal's server action as the browser posts it, thinks, and pays the next. Every payment is a
 * real one: the pending row under the invoice's lock, the gateway call with its key, the ledger
 * entry, the receipt number and its notice.
 */

export const PAY_USERS = 10;
export const INVOICE_AMOUNT = 1_234;

/**
 * Who pays: the demo patient's son (his mother's second bench session acts for him), not Maria —
 * her billing page is a measured page, and each run's payments would otherwise grow its history.
 */
export const PAYING_RECORD = 'SUN-10002';

/**
 * `count` open invoices of the paying patient (Leo) at Sunrise, each with its ledger charge, as
 * sending a draft leaves them. Payments of earlier runs are left; new invoices are numbered after
 * the clinic's highest number.
 */
export async function prepareOpenInvoices(databaseUrl: string, count: number): Promise<string[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await sql.begin(async (tx) => {
      const [who] = await tx`
        select t.id as tenant_id, p.id as patient_id
        from tenants t join patients p on p.tenant_id = t.id and p.record_number = ${PAYING_RECORD}
        where t.slug = 'sunrise'`;
      if (!who) throw new Error('The demo clinic has no Leo Lopez: seed the demo data first.');
      await tx`insert into billing_settings (tenant_id, payments_enabled, gateway) values (${who.tenant_id}, true, 'test')
               on conflict (tenant_id) do update set payments_enabled = true, gateway = 'test'`;
      await voidLeftovers(tx, who.tenant_id as string, who.patient_id as string);
      const [{ max }] = await tx`select coalesce(max(number), 0)::int as max from invoices where tenant_id = ${who.tenant_id}` as [{ max: number }];
      const ids: string[] = [];
      for (let i = 1; i <= count; i++) {
        const [inv] = await tx`
          insert into invoices (tenant_id, patient_id, number, status, currency, issue_date, due_date, subtotal, total, opened_at)
          values (${who.tenant_id}, ${who.patient_id}, ${max + i}, 'open', 'USD', current_date, current_date + 30, ${INVOICE_AMOUNT}, ${INVOICE_AMOUNT}, now())
          returning id`;
        await tx`insert into invoice_lines (tenant_id, invoice_id, position, kind, description, quantity, unit_amount, subtotal, tax_amount, total)
                 values (${who.tenant_id}, ${inv!.id}, 1, 'service', 'Bench visit', 1, ${INVOICE_AMOUNT}, ${INVOICE_AMOUNT}, 0, ${INVOICE_AMOUNT})`;
        await tx`insert into ledger_entries (tenant_id, patient_id, kind, amount, currency, invoice_id, actor_kind)
                 values (${who.tenant_id}, ${who.patient_id}, 'charge', ${INVOICE_AMOUNT}, 'USD', ${inv!.id}, 'system')`;
        await tx`update billing_settings set next_invoice_number = ${max + i + 1} where tenant_id = ${who.tenant_id}`;
        ids.push(inv!.id as string);
      }
      return ids;
    });
  } finally {
    await sql.end();
  }
}

/**
 * Invoices a run left unpaid are voided (a void entry; the ledger is append-only), so every run
 * pays only what it made.
 */
async function voidLeftovers(tx: postgres.TransactionSql, tenantId: string, patientId: string) {
  await tx`
    insert into ledger_entries (tenant_id, patient_id, kind, amount, currency, invoice_id, actor_kind, memo)
    select i.tenant_id, i.patient_id, 'void', -i.total, i.currency, i.id, 'system', 'bench leftover'
    from invoices i join invoice_lines l on l.tenant_id = i.tenant_id and l.invoice_id = i.id
    where i.tenant_id = ${tenantId} and i.patient_id = ${patientId} and i.status = 'open' and l.description = 'Bench visit'
      and not exists (select 1 from payment_allocations a where a.tenant_id = i.tenant_id and a.invoice_id = i.id)`;
  await tx`
    update invoices i set status = 'void', void_reason = 'bench leftover'
    where i.tenant_id = ${tenantId} and i.patient_id = ${patientId} and i.status = 'open'
      and exists (select 1 from ledger_entries e where e.tenant_id = i.tenant_id and e.invoice_id = i.id and e.kind = 'void')`;
}

/** Voids what earlier runs left unpaid (before the pages are measured, and after paying). */
export async function voidBenchInvoices(databaseUrl: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.begin(async (tx) => {
      const [who] = await tx`
        select t.id as tenant_id, p.id as patient_id
        from tenants t join patients p on p.tenant_id = t.id and p.record_number = ${PAYING_RECORD} where t.slug = 'sunrise'`;
      if (who) await voidLeftovers(tx, who.tenant_id as string, who.patient_id as string);
    });
  } finally {
    await sql.end();
  }
}

/** The server action id of the portal's test-card payment, from the build's manifest. */
export function payActionId(nextDir: string): string {
  const manifest = JSON.parse(readFileSync(path.join(nextDir, 'server', 'server-reference-manifest.json'), 'utf8')) as {
    node: Record<string, { exportedName?: string }>;
  };
  for (const [id, entry] of Object.entries(manifest.node)) {
    if (entry.exportedName === 'payWithTestCardAction') return id;
  }
  throw new Error('payWithTestCardAction is not in the build’s server-reference-manifest.json');
}

/**
 * The body the browser posts for `action(previousState, formData)` (captured from Chromium): the
 * form's fields prefixed with the reference of the FormData argument ("_1_"), and the arguments
 * as "0": the previous state ({}) and the FormData.
 */
export async function payActionBody(invoiceId: string, attemptKey: string): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  const fields: Record<string, string> = {
    attemptKey, invoice: invoiceId, amount: String(INVOICE_AMOUNT), number: '4242 4242 4242 4242', expiry: '12/30', cvc: '123',
  };
  for (const [name, value] of Object.entries(fields)) form.append(`_1_${name}`, value);
  form.append('0', JSON.stringify([{}, '$K1']));
  // Serialised as multipart/form-data (with its boundary) the way fetch would send it: the request
  // itself goes through node:http, which, unlike fetch, lets the Host header name the clinic.
  const encoded = new Response(form);
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type')! };
}
