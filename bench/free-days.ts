import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import type { PortalContext } from '@/lib/access/context';
import { PORTAL_AREAS } from '@/lib/portal-access/proxy-scope';
import { freeDaysInMonth } from '@/lib/scheduling/free-days';
import type { TargetResult } from './report';

/**
 * The portal picker's month of free days (issue 20): `freeDaysInMonth` timed in this process
 * against the bench database, so the number is the server's own time for the query and the slot
 * engine, without HTTP or rendering.
 *
 * The scale data's visits are all in the past, which would make the month cheap; so one of the
 * generated clinics (`bench-1`) gets a busy future: ten of its providers work weekdays 08:00–18:00
 * at its location, offer its consultation, and about seven in ten of their half-hours over the
 * next two months are booked (made once, in SQL; a rerun on kept data finds them). The month is
 * asked for "any provider" (all ten, the costly case) and for one, this month and the next.
 */

export const FREE_DAYS_PROVIDERS = 10;
const RUNS = 100;
const DAYS_AHEAD = 62;

interface BusyClinic {
  tenantId: string;
  locationId: string;
  serviceId: string;
  patientId: string;
  providerIds: string[];
}

export async function prepareBusyCalendar(databaseUrl: string): Promise<BusyClinic> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await sql.begin(async (tx) => {
      const [clinic] = await tx`
        select t.id as tenant_id, l.id as location_id, s.id as service_id,
          (select p.id from patients p where p.tenant_id = t.id order by p.record_number limit 1) as patient_id
        from tenants t
        join locations l on l.tenant_id = t.id and l.name = 'Main'
        join services s on s.tenant_id = t.id and s.name = 'Bench consultation'
        where t.slug = 'bench-1'`;
      if (!clinic) throw new Error('The bench clinic bench-1 is missing: generate the scale data first.');
      const providers = await tx`
        select id from staff_users where tenant_id = ${clinic.tenant_id} and email like 'provider%@bench.test'
        order by email limit ${FREE_DAYS_PROVIDERS}`;
      const providerIds = providers.map((p) => p.id as string);
      await tx`
        insert into availability_rules (tenant_id, provider_id, location_id, weekday, start_time, end_time)
        select ${clinic.tenant_id}, p, ${clinic.location_id}, w, '08:00', '18:00'
        from unnest(${providerIds}::uuid[]) p, generate_series(1, 5) w
        where not exists (
          select 1 from availability_rules a
          where a.tenant_id = ${clinic.tenant_id} and a.provider_id = p and a.location_id = ${clinic.location_id} and a.weekday = w)`;
      await tx`
        insert into provider_services (tenant_id, provider_id, service_id)
        select ${clinic.tenant_id}, p, ${clinic.service_id} from unnest(${providerIds}::uuid[]) p
        on conflict do nothing`;
      const [future] = await tx`
        select count(*)::int as n from appointments
        where tenant_id = ${clinic.tenant_id} and provider_id = any(${providerIds}::uuid[]) and starts_at > now() + interval '1 day'`;
      if ((future?.n ?? 0) === 0) {
        // Each provider's weekday half-hours from tomorrow, about 7 in 10 booked (a fixed pattern),
        // spread over the clinic's first thousand patients.
        await tx`
          with pats as (select array_agg(id) as ids from (select id from patients where tenant_id = ${clinic.tenant_id} order by record_number limit 1000) x),
          slots as (
            select pr.id as provider_id, pr.k, d::date as day, h,
              ((d::date + time '08:00' + h * interval '30 minutes') at time zone 'America/Chicago') as starts_at
            from unnest(${providerIds}::uuid[]) with ordinality as pr(id, k)
            cross join generate_series(current_date + 2, current_date + ${DAYS_AHEAD}::int, interval '1 day') d
            cross join generate_series(0, 19) h
            where extract(isodow from d) < 6
          )
          insert into appointments (tenant_id, patient_id, provider_id, service_id, location_id, starts_at, ends_at, status, booked_by_kind, booked_by_id)
          select ${clinic.tenant_id}, pats.ids[1 + ((s.k * 131 + s.h * 17 + extract(doy from s.day)::int) % array_length(pats.ids, 1))],
            s.provider_id, ${clinic.service_id}, ${clinic.location_id}, s.starts_at, s.starts_at + interval '30 minutes', 'booked', 'staff', s.provider_id
          from slots s, pats
          where (s.k * 7 + s.h * 3 + extract(doy from s.day)::int) % 10 < 7`;
      }
      return {
        tenantId: clinic.tenant_id as string, locationId: clinic.location_id as string, serviceId: clinic.service_id as string,
        patientId: clinic.patient_id as string, providerIds,
      };
    });
  } finally {
    await sql.end();
  }
}

/** A patient of the bench clinic acting for themselves, as requirePortalPatient would give it. */
function benchPortal(clinic: BusyClinic): PortalContext {
  const patient = {
    id: clinic.patientId, firstName: 'Bench', lastName: 'Patient', dateOfBirth: '1980-01-01',
    relationship: 'self' as const, areas: [...PORTAL_AREAS], scopeReason: 'self' as const,
  };
  return {
    tenant: { id: clinic.tenantId, slug: 'bench-1', name: 'Bench Clinic 1', status: 'active' },
    sessionId: '00000000-0000-0000-0000-000000000000',
    idleTimeoutSeconds: 900,
    account: { id: '00000000-0000-0000-0000-000000000000', fullName: 'Bench Patient', email: null, phone: '+15555550100', language: 'en', timeZone: null },
    patients: [patient],
    patient,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The month's free days timed `RUNS` times each (after a warm-up), one call at a time. */
export async function measureFreeDays(databaseUrl: string, options: { log?: (line: string) => void } = {}): Promise<TargetResult[]> {
  const clinic = await prepareBusyCalendar(databaseUrl);
  const handle = openDatabase({ url: databaseUrl, maxConnections: 2 });
  const ctx = benchPortal(clinic);
  const thisMonth = new Date().toISOString().slice(0, 7);
  const next = new Date();
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const nextMonth = next.toISOString().slice(0, 7);
  const results: TargetResult[] = [];
  try {
    for (const [label, providerId] of [[`any of ${FREE_DAYS_PROVIDERS} providers`, 'any'], ['one provider', clinic.providerIds[0]!]] as const) {
      const query = (month: string) => ({ serviceId: clinic.serviceId, locationId: clinic.locationId, providerId, month });
      for (let i = 0; i < 5; i++) await freeDaysInMonth(handle.db, ctx, query(nextMonth));
      const latencies: number[] = [];
      let errors = 0;
      const beforeQueries = handle.queryCount();
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const days = await freeDaysInMonth(handle.db, ctx, query(i % 2 === 0 ? nextMonth : thisMonth));
        latencies.push(performance.now() - t0);
        // The busy months still leave free half-hours on most weekdays: none at all is a broken setup.
        if (i % 2 === 0 && days.length === 0) errors++;
      }
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const sorted = [...latencies].sort((a, b) => a - b);
      const statements = (handle.queryCount() - beforeQueries) / RUNS;
      options.log?.(`  ${label}: p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, ${statements} statements a call`);
      results.push({
        name: `Month of free days (in process, ${label}, ~70% booked)`,
        requests: RUNS, rps: Math.round(RUNS / seconds),
        p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99),
        // Not a page: the five-statement rule of pages does not apply (the statements are logged above).
        errors, queries: 0,
        cpuMs: (cpu.user + cpu.system) / 1000 / RUNS, ratio: 0,
      });
    }
  } finally {
    await handle.close();
  }
  return results;
}
