import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { formTemplates, formTemplateVersions, tenants } from '@/db/schema';
import { answerFields, type FormDefinition, type FormField } from '@/lib/clinic-forms/definition';
import { visibleFields, type Answers } from '@/lib/clinic-forms/enable-when';
import { toResponseItems } from '@/lib/clinic-forms/response-items';
import { scoreAnswers } from '@/lib/clinic-forms/scoring';
import { consentTextFor, signatureContentHash } from '@/lib/clinic-forms/signature';
import { readDefinition } from '@/lib/clinic-forms/templates';

/**
 * The second wave's data at clinic scale (issue 21 point 1), for the largest clinic (`sunrise`):
 * submitted forms with their answers, signatures and filed PDFs; invoices with their lines,
 * ledger, payments and receipts; orders with lines, status history, shipments and requirements
 * (a share of them in each "Needs attention" bucket); active subscriptions; automation runs with
 * their events and logs; and, for every bench patient of every clinic, their contact consents.
 *
 * Runs after bench/scale-data.ts's numbering step, on the same connection: it reads its temp
 * tables (bench_pats, bench_prov, bench_clinic). Everything goes to the B… bench patients, never
 * to the demo patients (the bench's signed-in patient keeps an ordinary history).
 *
 * Nothing generated is work for a scheduled job: responses are filed, orders are past
 * `processing`, open invoices are not yet due, subscriptions renew in 30 days or more, waiting
 * automation runs wait weeks, and every event is fanned out. Job benchmarks measure their own.
 */
export interface SecondWaveCounts {
  formResponses: number;
  invoices: number;
  orders: number;
  subscriptions: number;
  automationRuns: number;
}

export type Step = (label: string, query: SQL) => Promise<void>;

function int(value: number) {
  return sql.raw(String(Math.trunc(value)));
}

const LARGEST = 'sunrise';
/** Forms answered: a general intake, the privacy acknowledgement or a PHQ-9, in several ways each. */
const FORM_KEYS = ['general-intake', 'privacy-acknowledgement', 'phq-9'] as const;
const VARIANTS_PER_FORM = 4;

export async function generateSecondWave(db: Executor, counts: SecondWaveCounts, step: Step) {
  if (counts.invoices < counts.orders) throw new Error('scale data: every order has an invoice, so invoices must be at least orders');
  // How the automation runs divide: three per visit (two reminders and a follow-up), form reminders
  // waiting for a due date, and failed-payment notices; exactly `automationRuns` in all.
  const formReminders = Math.round(counts.automationRuns * 0.075);
  const paymentNotices = Math.min(Math.round(counts.automationRuns * 0.025), counts.subscriptions);
  const visits = Math.floor((counts.automationRuns - formReminders - paymentNotices) / 3);
  const waitingForms = counts.automationRuns - paymentNotices - visits * 3;

  await step('second wave: catalogue', sql`
    drop table if exists bench_big, bench_products;
    create temp table bench_big as
      select c.tenant_id, c.patients, c.providers, c.service_id, c.location_id, l.time_zone
      from bench_clinic c join locations l on l.tenant_id = c.tenant_id and l.id = c.location_id
      where c.slug = ${sql.raw(`'${LARGEST}'`)};
    insert into commerce_settings (tenant_id) select tenant_id from bench_big on conflict do nothing;
    insert into billing_settings (tenant_id) select tenant_id from bench_big on conflict do nothing;
    -- The built-in automations were on long before the generated events (a run's event is one they matched).
    update automations a set active_since = now() - interval '5 years'
      from bench_big b where a.tenant_id = b.tenant_id and a.status = 'active';
    -- Kept off the shop page (archived, or staff-only): the shop bench measures its own two products.
    insert into products (tenant_id, name, description, kind, unit_amount, visibility, status, taxable, requires_shipping, position)
    select b.tenant_id, x.name, 'Made by the benchmark''s scale data.', x.kind, x.amount, x.visibility, x.status, false, x.ship, 100 + x.k
    from bench_big b, (values
      (1, 'Bench vitamin pack', 'one_time', 3500, 'portal', 'archived', true),
      (2, 'Bench skin care kit', 'one_time', 5900, 'portal', 'archived', true),
      (3, 'Bench lab panel', 'one_time', 12000, 'staff', 'active', false),
      (4, 'Bench annual membership', 'subscription', null, 'staff', 'active', false)
    ) as x(k, name, kind, amount, visibility, status, ship);
    create temp table bench_products as
      select p.position - 100 as k, p.id, p.name, p.unit_amount, p.requires_shipping as ship
      from products p join bench_big b on b.tenant_id = p.tenant_id where p.position between 101 and 104;
    insert into product_phases (tenant_id, product_id, position, unit_amount, interval_unit, interval_count, cycles)
    select b.tenant_id, p.id, 0, 48000, 'year', 1, null from bench_big b, bench_products p where p.k = 4;
    insert into product_required_uploads (tenant_id, product_id, label)
    select b.tenant_id, p.id, 'Photo of the area' from bench_big b, bench_products p where p.k = 2`);

  await generateForms(db, counts.formResponses, step);
  await generateBilling(counts, step);
  await generateSubscriptions(counts.subscriptions, step);
  await generateAutomationRuns({ visits, waitingForms, paymentNotices }, step);
  await step('consents for every bench patient', sql`
    -- At sign-up each patient answered the two marketing questions; one in ten changed their mind
    -- about email later. Care messages need no row (they are part of the patient's care).
    insert into patient_consents (tenant_id, patient_id, channel, purpose, granted, source, recorded_at)
    select p.tenant_id, p.id, c.channel, 'marketing',
      case c.channel when 'email' then p.pk % 3 <> 0 else p.pk % 4 = 0 end,
      'signup', now() - make_interval(days => (30 + p.pk % 1500)::int)
    from bench_pats p cross join (values ('email'), ('sms')) as c(channel)
    union all
    select p.tenant_id, p.id, 'email', 'marketing', p.pk % 3 = 0,
      case when p.pk % 3 = 0 then 'portal' else 'unsubscribe_link' end, now() - make_interval(days => (p.pk % 30)::int)
    from bench_pats p where p.pk % 10 = 0`);
}

