import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { exportDayPaymentsCsv, ReportRuleError } from '@/lib/billing/reports';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { requireTenantForSegment } from '@/lib/tenancy/request-tenant';

/**
 * /emr/billing/report.csv?date=YYYY-MM-DD: the day's payments and refunds as CSV (billing.view),
 * no date meaning the clinic's today. A route handler is a public endpoint whatever the layouts
 * check, so it checks the session and the permission itself; the export is audited in lib.
 */
export async function GET(request: Request, { params }: { params: Promise<{ tenant: string }> }) {
  await requireTenantForSegment((await params).tenant);
  const ctx = await requireStaff('emr', 'billing.view');
  const db = getDb();
  const date = new URL(request.url).searchParams.get('date') ?? (await clinicToday(db, ctx.tenant.id));
  let exported;
  try {
    exported = await exportDayPaymentsCsv(db, ctx, date);
  } catch (error) {
    if (!(error instanceof ReportRuleError)) throw error;
    return new Response('Enter the day as a date (YYYY-MM-DD).\n', {
      status: 400,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
  return new Response(exported.csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${exported.filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
