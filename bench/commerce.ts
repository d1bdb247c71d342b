import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import { AUTHORIZATION_TEXT_VERSION } from '@/lib/billing/charge-rules';
import { runRenewals, type RenewalCounts } from '@/lib/commerce/renewals';
import { RENEWALS_BATCH } from '@/lib/jobs/scheduled';
import type { BatchResult } from './report';

/**
 * The commerce targets (issue 17): the portal's shop page, checkout as patients do it — each of N
 * people places and pays an order for a one-time product with the test gateway's simulated card,
 * through the checkout's server action as the browser posts it — and a renewal batch: 10,000 due
 * subscriptions charged off-session by `runRenewals` (lib/commerce/renewals.ts), pass after pass
 * as the job runs it, timed and with the statements each renewal costs.
 *
 * Everything is made in the demo clinic `sunrise` with SQL, as bench/billing.ts makes invoices:
 * the clinic's shop opened, two products (the one-time product the checkout buys, and a
 * subscription product so the shop shows phases), and for the batch a staff-only subscription
 * product with two phases, a saved test card per patient with its authorisation for renewals and
 * the gateway's customer, and the subscriptions themselves.
 */

export const CHECKOUT_USERS = 10;
/** The one-time product's price: not taxable, not shipped, so the total is the price. */
export const CHECKOUT_AMOUNT = 2_500;
export const RENEWAL_BATCH = 10_000;
/** The renewal job's own settings (lib/jobs/scheduled.ts' pass; runRenewals' default of 4 at a time). */
export const RENEWAL_LIMIT = RENEWALS_BATCH;
export const RENEWAL_CONCURRENCY = 4;

const SHOP_ONE_TIME = 'Bench shop item';
const SHOP_SUBSCRIPTION = 'Bench shop plan';
const RENEWAL_PRODUCT = 'Bench renewal plan';

type Tx = postgres.TransactionSql;

async function sunrise(tx: Tx): Promise<string> {
  const [row] = await tx`select id from tenants where slug = 'sunrise'`;
  if (!row) throw new Error('The demo clinic sunrise is missing: seed the demo data first.');
  return row.id as string;
}

/** Payments on with the test gateway, and the shop open (to signed-in patients only). */
async function openShop(tx: Tx, tenantId: string) {
  await tx`insert into billing_settings (tenant_id, payments_enabled, gateway) values (${tenantId}, true, 'test')
           on conflict (tenant_id) do update set payments_enabled = true, gateway = 'test'`;
  await tx`insert into commerce_settings (tenant_id, shop_enabled) values (${tenantId}, true)
           on conflict (tenant_id) do update set shop_enabled = true`;
}

/** The clinic's product of this name (made once; a rerun finds it). */
async function product(tx: Tx, tenantId: string, values: {
  name: string; kind: 'one_time' | 'subscription'; unitAmount: number | null; visibility: 'portal' | 'staff'; position: number;
  phases?: { unitAmount: number; cycles: number | null }[];
}): Promise<string> {
  const [found] = await tx`select id from products where tenant_id = ${tenantId} and name = ${values.name} order by created_at limit 1`;
  if (found) {
    await tx`update products set status = 'active', visibility = ${values.visibility} where tenant_id = ${tenantId} and id = ${found.id}`;
    return found.id as string;
  }
  const [made] = await tx`
    insert into products (tenant_id, name, description, kind, unit_amount, visibility, status, taxable, requires_shipping, position)
    values (${tenantId}, ${values.name}, 'Made by the benchmark.', ${values.kind}, ${values.unitAmount}, ${values.visibility}, 'active', false, false, ${values.position})
    returning id`;
  for (const [position, phase] of (values.phases ?? []).entries()) {
    await tx`insert into product_phases (tenant_id, product_id, position, unit_amount, interval_unit, interval_count, cycles)
             values (${tenantId}, ${made!.id}, ${position}, ${phase.unitAmount}, 'month', 1, ${phase.cycles})`;
  }
  return made!.id as string;
}

export interface ShopPrepared {
  tenantId: string;
  /** The one-time product the checkout buys. */
  productId: string;
}

/**
 * Sunrise's shop, open with a one-time product and a subscription product ($99 the first month,
 * then $149 a month). Idempotent.
 */