// --- Forms -------------------------------------------------------------------------------------

const PHRASES = [
  'None', 'Appendix removed in 2009', 'Mild asthma since childhood', 'Penicillin (rash)', 'Ibuprofen as needed',
  'Knee arthroscopy, 2015', 'Seasonal allergies', 'Vitamin D, 1,000 IU daily', 'Alex Morgan', 'Sister',
];

/** An answer a patient could give to `field`, the `v`-th way of filling the form. */
function answerFor(field: FormField, v: number, i: number): Answers[string] | undefined {
  const options = field.options ?? [];
  switch (field.type) {
    case 'single_choice':
      return options.length ? options[(v + i) % options.length]!.code : undefined;
    case 'multiple_choice':
      return options.length ? [...new Set([options[v % options.length]!.code, options[(v + i) % options.length]!.code])] : undefined;
    case 'yes_no':
      return (v + i) % 2 === 0;
    case 'date':
      return `19${String(55 + ((v * 7 + i) % 40))}-0${1 + (v % 9)}-1${v % 9}`;
    case 'number':
      return field.min !== undefined ? field.min + v : 1 + v;
    case 'email':
      return `bench.answer${v}@example.test`;
    case 'phone':
      return `+1555555${String(1000 + v * 37 + i).slice(-4)}`;
    case 'short_text':
    case 'long_text':
      return PHRASES[(v * 3 + i) % PHRASES.length];
    default:
      // Signatures are rows of their own; files would need stored uploads; display text takes none.
      return undefined;
  }
}

interface FormVariant {
  k: number;
  templateId: string;
  versionId: string;
  documentTypeId: string;
  title: string;
  items: unknown;
  score: number | null;
  signatures: { linkId: string; consentText: string; hash: string }[];
}

/**
 * Ways of filling the clinic's forms, made by the app's own code: answers to every field shown,
 * stored as QuestionnaireResponse items (toResponseItems), scored, and each signature with the
 * consent text it showed and the SHA-256 of what it covers, as a submit stores them.
 */
async function formVariants(db: Executor): Promise<FormVariant[]> {
  const rows = await db
    .select({
      templateId: formTemplates.id, kind: formTemplates.kind, starterKey: formTemplates.starterKey, documentTypeId: formTemplates.documentTypeId,
      versionId: formTemplateVersions.id, stored: formTemplateVersions.definition,
    })
    .from(formTemplates)
    .innerJoin(tenants, eq(tenants.id, formTemplates.tenantId))
    .innerJoin(formTemplateVersions, and(
      eq(formTemplateVersions.tenantId, formTemplates.tenantId), eq(formTemplateVersions.templateId, formTemplates.id),
      eq(formTemplateVersions.version, formTemplates.publishedVersion),
    ))
    .where(and(eq(tenants.slug, LARGEST), inArray(formTemplates.starterKey, [...FORM_KEYS])));
  if (rows.length !== FORM_KEYS.length) throw new Error(`scale data: ${LARGEST} lacks its starter forms (${FORM_KEYS.join(', ')}): seed the demo data first`);
  const variants: FormVariant[] = [];
  for (const row of rows) {
    const definition: FormDefinition = readDefinition(row.stored, row.kind);
    const fields = answerFields(definition);
    for (let v = 0; v < VARIANTS_PER_FORM; v++) {
      const given: Answers = {};
      fields.forEach((field, i) => {
        const value = answerFor(field, v, i);
        if (value !== undefined) given[field.linkId] = value;
      });
      const shown = visibleFields(definition, given);
      const answers = Object.fromEntries(Object.entries(given).filter(([linkId]) => shown.has(linkId)));
      const items = toResponseItems(definition, answers);
      const signatures = fields
        .filter((f) => f.type === 'signature' && shown.has(f.linkId))
        .map((f) => {
          const consentText = consentTextFor(definition, f.linkId);
          return { linkId: f.linkId, consentText, hash: signatureContentHash({ consentText, items, versionId: row.versionId }) };
        });
      variants.push({
        k: variants.length, templateId: row.templateId, versionId: row.versionId, documentTypeId: row.documentTypeId, title: definition.title,
        items, score: scoreAnswers(definition, answers)?.score ?? null, signatures,
      });
    }
  }
  return variants;
}

