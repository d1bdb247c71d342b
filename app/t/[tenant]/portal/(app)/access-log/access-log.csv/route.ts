import { getDb } from '@/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { accessLogCsvHeader, accessLogCsvLine, exportAccessLog, parseAccessLogQuery } from '@/lib/audit/access-log';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { patientZone } from '@/lib/conversations/display-message';
import { toLocale, translator } from '@/lib/i18n/core';
import { accessLog } from '@/lib/i18n/messages/access-log';
import { getTenantProfile, requireTenantForSegment } from '@/lib/tenancy/request-tenant';

export const runtime = 'nodejs';

const plain = (status: number, text: string) =>
  new Response(`${text}\n`, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });

/**
 * /portal/access-log/access-log.csv?from=&to=&kind=: the page's list as a spreadsheet, with the
 * page's filters, in the patient's language and time zone. A route handler is a public endpoint
 * whatever the layouts check: it resolves the clinic from the host and the session itself, and
 * lib/ refuses a family member the patient has not granted (not-found, as outside any proxy's
 * scope) before anything is read; the export is audited as the caller's own action.
 */
export async function GET(request: Request, { params }: { params: Promise<{ tenant: string }> }) {
  const tenant = await requireTenantForSegment((await params).tenant);
  const portal = await requirePortalPatient();
  const t = translator(accessLog, toLocale(portal.account.language));
  const query = parseAccessLogQuery(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.ok) return plain(400, Object.values(query.errors).map((key) => t(key)).join('\n'));
  const profile = await getTenantProfile(tenant.id);
  const zone = patientZone(portal.account.timeZone, profile?.locations ?? []);
  const db = getDb();
  let batches: AsyncGenerator<Parameters<typeof accessLogCsvLine>[0][]>;
  try {
    batches = await exportAccessLog(db, portal, { filters: query.filters, timeZone: zone });
  } catch (error) {
    if (error instanceof ForbiddenError) return plain(403, 'Forbidden');
    if (error instanceof NotFoundError) return plain(404, 'Not found');
    throw error;
  }

  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // A byte-order mark so spreadsheet programs read the file as UTF-8.
      controller.enqueue(encoder.encode(`\uFEFF${accessLogCsvHeader(t)}`));
    },
    async pull(controller) {
      try {
        const next = await batches.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value.map((entry) => accessLogCsvLine(entry, t, zone)).join('')));
      } catch (error) {
        // Name only: a failed query's message quotes its parameters.
        console.error(`access log export failed (${error instanceof Error ? error.name : 'unknown'})`);
        controller.error(error);
      }
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${t('csvFilename')}.csv"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
