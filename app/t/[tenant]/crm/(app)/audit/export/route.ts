import { getDb } from '@/db/client';
import { recordAudit } from '@/lib/audit/record-audit';
import { AUDIT_CSV_HEADER, auditEntryCsvLine, csvLine, parseAuditSearchParams, streamAuditLog } from '@/lib/audit/query';
import { requireStaff } from '@/lib/auth/staff-session';
import { SettingsAuditActions } from '@/lib/settings/audit-actions';
import { requireTenantForSegment } from '@/lib/tenancy/request-tenant';

/**
 * CSV of the audit log with the page's filters. It lives in the clinic's route tree, so it is
 * reached on the clinic's own host like the page that links to it (the host-only session cookie
 * comes along) and resolves the clinic exactly as pages do. It checks the session and
 * `audit.view` itself: a route handler is a public endpoint whatever the layouts check.
 */
export async function GET(request: Request, { params }: { params: Promise<{ tenant: string }> }) {
  await requireTenantForSegment((await params).tenant);
  const ctx = await requireStaff('crm', 'audit.view');
  const url = new URL(request.url);
  const parsed = parseAuditSearchParams(Object.fromEntries(url.searchParams));
  if (!parsed.ok) {
    return new Response(`${Object.values(parsed.fieldErrors).join('\n')}\n`, {
      status: 400,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
  const db = getDb();
  // Exporting the log is itself an event worth finding later.
  await recordAudit(db, {
    tenantId: ctx.tenant.id, actor: { kind: 'staff', id: ctx.actor.id, label: ctx.actor.email },
    action: SettingsAuditActions.auditExported, ip: ctx.ip, userAgent: ctx.userAgent, details: { filters: parsed.filters },
  });

  const batches = streamAuditLog(db, ctx, parsed.filters);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // A byte-order mark so spreadsheet programs read the file as UTF-8.
      controller.enqueue(encoder.encode(`\uFEFF${csvLine(AUDIT_CSV_HEADER)}`));
    },
    async pull(controller) {
      try {
        const next = await batches.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value.map(auditEntryCsvLine).join('')));
      } catch (error) {
        // Name only: a failed query's message quotes its parameters.
        console.error(`audit export failed (${error instanceof Error ? error.name : 'unknown'})`);
        controller.error(error);
      }
    },
    async cancel() {
      await batches.return(undefined);
    },
  });

  const date = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-log-${ctx.tenant.slug}-${date}.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