async function generateForms(db: Executor, count: number, step: Step) {
  const variants = await formVariants(db);
  await step('form variants', sql`
    drop table if exists bench_form_variants, bench_forms;
    create temp table bench_form_variants (k int primary key, template_id uuid, version_id uuid, document_type_id uuid, title text, items jsonb, score int, signatures jsonb)`);
  await db.execute(sql`
    insert into bench_form_variants
    select (x->>'k')::int, (x->>'templateId')::uuid, (x->>'versionId')::uuid, (x->>'documentTypeId')::uuid, x->>'title', x->'items',
      (x->>'score')::int, x->'signatures'
    from jsonb_array_elements(${JSON.stringify(variants)}::jsonb) x`);
  // Each response: a patient (spread by a prime stride), the staff member at the desk who took the
  // tablet back, and a time in the last 900 days; two in five reviewed by a clinician since.
  await step(`${count} submitted forms`, sql`
    create temp table bench_forms as
    select g, gen_random_uuid() as assignment_id, gen_random_uuid() as response_id, gen_random_uuid() as document_id,
      b.tenant_id, pa.id as patient_id, pr.id as staff_id, v.*,
      date_trunc('second', now()) - make_interval(days => (1 + g % 900)::int, mins => (g * 13 % 1440)::int) as submitted_at,
      g % 5 < 2 as reviewed
    from bench_big b
    cross join generate_series(1, ${int(count)}) g
    join bench_pats pa on pa.tenant_id = b.tenant_id and pa.pk = 1 + ((g::bigint * 48611) % b.patients)
    join bench_prov pr on pr.tenant_id = b.tenant_id and pr.pk = g % b.providers
    join bench_form_variants v on v.k = g % ${int(variants.length)};
    insert into documents (tenant_id, id, patient_id, type_id, title, examination_date, visible_to_patient, status, storage_key,
      original_filename, content_type, size_bytes, uploaded_by_kind, uploaded_by_id, created_at, updated_at)
    select tenant_id, document_id, patient_id, document_type_id, title, submitted_at::date, true, 'available',
      'bench/forms/' || response_id || '.pdf', replace(title, ' ', '-') || '.pdf', 'application/pdf', 40000 + g % 30000, 'staff', staff_id,
      submitted_at + interval '1 minute', submitted_at + interval '1 minute'
    from bench_forms;
    insert into form_assignments (tenant_id, id, patient_id, template_id, version_id, status, source, due_on, assigned_by_id,
      submitted_at, reviewed_at, reviewed_by_id, created_at, updated_at)
    select tenant_id, assignment_id, patient_id, template_id, version_id, case when reviewed then 'reviewed' else 'submitted' end,
      case when g % 4 = 0 then 'booking' else 'chart' end, (submitted_at - make_interval(days => (g % 10)::int))::date + 7, staff_id,
      submitted_at, case when reviewed then submitted_at + interval '2 days' end, case when reviewed then staff_id end,
      submitted_at - make_interval(days => (1 + g % 10)::int), submitted_at + case when reviewed then interval '2 days' else interval '0' end
    from bench_forms;
    insert into form_responses (tenant_id, id, assignment_id, patient_id, version_id, status, items, revision, score,
      last_edited_by_staff_id, submitted_at, submitted_by_staff_id, document_id, created_at, updated_at)
    select tenant_id, response_id, assignment_id, patient_id, version_id, 'submitted', items, 2 + g % 9, score,
      staff_id, submitted_at, staff_id, document_id, submitted_at - make_interval(mins => (5 + g % 40)::int), submitted_at
    from bench_forms;
    insert into form_signatures (tenant_id, response_id, link_id, signer_name, signer_role, method, consent_text, content_sha256, signed_by_staff_id, signed_at)
    select f.tenant_id, f.response_id, s->>'linkId', p.first_name || ' ' || p.last_name, 'patient', 'typed', s->>'consentText', s->>'hash', f.staff_id, f.submitted_at
    from bench_forms f
    join patients p on p.tenant_id = f.tenant_id and p.id = f.patient_id
    cross join jsonb_array_elements(f.signatures) s`);
}

// --- Billing and orders ------------------------------------------------------------------------

const PAID_ORDER = `('processing', 'awaiting_requirements', 'awaiting_review', 'awaiting_fulfilment', 'shipped', 'delivered', 'completed')`;