export async function prepareShop(databaseUrl: string): Promise<ShopPrepared> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await sql.begin(async (tx) => {
      const tenantId = await sunrise(tx);
      await openShop(tx, tenantId);
      const productId = await product(tx, tenantId, { name: SHOP_ONE_TIME, kind: 'one_time', unitAmount: CHECKOUT_AMOUNT, visibility: 'portal', position: 1 });
      await product(tx, tenantId, {
        name: SHOP_SUBSCRIPTION, kind: 'subscription', unitAmount: null, visibility: 'portal', position: 2,
        phases: [{ unitAmount: 9_900, cycles: 1 }, { unitAmount: 14_900, cycles: null }],
      });
      return { tenantId, productId };
    });
  } finally {
    await sql.end();
  }
}

/**
 * The shop's cart cookie holding one of the product (lib/commerce/cart.ts's format: base64url
 * JSON of the clinic and [product id, quantity] pairs). The checkout reads the cart from it.
 */
export function cartCookie(shop: ShopPrepared): string {
  const value = Buffer.from(JSON.stringify({ t: shop.tenantId, l: [[shop.productId, 1]] }), 'utf8').toString('base64url');
  return `cb_shop_cart=${value}`;
}

/** A server action's id from the build's manifest, by its exported name. */
export function actionIdOf(nextDir: string, exportedName: string): string {
  const manifest = JSON.parse(readFileSync(path.join(nextDir, 'server', 'server-reference-manifest.json'), 'utf8')) as {
    node: Record<string, { exportedName?: string }>;
  };
  for (const [id, entry] of Object.entries(manifest.node)) {
    if (entry.exportedName === exportedName) return id;
  }
  throw new Error(`${exportedName} is not in the build’s server-reference-manifest.json`);
}

export function checkoutActionId(nextDir: string): string {
  return actionIdOf(nextDir, 'checkoutTestCardAction');
}

/**
 * The body the browser posts for the checkout form (`action(previousState, formData)`, as
 * bench/billing.ts's payActionBody): a new simulated card, the total the page showed, no
 * shipping (the product is not shipped) and a fresh attempt key, so each post is a new order.
 */
export async function checkoutActionBody(attemptKey: string): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  const fields: Record<string, string> = {
    attemptKey, expectedTotal: String(CHECKOUT_AMOUNT), payWith: 'new', number: '4242 4242 4242 4242', expiry: '12/30', cvc: '123',
  };
  for (const [name, value] of Object.entries(fields)) form.append(`_1_${name}`, value);
  form.append('0', JSON.stringify([{}, '$K1']));
  const encoded = new Response(form);
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type')! };
}

/**
 * `count` subscriptions of Sunrise's patients to the staff-only renewal product, all due an hour
 * before `at`, each with what an off-session charge needs (lib/billing/off-session.ts and the
 * test gateway): the patient's customer at the gateway (gateway_customers and the gateway's own
 * customer object), a saved default card whose gateway object is active, succeeds and is saved
 * to that customer, and an active authorisation with the 'subscriptions' scope.
 *
 * Patients: the scale data's (record numbers B…), with any missing made first (a database with
 * only the demo seed). A rerun finds the same cards and subscriptions and makes them due again:
 * it renews the next cycle (the ledger and the audit log are append-only, so what a batch made
 * stays, as the pay action's payments do).
 */
