import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { getPortalInvoice } from '@/lib/billing/invoice-reads';
import { billingPdfFilename, invoicePdfInput, renderInvoicePdf } from '@/lib/billing/pdf';
import { toLocale } from '@/lib/i18n/core';
import { requireTenantForSegment } from '@/lib/tenancy/request-tenant';
import { clinicOf } from '../../../billing-page';
import { notFoundResponse, pdfResponse } from '../../../pdf-response';

export const runtime = 'nodejs';

/**
 * The invoice as a PDF, in the patient's language. A route handler is a public endpoint whatever
 * the layouts check: it resolves the clinic from the host and the session itself, and lib/ reads
 * the invoice only if it is the selected patient's and the clinic shows billing in the portal.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ tenant: string; id: string }> }) {
  const { tenant, id } = await params;
  await requireTenantForSegment(tenant);
  const portal = await requirePortalPatient();
  let invoice;
  try {
    invoice = await getPortalInvoice(getDb(), portal, id);
  } catch (error) {
    if (error instanceof NotFoundError) return notFoundResponse();
    throw error;
  }
  const clinic = await clinicOf(portal);
  const bytes = await renderInvoicePdf(invoicePdfInput(invoice, clinic.name), toLocale(portal.account.language));
  return pdfResponse(bytes, billingPdfFilename('invoice', invoice.label));
}