async function generateBilling(counts: SecondWaveCounts, step: Step) {
  // Orders first: each has an invoice (the first `orders` of the invoices), so the order's status
  // decides its invoice's. A hundredth of the orders by status: 3 pending, 4 awaiting payment (a
  // card declined: "Needs attention"), 4 awaiting requirements (half overdue), 3 awaiting review
  // (two in three waiting longer than two days), 4 awaiting fulfilment, 4 shipped (one in four with
  // a carrier exception), 6 delivered, 67 completed, 5 cancelled before payment.
  await step(`${counts.orders} orders planned`, sql`
    drop table if exists bench_orders, bench_order_steps;
    create temp table bench_orders as
    with base as (
      select o, b.tenant_id, b.location_id, pa.id as patient_id, pr.id as staff_id,
        case
          when o % 100 < 3 then 'pending' when o % 100 < 7 then 'awaiting_payment' when o % 100 < 11 then 'awaiting_requirements'
          when o % 100 < 14 then 'awaiting_review' when o % 100 < 18 then 'awaiting_fulfilment' when o % 100 < 22 then 'shipped'
          when o % 100 < 28 then 'delivered' when o % 100 < 95 then 'completed' else 'cancelled'
        end as status
      from bench_big b
      cross join generate_series(1, ${int(counts.orders)}) o
      join bench_pats pa on pa.tenant_id = b.tenant_id and pa.pk = 1 + ((o::bigint * 15485863) % b.patients)
      join bench_prov pr on pr.tenant_id = b.tenant_id and pr.pk = o % b.providers
    ), timed as (
      select base.*,
        case
          when status in ('delivered', 'completed', 'cancelled') then now() - make_interval(days => (8 + o % 900)::int, mins => (o * 7 % 1440)::int)
          when status = 'awaiting_requirements' and o % 2 = 0 then now() - make_interval(days => (10 + o % 20)::int)
          when status = 'awaiting_requirements' then now() - make_interval(hours => (6 + o % 90)::int)
          when status = 'awaiting_review' and o % 3 <> 0 then now() - make_interval(days => (5 + o % 25)::int)
          when status = 'awaiting_review' then now() - make_interval(hours => (6 + o % 20)::int)
          else now() - make_interval(days => (o % 20)::int, hours => 8)
        end as created_at,
        case when status in ('delivered', 'completed', 'cancelled') then interval '1 day' else interval '1 hour' end as gap,
        case
          when status in ('awaiting_requirements', 'awaiting_review') then 2
          when status in ('shipped', 'delivered') then 1 + o % 2
          else 1 + o % 3
        end as product_k
      from base
    )
    select t.*, gen_random_uuid() as id, gen_random_uuid() as invoice_id, gen_random_uuid() as payment_id,
      p.id as product_id, p.name as product_name, p.unit_amount, p.ship, 1 + (o % 4 = 0)::int as quantity,
      p.unit_amount * (1 + (o % 4 = 0)::int) as total,
      p.ship and t.status in ('shipped', 'delivered', 'completed') as shipped,
      t.product_k = 2 and t.status in ${sql.raw(PAID_ORDER)} as has_requirement,
      -- The path it took: created pending, paid (processing), its requirements and review, shipping.
      case
        when t.status = 'pending' then array['pending']
        when t.status = 'awaiting_payment' then array['pending', 'awaiting_payment']
        when t.status = 'cancelled' then array['pending', 'cancelled']
        else array['pending', 'processing']
          || case when t.product_k = 2 then array['awaiting_requirements'] else '{}' end
          || case when t.product_k = 2 and t.status <> 'awaiting_requirements' then array['awaiting_review'] else '{}' end
          || case when t.status in ('awaiting_fulfilment', 'shipped', 'delivered', 'completed') then array['awaiting_fulfilment'] else '{}' end
          || case when p.ship and t.status in ('shipped', 'delivered', 'completed') then array['shipped'] else '{}' end
          || case when p.ship and t.status in ('delivered', 'completed') then array['delivered'] else '{}' end
          || case when t.status = 'completed' then array['completed'] else '{}' end
      end as path
    from timed t join bench_products p on p.k = t.product_k;
    create temp table bench_order_steps as
    select o.tenant_id, o.id as order_id, o.o, s.to_status, s.n, o.path[s.n - 1] as from_status, o.created_at + o.gap * (s.n - 1) as at, o.staff_id
    from bench_orders o cross join unnest(o.path) with ordinality as s(to_status, n);
    create index on bench_order_steps (order_id, to_status);
    alter table bench_orders add column paid_at timestamptz, add column last_at timestamptz, add column review_at timestamptz, add column number int;
    update bench_orders o set
      paid_at = (select at from bench_order_steps s where s.order_id = o.id and s.to_status = 'processing'),
      review_at = (select at from bench_order_steps s where s.order_id = o.id and s.to_status = 'awaiting_review'),
      last_at = o.created_at + o.gap * (cardinality(o.path) - 1);
    update bench_orders o set number = n.base + n.k from (
      select id, row_number() over (order by created_at, o) as k,
        (select s.next_order_number - 1 from commerce_settings s join bench_big b on b.tenant_id = s.tenant_id) as base
      from bench_orders) n
    where n.id = o.id`);

  // Invoices: the orders' (their product, paid when the order is, open while it waits for a
  // payment, void when cancelled) and then visits': per hundred, 70 paid, 12 open (sent in the last
  // 25 days: not yet due), 5 partly paid, 5 void, 3 written off, 5 drafts. One to three lines each.
  await step(`${counts.invoices} invoices planned`, sql`
    drop table if exists bench_invoices, bench_invoice_lines;
    create temp table bench_invoices as
    select o.o as g, o.invoice_id as id, o.tenant_id, o.patient_id, o.location_id, o.staff_id, 'order' as source,
      case when o.status = 'cancelled' then 'void' when o.status in ('pending', 'awaiting_payment') then 'open' else 'paid' end as status,
      o.created_at, o.paid_at, o.payment_id,
      case when o.status = 'awaiting_payment' then 'failed' when o.paid_at is not null then 'succeeded' end as payment_status,
      'card_online' as method, case when o.status = 'cancelled' then o.last_at end as closing_at
    from bench_orders o
    union all
    select g, gen_random_uuid(), b.tenant_id, pa.id, b.location_id, pr.id, 'visit', x.status, x.created_at,
      -- Paid within 20 days of being sent; a part paid halfway between then and now.
      case when x.status = 'paid' then x.created_at + make_interval(days => (1 + g % 20)::int)
           when x.status = 'partially_paid' then x.created_at + (now() - x.created_at) / 2 end,
      gen_random_uuid(),
      case when x.status in ('paid', 'partially_paid') then 'succeeded' end,
      (array['card_online', 'card_terminal', 'cash', 'check'])[1 + g % 4],
      case when x.status = 'void' then x.created_at + interval '2 days' when x.status = 'uncollectible' then x.created_at + interval '20 days' end
    from bench_big b
    cross join generate_series(${int(counts.orders + 1)}, ${int(counts.invoices)}) g
    cross join lateral (
      select s.status,
        case when s.status in ('open', 'partially_paid', 'draft') then now() - make_interval(days => (g % 25)::int, mins => (g * 11 % 600)::int)
             else now() - make_interval(days => (30 + g % 1000)::int, mins => (g * 11 % 600)::int) end as created_at
      from (select case
        when g % 100 < 70 then 'paid' when g % 100 < 82 then 'open' when g % 100 < 87 then 'partially_paid'
        when g % 100 < 92 then 'void' when g % 100 < 95 then 'uncollectible' else 'draft' end as status) s
    ) x
    join bench_pats pa on pa.tenant_id = b.tenant_id and pa.pk = 1 + ((g::bigint * 104723) % b.patients)
    join bench_prov pr on pr.tenant_id = b.tenant_id and pr.pk = g % b.providers;
    create temp table bench_invoice_lines as
    select o.tenant_id, o.invoice_id, 1 as position, 'product' as kind, null::uuid as service_id, o.product_name as description,
      o.quantity, o.unit_amount, o.total as subtotal, o.total
    from bench_orders o
    union all
    select i.tenant_id, i.id, n, case when n = 1 then 'service' else 'other' end, case when n = 1 then b.service_id end,
      (array['Office visit', 'Lab work', 'Vaccine administration', 'Follow-up visit', 'Procedure'])[1 + (i.g + n) % 5],
      1 + (n = 2 and i.g % 4 = 0)::int, 5000 + ((i.g * n * 37) % 20) * 500,
      (1 + (n = 2 and i.g % 4 = 0)::int) * (5000 + ((i.g * n * 37) % 20) * 500),
      (1 + (n = 2 and i.g % 4 = 0)::int) * (5000 + ((i.g * n * 37) % 20) * 500)
    from bench_invoices i join bench_big b on b.tenant_id = i.tenant_id
    cross join generate_series(1, 1 + i.g % 3) n
    where i.source = 'visit';
    alter table bench_invoices add column total int, add column paid int, add column number int, add column receipt int;
    update bench_invoices i set total = l.total from (
      select invoice_id, sum(total)::int as total from bench_invoice_lines group by invoice_id) l
    where l.invoice_id = i.id;
    update bench_invoices set paid = case status when 'paid' then total when 'partially_paid' then total / 2 end;
    update bench_invoices i set number = n.base + n.k from (
      select id, row_number() over (order by created_at, g) as k,
        (select s.next_invoice_number - 1 from billing_settings s join bench_big b on b.tenant_id = s.tenant_id) as base
      from bench_invoices where status <> 'draft') n
    where n.id = i.id;
    update bench_invoices i set receipt = n.base + n.k from (
      select id, row_number() over (order by paid_at, g) as k,
        (select s.next_receipt_number - 1 from billing_settings s join bench_big b on b.tenant_id = s.tenant_id) as base
      from bench_invoices where payment_status = 'succeeded') n
    where n.id = i.id`);

  await step('invoices, lines, payments and ledger', sql`
    insert into invoices (tenant_id, id, patient_id, number, status, currency, issue_date, due_date, location_id, subtotal, discount_total, tax_total, total,
      void_reason, created_by_id, opened_at, closed_at, created_at, updated_at)
    select tenant_id, id, patient_id, number, status, 'USD',
      case when status <> 'draft' then created_at::date end, case when status <> 'draft' then created_at::date + 30 end,
      location_id, total, 0, 0, total,
      case when status = 'void' and source = 'order' then 'Order cancelled' when status = 'void' then 'Entered in error' end,
      case when source = 'visit' then staff_id end,
      case when status <> 'draft' then created_at end,
      case when status = 'paid' then paid_at when status in ('void', 'uncollectible') then closing_at end,
      created_at, coalesce(closing_at, paid_at, created_at)
    from bench_invoices;
    insert into invoice_lines (tenant_id, invoice_id, position, kind, service_id, description, quantity, unit_amount, discount_amount, tax_rate_bp, subtotal, tax_amount, total)
    select tenant_id, invoice_id, position, kind, service_id, description, quantity, unit_amount, 0, 0, subtotal, 0, total from bench_invoice_lines;
    insert into payments (tenant_id, id, patient_id, method, purpose, status, amount, currency, idempotency_key, gateway, gateway_payment_ref,
      card_brand, card_last4, failure_code, failure_message, staff_id, location_id, reference, receipt_number, succeeded_at, created_at, updated_at)
    select tenant_id, payment_id, patient_id, method, 'invoices', payment_status, coalesce(paid, total), 'USD', 'bench-scale:' || g,
      case when method = 'card_online' then 'test' end,
      case when method = 'card_online' then 'test_pi_bench_' || g end,
      case when method in ('card_online', 'card_terminal') then 'visa' end,
      case when method in ('card_online', 'card_terminal') then lpad((g % 10000)::text, 4, '0') end,
      case when payment_status = 'failed' then 'card_declined' end,
      case when payment_status = 'failed' then 'Your card was declined. Try another card.' end,
      case when method <> 'card_online' then staff_id end, location_id,
      case when method = 'check' then 'CHK-' || g end,
      receipt, case when payment_status = 'succeeded' then paid_at end,
      coalesce(paid_at, created_at + interval '1 minute'), coalesce(paid_at, created_at + interval '1 minute')
    from bench_invoices where payment_status is not null;
    insert into payment_allocations (tenant_id, payment_id, invoice_id, amount)
    select tenant_id, payment_id, id, coalesce(paid, total) from bench_invoices where payment_status is not null;
    insert into ledger_entries (tenant_id, patient_id, kind, amount, currency, invoice_id, payment_id, memo, actor_kind, actor_id, occurred_at)
    select tenant_id, patient_id, 'charge', total, 'USD', id, null, null,
      case when source = 'visit' then 'staff' else 'patient' end, case when source = 'visit' then staff_id end, created_at
    from bench_invoices where status <> 'draft'
    union all
    select tenant_id, patient_id, 'payment', -paid, 'USD', id, payment_id, null,
      case when method = 'card_online' then 'patient' else 'staff' end, case when method <> 'card_online' then staff_id end, paid_at
    from bench_invoices where payment_status = 'succeeded'
    union all
    select tenant_id, patient_id, case when status = 'void' then 'void' else 'write_off' end, -total, 'USD', id, null,
      case when status = 'void' then 'Voided' else 'Written off' end, 'staff', staff_id, closing_at
    from bench_invoices where status in ('void', 'uncollectible');
    -- Numbers the app takes next (lib/billing/numbering.ts) come after the generated ones.
    update billing_settings s set
      next_invoice_number = greatest(s.next_invoice_number, (select max(number) + 1 from bench_invoices)),
      next_receipt_number = greatest(s.next_receipt_number, coalesce((select max(receipt) + 1 from bench_invoices), 1))
    from bench_big b where s.tenant_id = b.tenant_id`);

  await step('orders, lines, history, shipments', sql`
    insert into orders (tenant_id, id, number, patient_id, kind, status, invoice_id, currency, subtotal, discount_total, tax_total, total,
      ship_name, ship_line1, ship_city, ship_region, ship_postal_code, ship_country, assigned_staff_id, assigned_team,
      requirements_due_at, paid_at, cancel_reason, closed_at, status_since, created_at, updated_at)
    select o.tenant_id, o.id, o.number, o.patient_id, case when o.product_k = 3 then 'staff' else 'checkout' end, o.status, o.invoice_id, 'USD',
      o.total, 0, 0, o.total,
      case when o.ship then p.first_name || ' ' || p.last_name end, case when o.ship then (10 + o.o % 900) || ' Oak Street' end,
      case when o.ship then 'Springfield' end, case when o.ship then 'IL' end, case when o.ship then '627' || lpad((o.o % 100)::text, 2, '0') end,
      case when o.ship then 'US' end,
      case when o.o % 3 = 0 then o.staff_id end,
      case when o.o % 3 = 1 then (array['Clinical review', 'Fulfilment', 'Support'])[1 + o.o % 3] end,
      case when o.has_requirement then o.paid_at + interval '7 days' end,
      o.paid_at, case when o.status = 'cancelled' then 'Cancelled at the patient''s request' end,
      case when o.status in ('completed', 'cancelled') then o.last_at end,
      o.last_at, o.created_at, o.last_at
    from bench_orders o join patients p on p.tenant_id = o.tenant_id and p.id = o.patient_id;
    insert into order_lines (tenant_id, order_id, position, product_id, description, quantity, unit_amount, discount_amount, tax_amount, total)
    select tenant_id, id, 1, product_id, product_name, quantity, unit_amount, 0, 0, total from bench_orders;
    insert into order_status_history (tenant_id, order_id, from_status, to_status, actor_kind, actor_id, note, occurred_at)
    select tenant_id, order_id, from_status, to_status,
      case when to_status in ('pending', 'processing', 'awaiting_payment', 'awaiting_requirements') then 'system' else 'staff' end,
      case when to_status in ('pending', 'processing', 'awaiting_payment', 'awaiting_requirements') then null else staff_id end,
      case when to_status = 'awaiting_payment' then 'The card was declined.' end, at
    from bench_order_steps;
    insert into shipments (tenant_id, order_id, carrier, tracking_number, status, exception_note, shipped_at, delivered_at, created_by_id, created_at, updated_at)
    select o.tenant_id, o.id, 'usps', 'BENCH' || lpad(o.o::text, 9, '0'),
      case when o.status = 'shipped' and o.o % 4 = 2 then 'exception' when o.status = 'shipped' then 'in_transit' else 'delivered' end,
      case when o.status = 'shipped' and o.o % 4 = 2 then 'Address not found' end,
      s.at, d.at, o.staff_id, s.at, coalesce(d.at, s.at)
    from bench_orders o
    join bench_order_steps s on s.order_id = o.id and s.to_status = 'shipped'
    left join bench_order_steps d on d.order_id = o.id and d.to_status = 'delivered';
    insert into order_requirements (tenant_id, order_id, kind, label, completed_at, created_at)
    select tenant_id, id, 'upload', 'Photo of the area', review_at, paid_at from bench_orders where has_requirement;
    update commerce_settings s set next_order_number = greatest(s.next_order_number, (select max(number) + 1 from bench_orders))
    from bench_big b where s.tenant_id = b.tenant_id`);
}

