import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '@/components/portal/empty-state';
import { FormMessage, PrimaryButton, SelectField, TextField } from '@/components/ui/form-controls';
import { getDb } from '@/db/client';
import { listAccessLog, parseAccessLogQuery, type AccessLogFilters } from '@/lib/audit/access-log';
import { ACCESS_KINDS } from '@/lib/audit/access-log-rules';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { patientZone } from '@/lib/conversations/display-message';
import { accessLog } from '@/lib/i18n/messages/access-log';
import { getPortalI18n } from '@/lib/i18n/portal';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { ArrowLeft, ArrowRight } from 'lucide-react';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(accessLog);
  return { title: t('title') };
}

const textLink = 'inline-flex min-h-11 items-center link';
const pagerLink = 'inline-flex min-h-11 items-center rounded-lg border border-line bg-surface px-4 py-2 text-sm font-medium hover:bg-surface-muted';

/** The page's address with the filters kept (and a cursor, for the pager); empty values left out. */
function hrefWith(path: string, filters: AccessLogFilters, cursor?: { before?: string; after?: string }): string {
  const params = new URLSearchParams();
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (filters.kind) params.set('kind', filters.kind);
  if (cursor?.before) params.set('before', cursor.before);
  if (cursor?.after) params.set('after', cursor.after);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

/**
 * "Who viewed my record" (issue 19 point 6): every staff view, download, print and change of the
 * selected patient's record, newest first, in the patient's time zone. The filters are a GET
 * form (the address holds them, so it works without JavaScript and the CSV link repeats them).
 * The patient's own account always sees it; a family member only when the patient granted it
 * (the `access_log` area of the link).
 */
export default async function AccessLogPage({ params, searchParams }: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { profile } = await getPageTenant(params);
  // A family member reaches it only when the patient granted it; others are sent home with a notice.
  const portal = await requirePortalPatient('access_log');
  const { t, fmt } = await getPortalI18n(accessLog);
  const { patient } = portal;
  const name = `${patient.firstName} ${patient.lastName}`;

  const zone = patientZone(portal.account.timeZone, profile.locations);
  const query = parseAccessLogQuery(await searchParams);
  const filters = query.filters;
  const result = query.ok ? await listAccessLog(getDb(), portal, { filters, page: query.page, timeZone: zone }) : null;
  const filtered = Boolean(filters.from || filters.to || filters.kind);
  const errors = query.ok ? {} : query.errors;
  const clinic = profile.branding.displayName;
  const zoneName = fmt.zoneName(new Date(), zone);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{t('heading')}</h1>
        <p className="mt-1 text-fg-muted">
          {patient.relationship === 'self' ? t('intro', { clinic, zone: zoneName }) : t('introOther', { clinic, name, zone: zoneName })}
        </p>
      </div>

      <form method="get" action="/portal/access-log" aria-label={t('filtersLabel')} className="grid gap-4 rounded-xl border border-line bg-surface p-4 sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-end">
        <TextField name="from" type="date" label={t('fromLabel')} defaultValue={filters.from ?? ''} max="9999-12-31" error={errors.from ? t(errors.from) : undefined} />
        <TextField name="to" type="date" label={t('toLabel')} defaultValue={filters.to ?? ''} max="9999-12-31" error={errors.to ? t(errors.to) : undefined} />
        <SelectField name="kind" label={t('kindLabel')} defaultValue={filters.kind ?? ''}>
          <option value="">{t('kindAll')}</option>
          {ACCESS_KINDS.map((kind) => <option key={kind} value={kind}>{t(`kind_${kind}`)}</option>)}
        </SelectField>
        <PrimaryButton type="submit">{t('applyFilters')}</PrimaryButton>
      </form>
      {query.ok ? null : <FormMessage message={t('errorSummary')} />}

      <div className="flex flex-wrap items-center gap-x-6 gap-y-1">
        {filtered ? <Link href="/portal/access-log" className={textLink}>{t('clearFilters')}</Link> : null}
        {query.ok ? (
          <p className="flex flex-col">
            {/* A download, not a page: a plain link, so the browser saves the file. */}
            <a href={hrefWith('/portal/access-log/access-log.csv', filters)} download className={textLink} aria-describedby="csv-hint">{t('downloadCsv')}</a>
            <span id="csv-hint" className="text-sm text-fg-muted">{t('downloadCsvHint')}</span>
          </p>
        ) : null}
      </div>

      {result ? (
        <section aria-labelledby="entries-heading" className="space-y-4">
          <h2 id="entries-heading" className="sr-only">{t('listHeading')}</h2>
          {result.entries.length === 0 ? (
            <EmptyState title={filtered || result.newer ? t('emptyFiltered') : t('emptyTitle')}>{filtered ? t('emptyFilteredHint') : null}</EmptyState>
          ) : (
            <ul className="divide-y divide-line rounded-xl border border-line bg-surface" data-testid="access-log">
              {result.entries.map((entry) => {
                const who = entry.staffName ?? t('staffUnknown');
                const what = t(`phrase_${entry.phrase}`);
                const when = fmt.dateTime(entry.occurredAt, zone);
                return (
                  <li key={entry.id} className="p-4">
                    <article aria-label={t('entryLabel', { who, what, when })} className="flex flex-col gap-1 sm:flex-row sm:items-start sm:justify-between sm:gap-4">
                      <div className="min-w-0">
                        <p className="font-semibold break-words">
                          {who}
                          {entry.role ? <span className="font-normal text-fg-muted"> · {entry.role}</span> : null}
                        </p>
                        <p className="break-words">{what}</p>
                      </div>
                      <p className="shrink-0 text-sm text-fg-muted"><time dateTime={entry.occurredAt.toISOString()}>{when}</time></p>
                    </article>
                  </li>
                );
              })}
            </ul>
          )}
          {result.newer || result.older ? (
            <nav aria-label={t('pagerLabel')} className="flex flex-wrap items-center justify-between gap-3">
              {result.newer ? (
                <span className="flex flex-wrap gap-3">
                  <Link href={hrefWith('/portal/access-log', filters, { after: result.newer })} className={pagerLink}><ArrowLeft aria-hidden className="inline size-4 align-[-0.125em]" />&nbsp;{t('newer')}</Link>
                  <Link href={hrefWith('/portal/access-log', filters)} className={textLink}>{t('newest')}</Link>
                </span>
              ) : <span />}
              {result.older ? (
                <Link href={hrefWith('/portal/access-log', filters, { before: result.older })} className={pagerLink}>{t('older')}&nbsp;<ArrowRight aria-hidden className="inline size-4 align-[-0.125em]" /></Link>
              ) : <span />}
            </nav>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