export async function prepareRenewals(databaseUrl: string, count: number, at: Date): Promise<{ tenantId: string; productId: string }> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const due = new Date(at.getTime() - 3_600_000).toISOString();
  const expYear = at.getUTCFullYear() + 5;
  try {
    return await sql.begin(async (tx) => {
      const tenantId = await sunrise(tx);
      await openShop(tx, tenantId);
      const productId = await product(tx, tenantId, {
        name: RENEWAL_PRODUCT, kind: 'subscription', unitAmount: null, visibility: 'staff', position: 99,
        phases: [{ unitAmount: 9_900, cycles: 1 }, { unitAmount: 14_900, cycles: null }],
      });
      const [{ have }] = await tx`select count(*)::int as have from patients where tenant_id = ${tenantId} and record_number like 'B%'` as [{ have: number }];
      if (have < count) {
        await tx`
          insert into patients (tenant_id, record_number, first_name, last_name, date_of_birth, sex, email, phone, city)
          select ${tenantId}, 'BR' || lpad(g::text, 6, '0'), 'Renewal', 'Bench ' || g, date '1970-01-01' + (g % 15000), 'unknown',
            'renewal' || g || '@bench.test', '+1555' || lpad((9000000 + g)::text, 7, '0'), 'Springfield'
          from generate_series(${have + 1}::int, ${count}::int) g
          on conflict do nothing`;
      }
      await tx`drop table if exists bench_renew`;
      await tx`
        create temp table bench_renew on commit drop as
        select id as patient_id, 'test_cus_bench_' || replace(id::text, '-', '') as customer_ref, 'test_pm_bench_' || replace(id::text, '-', '') as card_ref
        from patients where tenant_id = ${tenantId} and record_number like 'B%' order by record_number limit ${count}`;
      await tx`
        insert into gateway_customers (tenant_id, patient_id, gateway, customer_ref)
        select ${tenantId}, patient_id, 'test', customer_ref from bench_renew
        on conflict do nothing`;
      // A patient who had a customer already keeps it: the card is saved to that one.
      await tx`update bench_renew b set customer_ref = c.customer_ref from gateway_customers c
               where c.tenant_id = ${tenantId} and c.patient_id = b.patient_id and c.gateway = 'test'`;
      await tx`
        insert into test_gateway_objects (tenant_id, ref, kind, status, data)
        select ${tenantId}, customer_ref, 'customer', 'active', '{"metadata":{}}' from bench_renew
        on conflict do nothing`;
      await tx`
        insert into test_gateway_objects (tenant_id, ref, kind, status, data)
        select ${tenantId}, card_ref, 'card', 'active',
          json_build_object('brand', 'visa', 'last4', '4242', 'expMonth', 12, 'expYear', ${expYear}::int, 'outcome', 'success', 'customerRef', customer_ref)::text
        from bench_renew
        on conflict (tenant_id, ref) do update set status = 'active', data = excluded.data`;
      await tx`
        insert into saved_cards (tenant_id, patient_id, gateway, payment_method_ref, brand, last4, exp_month, exp_year, is_default)
        select ${tenantId}, patient_id, 'test', card_ref, 'visa', '4242', 12, ${expYear}::int,
          not exists (select 1 from saved_cards s where s.tenant_id = ${tenantId} and s.patient_id = b.patient_id and s.is_default and s.removed_at is null)
        from bench_renew b
        on conflict do nothing`;
      await tx`update saved_cards s set removed_at = null from bench_renew b
               where s.tenant_id = ${tenantId} and s.gateway = 'test' and s.payment_method_ref = b.card_ref and s.removed_at is not null`;
      await tx`
        insert into card_authorizations (tenant_id, saved_card_id, patient_id, text_version, scopes, max_amount)
        select ${tenantId}, s.id, s.patient_id, ${AUTHORIZATION_TEXT_VERSION}, array['subscriptions'], null
        from saved_cards s join bench_renew b on s.tenant_id = ${tenantId} and s.gateway = 'test' and s.payment_method_ref = b.card_ref
        on conflict do nothing`;
      // Subscriptions of earlier runs come due again (their next cycle); an unfinished claim's lease is let go.
      await tx`
        update subscription_renewals r set lease_until = null
        from subscriptions s
        where s.tenant_id = ${tenantId} and s.product_id = ${productId} and r.tenant_id = s.tenant_id and r.subscription_id = s.id and r.status = 'charging'`;
      await tx`
        update subscriptions s set status = 'active', next_cycle_at = ${due}::timestamptz, anchor_day = extract(day from ${due}::timestamptz at time zone 'UTC')::int,
          failed_attempts = 0, next_retry_at = null, past_due_since = null, paused_until = null,
          cancel_reason = null, cancelled_by = null, cancelled_at = null, ended_at = null, saved_card_id = c.id, updated_at = now()
        from bench_renew b join saved_cards c on c.tenant_id = ${tenantId} and c.gateway = 'test' and c.payment_method_ref = b.card_ref
        where s.tenant_id = ${tenantId} and s.product_id = ${productId} and s.patient_id = b.patient_id`;
      // New ones: cycle 1 was paid a month ago; cycle 2 (the second phase's price) is due.
      await tx`
        insert into subscriptions (tenant_id, patient_id, product_id, status, phase_position, cycles_in_phase, cycles_billed, anchor_day, next_cycle_at, saved_card_id, created_at)
        select ${tenantId}, b.patient_id, ${productId}, 'active', 0, 1, 1, extract(day from ${due}::timestamptz at time zone 'UTC')::int, ${due}::timestamptz, c.id,
          ${due}::timestamptz - interval '1 month'
        from bench_renew b join saved_cards c on c.tenant_id = ${tenantId} and c.gateway = 'test' and c.payment_method_ref = b.card_ref
        where not exists (select 1 from subscriptions s where s.tenant_id = ${tenantId} and s.product_id = ${productId} and s.patient_id = b.patient_id)`;
      const [{ ready }] = await tx`
        select count(*)::int as ready from subscriptions
        where tenant_id = ${tenantId} and product_id = ${productId} and status = 'active' and next_cycle_at <= ${at.toISOString()}::timestamptz` as [{ ready: number }];
      if (ready !== count) throw new Error(`renewal batch: ${ready} subscriptions due, expected ${count}`);
      return { tenantId, productId };
    });
  } finally {
    await sql.end();
  }
}