// --- Subscriptions -----------------------------------------------------------------------------

async function generateSubscriptions(count: number, step: Step) {
  // An annual membership paid one to three times, the next renewal 30 to 330 days away: never
  // due while the bench runs (bench/commerce.ts makes its own due ones, of its own product).
  await step(`${count} active subscriptions`, sql`
    drop table if exists bench_subscriptions;
    create temp table bench_subscriptions as
    select g, gen_random_uuid() as id, b.tenant_id, pa.id as patient_id, p.id as product_id, x.cycles, x.next_at
    from bench_big b
    cross join generate_series(1, ${int(count)}) g
    cross join lateral (select 1 + g % 3 as cycles, date_trunc('minute', now()) + make_interval(days => (30 + g % 300)::int) as next_at) x
    join bench_pats pa on pa.tenant_id = b.tenant_id and pa.pk = 1 + ((g::bigint * 7919) % b.patients)
    join bench_products p on p.k = 4;
    insert into subscriptions (tenant_id, id, patient_id, product_id, status, phase_position, cycles_in_phase, cycles_billed, anchor_day,
      next_cycle_at, created_at, updated_at)
    select s.tenant_id, s.id, s.patient_id, s.product_id, 'active', 0, s.cycles, s.cycles,
      extract(day from s.next_at at time zone b.time_zone)::int, s.next_at,
      s.next_at - make_interval(years => s.cycles), s.next_at - interval '1 year'
    from bench_subscriptions s join bench_big b on b.tenant_id = s.tenant_id`);
}

