import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { getInvoice } from '@/lib/billing/invoice-reads';
import { billingPdfFilename, invoicePdfInput, renderInvoicePdf } from '@/lib/billing/pdf';
import { getTenantProfile, requireTenantForSegment } from '@/lib/tenancy/request-tenant';

export const runtime = 'nodejs';

/**
 * A sent invoice as the PDF the patient gets (English), for staff with billing.view. A route
 * handler is a public endpoint whatever the layouts check: it resolves the clinic and the
 * session itself, and lib/ answers another clinic's invoice as not-found (the read is audited).
 */
export async function GET(_request: Request, { params }: { params: Promise<{ tenant: string; id: string }> }) {
  const { tenant, id } = await params;
  await requireTenantForSegment(tenant);
  const ctx = await requireStaff('emr', 'billing.view');
  let invoice;
  try {
    // Read for its PDF: audited as a download (a draft has none: not-found).
    invoice = await getInvoice(getDb(), ctx, id, { as: 'pdf' });
  } catch (error) {
    if (error instanceof NotFoundError) return notFound();
    throw error;
  }
  // A draft is not an invoice yet: it has no number and the patient has not been sent it.
  if (invoice.status === 'draft') return notFound();
  const profile = await getTenantProfile(ctx.tenant.id);
  const bytes = await renderInvoicePdf(invoicePdfInput(invoice, profile?.branding.displayName ?? ctx.tenant.name), 'en');
  return pdf(bytes, billingPdfFilename('invoice', invoice.label));
}

function pdf(bytes: Uint8Array, filename: string): Response {
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Content-Length': String(bytes.length),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

function notFound(): Response {
  return new Response('Not found\n', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
}
