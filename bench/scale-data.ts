import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { generateSecondWave } from './scale-data-second-wave';

/**
 * Clinic-scale data for the benchmark, generated inside Postgres (generate_series), on top of
 * the demo seed: the demo clinic `sunrise` becomes the largest clinic (its demo accounts are the
 * ones the benchmark signs in with), and 18 more clinics share the rest. The second wave's rows
 * (forms, billing, orders, subscriptions, automation runs) go to the largest clinic, consents to
 * every bench patient: bench/scale-data-second-wave.ts.
 */
export interface ScaleOptions {
  clinics: number;
  largestPatients: number;
  otherPatients: number;
  appointments: number;
  documents: number;
  providersPerClinic: number;
  /** Submitted forms (assignment, answers, signatures, filed PDF) in the largest clinic. */
  formResponses: number;
  /** Invoices with lines and ledger (payments for the paid ones); the orders' are among them. */
  invoices: number;
  orders: number;
  /** Active subscriptions, none due for 30 days. */
  subscriptions: number;
  /** Automation runs, finished and waiting, each with the event it matched. */
  automationRuns: number;
}

export const FULL_SCALE: ScaleOptions = {
  clinics: 20,
  largestPatients: 200_000,
  otherPatients: 100_000,
  appointments: 1_000_000,
  documents: 300_000,
  providersPerClinic: 40,
  formResponses: 50_000,
  invoices: 100_000,
  orders: 20_000,
  subscriptions: 10_000,
  automationRuns: 200_000,
};

const FIRST = `array['Maria','James','Olivia','Liam','Emma','Noah','Ava','Lucas','Sofia','Mateo','Isabella','Ethan','Mia','Daniel','Amelia','Henry','Harper','Jack','Evelyn','Leo','Aria','Samuel','Chloe','David','Grace','Joseph','Zoe','Carter','Nora','Wyatt','Lily','Owen','Hannah','Gabriel','Layla','Julian','Ella','Levi','Camila','Isaac']`;
const LAST = `array['Smith','Johnson','Williams','Brown','Jones','Garcia','Miller','Davis','Rodriguez','Martinez','Hernandez','Lopez','Gonzalez','Wilson','Anderson','Thomas','Taylor','Moore','Jackson','Martin','Lee','Perez','Thompson','White','Harris','Sanchez','Clark','Ramirez','Lewis','Robinson','Walker','Young','Allen','King','Wright','Scott','Torres','Nguyen','Hill','Flores','Kim','Patel','Chen','Reyes','Carter','Nagy','Kovacs','Szabo']`;

/** Counts are numbers we chose, inlined as literals so Postgres types them as integers. */
function int(value: number) {
  return sql.raw(String(Math.trunc(value)));
}

/**
 * `db` must hold one connection for the whole run (a handle opened with max 1, or a transaction):
 * the steps share temp tables.
 */
