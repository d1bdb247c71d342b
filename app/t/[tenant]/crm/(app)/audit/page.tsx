import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { SelectField } from '@/components/crm/settings-fields';
import { TextField } from '@/components/ui/form-controls';
import { listAuditActionNames, parseAuditSearchParams, queryAuditLog } from '@/lib/audit/query';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { clinicDateTimeSeconds } from '@/lib/intl/clinic-time';
import { SettingsAuditActions } from '@/lib/settings/audit-actions';

export const metadata: Metadata = { title: 'Audit log' };

type SearchParams = Record<string, string | string[] | undefined>;

const OUTCOME_STYLE: Record<string, string> = {
  success: 'bg-emerald-100 text-emerald-900',
  failure: 'bg-amber-100 text-amber-900',
  denied: 'bg-red-100 text-red-900',
};

function first(params: SearchParams, key: string): string {
  const v = params[key];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

function hrefWith(params: SearchParams, changes: Record<string, string | undefined>, path = '/crm/audit'): string {
  const q = new URLSearchParams();
  for (const key of ['person', 'patient', 'patientId', 'action', 'from', 'to', 'page']) {
    const value = key in changes ? changes[key] : first(params, key);
    if (value) q.set(key, value);
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requireStaff('crm', 'audit.view');
  const params = await searchParams;
  const parsed = parseAuditSearchParams(params);
  const db = getDb();
  const [actions, result, zone] = await Promise.all([
    listAuditActionNames(db, ctx, Object.values(SettingsAuditActions)),
    parsed.ok ? queryAuditLog(db, ctx, parsed.filters, parsed.page) : null,
    clinicTimeZone(db, ctx.tenant.id),
  ]);
  const when = clinicDateTimeSeconds(zone);
  const errors = parsed.ok ? {} : parsed.fieldErrors;

  return (
    <div className="space-y-6">
      <header className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 className="text-2xl font-semibold">Audit log</h1>
          <p className="mt-1 text-fg-muted">Sign-ins, record views and changes in this clinic, newest first. Times are in the clinic’s time zone ({zone.replaceAll('_', ' ')}); the From and To dates, and the export, count days in UTC.</p>
        </div>
        {parsed.ok ? (
          <a href={hrefWith(params, { page: undefined }, '/crm/audit/export')} className="inline-flex min-h-11 items-center justify-center rounded-lg border border-line bg-surface px-4 py-2.5 font-medium hover:bg-surface-muted" download>
            Export CSV
          </a>
        ) : null}
      </header>

      <form method="get" className="grid gap-4 rounded-xl border border-line bg-surface p-5 sm:grid-cols-2 lg:grid-cols-3">
        <TextField label="Person" name="person" hint="Staff member or portal account: name or email." defaultValue={first(params, 'person')} maxLength={100} error={errors.person} />
        <TextField label="Patient" name="patient" hint="Name or record number." defaultValue={first(params, 'patient')} maxLength={100} error={errors.patient ?? errors.patientId} />
        <SelectField
          label="Action"
          name="action"
          options={[{ value: '', label: 'Any action' }, ...actions.map((a) => ({ value: a, label: a }))]}
          defaultValue={first(params, 'action')}
          error={errors.action}
        />
        <TextField label="From" name="from" type="date" defaultValue={first(params, 'from')} error={errors.from} />
        <TextField label="To" name="to" type="date" defaultValue={first(params, 'to')} error={errors.to} />
        <div className="flex items-end gap-2">
          <button type="submit" className="inline-flex min-h-11 items-center justify-center rounded-lg bg-brand px-4 py-2.5 font-semibold text-brand-contrast">Filter</button>
          <Link href="/crm/audit" className="inline-flex min-h-11 items-center justify-center rounded-lg border border-line px-4 py-2.5 font-medium hover:bg-surface-muted">Clear</Link>
        </div>
      </form>

      {result && result.matchedPatients.length > 1 ? (
        <div className="rounded-xl border border-line bg-surface p-4 text-sm">
          <p>Showing entries for {result.matchedPatients.length} matching patients{result.matchedPatients.length === 50 ? ' (first 50)' : ''}. Narrow to one:</p>
          <ul className="mt-2 flex flex-wrap gap-2">
            {result.matchedPatients.map((p) => (
              <li key={p.id}>
                <Link href={hrefWith(params, { patientId: p.id, patient: p.name, page: undefined })} className="inline-block rounded-full border border-line px-3 py-1 hover:bg-surface-muted">
                  {p.name} · {p.recordNumber}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {result ? (
        <section aria-labelledby="entries-heading" className="rounded-xl border border-line bg-surface">
          <h2 id="entries-heading" className="sr-only">Entries</h2>
          {result.entries.length === 0 ? (
            <p className="p-4 text-fg-muted">No entries match these filters.</p>
          ) : (
            <ol className="divide-y divide-line">
              {result.entries.map((e) => (
                <li key={e.id} className="grid gap-1 p-4 text-sm md:grid-cols-[12rem_1fr_auto] md:gap-4">
                  <time dateTime={e.occurredAt.toISOString()} className="text-fg-muted">{when.format(e.occurredAt)}</time>
                  <div className="min-w-0">
                    <p>
                      <span className="font-medium">{e.actor}</span>
                      {e.actorDetail ? <span className="text-fg-muted"> ({e.actorDetail})</span> : null}
                      {' · '}
                      <code className="rounded bg-surface-muted px-1 py-0.5">{e.action}</code>
                    </p>
                    {e.patient ? <p className="text-fg-muted">Patient: {e.patient}</p> : null}
                    {e.targetType ? <p className="break-all text-fg-muted">Target: {e.targetType} {e.targetId}</p> : null}
                    {e.details ? (
                      <details className="mt-1">
                        <summary className="cursor-pointer text-fg-muted">Details</summary>
                        <pre className="mt-1 overflow-x-auto whitespace-pre-wrap break-all rounded bg-surface-muted p-2 text-xs">{JSON.stringify(e.details, null, 2)}</pre>
                      </details>
                    ) : null}
                  </div>
                  <div className="flex items-start gap-2 md:flex-col md:items-end">
                    <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${OUTCOME_STYLE[e.outcome]}`}>{e.outcome}</span>
                    <span className="text-fg-muted">{e.ip ? `IP ${e.ip}` : 'IP not recorded'}</span>
                  </div>
                </li>
              ))}
            </ol>
          )}
          <nav aria-label="Pages" className="flex items-center justify-between border-t border-line p-3 text-sm">
            {result.page > 1 ? (
              <Link href={hrefWith(params, { page: String(result.page - 1) })} className="rounded-md border border-line px-3 py-1.5 font-medium hover:bg-surface-muted">Newer</Link>
            ) : <span />}
            <span className="text-fg-muted">Page {result.page}</span>
            {result.hasMore ? (
              <Link href={hrefWith(params, { page: String(result.page + 1) })} className="rounded-md border border-line px-3 py-1.5 font-medium hover:bg-surface-muted">Older</Link>
            ) : <span />}
          </nav>
        </section>
      ) : (
        <p role="alert" className="rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-sm font-medium text-red-800">Correct the highlighted filters to see entries.</p>
      )}
    </div>
  );
}