/**
 * The renewal batch: prepares `count` due subscriptions, then runs `runRenewals` as the job does
 * (`limit` a pass, `concurrency` at a time) pass after pass until a pass claims nothing. Timed
 * from the first pass to the last; statements counted by the app's own database client (the
 * drizzle logger's count, as the integration test of statements per renewal counts them:
 * transactions' BEGIN and COMMIT are not included). Then checks in SQL that every subscription
 * moved on exactly one cycle with one succeeded payment.
 */
export async function runRenewalBatch(
  databaseUrl: string,
  options: { count?: number; limit?: number; concurrency?: number; providerConcurrency?: number; log?: (line: string) => void } = {},
): Promise<BatchResult> {
  const count = options.count ?? RENEWAL_BATCH;
  const limit = options.limit ?? RENEWAL_LIMIT;
  const concurrency = options.concurrency ?? RENEWAL_CONCURRENCY;
  const providerConcurrency = options.providerConcurrency ?? concurrency;
  const log = options.log ?? (() => {});
  const startedAt = new Date();
  const { tenantId, productId } = await prepareRenewals(databaseUrl, count, startedAt);
  await analyze(databaseUrl);
  const handle = openDatabase({ url: databaseUrl, maxConnections: Math.max(concurrency, providerConcurrency) + 1 });
  const totals: RenewalCounts = {
    renewalsClaimed: 0, renewalsSucceeded: 0, renewalsFailed: 0, renewalsWaiting: 0, subscriptionsCancelled: 0, subscriptionsEnded: 0, subscriptionsResumed: 0, renewalErrors: 0,
  };
  let passes = 0;
  let statements = 0;
  let seconds = 0;
  try {
    const before = handle.queryCount();
    const started = performance.now();
    let lastLog = started;
    for (;;) {
      const counts = await runRenewals(handle.db, { at: new Date(), limit, concurrency, providerConcurrency });
      passes++;
      for (const key of Object.keys(totals) as (keyof RenewalCounts)[]) totals[key] += counts[key];
      if (counts.renewalsClaimed === 0) break;
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        log(`  ${totals.renewalsSucceeded} renewed in ${((lastLog - started) / 1000).toFixed(0)} s`);
      }
      // A pass that claimed work but charged none of it (every claim skipped or waiting) would loop forever.
      if (passes > Math.ceil(count / limit) * 3 + 10) throw new Error('renewal batch: too many passes, renewals are not finishing');
    }
    seconds = (performance.now() - started) / 1000;
    statements = handle.queryCount() - before;
  } finally {
    await handle.close();
  }
  const check = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  let wrong = 0;
  try {
    const [row] = await check`
      select
        count(*) filter (where s.next_cycle_at > ${startedAt.toISOString()}::timestamptz and s.status = 'active')::int as moved,
        (select count(*)::int from payments p
          where p.tenant_id = ${tenantId} and p.status = 'succeeded' and p.idempotency_key like 'renewal:%' and p.created_at >= ${startedAt.toISOString()}::timestamptz) as paid
      from subscriptions s where s.tenant_id = ${tenantId} and s.product_id = ${productId}
        -- This run's: those it prepared (a smaller run than the last leaves the rest a cycle ahead).
        and s.updated_at >= ${startedAt.toISOString()}::timestamptz`;
    const moved = Number(row!.moved);
    const paid = Number(row!.paid);
    wrong = Math.abs(count - moved) + Math.abs(count - paid);
    if (wrong > 0) log(`  check: ${moved} of ${count} subscriptions moved to their next cycle, ${paid} renewal payments succeeded`);
  } finally {
    await check.end();
  }
  const renewed = totals.renewalsSucceeded;
  return {
    name: `Renewal batch (${count} due subscriptions, ${limit} a pass, ${concurrency} at a time, provider calls ${providerConcurrency})`,
    items: renewed,
    seconds,
    perSecond: seconds > 0 ? renewed / seconds : 0,
    statementsPerItem: renewed > 0 ? statements / renewed : 0,
    passes,
    errors: totals.renewalErrors + totals.renewalsFailed + totals.renewalsWaiting + wrong,
  };
}

async function analyze(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`analyze subscriptions`;
    await sql`analyze saved_cards`;
    await sql`analyze card_authorizations`;
    await sql`analyze gateway_customers`;
    await sql`analyze test_gateway_objects`;
  } finally {
    await sql.end();
  }
}