export async function generateScaleData(db: Executor, options: ScaleOptions = FULL_SCALE, log: (line: string) => void = () => {}) {
  const step = async (label: string, query: SQL) => {
    const started = performance.now();
    await db.execute(query);
    log(`  ${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };

  const extraClinics = options.clinics - 2;
  await step(`${extraClinics} more clinics`, sql`
    with n as (select g from generate_series(1, ${int(extraClinics)}) g),
    t as (
      insert into tenants (slug, name)
      select 'bench-' || g, 'Bench Clinic ' || g from n
      on conflict (slug) do nothing
      returning id, slug, name
    ),
    b as (insert into tenant_branding (tenant_id, display_name) select id, name from t),
    s as (insert into tenant_settings (tenant_id) select id from t),
    d as (insert into tenant_domains (tenant_id, kind, hostname, verification_token, verified_at)
          select id, 'subdomain', slug, md5(slug), now() from t),
    dt as (insert into document_types (tenant_id, name)
           select t.id, x.name from t, unnest(array['Report','Lab result','Referral','Invoice']) as x(name))
    insert into locations (tenant_id, name, address_line1, city, time_zone)
    select id, 'Main', '1 Main St', 'Springfield', 'America/Chicago' from t`);

  await step('providers and services', sql`
    with lvl as (
      insert into access_levels (tenant_id, name, builtin_key, permissions)
      select t.id, 'Bench physician', null, array['emr.access','patients.view','schedule.view']
      from tenants t
      where not exists (select 1 from access_levels a where a.tenant_id = t.id and a.name = 'Bench physician')
      returning tenant_id, id
    ),
    prov as (
      insert into staff_users (tenant_id, email, full_name, access_level_id, status, is_provider)
      select lvl.tenant_id, 'provider' || g || '@bench.test', 'Dr. Bench ' || g, lvl.id, 'active', true
      from lvl, generate_series(1, ${int(options.providersPerClinic)}) g
      returning tenant_id, id
    )
    insert into services (tenant_id, name, duration_minutes)
    select distinct tenant_id, 'Bench consultation', 30 from prov
    on conflict do nothing`);

  // Patients: the largest clinic first, then the rest spread over the other clinics.
  await step(`${options.largestPatients + options.otherPatients} patients`, sql`
    with clinics as (
      select id, slug, row_number() over (order by slug) as k, count(*) over () as total
      from tenants where slug <> 'harbor' and slug <> 'sunrise'
    ),
    big as (select id from tenants where slug = 'sunrise'),
    rows as (
      select (select id from big) as tenant_id, g
      from generate_series(1, ${int(options.largestPatients)}) g
      union all
      select c.id, ${int(options.largestPatients)} + g
      from generate_series(1, ${int(options.otherPatients)}) g
      join clinics c on c.k = 1 + (g % c.total)
    )
    insert into patients (tenant_id, record_number, first_name, last_name, date_of_birth, sex, email, phone, city)
    select tenant_id,
      'B' || lpad(g::text, 7, '0'),
      (${sql.raw(FIRST)})[1 + (g * 7) % 40],
      (${sql.raw(LAST)})[1 + (g * 13) % 48] || case when g % 5 = 0 then '-' || (${sql.raw(LAST)})[1 + (g * 3) % 48] else '' end,
      date '1940-01-01' + (g * 37 % 29000),
      case g % 3 when 0 then 'female' when 1 then 'male' else 'unknown' end,
      'patient' || g || '@bench.test',
      '+1555' || lpad((g % 10000000)::text, 7, '0'),
      'Springfield'
    from rows
    on conflict do nothing`);

  // Lookup tables numbered per clinic, so rows can be spread over patients and providers by
  // arithmetic and joined through an index (one connection: the handle is opened with max 1).
  await step('numbering', sql`
    drop table if exists bench_pats, bench_prov, bench_types, bench_clinic;
    create temp table bench_pats as
      select tenant_id, id, row_number() over (partition by tenant_id order by record_number) as pk
      from patients where record_number like 'B%';
    create index on bench_pats (tenant_id, pk);
    create temp table bench_prov as
      select tenant_id, id, row_number() over (partition by tenant_id order by id) - 1 as pk
      from staff_users where is_provider and email like 'provider%@bench.test';
    create index on bench_prov (tenant_id, pk);
    create temp table bench_types as
      select tenant_id, id, row_number() over (partition by tenant_id order by name) - 1 as tk from document_types;
    create index on bench_types (tenant_id, tk);
    create temp table bench_clinic as
      select t.id as tenant_id, t.slug,
        (select count(*) from bench_pats p where p.tenant_id = t.id) as patients,
        (select count(*) from bench_prov p where p.tenant_id = t.id) as providers,
        (select count(*) from bench_types p where p.tenant_id = t.id) as types,
        (select id from services s where s.tenant_id = t.id and s.name = 'Bench consultation') as service_id,
        (select id from locations l where l.tenant_id = t.id order by created_at limit 1) as location_id
      from tenants t where t.slug <> 'harbor';
    analyze bench_pats; analyze bench_prov; analyze bench_types; analyze bench_clinic`);

  const share = (total: number) => sql`case when c.slug = 'sunrise' then ${int(total * 0.6)} else ${int((total * 0.4) / Math.max(1, extraClinics))} end`;

  // Each provider's visits are back-to-back hours going back in time, so the no-overlap
  // constraint holds; patients are spread over the clinic's patients.
  await step(`${options.appointments} appointments`, sql`
    insert into appointments (tenant_id, patient_id, provider_id, service_id, location_id, starts_at, ends_at, status, cancel_reason, booked_by_kind, booked_by_id)
    select c.tenant_id, pa.id, pr.id, c.service_id, c.location_id,
      date_trunc('hour', now()) - interval '2 days' - make_interval(hours => (g / c.providers)::int),
      date_trunc('hour', now()) - interval '2 days' - make_interval(hours => (g / c.providers)::int) + interval '30 minutes',
      case when g % 11 = 0 then 'cancelled' when g % 17 = 0 then 'no_show' else 'completed' end,
      case when g % 11 = 0 then 'Patient request' end,
      'staff', pr.id
    from bench_clinic c
    cross join lateral generate_series(0, ${share(options.appointments)} - 1) g
    join bench_prov pr on pr.tenant_id = c.tenant_id and pr.pk = g % c.providers
    join bench_pats pa on pa.tenant_id = c.tenant_id and pa.pk = 1 + ((g::bigint * 7919) % c.patients)`);

  await step(`${options.documents} documents`, sql`
    insert into documents (tenant_id, patient_id, type_id, title, examination_date, visible_to_patient, status, storage_key,
      original_filename, content_type, size_bytes, uploaded_by_kind, uploaded_by_id)
    select c.tenant_id, pa.id, ty.id,
      (array['Blood test report','Referral letter','Ambulatory sheet','Invoice','MRI report','X-ray report'])[1 + g % 6] || ' ' || g,
      current_date - (g % 2000)::int,
      g % 4 <> 0, 'available', 'bench/' || c.tenant_id || '/' || g,
      'document-' || g || '.pdf', 'application/pdf', 20000 + g % 50000, 'staff', pa.id
    from bench_clinic c
    cross join lateral generate_series(0, ${share(options.documents)} - 1) g
    join bench_types ty on ty.tenant_id = c.tenant_id and ty.tk = g % c.types
    join bench_pats pa on pa.tenant_id = c.tenant_id and pa.pk = 1 + ((g::bigint * 104729) % c.patients)`);

  await generateSecondWave(db, options, step);

  await step('analyze', sql`analyze`);
}