// --- Automation runs ---------------------------------------------------------------------------

async function generateAutomationRuns(n: { visits: number; waitingForms: number; paymentNotices: number }, step: Step) {
  const total = n.visits * 3 + n.waitingForms + n.paymentNotices;
  // Each run has the event it matched (fanned out long ago) and the definition it copied. Visits:
  // the latest completed ones, each with its "scheduled" event (two reminders, done before the
  // visit) and its "completed" event (the follow-up a day later; one in 200 failed after retries).
  await step(`${total} automation runs and their events`, sql`
    drop table if exists bench_autos, bench_visits, bench_open_forms, bench_events, bench_runs;
    create temp table bench_autos as
      select a.builtin_key as key, a.id, a.version,
        jsonb_build_object('trigger', a.trigger, 'name', a.name, 'steps', a.steps) as definition, jsonb_array_length(a.steps) as steps
      from automations a join bench_big b on b.tenant_id = a.tenant_id where a.builtin_key is not null;
    create temp table bench_visits as
      select row_number() over (order by a.starts_at desc, a.id) as k, a.tenant_id, a.id, a.patient_id, a.service_id, a.location_id, a.provider_id, a.starts_at, a.ends_at
      from appointments a join bench_big b on b.tenant_id = a.tenant_id
      where a.status = 'completed' and exists (select 1 from bench_pats p where p.tenant_id = a.tenant_id and p.id = a.patient_id)
      order by a.starts_at desc, a.id limit ${int(n.visits)};
    -- Open forms waiting for their due date, each with its reminder run (waiting until 3 days before).
    create temp table bench_open_forms as
      select g, gen_random_uuid() as id, b.tenant_id, pa.id as patient_id, v.template_id, v.version_id, pr.id as staff_id,
        current_date + (33 + g % 300)::int as due_on, now() - make_interval(days => (g % 10)::int, mins => (g % 600)::int) as assigned_at
      from bench_big b
      cross join generate_series(1, ${int(n.waitingForms)}) g
      join bench_pats pa on pa.tenant_id = b.tenant_id and pa.pk = 1 + ((g::bigint * 7907) % b.patients)
      join bench_prov pr on pr.tenant_id = b.tenant_id and pr.pk = g % b.providers
      join bench_form_variants v on v.k = ${int(VARIANTS_PER_FORM)} * (g % 2);
    insert into form_assignments (tenant_id, id, patient_id, template_id, version_id, status, source, due_on, assigned_by_id, created_at, updated_at)
    select tenant_id, id, patient_id, template_id, version_id, 'assigned', 'chart', due_on, staff_id, assigned_at, assigned_at from bench_open_forms;
    create temp table bench_events as
      select gen_random_uuid() as id, v.tenant_id, v.patient_id, 'appointment.scheduled' as name, v.k,
        jsonb_build_object('appointmentId', v.id, 'serviceId', v.service_id, 'locationId', v.location_id, 'providerId', v.provider_id) as subject,
        'staff' as actor_kind, v.provider_id as actor_id, v.starts_at - make_interval(days => (3 + v.k % 20)::int) as at,
        v.starts_at, null::date as due_on
      from bench_visits v
      union all
      select gen_random_uuid(), v.tenant_id, v.patient_id, 'appointment.completed', v.k,
        jsonb_build_object('appointmentId', v.id, 'serviceId', v.service_id, 'locationId', v.location_id, 'providerId', v.provider_id),
        'staff', v.provider_id, v.ends_at + interval '10 minutes', v.starts_at, null
      from bench_visits v
      union all
      select gen_random_uuid(), f.tenant_id, f.patient_id, 'form.assigned', f.g,
        jsonb_build_object('assignmentId', f.id, 'templateId', f.template_id, 'source', 'chart', 'appointmentId', null),
        'staff', f.staff_id, f.assigned_at, null, f.due_on
      from bench_open_forms f
      union all
      select gen_random_uuid(), s.tenant_id, s.patient_id, 'subscription.renewal_failed', s.g,
        jsonb_build_object('subscriptionId', s.id, 'productId', s.product_id, 'cycle', s.cycles),
        'system', null, s.next_at - make_interval(years => 1, days => 3), null, null
      from bench_subscriptions s where s.g <= ${int(n.paymentNotices)};
    insert into domain_events (tenant_id, id, name, patient_id, subject, actor_kind, actor_id, occurred_at, fanned_out_at)
    select tenant_id, id, name, patient_id, subject, actor_kind, actor_id, at, at + interval '3 seconds' from bench_events;
    -- The runs the built-in automations started from those events (two reminders per scheduled visit).
    create temp table bench_runs as
      select e.tenant_id, e.id as event_id, e.patient_id, e.k, e.at + interval '3 seconds' as started_at, a.id as automation_id, a.version, a.definition, a.steps,
        case when a.key = 'form-due-reminder' then 'waiting' when a.key = 'visit-follow-up' and e.k % 200 = 0 then 'failed' else 'completed' end as status,
        case a.key
          when 'visit-reminder-24h' then e.starts_at - interval '24 hours' + interval '1 minute'
          when 'visit-reminder-2h' then e.starts_at - interval '2 hours' + interval '1 minute'
          when 'visit-follow-up' then e.at + interval '24 hours 1 minute'
          when 'payment-failed' then e.at + interval '10 seconds'
        end as finished_at,
        case when a.key = 'form-due-reminder' then (e.due_on - 3)::timestamp at time zone b.time_zone + interval '9 hours' end as next_run_at
      from bench_events e
      join bench_big b on b.tenant_id = e.tenant_id
      join bench_autos a on a.key = any(case e.name
        when 'appointment.scheduled' then array['visit-reminder-24h', 'visit-reminder-2h']
        when 'appointment.completed' then array['visit-follow-up']
        when 'form.assigned' then array['form-due-reminder']
        when 'subscription.renewal_failed' then array['payment-failed'] end);
    insert into automation_runs (tenant_id, automation_id, automation_version, event_id, patient_id, definition, step_index, status, next_run_at,
      attempts, last_error, started_at, finished_at)
    select tenant_id, automation_id, version, event_id, patient_id, definition,
      case status when 'waiting' then 0 when 'failed' then steps - 1 else steps end, status, next_run_at,
      case when status = 'failed' then 5 else 0 end, case when status = 'failed' then 'EmailDeliveryError' end,
      started_at, case when status <> 'waiting' then finished_at end
    from bench_runs`);

  // A run's log: one line per step done (what the runner writes), the failed step's last error.
  await step('automation run logs', sql`
    insert into automation_run_steps (tenant_id, run_id, step_index, kind, outcome, detail, at)
    select r.tenant_id, r.id, s.n - 1, s.step->>'kind',
      case when r.status = 'failed' and s.n = r.step_index + 1 then 'failed' else 'done' end,
      case
        when r.status = 'failed' and s.n = r.step_index + 1 then 'Step ' || s.n || ' could not be done (EmailDeliveryError); the run stopped after the last retry.'
        when s.step->>'kind' in ('wait', 'wait_until') then 'The time came.'
        when s.step->>'kind' = 'check' then 'Every condition held.'
        else initcap(s.step->>'channel') || ' queued.'
      end,
      r.finished_at - make_interval(secs => (jsonb_array_length(r.definition->'steps') - s.n)::int)
    from automation_runs r
    join bench_big b on b.tenant_id = r.tenant_id
    cross join lateral jsonb_array_elements(r.definition->'steps') with ordinality as s(step, n)
    where r.status in ('completed', 'failed') and s.n <= r.step_index + (r.status = 'failed')::int
      and r.event_id in (select id from bench_events)`);
}
